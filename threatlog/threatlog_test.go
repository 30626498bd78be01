package threatlog_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/kg"
	"marrakechgraph/storetest"
	"marrakechgraph/threatlog"
)

var cit = []kg.Citation{{Document: "test", Section: "test", Quote: "test"}}

// fixture opens a store of the backend with three NHRIs in three regions,
// threat and perpetrator types and a channel.
func fixture(t *testing.T, backend storetest.Backend) (*threatlog.Log, kg.Store) {
	t.Helper()
	s := backend.Open(t)
	loadFixture(t, s)
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); now = now.Add(time.Second); return now }
	return &threatlog.Log{Store: s, Now: clock}, s
}

// loadFixture writes the fixture's nodes into s.
func loadFixture(t testing.TB, s kg.Store) {
	t.Helper()
	node := func(id string, k kg.Kind, props kg.Props) kg.Node {
		return kg.Node{ID: id, Kind: k, Name: id, Props: props, Citations: cit}
	}
	_, err := s.Apply(context.Background(), kg.ChangeSet{Actor: "test", PutNodes: []kg.Node{
		// An NHRI's region is its country's, whatever region the chart
		// records for it (Europe, for the Kenyan one here), or none.
		node("nhri:ke", kg.KindNHRI, kg.Props{kg.PropCountry: "KE", kg.PropRegion: "Europe"}),
		node("nhri:mx", kg.KindNHRI, kg.Props{kg.PropCountry: "MX", kg.PropRegion: "Americas"}),
		node("nhri:de", kg.KindNHRI, kg.Props{kg.PropCountry: "DE"}),
		node("country:ke", kg.KindCountry, kg.Props{kg.PropCode: "KE", kg.PropRegion: "Africa"}),
		node("country:mx", kg.KindCountry, kg.Props{kg.PropCode: "MX", kg.PropRegion: "Americas"}),
		node("country:de", kg.KindCountry, kg.Props{kg.PropCode: "DE", kg.PropRegion: "Europe"}),
		node("threat-type:smear-campaigns", kg.KindThreatType, nil),
		node("threat-type:reprisals", kg.KindThreatType, nil),
		node("perpetrator-type:government-officials", kg.KindPerpetratorType, nil),
		node("mechanism:un-asg-reprisals", kg.KindMechanism, nil),
	}, PutEdges: []kg.Edge{
		{Type: kg.RelLocatedIn, From: "nhri:de", To: "country:de", Citations: cit},
		{Type: kg.RelLocatedIn, From: "nhri:ke", To: "country:ke", Citations: cit},
		{Type: kg.RelLocatedIn, From: "nhri:mx", To: "country:mx", Citations: cit},
	}})
	require.NoError(t, err)
}

func date(s string) *kg.Date { d := kg.Date(s); return &d }

func TestReportUpdateRespondAndHistory(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		ctx := context.Background()
		l, s := fixture(t, backend)
		feed := &threatlog.Feed{}
		l.Feed = feed
		sub, cancel := context.WithCancel(ctx)
		defer cancel()
		events, err := feed.Subscribe(sub)
		require.NoError(t, err)

		inc, err := l.Report(ctx, "desk", threatlog.Report{
			NHRI: "nhri:ke", OccurredOn: date("2026-03-14"), Threats: []string{"threat-type:reprisals", "threat-type:smear-campaigns"},
			Perpetrators: []string{"perpetrator-type:government-officials"}, Targets: []threatlog.Target{threatlog.TargetMembersOrStaff},
			ReprisalForUNCooperation: true, ConsentToShare: false, Summary: "  Staff member threatened after briefing a treaty body.  ",
		})
		require.NoError(t, err)
		assert.Equal(t, "Staff member threatened after briefing a treaty body.", inc.Props.String(threatlog.PropSummary))
		assert.Equal(t, "OPEN", inc.Props.String(threatlog.PropStatus))
		select {
		case got := <-events:
			require.NotNil(t, got.Incident)
			assert.Equal(t, inc.ID, got.Incident.ID, "subscribers hear of the report")
		case <-time.After(time.Second):
			t.Fatal("no event")
		}

		resp, err := l.Respond(ctx, "desk", threatlog.ResponseInput{Incident: inc.ID, Channel: "mechanism:un-asg-reprisals", ActivatedOn: "2026-03-16", Outcome: "Case raised with the ASG."})
		require.NoError(t, err)
		assert.Equal(t, "desk", resp.Props.String(threatlog.PropActivatedBy))
		after, err := l.Incident(ctx, inc.ID)
		require.NoError(t, err)
		assert.Equal(t, "RESPONDING", after.Props.String(threatlog.PropStatus), "a response moves an open incident on")

		resolved := threatlog.StatusResolved
		_, err = l.Update(ctx, "lead", threatlog.Update{ID: inc.ID, Status: &resolved, Threats: []string{"threat-type:reprisals"}})
		require.NoError(t, err)
		ns, err := s.Neighbors(ctx, []string{inc.ID}, kg.NeighborQuery{Direction: kg.Outgoing, Types: []kg.RelType{kg.RelOfType}})
		require.NoError(t, err)
		require.Len(t, ns[0], 1)
		assert.Equal(t, "threat-type:reprisals", ns[0][0].Node.ID)

		h, err := l.History(ctx, inc.ID)
		require.NoError(t, err)
		_, err = l.History(ctx, "nhri:ke")
		assert.Equal(t, kg.CodeBadUserInput, kg.ErrorCode(err), "the threat log tells the history of incidents only")
		var ops []string
		for _, e := range h {
			ops = append(ops, e.Actor+" "+string(e.Op))
		}
		// Report: node, NHRI link, 2 threat links, perpetrator link; respond:
		// status update; update: status update and one threat link removed.
		assert.Equal(t, []string{"desk CREATE", "desk CREATE", "desk CREATE", "desk CREATE", "desk CREATE", "desk UPDATE", "lead UPDATE", "lead DELETE"}, ops)
		last := h[len(h)-2]
		assert.Contains(t, last.Before, `"status":"RESPONDING"`)
		assert.Contains(t, last.After, `"status":"RESOLVED"`)
	})
}

func TestReportRefusesBadInput(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		ctx := context.Background()
		l, s := fixture(t, backend)
		good := threatlog.Report{NHRI: "nhri:ke", Threats: []string{"threat-type:reprisals"}, Targets: []threatlog.Target{threatlog.TargetInstitution}, Summary: "x"}
		for name, mutate := range map[string]func(r *threatlog.Report){
			"unknown NHRI":         func(r *threatlog.Report) { r.NHRI = "nhri:zz" },
			"NHRI of another kind": func(r *threatlog.Report) { r.NHRI = "mechanism:un-asg-reprisals" },
			"no threats":           func(r *threatlog.Report) { r.Threats = nil },
			"unknown threat":       func(r *threatlog.Report) { r.Threats = []string{"threat-type:nope"} },
			"unknown perpetrator":  func(r *threatlog.Report) { r.Perpetrators = []string{"perpetrator-type:nope"} },
			"no targets":           func(r *threatlog.Report) { r.Targets = nil },
			"unknown target":       func(r *threatlog.Report) { r.Targets = []threatlog.Target{"PETS"} },
			"empty summary":        func(r *threatlog.Report) { r.Summary = "   " },
			"date in the future":   func(r *threatlog.Report) { r.OccurredOn = date("2099-01-01") },
			"date that is not one": func(r *threatlog.Report) { r.OccurredOn = date("2026-02-30") },
		} {
			t.Run(name, func(t *testing.T) {
				r := good
				mutate(&r)
				_, err := l.Report(ctx, "desk", r)
				assert.Equal(t, kg.CodeBadUserInput, kg.ErrorCode(err), "%v", err)
			})
		}
		st, err := s.Stats(ctx)
		require.NoError(t, err)
		assert.Zero(t, st.Nodes[kg.KindThreatIncident], "nothing was written")

		_, err = l.Respond(ctx, "desk", threatlog.ResponseInput{Incident: "incident:000000000000", Channel: "mechanism:un-asg-reprisals", ActivatedOn: "2026-01-01"})
		assert.Equal(t, kg.CodeNotFound, kg.ErrorCode(err))
	})
}

func TestListAndStats(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		ctx := context.Background()
		l, _ := fixture(t, backend)
		report := func(nhri, threat, day string, reprisal bool) {
			_, err := l.Report(ctx, "desk", threatlog.Report{NHRI: nhri, OccurredOn: date(day), Threats: []string{threat},
				Targets: []threatlog.Target{threatlog.TargetInstitution}, ReprisalForUNCooperation: reprisal, Summary: "s"})
			require.NoError(t, err)
		}
		report("nhri:ke", "threat-type:reprisals", "2025-05-01", true)
		report("nhri:ke", "threat-type:smear-campaigns", "2026-01-02", false)
		report("nhri:de", "threat-type:smear-campaigns", "2025-02-03", false)
		report("nhri:mx", "threat-type:smear-campaigns", "2026-02-03", false)

		count := func(f threatlog.Filter) int {
			p, err := l.List(ctx, f, 10, "")
			require.NoError(t, err)
			return p.TotalCount
		}
		yes := true
		assert.Equal(t, 4, count(threatlog.Filter{}))
		assert.Equal(t, 2, count(threatlog.Filter{NHRI: "nhri:ke"}))
		assert.Equal(t, 1, count(threatlog.Filter{Region: "Americas"}))
		assert.Equal(t, 1, count(threatlog.Filter{Region: "Europe"}), "the region of the NHRI's country, not the one the chart records")
		assert.Equal(t, 2, count(threatlog.Filter{Region: "Africa"}), "the region of the NHRI's country, not the one the chart records")
		assert.Equal(t, 2, count(threatlog.Filter{Country: "ke"}))
		assert.Equal(t, 0, count(threatlog.Filter{Country: "FR"}))
		assert.Equal(t, 3, count(threatlog.Filter{Threat: "threat-type:smear-campaigns"}))
		assert.Equal(t, 2, count(threatlog.Filter{Year: 2026}))
		assert.Equal(t, 1, count(threatlog.Filter{ReprisalForUNCooperation: &yes}))

		p, err := l.List(ctx, threatlog.Filter{}, 10, "")
		require.NoError(t, err)
		assert.Equal(t, "2026-02-03", p.Nodes[0].Props.String(threatlog.PropOccurredOn), "newest report first")

		rows, err := l.Stats(ctx, []threatlog.Dimension{threatlog.ByRegion, threatlog.ByYear})
		require.NoError(t, err)
		type row struct {
			region          string
			year, n, repris int
		}
		var got []row
		for _, r := range rows {
			got = append(got, row{string(*r.Region()), *r.Year(), r.Count(), r.Reprisals()})
		}
		assert.Equal(t, []row{{"Africa", 2025, 1, 1}, {"Africa", 2026, 1, 0}, {"Americas", 2026, 1, 0}, {"Europe", 2025, 1, 0}}, got)

		rows, err = l.Stats(ctx, []threatlog.Dimension{threatlog.ByMonth, threatlog.ByRegion})
		require.NoError(t, err)
		type monthRow struct {
			region, month string
			n, repris     int
		}
		var months []monthRow
		for _, r := range rows {
			assert.Nil(t, r.Year(), "not grouped by year")
			months = append(months, monthRow{string(*r.Region()), *r.Month(), r.Count(), r.Reprisals()})
		}
		assert.Equal(t, []monthRow{{"Africa", "2025-05", 1, 1}, {"Africa", "2026-01", 1, 0}, {"Americas", "2026-02", 1, 0}, {"Europe", "2025-02", 1, 0}}, months)

		// By status: one incident moves on.
		p, err = l.List(ctx, threatlog.Filter{Region: "Americas"}, 1, "")
		require.NoError(t, err)
		resolved := threatlog.StatusResolved
		_, err = l.Update(ctx, "desk", threatlog.Update{ID: p.Nodes[0].ID, Status: &resolved})
		require.NoError(t, err)
		rows, err = l.Stats(ctx, []threatlog.Dimension{threatlog.ByStatus, threatlog.ByRegion})
		require.NoError(t, err)
		type statusRow struct {
			region string
			status threatlog.Status
			n      int
		}
		var statuses []statusRow
		for _, r := range rows {
			assert.Nil(t, r.Month(), "not grouped by month")
			statuses = append(statuses, statusRow{string(*r.Region()), *r.Status(), r.Count()})
		}
		assert.Equal(t, []statusRow{{"Africa", threatlog.StatusOpen, 2}, {"Americas", threatlog.StatusResolved, 1}, {"Europe", threatlog.StatusOpen, 1}}, statuses)

		rows, err = l.Stats(ctx, []threatlog.Dimension{threatlog.ByThreatType})
		require.NoError(t, err)
		require.Len(t, rows, 2)
		assert.Equal(t, "threat-type:reprisals", rows[0].ThreatType().ID())
		assert.Equal(t, 3, rows[1].Count())
		assert.Nil(t, rows[0].Region(), "not grouped by region")
		assert.Nil(t, rows[0].Year(), "not grouped by year")
		assert.Nil(t, rows[0].Month(), "not grouped by month")

		_, err = l.Stats(ctx, []threatlog.Dimension{"COLOUR"})
		assert.Equal(t, kg.CodeBadUserInput, kg.ErrorCode(err))
	})
}

func TestFeedDropsSlowSubscribers(t *testing.T) {
	f := &threatlog.Feed{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	slow, err := f.Subscribe(ctx)
	require.NoError(t, err)
	for i := 0; i < 100; i++ {
		f.Publish(&kg.Node{ID: "incident:x"}, uint64(i+1))
	}
	n := 0
	for range slow {
		n++
	}
	assert.Less(t, n, 100, "a subscriber that does not read is disconnected, not waited for")
}

// TestStatsAreNeverStale: statistics counted once are used again only
// while the store has not changed. A report, an update that moves an
// incident to another year, and (on Neo4j) a report through a second
// instance each show in the very next statistics.
func TestStatsAreNeverStale(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		ctx := context.Background()
		l, s := fixture(t, backend)
		byYear := func(l *threatlog.Log) map[int]int {
			rows, err := l.Stats(ctx, []threatlog.Dimension{threatlog.ByYear})
			require.NoError(t, err)
			out := map[int]int{}
			for _, r := range rows {
				out[*r.Year()] = r.Count()
			}
			return out
		}
		report := func(l *threatlog.Log, day string) string {
			inc, err := l.Report(ctx, "desk", threatlog.Report{NHRI: "nhri:ke", OccurredOn: date(day), Threats: []string{"threat-type:reprisals"},
				Targets: []threatlog.Target{threatlog.TargetInstitution}, Summary: "s"})
			require.NoError(t, err)
			return inc.ID
		}
		id := report(l, "2025-05-01")
		assert.Equal(t, map[int]int{2025: 1}, byYear(l))
		assert.Equal(t, map[int]int{2025: 1}, byYear(l), "asked again, unchanged")
		report(l, "2025-06-01")
		assert.Equal(t, map[int]int{2025: 2}, byYear(l), "a report counts at once")
		_, err := l.Update(ctx, "desk", threatlog.Update{ID: id, OccurredOn: date("2024-01-01")})
		require.NoError(t, err)
		assert.Equal(t, map[int]int{2024: 1, 2025: 1}, byYear(l), "an update counts at once")
		byRegion := func() map[string]int {
			rows, err := l.Stats(ctx, []threatlog.Dimension{threatlog.ByRegion})
			require.NoError(t, err)
			out := map[string]int{}
			for _, r := range rows {
				out[string(*r.Region())] = r.Count()
			}
			return out
		}
		assert.Equal(t, map[string]int{"Africa": 2}, byRegion())
		// An NHRI's region is its country's: the country moves.
		_, err = s.Apply(ctx, kg.ChangeSet{Actor: "test", PutNodes: []kg.Node{{ID: "country:ke", Kind: kg.KindCountry, Name: "country:ke",
			Props: kg.Props{kg.PropCode: "KE", kg.PropRegion: "Europe"}, Citations: cit}}})
		require.NoError(t, err)
		assert.Equal(t, map[string]int{"Europe": 2}, byRegion(), "a change of the graph alone counts at once")
		if backend.Another == nil {
			return
		}
		other := &threatlog.Log{Store: backend.Another(t), Now: l.Now}
		report(other, "2023-03-03")
		assert.Equal(t, map[int]int{2023: 1, 2024: 1, 2025: 1}, byYear(l), "a report through another instance counts at once")
		assert.Equal(t, map[string]int{"Europe": 3}, byRegion(), "and so does its region")
	})
}
