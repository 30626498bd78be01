package threatlog

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"marrakechgraph/kg"
)

// Filter selects incidents; zero fields do not filter.
type Filter struct {
	NHRI                     string
	Country                  string
	Region                   string
	Threat                   string
	Status                   Status
	Year                     int
	ReprisalForUNCooperation *bool
}

// List returns a page of the incidents that match the filter, newest report
// first: first of them (1 to kg.MaxPageSize) after the cursor after ("" for
// the first page).
func (l *Log) List(ctx context.Context, f Filter, first int, after string) (*kg.Page, error) {
	q, err := l.query(ctx, f, first, after)
	if err != nil {
		return nil, err
	}
	return l.Store.Find(ctx, q)
}

// query returns the store query for a page of incidents.
func (l *Log) query(ctx context.Context, f Filter, first int, after string) (kg.FindQuery, error) {
	q := kg.FindQuery{Kind: kg.KindThreatIncident, OrderBy: PropReportedAt, Desc: true, First: first, After: after}
	if f.NHRI != "" {
		q.Related = append(q.Related, kg.RelFilter{Types: []kg.RelType{kg.RelConcerns}, Direction: kg.Outgoing, IDs: []string{f.NHRI}})
	}
	if f.Country != "" || f.Region != "" {
		nq := kg.FindQuery{Kind: kg.KindNHRI, OrderBy: kg.OrderByID}
		if f.Country != "" {
			nq.Props = append(nq.Props, kg.PropFilter{Key: kg.PropCountry, Values: []any{strings.ToUpper(f.Country)}})
		}
		nhris, err := kg.FindAll(ctx, l.Store, nq)
		if err != nil {
			return q, err
		}
		region := map[string]string{}
		if f.Region != "" {
			if region, err = regions(ctx, l.Store, nhris); err != nil {
				return q, err
			}
		}
		ids := []string{}
		for _, n := range nhris {
			if f.Region == "" || region[n.ID] == f.Region {
				ids = append(ids, n.ID)
			}
		}
		q.Related = append(q.Related, kg.RelFilter{Types: []kg.RelType{kg.RelConcerns}, Direction: kg.Outgoing, IDs: ids})
	}
	if f.Threat != "" {
		q.Related = append(q.Related, kg.RelFilter{Types: []kg.RelType{kg.RelOfType}, Direction: kg.Outgoing, IDs: []string{f.Threat}})
	}
	if f.Status != "" {
		q.Props = append(q.Props, kg.PropFilter{Key: PropStatus, Values: []any{string(f.Status)}})
	}
	if f.Year != 0 {
		q.Props = append(q.Props, kg.PropFilter{Key: kg.PropYear, Values: []any{int64(f.Year)}})
	}
	if f.ReprisalForUNCooperation != nil {
		q.Props = append(q.Props, kg.PropFilter{Key: PropReprisal, Values: []any{*f.ReprisalForUNCooperation}})
	}
	return q, q.Validate()
}

// Dimension is what statistics are grouped by.
type Dimension string

// Dimensions.
const (
	ByRegion     Dimension = "REGION"
	ByThreatType Dimension = "THREAT_TYPE"
	ByYear       Dimension = "YEAR"
	ByMonth      Dimension = "MONTH"
)

// StatRow counts the incidents of one group; a dimension the statistics
// are not grouped by is nil.
type StatRow struct {
	region           string
	threatType       *kg.Node
	year             int
	month            string
	byRegion, byYear bool
	byMonth          bool
	count, reprisals int
}

// Region is the region of the group's NHRIs' country ("" when unknown),
// when grouped by region.
func (r *StatRow) Region() *kg.Region {
	if !r.byRegion {
		return nil
	}
	region := kg.Region(r.region)
	return &region
}

// ThreatType is the group's kind of threat, when grouped by threat type.
func (r *StatRow) ThreatType() *kg.ThreatType {
	if r.threatType == nil {
		return nil
	}
	t, ok := kg.ViewAs[kg.ThreatType](r.threatType)
	if !ok {
		return nil
	}
	return &t
}

// Year is the year the group's incidents occurred (or, undated, were
// reported), when grouped by year.
func (r *StatRow) Year() *int {
	if !r.byYear {
		return nil
	}
	return &r.year
}

// Month is the month ("YYYY-MM") the group's incidents occurred (or,
// undated, were reported), when grouped by month.
func (r *StatRow) Month() *string {
	if !r.byMonth {
		return nil
	}
	return &r.month
}

// Count is the number of incidents of the group.
func (r *StatRow) Count() int { return r.count }

// Reprisals is how many of them are reprisals for cooperation with the UN.
func (r *StatRow) Reprisals() int { return r.reprisals }

// Stats counts incidents grouped by the given dimensions. An incident of
// several threat types counts once in each when grouped by threat type;
// its region is that of its NHRI's country (see regions; "" when unknown).
func (l *Log) Stats(ctx context.Context, groupBy []Dimension) ([]*StatRow, error) {
	by := map[Dimension]bool{}
	for _, d := range groupBy {
		if d != ByRegion && d != ByThreatType && d != ByYear && d != ByMonth {
			return nil, kg.Errorf(kg.CodeBadUserInput, "groupBy: unknown dimension %q", d)
		}
		by[d] = true
	}
	tallies, err := l.tally(ctx, by)
	if err != nil {
		return nil, err
	}
	type key struct {
		region, threat, month string
		year                  int
	}
	region := map[string]string{}
	threatTypes := map[string]*kg.Node{}
	if by[ByRegion] || by[ByThreatType] {
		var nhris, threats []string
		seen := map[string]bool{}
		for k := range tallies {
			if k.nhri != "" && !seen[k.nhri] {
				seen[k.nhri] = true
				nhris = append(nhris, k.nhri)
			}
			if k.threat != "" && !seen[k.threat] {
				seen[k.threat] = true
				threats = append(threats, k.threat)
			}
		}
		if by[ByRegion] {
			ns, err := l.Store.Nodes(ctx, nhris)
			if err != nil {
				return nil, err
			}
			if region, err = regions(ctx, l.Store, slices.DeleteFunc(ns, func(n *kg.Node) bool { return n == nil })); err != nil {
				return nil, err
			}
		}
		if by[ByThreatType] {
			ns, err := l.Store.Nodes(ctx, threats)
			if err != nil {
				return nil, err
			}
			for _, n := range ns {
				if n != nil {
					threatTypes[n.ID] = n
				}
			}
		}
	}
	rows := map[key]*StatRow{}
	for raw, t := range tallies {
		k := key{region: region[raw.nhri], year: raw.year, month: raw.month}
		var threat *kg.Node
		if by[ByThreatType] {
			if threat = threatTypes[raw.threat]; threat == nil {
				continue
			}
			k.threat = threat.ID
		}
		r := rows[k]
		if r == nil {
			r = &StatRow{region: k.region, threatType: threat, year: k.year, month: k.month,
				byRegion: by[ByRegion], byYear: by[ByYear], byMonth: by[ByMonth]}
			rows[k] = r
		}
		r.count += t.count
		r.reprisals += t.reprisals
	}
	out := make([]*StatRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *StatRow) int {
		if c := strings.Compare(a.region, b.region); c != 0 {
			return c
		}
		if c := cmp.Compare(a.year, b.year); c != 0 {
			return c
		}
		if c := strings.Compare(a.month, b.month); c != 0 {
			return c
		}
		return strings.Compare(threatID(a), threatID(b))
	})
	return out, nil
}

// tallyKey groups incidents as finely as the statistics need, before
// regions and threat types are looked up: by NHRI ("" when not grouped by
// region or when none), threat type ("" when not grouped by it), year
// (0 when not grouped by it) and month ("" when not grouped by it).
type tallyKey struct {
	nhri, threat, month string
	year                int
}

// tally counts incidents and reprisals.
type tally struct{ count, reprisals int }

// tallies counts what Stats needs of every incident, grouped by tallyKey:
// there are far fewer such groups than incidents, so nothing is kept for
// each incident. On a store that holds the graph in memory
// (kg.KindScanner) it is one walk without copies, else page by page. An
// incident of several threat types counts once under each, when grouped by
// threat type.
type tallies map[tallyKey]*tally

func (t tallies) add(k tallyKey, threats []string, reprisal bool) {
	add := func(k tallyKey) {
		c := t[k]
		if c == nil {
			c = &tally{}
			t[k] = c
		}
		c.count++
		if reprisal {
			c.reprisals++
		}
	}
	if threats == nil {
		add(k)
		return
	}
	for _, th := range threats {
		k.threat = th
		add(k)
	}
}

// versioner is a store that tells its version: the sequence number of its
// last change set, which every change raises.
type versioner interface {
	LastSeq(ctx context.Context) (uint64, error)
}

// talliesMemo keeps, for each grouping, the tallies last counted and the
// store version they were counted at. They are used again only while the
// store's version is the same, so they are never stale: a change anywhere
// (on Neo4j, through any instance) raises the version.
type talliesMemo struct {
	mu   sync.Mutex
	kept map[string]keptTallies
}

type keptTallies struct {
	version uint64
	tallies tallies
}

// tally counts incidents grouped as by says, or returns what was counted
// for the same grouping at the store's current version. The version is
// read before counting, so tallies are never kept under a version newer
// than what they counted.
func (l *Log) tally(ctx context.Context, by map[Dimension]bool) (tallies, error) {
	v, ok := l.Store.(versioner)
	if !ok {
		return l.count(ctx, by)
	}
	version, err := v.LastSeq(ctx)
	if err != nil {
		return nil, err
	}
	grouping := fmt.Sprint(by[ByRegion], by[ByThreatType], by[ByYear], by[ByMonth])
	m := &l.tallied
	m.mu.Lock()
	kept, hit := m.kept[grouping]
	m.mu.Unlock()
	if hit && kept.version == version {
		return kept.tallies, nil
	}
	t, err := l.count(ctx, by)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.kept == nil {
		m.kept = map[string]keptTallies{}
	}
	if old, ok := m.kept[grouping]; !ok || old.version <= version {
		m.kept[grouping] = keptTallies{version, t}
	}
	return t, nil
}

// count counts incidents grouped as by says, reading every incident.
func (l *Log) count(ctx context.Context, by map[Dimension]bool) (tallies, error) {
	out := tallies{}
	// key gives an incident its group but for its threat types, which
	// are added one by one.
	byYear, byMonth, byRegion := by[ByYear], by[ByMonth], by[ByRegion]
	key := func(inc Incident, nhri string) tallyKey {
		var k tallyKey
		if byYear {
			k.year = inc.Year()
		}
		if byMonth {
			k.month = inc.Month()
		}
		if byRegion {
			k.nhri = nhri
		}
		return k
	}
	if scanner, ok := l.Store.(kg.KindScanner); ok {
		// Only the relationships the grouping needs are followed.
		var follow []kg.RelType
		nhriAt, threatsAt := -1, -1
		if by[ByRegion] {
			nhriAt, follow = len(follow), append(follow, kg.RelConcerns)
		}
		if by[ByThreatType] {
			threatsAt, follow = len(follow), append(follow, kg.RelOfType)
		}
		err := scanner.ScanKind(ctx, kg.KindThreatIncident, follow, func(n *kg.Node, targets [][]string) error {
			inc := IncidentOf(n)
			var nhri string
			if nhriAt >= 0 && len(targets[nhriAt]) > 0 {
				nhri = targets[nhriAt][0]
			}
			var threats []string
			if threatsAt >= 0 {
				threats = targets[threatsAt]
				if threats == nil {
					threats = []string{}
				}
			}
			out.add(key(inc, nhri), threats, inc.ReprisalForUNCooperation())
			return nil
		})
		return out, err
	}
	incidents, err := kg.FindAll(ctx, l.Store, kg.FindQuery{Kind: kg.KindThreatIncident, OrderBy: kg.OrderByID})
	if err != nil {
		return nil, err
	}
	if len(incidents) == 0 {
		return out, nil
	}
	ids := make([]string, len(incidents))
	for i, n := range incidents {
		ids[i] = n.ID
	}
	nhris := make([]string, len(incidents))
	if by[ByRegion] {
		found, err := l.Store.Neighbors(ctx, ids, kg.NeighborQuery{Direction: kg.Outgoing, Types: []kg.RelType{kg.RelConcerns}})
		if err != nil {
			return nil, err
		}
		for i, ns := range found {
			if len(ns) > 0 {
				nhris[i] = ns[0].Node.ID
			}
		}
	}
	threats := make([][]string, len(incidents))
	if by[ByThreatType] {
		found, err := l.Store.Neighbors(ctx, ids, kg.NeighborQuery{Direction: kg.Outgoing, Types: []kg.RelType{kg.RelOfType}})
		if err != nil {
			return nil, err
		}
		for i, ns := range found {
			threats[i] = []string{}
			for _, nb := range ns {
				threats[i] = append(threats[i], nb.Node.ID)
			}
		}
	}
	for i, n := range incidents {
		inc := IncidentOf(n)
		out.add(key(inc, nhris[i]), threats[i], inc.ReprisalForUNCooperation())
	}
	return out, nil
}

func threatID(r *StatRow) string {
	if r.threatType == nil {
		return ""
	}
	return r.threatType.ID
}

// regions gives each NHRI its region: the region of its country (see
// kg.Region), "" when it has none.
func regions(ctx context.Context, s kg.NeighborReader, nhris []*kg.Node) (map[string]string, error) {
	out := map[string]string{}
	var ids []string
	for _, n := range nhris {
		if _, seen := out[n.ID]; !seen {
			out[n.ID] = ""
			ids = append(ids, n.ID)
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	located, err := s.Neighbors(ctx, ids, kg.NeighborQuery{Direction: kg.Outgoing, Types: []kg.RelType{kg.RelLocatedIn}, Kinds: []kg.Kind{kg.KindCountry}})
	if err != nil {
		return nil, err
	}
	for i, id := range ids {
		if len(located[i]) > 0 {
			country, _ := kg.ViewAs[kg.Country](located[i][0].Node)
			out[id] = string(country.Region())
		}
	}
	return out, nil
}
