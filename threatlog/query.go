package threatlog

import (
	"cmp"
	"context"
	"slices"
	"strings"

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
)

// StatRow counts the incidents of one group; a dimension the statistics
// are not grouped by is nil.
type StatRow struct {
	region           string
	threatType       *kg.Node
	year             int
	byRegion, byYear bool
	count, reprisals int
}

// Region is the GANHRI region of the group's NHRIs ("" when unknown), when
// grouped by region.
func (r *StatRow) Region() *string {
	if !r.byRegion {
		return nil
	}
	return &r.region
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

// Count is the number of incidents of the group.
func (r *StatRow) Count() int { return r.count }

// Reprisals is how many of them are reprisals for cooperation with the UN.
func (r *StatRow) Reprisals() int { return r.reprisals }

// Stats counts incidents grouped by the given dimensions. An incident of
// several threat types counts once in each when grouped by threat type;
// its region is that of its NHRI (see regions; "" when unknown).
func (l *Log) Stats(ctx context.Context, groupBy []Dimension) ([]*StatRow, error) {
	by := map[Dimension]bool{}
	for _, d := range groupBy {
		if d != ByRegion && d != ByThreatType && d != ByYear {
			return nil, kg.Errorf(kg.CodeBadUserInput, "groupBy: unknown dimension %q", d)
		}
		by[d] = true
	}
	facts, err := l.statFacts(ctx, by)
	if err != nil {
		return nil, err
	}
	type key struct {
		region, threat string
		year           int
	}
	region := map[string]string{}
	threatTypes := map[string]*kg.Node{}
	if by[ByRegion] || by[ByThreatType] {
		var nhris, threats []string
		seen := map[string]bool{}
		for _, f := range facts {
			if f.nhri != "" && !seen[f.nhri] {
				seen[f.nhri] = true
				nhris = append(nhris, f.nhri)
			}
			for _, t := range f.threats {
				if !seen[t] {
					seen[t] = true
					threats = append(threats, t)
				}
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
	for _, f := range facts {
		k := key{}
		if by[ByRegion] {
			k.region = region[f.nhri]
		}
		if by[ByYear] {
			k.year = f.year
		}
		types := []*kg.Node{nil}
		if by[ByThreatType] {
			types = types[:0]
			for _, t := range f.threats {
				if n := threatTypes[t]; n != nil {
					types = append(types, n)
				}
			}
		}
		for _, t := range types {
			kk := k
			if t != nil {
				kk.threat = t.ID
			}
			r := rows[kk]
			if r == nil {
				r = &StatRow{region: k.region, threatType: t, year: k.year, byRegion: by[ByRegion], byYear: by[ByYear]}
				rows[kk] = r
			}
			r.count++
			if f.reprisal {
				r.reprisals++
			}
		}
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
		return strings.Compare(threatID(a), threatID(b))
	})
	return out, nil
}

// statFact is what the statistics need of one incident.
type statFact struct {
	year     int
	reprisal bool
	// nhri is the NHRI it concerns ("" when none), threats its threat
	// types, each read only when the grouping needs it.
	nhri    string
	threats []string
}

// statFacts reads what the statistics need of every incident: in one walk
// without copies on a store that holds the graph in memory
// (kg.KindScanner), else page by page.
func (l *Log) statFacts(ctx context.Context, by map[Dimension]bool) ([]statFact, error) {
	rels := []kg.RelType{kg.RelConcerns, kg.RelOfType}
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
		var facts []statFact
		err := scanner.ScanKind(ctx, kg.KindThreatIncident, follow, func(n *kg.Node, targets [][]string) error {
			inc := IncidentOf(n)
			f := statFact{year: inc.Year(), reprisal: inc.ReprisalForUNCooperation()}
			if nhriAt >= 0 && len(targets[nhriAt]) > 0 {
				f.nhri = targets[nhriAt][0]
			}
			if threatsAt >= 0 {
				f.threats = slices.Clone(targets[threatsAt])
			}
			facts = append(facts, f)
			return nil
		})
		return facts, err
	}
	incidents, err := kg.FindAll(ctx, l.Store, kg.FindQuery{Kind: kg.KindThreatIncident, OrderBy: kg.OrderByID})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(incidents))
	facts := make([]statFact, len(incidents))
	for i, n := range incidents {
		ids[i] = n.ID
		inc := IncidentOf(n)
		facts[i] = statFact{year: inc.Year(), reprisal: inc.ReprisalForUNCooperation()}
	}
	if len(ids) == 0 {
		return facts, nil
	}
	if by[ByRegion] {
		nhris, err := l.Store.Neighbors(ctx, ids, kg.NeighborQuery{Direction: kg.Outgoing, Types: rels[:1]})
		if err != nil {
			return nil, err
		}
		for i, ns := range nhris {
			if len(ns) > 0 {
				facts[i].nhri = ns[0].Node.ID
			}
		}
	}
	if by[ByThreatType] {
		threats, err := l.Store.Neighbors(ctx, ids, kg.NeighborQuery{Direction: kg.Outgoing, Types: rels[1:]})
		if err != nil {
			return nil, err
		}
		for i, ns := range threats {
			for _, nb := range ns {
				facts[i].threats = append(facts[i].threats, nb.Node.ID)
			}
		}
	}
	return facts, nil
}

func threatID(r *StatRow) string {
	if r.threatType == nil {
		return ""
	}
	return r.threatType.ID
}

// regions gives each NHRI its GANHRI region: the one the chart gives it
// (its region property), else its country's.
func regions(ctx context.Context, s kg.NeighborReader, nhris []*kg.Node) (map[string]string, error) {
	out := map[string]string{}
	var rest []string
	seen := map[string]bool{}
	for _, n := range nhris {
		if seen[n.ID] {
			continue
		}
		seen[n.ID] = true
		if nhri, _ := kg.ViewAs[kg.NHRI](n); nhri.Region() != nil {
			out[n.ID] = *nhri.Region()
		} else {
			rest = append(rest, n.ID)
		}
	}
	if len(rest) == 0 {
		return out, nil
	}
	located, err := s.Neighbors(ctx, rest, kg.NeighborQuery{Direction: kg.Outgoing, Types: []kg.RelType{kg.RelLocatedIn}, Kinds: []kg.Kind{kg.KindCountry}})
	if err != nil {
		return nil, err
	}
	for i, id := range rest {
		if len(located[i]) > 0 {
			country, _ := kg.ViewAs[kg.Country](located[i][0].Node)
			out[id] = country.Region()
		}
	}
	return out, nil
}
