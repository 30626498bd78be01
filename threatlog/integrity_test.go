package threatlog_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/kg"
	"marrakechgraph/seed"
	"marrakechgraph/storetest"
	"marrakechgraph/threatlog"
)

// An update of an incident made while a response is recorded for it: both
// are kept, every time. Each is a read-modify-write of the incident, so
// without a precondition the later write puts back what it read and loses
// the other's change.
func TestConcurrentUpdateAndResponseAreBothKept(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		ctx := context.Background()
		l, s := fixture(t, backend)
		const runs = 10
		for run := range runs {
			inc, err := l.Report(ctx, "desk", threatlog.Report{NHRI: "nhri:ke", Threats: []string{"threat-type:reprisals"},
				Targets: []threatlog.Target{threatlog.TargetInstitution}, Summary: "Reported summary."})
			require.NoError(t, err)
			summary := fmt.Sprintf("Corrected summary, run %d.", run)
			start := make(chan struct{})
			var wg sync.WaitGroup
			var updateErr, respondErr error
			wg.Go(func() {
				<-start
				_, updateErr = l.Update(ctx, "lead", threatlog.Update{ID: inc.ID, Summary: &summary})
			})
			wg.Go(func() {
				<-start
				_, respondErr = l.Respond(ctx, "desk", threatlog.ResponseInput{Incident: inc.ID, Channel: "mechanism:un-asg-reprisals", ActivatedOn: "2026-03-16"})
			})
			close(start)
			wg.Wait()
			require.NoError(t, updateErr, "run %d: the update", run)
			require.NoError(t, respondErr, "run %d: the response", run)

			got, err := l.Incident(ctx, inc.ID)
			require.NoError(t, err)
			assert.Equal(t, summary, got.Props.String(threatlog.PropSummary), "run %d: the summary edit is kept", run)
			assert.Equal(t, string(threatlog.StatusResponding), got.Props.String(threatlog.PropStatus), "run %d: the response's status change is kept", run)
			assert.Equal(t, int64(3), got.Version, "run %d: reported, then changed twice", run)
			responses, err := s.Neighbors(ctx, []string{inc.ID}, kg.NeighborQuery{Direction: kg.Incoming, Types: []kg.RelType{kg.RelRespondsTo}})
			require.NoError(t, err)
			assert.Len(t, responses[0], 1, "run %d: the response is recorded once", run)
		}
	})
}

// Updates of different fields of one incident, all at once: none is lost,
// the relationships to threat types included.
func TestConcurrentUpdatesAreAllKept(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		ctx := context.Background()
		l, s := fixture(t, backend)
		inc, err := l.Report(ctx, "desk", threatlog.Report{NHRI: "nhri:ke", Threats: []string{"threat-type:reprisals"},
			Targets: []threatlog.Target{threatlog.TargetInstitution}, Summary: "Reported summary."})
		require.NoError(t, err)
		summary, resolved, yes := "Corrected summary.", threatlog.StatusResolved, true
		updates := []threatlog.Update{
			{ID: inc.ID, Summary: &summary},
			{ID: inc.ID, Status: &resolved},
			{ID: inc.ID, ReprisalForUNCooperation: &yes},
			{ID: inc.ID, Perpetrators: []string{"perpetrator-type:government-officials"}},
		}
		start := make(chan struct{})
		errs := make([]error, len(updates))
		var wg sync.WaitGroup
		for i, u := range updates {
			wg.Go(func() {
				<-start
				_, errs[i] = l.Update(ctx, fmt.Sprintf("editor-%d", i), u)
			})
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			require.NoError(t, err, "update %d", i)
		}
		got, err := l.Incident(ctx, inc.ID)
		require.NoError(t, err)
		assert.Equal(t, summary, got.Props.String(threatlog.PropSummary))
		assert.Equal(t, string(resolved), got.Props.String(threatlog.PropStatus))
		reprisal, _ := got.Props.Bool(threatlog.PropReprisal)
		assert.True(t, reprisal)
		perps, err := s.Neighbors(ctx, []string{inc.ID}, kg.NeighborQuery{Direction: kg.Outgoing, Types: []kg.RelType{kg.RelAttributedTo}})
		require.NoError(t, err)
		require.Len(t, perps[0], 1)
		assert.Equal(t, "perpetrator-type:government-officials", perps[0][0].Node.ID)
		assert.Equal(t, int64(1+len(updates)), got.Version)
	})
}

// A new version of the seed that no longer holds an NHRI which incidents
// concern: loading it is refused, atomically, naming the NHRI and why but
// nothing of the incidents; the incidents keep their NHRI.
func TestReseedKeepsTheNHRIOfIncidents(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		ctx := context.Background()
		s := backend.Seeded(t)
		l := &threatlog.Log{Store: s}
		const nhri = "nhri:gt"
		inc, err := l.Report(ctx, "desk", threatlog.Report{NHRI: nhri, Threats: []string{"threat-type:reprisals"},
			Targets: []threatlog.Target{threatlog.TargetInstitution}, Summary: "Smear campaign after the report on protests."})
		require.NoError(t, err)
		ds, err := seed.Load()
		require.NoError(t, err)
		require.True(t, slices.ContainsFunc(ds.Nodes, func(n kg.Node) bool { return n.ID == nhri }), "the seed holds %s", nhri)

		next := &seed.Dataset{}
		for _, n := range ds.Nodes {
			if n.ID != nhri {
				next.Nodes = append(next.Nodes, n)
			}
		}
		for _, e := range ds.Edges {
			if e.From != nhri && e.To != nhri {
				next.Edges = append(next.Edges, e)
			}
		}
		before, err := s.LastSeq(ctx)
		require.NoError(t, err)
		statsBefore, err := s.Stats(ctx)
		require.NoError(t, err)

		_, err = seed.ApplyDataset(ctx, s, next)
		require.Equal(t, kg.CodeConflict, kg.ErrorCode(err), "%v", err)
		msg := kg.ClientMessage(err)
		assert.Contains(t, msg, nhri, "the refusal names the NHRI")
		assert.Contains(t, msg, "threat log", "and says why")
		assert.NotContains(t, msg, inc.ID, "but names no incident")
		assert.NotContains(t, msg, "Smear")

		after, err := s.LastSeq(ctx)
		require.NoError(t, err)
		assert.Equal(t, before, after, "nothing was written")
		statsAfter, err := s.Stats(ctx)
		require.NoError(t, err)
		assert.Equal(t, statsBefore, statsAfter)

		// threatIncident.nhri reads this relationship: it still leads to the NHRI.
		concerns, err := s.Neighbors(ctx, []string{inc.ID}, kg.NeighborQuery{Direction: kg.Outgoing, Types: []kg.RelType{kg.RelConcerns}, Kinds: []kg.Kind{kg.KindNHRI}})
		require.NoError(t, err)
		require.Len(t, concerns[0], 1, "the incident keeps its NHRI")
		assert.Equal(t, nhri, concerns[0][0].Node.ID)
	})
}

// meddler is a store on which another writer changes the incident between
// every read and write of the threat log: each write the log makes is
// preceded by one that changes the incident.
type meddler struct {
	kg.Store
	incident string
	writes   int
}

func (m *meddler) Apply(ctx context.Context, cs kg.ChangeSet) (*kg.ApplyResult, error) {
	if len(cs.Expect) > 0 {
		m.writes++
		got, err := m.Store.Nodes(ctx, []string{m.incident})
		if err != nil {
			return nil, err
		}
		n := got[0]
		n.Props[threatlog.PropSummary] = fmt.Sprintf("Changed by someone else, %d times.", m.writes)
		if _, err := m.Store.Apply(ctx, kg.ChangeSet{Actor: "someone else", PutNodes: []kg.Node{*n}}); err != nil {
			return nil, err
		}
	}
	return m.Store.Apply(ctx, cs)
}

// When the incident changes between every read and write, Update and
// Respond give up after a few attempts with CONFLICT, and write nothing.
func TestUpdateGivesUpOnEndlessConflicts(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		ctx := context.Background()
		l, s := fixture(t, backend)
		inc, err := l.Report(ctx, "desk", threatlog.Report{NHRI: "nhri:ke", Threats: []string{"threat-type:reprisals"},
			Targets: []threatlog.Target{threatlog.TargetInstitution}, Summary: "Reported summary."})
		require.NoError(t, err)
		m := &meddler{Store: s, incident: inc.ID}
		busy := &threatlog.Log{Store: m, Now: l.Now}

		resolved := threatlog.StatusResolved
		_, err = busy.Update(ctx, "lead", threatlog.Update{ID: inc.ID, Status: &resolved})
		require.Equal(t, kg.CodeConflict, kg.ErrorCode(err), "%v", err)
		assert.Contains(t, kg.ClientMessage(err), inc.ID)
		assert.Contains(t, kg.ClientMessage(err), "retry")
		assert.Equal(t, 5, m.writes, "a bounded number of attempts")

		_, err = busy.Respond(ctx, "desk", threatlog.ResponseInput{Incident: inc.ID, Channel: "mechanism:un-asg-reprisals", ActivatedOn: "2026-03-16"})
		require.Equal(t, kg.CodeConflict, kg.ErrorCode(err), "%v", err)

		got, err := l.Incident(ctx, inc.ID)
		require.NoError(t, err)
		assert.Equal(t, string(threatlog.StatusOpen), got.Props.String(threatlog.PropStatus), "the update was not written")
		assert.Equal(t, "Changed by someone else, 10 times.", got.Props.String(threatlog.PropSummary), "the other writer's changes are kept")
		responses, err := s.Neighbors(ctx, []string{inc.ID}, kg.NeighborQuery{Direction: kg.Incoming, Types: []kg.RelType{kg.RelRespondsTo}})
		require.NoError(t, err)
		assert.Empty(t, responses[0], "the response was not written")
	})
}
