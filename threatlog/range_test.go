package threatlog_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/kg"
	"marrakechgraph/storetest"
	"marrakechgraph/threatlog"
)

// logged is an incident as a client of the threat log sees it.
type logged struct {
	id, nhri, occurred string
	status             threatlog.Status
	reported           time.Time
	reprisal           bool
}

// TestListFiltersAndOrdersAsClientsDo: date ranges, `not` and `or` and
// every order keep and sort, page after page, the incidents a client keeps
// and sorts from the whole log.
func TestListFiltersAndOrdersAsClientsDo(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		ctx := context.Background()
		l, _ := fixture(t, backend)
		rng := rand.New(rand.NewPCG(13, 7))
		nhris := []string{"nhri:ke", "nhri:mx", "nhri:de"}
		statuses := []threatlog.Status{threatlog.StatusOpen, threatlog.StatusResponding, threatlog.StatusResolved}
		var log []logged
		for i := range 36 {
			r := threatlog.Report{NHRI: nhris[rng.IntN(3)], Threats: []string{"threat-type:reprisals"},
				Targets: []threatlog.Target{threatlog.TargetInstitution}, ReprisalForUNCooperation: rng.IntN(2) == 0, Summary: "s"}
			if i%5 != 0 { // every fifth is undated
				day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(900))
				r.OccurredOn = date(day.Format(time.DateOnly))
			}
			n, err := l.Report(ctx, "desk", r)
			require.NoError(t, err)
			status := statuses[rng.IntN(3)]
			if status != threatlog.StatusOpen {
				_, err := l.Update(ctx, "desk", threatlog.Update{ID: n.ID, Status: &status})
				require.NoError(t, err)
			}
			at, err := time.Parse(threatlog.StampLayout, n.Props.String(threatlog.PropReportedAt))
			require.NoError(t, err)
			log = append(log, logged{id: n.ID, nhri: r.NHRI, occurred: n.Props.String(threatlog.PropOccurredOn),
				status: status, reported: at.Truncate(time.Millisecond), reprisal: r.ReprisalForUNCooperation})
		}
		// A tie of days: two incidents on the day of the third.
		for _, i := range []int{1, 2} {
			day := kg.Date(log[3].occurred)
			_, err := l.Update(ctx, "desk", threatlog.Update{ID: log[i].id, OccurredOn: &day})
			require.NoError(t, err)
			log[i].occurred = string(day)
		}

		days := []string{}
		for _, e := range log {
			if e.occurred != "" {
				days = append(days, e.occurred)
			}
		}
		slices.Sort(days)
		lo, mid, hi := days[len(days)/4], days[len(days)/2], days[3*len(days)/4]
		t1, t2 := log[8].reported, log[27].reported

		in := func(e logged, f threatlog.Filter) bool {
			ok := true
			if f.NHRI != "" {
				ok = ok && e.nhri == f.NHRI
			}
			if f.Status != "" {
				ok = ok && e.status == f.Status
			}
			if f.ReprisalForUNCooperation != nil {
				ok = ok && e.reprisal == *f.ReprisalForUNCooperation
			}
			if f.OccurredFrom != "" {
				ok = ok && e.occurred != "" && e.occurred >= string(f.OccurredFrom)
			}
			if f.OccurredTo != "" {
				ok = ok && e.occurred != "" && e.occurred <= string(f.OccurredTo)
			}
			if !f.ReportedFrom.IsZero() {
				ok = ok && !e.reported.Before(f.ReportedFrom)
			}
			if !f.ReportedTo.IsZero() {
				ok = ok && !e.reported.After(f.ReportedTo)
			}
			return ok
		}
		keeps := func(e logged, f threatlog.Filter) bool {
			if !in(e, f) {
				return false
			}
			if f.Not != nil && in(e, *f.Not) {
				return false
			}
			return f.Or == nil || slices.ContainsFunc(f.Or, func(o threatlog.Filter) bool { return in(e, o) })
		}
		value := func(e logged, field string) string {
			switch field {
			case threatlog.PropOccurredOn:
				return e.occurred
			case threatlog.PropStatus:
				return string(e.status)
			}
			return e.reported.Format(time.RFC3339Nano)
		}
		sorted := func(es []logged, o threatlog.Order) []string {
			es = slices.Clone(es)
			slices.SortFunc(es, func(a, b logged) int {
				av, bv := value(a, o.Field), value(b, o.Field)
				var r int
				switch {
				case av == "" && bv != "":
					r = 1 // no value: last in ascending order
				case av != "" && bv == "":
					r = -1
				default:
					r = cmp.Compare(av, bv)
				}
				r = cmp.Or(r, strings.Compare(a.id, b.id))
				if o.Desc {
					r = -r
				}
				return r
			})
			ids := make([]string, len(es))
			for i, e := range es {
				ids[i] = e.id
			}
			return ids
		}
		no := false
		filters := map[string]threatlog.Filter{
			"all":                   {},
			"occurred from":         {OccurredFrom: kg.Date(mid)},
			"occurred to":           {OccurredTo: kg.Date(mid)},
			"occurred between":      {OccurredFrom: kg.Date(lo), OccurredTo: kg.Date(hi)},
			"occurred on one day":   {OccurredFrom: kg.Date(log[3].occurred), OccurredTo: kg.Date(log[3].occurred)},
			"occurred in no day":    {OccurredFrom: "1999-01-01", OccurredTo: "1999-12-31"},
			"reported between":      {ReportedFrom: t1, ReportedTo: t2},
			"reported to":           {ReportedTo: t1},
			"not occurred between":  {Not: &threatlog.Filter{OccurredFrom: kg.Date(lo), OccurredTo: kg.Date(hi)}},
			"or of ranges":          {Or: []threatlog.Filter{{OccurredTo: kg.Date(lo)}, {OccurredFrom: kg.Date(hi)}}},
			"or and not and fields": {NHRI: "nhri:ke", Not: &threatlog.Filter{Status: threatlog.StatusResolved}, Or: []threatlog.Filter{{ReportedFrom: t2}, {ReprisalForUNCooperation: &no, OccurredFrom: kg.Date(lo)}}},
		}
		orders := []threatlog.Order{threatlog.NewestReportFirst, {Field: threatlog.PropOccurredOn}, {Field: threatlog.PropOccurredOn, Desc: true},
			{Field: threatlog.PropReportedAt}, {Field: threatlog.PropStatus}, {Field: threatlog.PropStatus, Desc: true}}
		nonEmpty := 0
		for name, f := range filters {
			var kept []logged
			for _, e := range log {
				if keeps(e, f) {
					kept = append(kept, e)
				}
			}
			if len(kept) > 0 && len(kept) < len(log) {
				nonEmpty++
			}
			for _, o := range orders {
				t.Run(fmt.Sprintf("%s by %s desc=%v", name, o.Field, o.Desc), func(t *testing.T) {
					got := []string{}
					after := ""
					for i := 0; ; i++ {
						require.Less(t, i, 20)
						p, err := l.ListOrdered(ctx, f, o, 7, after)
						require.NoError(t, err)
						assert.Equal(t, len(kept), p.TotalCount)
						for _, n := range p.Nodes {
							got = append(got, n.ID)
						}
						if !p.HasNextPage {
							break
						}
						after = p.Cursors[len(p.Cursors)-1]
					}
					assert.Equal(t, sorted(kept, o), got)
				})
			}
		}
		assert.GreaterOrEqual(t, nonEmpty, 8, "the filters keep some incidents and leave others")

		// Two keys (status, then day, latest first), read forward and then
		// backward from the end: the same incidents, in the order a client
		// sorts them (ties by ID in the direction of the last key).
		twoKeys := []threatlog.Order{{Field: threatlog.PropStatus}, {Field: threatlog.PropOccurredOn, Desc: true}}
		for _, name := range []string{"all", "occurred between", "or and not and fields"} {
			f := filters[name]
			var kept []logged
			for _, e := range log {
				if keeps(e, f) {
					kept = append(kept, e)
				}
			}
			slices.SortFunc(kept, func(a, b logged) int {
				if r := cmp.Compare(a.status, b.status); r != 0 {
					return r
				}
				av, bv := a.occurred, b.occurred
				switch {
				case av == "" && bv != "":
					return -1 // no value: first in descending order
				case av != "" && bv == "":
					return 1
				}
				return cmp.Or(-cmp.Compare(av, bv), -strings.Compare(a.id, b.id))
			})
			want := []string{}
			for _, e := range kept {
				want = append(want, e.id)
			}
			forward, after := []string{}, ""
			for i := 0; ; i++ {
				require.Less(t, i, 20)
				p, err := l.Page(ctx, f, twoKeys, threatlog.Paging{First: 5, After: after})
				require.NoError(t, err)
				for _, n := range p.Nodes {
					forward = append(forward, n.ID)
				}
				if !p.HasNextPage {
					break
				}
				after = p.Cursors[len(p.Cursors)-1]
			}
			assert.Equal(t, want, forward, "%s, forward", name)
			backward, before := []string{}, ""
			for i := 0; ; i++ {
				require.Less(t, i, 20)
				p, err := l.Page(ctx, f, twoKeys, threatlog.Paging{Last: 5, Before: before})
				require.NoError(t, err)
				page := []string{}
				for _, n := range p.Nodes {
					page = append(page, n.ID)
				}
				backward = append(page, backward...)
				if !p.HasPreviousPage || len(p.Nodes) == 0 {
					break
				}
				before = p.Cursors[0]
			}
			assert.Equal(t, want, backward, "%s, backward", name)
		}
	})
}

// TestListRefusesBadRanges: a range that ends before it starts, a nested
// `not` or `or`, an empty `or` and an unknown order are the client's to fix.
func TestListRefusesBadRanges(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		ctx := context.Background()
		l, _ := fixture(t, backend)
		now := time.Now()
		for name, tc := range map[string]struct {
			f threatlog.Filter
			o threatlog.Order
		}{
			"occurred backwards": {f: threatlog.Filter{OccurredFrom: "2026-02-01", OccurredTo: "2026-01-31"}},
			"reported backwards": {f: threatlog.Filter{ReportedFrom: now, ReportedTo: now.Add(-time.Millisecond)}},
			"backwards in not":   {f: threatlog.Filter{Not: &threatlog.Filter{OccurredFrom: "2026-02-01", OccurredTo: "2026-01-31"}}},
			"nested not":         {f: threatlog.Filter{Not: &threatlog.Filter{Not: &threatlog.Filter{NHRI: "nhri:ke"}}}},
			"nested or":          {f: threatlog.Filter{Or: []threatlog.Filter{{Or: []threatlog.Filter{{NHRI: "nhri:ke"}}}}}},
			"empty or":           {f: threatlog.Filter{Or: []threatlog.Filter{}}},
			"empty in or":        {f: threatlog.Filter{Or: []threatlog.Filter{{}}}},
			"unknown order":      {o: threatlog.Order{Field: "summary"}},
		} {
			t.Run(name, func(t *testing.T) {
				o := tc.o
				if o.Field == "" {
					o = threatlog.NewestReportFirst
				}
				_, err := l.ListOrdered(ctx, tc.f, o, 10, "")
				require.Error(t, err)
				assert.Equal(t, kg.CodeBadUserInput, kg.ErrorCode(err), "%v", err)
			})
		}
	})
}
