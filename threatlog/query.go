package threatlog

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

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
	// OccurredFrom and OccurredTo keep the incidents that occurred on or
	// after, on or before these dates; an incident with no date of its own
	// is not kept by either.
	OccurredFrom, OccurredTo kg.Date
	// ReportedFrom and ReportedTo keep the incidents reported at or after,
	// at or before these instants, to the millisecond (as kg.DateTime shows
	// an instant).
	ReportedFrom, ReportedTo time.Time
	// Not keeps the incidents that its filter does not keep; Or, when set,
	// those that at least one of its filters keeps. Neither nests: a filter
	// in them has no Not or Or of its own.
	Not *Filter
	Or  []Filter
}

// Order is an order of incidents: by Field (PropOccurredOn, PropReportedAt
// or PropStatus), ties broken by ID. Incidents without a date of their own
// come last in ascending order by PropOccurredOn, first in descending order.
type Order struct {
	Field string
	Desc  bool
}

// NewestReportFirst is the order of List.
var NewestReportFirst = Order{Field: PropReportedAt, Desc: true}

// List returns a page of the incidents that match the filter, newest report
// first: first of them (1 to kg.MaxPageSize) after the cursor after ("" for
// the first page).
func (l *Log) List(ctx context.Context, f Filter, first int, after string) (*kg.Page, error) {
	return l.ListOrdered(ctx, f, NewestReportFirst, first, after)
}

// ListOrdered is List in the order o.
func (l *Log) ListOrdered(ctx context.Context, f Filter, o Order, first int, after string) (*kg.Page, error) {
	return l.Page(ctx, f, []Order{o}, Paging{First: first, After: after})
}

// Paging says which page of a list to read: First items after the cursor
// After, or Last items before the cursor Before (as kg.FindQuery).
type Paging struct {
	First  int
	After  string
	Last   int
	Before string
}

// Page returns a page of the incidents that match the filter, in an order
// of one to kg.MaxOrderKeys keys (ties broken by ID), forward or backward.
func (l *Log) Page(ctx context.Context, f Filter, orders []Order, p Paging) (*kg.Page, error) {
	q, err := l.query(ctx, f, orders, p)
	if err != nil {
		return nil, err
	}
	return l.Store.Find(ctx, q)
}

// query returns the store query for a page of incidents.
func (l *Log) query(ctx context.Context, f Filter, orders []Order, p Paging) (kg.FindQuery, error) {
	if len(orders) == 0 {
		orders = []Order{NewestReportFirst}
	}
	keys := make([]kg.Order, len(orders))
	for i, o := range orders {
		switch o.Field {
		case PropOccurredOn, PropReportedAt, PropStatus:
		default:
			return kg.FindQuery{}, kg.Errorf(kg.CodeBadUserInput, "orderBy: incidents cannot be ordered by %q", o.Field)
		}
		keys[i] = kg.Order{By: o.Field, Desc: o.Desc}
	}
	q := kg.FindQuery{Kind: kg.KindThreatIncident, First: p.First, After: p.After, Last: p.Last, Before: p.Before}
	if len(keys) == 1 {
		q.OrderBy, q.Desc = keys[0].By, keys[0].Desc
	} else {
		q.Orders = keys
	}
	if err := l.filter(ctx, &q, f); err != nil {
		return q, err
	}
	nested := func(f *Filter) error {
		if f.Not != nil || f.Or != nil {
			return kg.Errorf(kg.CodeBadUserInput, "filter: a filter in `not` or `or` takes no `not` or `or` of its own")
		}
		return nil
	}
	condition := func(f Filter) (kg.Condition, error) {
		if err := nested(&f); err != nil {
			return kg.Condition{}, err
		}
		c := kg.FindQuery{Kind: q.Kind}
		if err := l.filter(ctx, &c, f); err != nil {
			return kg.Condition{}, err
		}
		if len(c.Props) == 0 && len(c.Related) == 0 {
			return kg.Condition{}, kg.Errorf(kg.CodeBadUserInput, "filter: an empty filter in `not` or `or`")
		}
		return kg.Condition{Props: c.Props, Related: c.Related}, nil
	}
	if f.Not != nil {
		c, err := condition(*f.Not)
		if err != nil {
			return q, err
		}
		q.Not = append(q.Not, c)
	}
	if f.Or != nil && len(f.Or) == 0 {
		return q, kg.Errorf(kg.CodeBadUserInput, "filter.or: give at least one filter")
	}
	for _, of := range f.Or {
		c, err := condition(of)
		if err != nil {
			return q, err
		}
		q.Any = append(q.Any, c)
	}
	return q, q.Validate()
}

// filter adds the fields of f but its Not and Or to q.
func (l *Log) filter(ctx context.Context, q *kg.FindQuery, f Filter) error {
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
			return err
		}
		region := map[string]string{}
		if f.Region != "" {
			if region, err = regions(ctx, l.Store, nhris); err != nil {
				return err
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
	if f.OccurredFrom != "" || f.OccurredTo != "" {
		if f.OccurredFrom != "" && f.OccurredTo != "" && f.OccurredFrom > f.OccurredTo {
			return kg.Errorf(kg.CodeBadUserInput, "filter: occurredFrom %s is after occurredTo %s", f.OccurredFrom, f.OccurredTo)
		}
		// Dates are stored as 2006-01-02: their order is their text's.
		q.Props = append(q.Props, kg.PropFilter{Key: PropOccurredOn, Range: &kg.StringRange{From: string(f.OccurredFrom), To: string(f.OccurredTo)}})
	}
	if !f.ReportedFrom.IsZero() || !f.ReportedTo.IsZero() {
		from, to := f.ReportedFrom, f.ReportedTo
		if !from.IsZero() && !to.IsZero() && from.After(to) {
			return kg.Errorf(kg.CodeBadUserInput, "filter: reportedFrom %s is after reportedTo %s",
				from.UTC().Format(time.RFC3339Nano), to.UTC().Format(time.RFC3339Nano))
		}
		// Stamps are stored at one width (StampLayout), so their order is
		// their text's. Both ends are compared to the millisecond, as a
		// DateTime shows a stamp: reportedTo keeps the whole millisecond.
		r := &kg.StringRange{}
		if !from.IsZero() {
			r.From = from.UTC().Truncate(time.Millisecond).Format(StampLayout)
		}
		if !to.IsZero() {
			r.To = to.UTC().Truncate(time.Millisecond).Add(time.Millisecond - 1).Format(StampLayout)
		}
		q.Props = append(q.Props, kg.PropFilter{Key: PropReportedAt, Range: r})
	}
	return nil
}

// Dimension is what statistics are grouped by.
type Dimension string

// Dimensions.
const (
	ByRegion     Dimension = "REGION"
	ByThreatType Dimension = "THREAT_TYPE"
	ByYear       Dimension = "YEAR"
	ByMonth      Dimension = "MONTH"
	ByStatus     Dimension = "STATUS"
)

// StatRow counts the incidents of one group; a dimension the statistics
// are not grouped by is nil.
type StatRow struct {
	region           string
	threatType       *kg.Node
	year             int
	month            string
	status           Status
	byRegion, byYear bool
	byMonth          bool
	byStatus         bool
	count, reprisals int
}

// Status is where the group's incidents stand, when grouped by status.
func (r *StatRow) Status() *Status {
	if !r.byStatus {
		return nil
	}
	return &r.status
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
		if d != ByRegion && d != ByThreatType && d != ByYear && d != ByMonth && d != ByStatus {
			return nil, kg.Errorf(kg.CodeBadUserInput, "groupBy: unknown dimension %q", d)
		}
		by[d] = true
	}
	tallies, version, err := l.tally(ctx, by)
	if err != nil {
		return nil, err
	}
	g := groupingOf(by)
	if rows, ok := l.facts.keptRows(g, version); ok {
		return rows, nil
	}
	type key struct {
		region, threat, month string
		status                Status
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
			if region, err = l.facts.regionsOf(ctx, l.Store, nhris, version != 0); err != nil {
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
		k := key{region: region[raw.nhri], year: raw.year, month: raw.month, status: raw.status}
		var threat *kg.Node
		if by[ByThreatType] {
			if threat = threatTypes[raw.threat]; threat == nil {
				continue
			}
			k.threat = threat.ID
		}
		r := rows[k]
		if r == nil {
			r = &StatRow{region: k.region, threatType: threat, year: k.year, month: k.month, status: k.status,
				byRegion: by[ByRegion], byYear: by[ByYear], byMonth: by[ByMonth], byStatus: by[ByStatus]}
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
		if c := strings.Compare(string(a.status), string(b.status)); c != 0 {
			return c
		}
		return strings.Compare(threatID(a), threatID(b))
	})
	l.facts.keepRows(g, version, out)
	return slices.Clip(out), nil
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
