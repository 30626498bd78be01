package resolvers_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/storetest"
)

// planList is one of the plan's shorter lists, as the test asks for it.
type planList struct {
	field string
	// counted is a field of the list's type listing what one of its
	// count orders counts, and that order.
	counted, countOrder string
	// filters are filters of the list's own, each with what every node it
	// keeps must show (a field of the type and the value it must hold).
	filters []planFilter
}

type planFilter struct {
	filter, field string
	holds         func(any) bool
}

// planItem is an item of a list with what the test checks: its ID, name,
// what a count order counts (alias n) and one field of a filter (alias f).
type planItem struct {
	ID, Name string
	N        []struct{ ID string }
	F        any
}

func isValue(v string) func(any) bool { return func(x any) bool { return x == v } }

func holdsValue(v string) func(any) bool {
	return func(x any) bool {
		xs, ok := x.([]any)
		return ok && slices.Contains(xs, any(v))
	}
}

var planLists = []planList{
	{field: "objectives", counted: "actions { id }", countOrder: "ACTION_COUNT"},
	{field: "commitments", counted: "actions { id }", countOrder: "ACTION_COUNT",
		filters: []planFilter{{`{pillar: [PROTECTION]}`, "pillar", isValue("PROTECTION")}}},
	{field: "networks", counted: "members { id }", countOrder: "MEMBER_COUNT",
		filters: []planFilter{{`{scope: [REGIONAL]}`, "scope", isValue("REGIONAL")}, {`{region: AFRICA}`, "region", isValue("AFRICA")}}},
	{field: "instruments", counted: "promotedBy { id }", countOrder: "PROMOTED_BY_COUNT",
		filters: []planFilter{{`{type: [DECLARATION]}`, "type", isValue("DECLARATION")}, {`{year: [2018]}`, "year", func(x any) bool { return x == 2018.0 }}}},
	{field: "riskGroups", counted: "actions { id }", countOrder: "ACTION_COUNT"},
	{field: "threatTypes", counted: "perpetrators { id }", countOrder: "PERPETRATOR_COUNT",
		filters: []planFilter{{`{against: [HRD]}`, "against", holdsValue("HRD")}, {`{against: [NHRI]}`, "against", holdsValue("NHRI")}}},
	{field: "perpetratorTypes", counted: "threatTypes { id }", countOrder: "THREAT_TYPE_COUNT",
		filters: []planFilter{{`{sector: [STATE]}`, "sector", isValue("STATE")}}},
	{field: "sdgTargets", counted: "servedBy { id }", countOrder: "SERVED_BY_COUNT",
		filters: []planFilter{{`{level: [INDICATOR]}`, "level", isValue("INDICATOR")}}},
	{field: "strategicGoals", counted: "servedBy { id }", countOrder: "SERVED_BY_COUNT"},
	{field: "surveys"},
}

// TestPlanListsFilterAndSortLikeEveryList: each of the plan's shorter lists
// takes the filter and order model of every list, and its connection pages
// it both ways with a total.
func TestPlanListsFilterAndSortLikeEveryList(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		c := newClient(t, backend.ReadOnlySeeded(t))
		for _, l := range planLists {
			t.Run(l.field, func(t *testing.T) {
				counted := "n: id"
				if l.counted != "" {
					counted = "n: " + l.counted
				}
				items := func(args, fields string) []planItem {
					t.Helper()
					var resp map[string][]planItem
					mustPost(t, c, fmt.Sprintf(`{ list: %s%s { id name %s } }`, l.field, args, fields), nil, &resp)
					return resp["list"]
				}
				ids := func(is []planItem) []string {
					out := make([]string, len(is))
					for i, it := range is {
						out[i] = it.ID
					}
					return out
				}
				plain := items("", "")
				require.NotEmpty(t, plain)

				type page struct {
					TotalCount int
					Edges      []struct {
						Cursor string
						Node   planItem
					}
					Nodes    []planItem
					PageInfo struct {
						HasNextPage, HasPreviousPage bool
						StartCursor, EndCursor       *string
					}
				}
				connection := func(args string) page {
					t.Helper()
					var resp map[string]page
					mustPost(t, c, fmt.Sprintf(`{ page: %sConnection%s {
						totalCount edges { cursor node { id name } } nodes { id name }
						pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`, l.field, args), nil, &resp)
					return resp["page"]
				}
				whole := connection("")
				assert.Equal(t, len(plain), whole.TotalCount)
				assert.Equal(t, ids(plain), ids(whole.Nodes), "the connection holds the plain list, in its order")

				// Backward: the last two, then the one before them.
				if len(plain) >= 3 {
					last := connection("(last: 2)")
					assert.Equal(t, ids(plain[len(plain)-2:]), ids(last.Nodes))
					assert.True(t, last.PageInfo.HasPreviousPage)
					assert.False(t, last.PageInfo.HasNextPage)
					before := connection(fmt.Sprintf("(last: 1, before: %q)", *last.PageInfo.StartCursor))
					assert.Equal(t, ids(plain[len(plain)-3:len(plain)-2]), ids(before.Nodes))
					assert.Equal(t, whole.TotalCount, before.TotalCount)
					first := connection("(first: 1)")
					next := connection(fmt.Sprintf("(first: 1, after: %q)", *first.PageInfo.EndCursor))
					assert.Equal(t, ids(plain[:2]), append(ids(first.Nodes), ids(next.Nodes)...))
				}

				// Ordered by name both ways: one is the other reversed.
				asc := items(`(orderBy: {field: NAME})`, "")
				desc := items(`(orderBy: [{field: NAME, direction: DESC}])`, "")
				assert.True(t, slices.IsSortedFunc(asc, func(a, b planItem) int { return strings.Compare(a.Name, b.Name) }), "by name")
				slices.Reverse(desc)
				assert.Equal(t, ids(asc), ids(desc))

				// Ordered by a count, the most first, ties by ID descending.
				if l.countOrder != "" {
					byCount := items(fmt.Sprintf(`(orderBy: [{field: %s, direction: DESC}])`, l.countOrder), counted)
					require.Len(t, byCount, len(plain))
					assert.True(t, slices.IsSortedFunc(byCount, func(a, b planItem) int {
						if d := len(b.N) - len(a.N); d != 0 {
							return d
						}
						return strings.Compare(b.ID, a.ID)
					}), "by %s: %v", l.countOrder, byCount)
					assert.Positive(t, len(byCount[0].N), "the count order counts what %s lists", l.counted)
				}

				// A text filter and its `not` split the list; `or` joins two.
				word := strings.ToLower(strings.Fields(plain[0].Name)[0])
				other := strings.ToLower(strings.Fields(plain[len(plain)-1].Name)[0])
				matching := items(fmt.Sprintf(`(filter: {text: %q})`, word), "")
				rest := items(fmt.Sprintf(`(filter: {not: {text: %q}})`, word), "")
				assert.Contains(t, ids(matching), plain[0].ID)
				assert.ElementsMatch(t, ids(plain), append(ids(matching), ids(rest)...))
				either := items(fmt.Sprintf(`(filter: {or: [{text: %q}, {text: %q}]})`, word, other), "")
				assert.Contains(t, ids(either), plain[0].ID)
				assert.Contains(t, ids(either), plain[len(plain)-1].ID)
				counted2 := connection(fmt.Sprintf(`(filter: {not: {text: %q}})`, word))
				assert.Equal(t, len(rest), counted2.TotalCount, "totalCount counts what the filter keeps")

				// The list's own filters keep what they say, and their `not` the rest.
				for _, f := range l.filters {
					kept := items("(filter: "+f.filter+")", "f: "+f.field)
					require.NotEmpty(t, kept, f.filter)
					for _, it := range kept {
						assert.True(t, f.holds(it.F), "%s keeps %s with %s %v", f.filter, it.ID, f.field, it.F)
					}
					others := items("(filter: {not: "+f.filter+"})", "f: "+f.field)
					for _, it := range others {
						assert.False(t, f.holds(it.F), "not %s keeps %s with %s %v", f.filter, it.ID, f.field, it.F)
					}
					assert.Len(t, append(kept, others...), len(plain))
				}
			})
		}
	})
}

// TestPlanListsKeepTheirOneArgument: the arguments the plain lists took
// before `filter` keep their meaning, and say the same as the filter.
func TestPlanListsKeepTheirOneArgument(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		c := newClient(t, backend.ReadOnlySeeded(t))
		type item struct{ ID string }
		var resp map[string][]item
		mustPost(t, c, `{
			a: commitments(pillar: PROMOTION) { id }      b: commitments(filter: {pillar: [PROMOTION]}) { id }
			c: networks(scope: GLOBAL) { id }             d: networks(filter: {scope: [GLOBAL]}) { id }
			e: instruments(type: TREATY) { id }           f: instruments(filter: {type: [TREATY]}) { id }
			g: threatTypes(against: NHRI) { id }          h: threatTypes(filter: {against: [NHRI]}) { id }
			i: perpetratorTypes(sector: NON_STATE) { id } j: perpetratorTypes(filter: {sector: [NON_STATE]}) { id }
			k: threatTypes(against: NHRI, filter: {against: [HRD]}) { id }
		}`, nil, &resp)
		for _, pair := range [][2]string{{"a", "b"}, {"c", "d"}, {"e", "f"}, {"g", "h"}, {"i", "j"}} {
			assert.NotEmpty(t, resp[pair[0]], pair[0])
			assert.Equal(t, resp[pair[0]], resp[pair[1]], "%s and %s", pair[0], pair[1])
		}
		assert.NotEqual(t, len(resp["g"]), len(resp["k"]), "the argument and the filter both apply")
	})
}

// TestPlanListsRefuseWhatTheyCannotFind: a related filter naming no entity
// of the kind it needs is refused, with the argument named.
func TestPlanListsRefuseWhatTheyCannotFind(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		h := newHandler(backend.ReadOnlySeeded(t))
		for query, arg := range map[string]string{
			`{ networks(filter: {member: "network:ganhri"}) { id } }`:                                                   "filter.member",
			`{ networksConnection(filter: {partOf: "nhri:none"}) { totalCount } }`:                                      "filter.partOf",
			`{ threatTypes(filter: {perpetrator: "threat-type:none"}) { id } }`:                                         "filter.perpetrator",
			`{ sdgTargets(filter: {not: {servedBy: "commitment:none"}}) { id } }`:                                       "filter.servedBy",
			`{ commitments(filter: {not: {not: {text: "x"}}}) { id } }`:                                                 "filter.not",
			`{ objectivesConnection(first: 1, last: 1) { totalCount } }`:                                                "first and last",
			`{ surveysConnection(last: 1, after: "x") { totalCount } }`:                                                 "after goes with first",
			`{ strategicGoals(orderBy: [{field: CODE}, {field: NAME}, {field: ID}, {field: SERVED_BY_COUNT}]) { id } }`: "",
		} {
			errs := rawPost(t, h, query, nil, nil)
			require.NotEmpty(t, errs, query)
			assert.Equal(t, "BAD_USER_INPUT", codes(errs)[0], "%s: %+v", query, errs)
			assert.Contains(t, errs[0].Message, arg, query)
		}
	})
}

// TestPlanListsFilterByRelatedEntities: a filter naming a related entity
// keeps what that entity's own lists show, the other way round.
func TestPlanListsFilterByRelatedEntities(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		c := newClient(t, backend.ReadOnlySeeded(t))
		type ref struct{ ID string }
		var seen struct {
			Nhris struct {
				Nodes []struct {
					ID       string
					Networks []ref
				}
			}
			PerpetratorTypes []struct {
				ID          string
				ThreatTypes []ref
			}
			ThreatTypes []struct {
				ID           string
				Perpetrators []ref
			}
			Networks []struct {
				ID    string
				Parts []ref
			}
			Actions struct {
				Edges []struct {
					Node struct {
						ID     string
						Serves []ref
					}
				}
			}
		}
		mustPost(t, c, `{
			nhris(first: 500) { nodes { id networks { id } } }
			perpetratorTypes { id threatTypes { id } }
			threatTypes { id perpetrators { id } }
			networks { id parts { id } }
			actions(first: 500) { edges { node { id serves { id } } } }
		}`, nil, &seen)
		ids := func(field, filter string) []string {
			t.Helper()
			var resp map[string][]ref
			mustPost(t, c, fmt.Sprintf(`{ list: %s(filter: %s) { id } }`, field, filter), nil, &resp)
			out := []string{}
			for _, r := range resp["list"] {
				out = append(out, r.ID)
			}
			return out
		}
		refs := func(rs []ref) []string {
			out := []string{}
			for _, r := range rs {
				out = append(out, r.ID)
			}
			return out
		}
		checked := map[string]int{}
		for _, n := range seen.Nhris.Nodes {
			if len(n.Networks) > 0 && checked["member"] < 3 {
				checked["member"]++
				assert.ElementsMatch(t, refs(n.Networks), ids("networks", fmt.Sprintf(`{member: %q}`, n.ID)), n.ID)
			}
		}
		for _, p := range seen.PerpetratorTypes {
			checked["perpetrator"]++
			assert.ElementsMatch(t, refs(p.ThreatTypes), ids("threatTypes", fmt.Sprintf(`{perpetrator: %q}`, p.ID)), p.ID)
		}
		for _, tt := range seen.ThreatTypes {
			checked["threatType"]++
			assert.ElementsMatch(t, refs(tt.Perpetrators), ids("perpetratorTypes", fmt.Sprintf(`{threatType: %q}`, tt.ID)), tt.ID)
		}
		for _, n := range seen.Networks {
			if len(n.Parts) > 0 {
				checked["partOf"]++
				assert.ElementsMatch(t, refs(n.Parts), ids("networks", fmt.Sprintf(`{partOf: %q}`, n.ID)), n.ID)
			}
		}
		for _, e := range seen.Actions.Edges {
			var sdg []string
			for _, s := range e.Node.Serves {
				if strings.HasPrefix(s.ID, "sdg:") {
					sdg = append(sdg, s.ID)
				}
			}
			if len(sdg) > 0 && checked["servedBy"] < 3 {
				checked["servedBy"]++
				assert.ElementsMatch(t, sdg, ids("sdgTargets", fmt.Sprintf(`{servedBy: %q}`, e.Node.ID)), e.Node.ID)
			}
		}
		for _, f := range []string{"member", "perpetrator", "threatType", "partOf", "servedBy"} {
			assert.Positive(t, checked[f], "the seed lets %s be checked", f)
		}
	})
}

// TestPlanListAggregatesCountWhatTheListsHold: each aggregate of the
// shorter lists counts what the list it filters shows, group by group.
func TestPlanListAggregatesCountWhatTheListsHold(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		c := newClient(t, backend.ReadOnlySeeded(t))
		type ref struct{ ID string }
		type item struct {
			Pillar, Scope, Type, Sector, Level *string
			Region                             *string
			Year                               *int
			Against                            []string
			IssuedBy, Perpetrators             []ref
		}
		var resp struct {
			Commitments, Networks, Instruments, Declarations, ThreatTypes, PerpetratorTypes, SdgTargets []item

			ByPillar, ByScope, ByRegion, ByType, ByYear, ByIssuer, DeclarationsByYear aggregate
			ByAgainst, ByPerpetrator, BySector, ByLevel                               aggregate
		}
		mustPost(t, c, `{
			commitments { pillar } networks { scope region }
			instruments { type year issuedBy { id } } declarations: instruments(filter: {type: [DECLARATION]}) { year }
			threatTypes { against perpetrators { id } } perpetratorTypes { sector } sdgTargets { level }
			byPillar: commitmentsAggregate(groupBy: PILLAR) { totalCount groups { key entity { id } count } }
			byScope: networksAggregate(groupBy: SCOPE) { totalCount groups { key entity { id } count } }
			byRegion: networksAggregate(groupBy: REGION) { totalCount groups { key entity { id } count } }
			byType: instrumentsAggregate(groupBy: TYPE) { totalCount groups { key entity { id } count } }
			byYear: instrumentsAggregate(groupBy: YEAR) { totalCount groups { key entity { id } count } }
			byIssuer: instrumentsAggregate(groupBy: ISSUER) { totalCount groups { key entity { id } count } }
			declarationsByYear: instrumentsAggregate(filter: {type: [DECLARATION]}, groupBy: YEAR) { totalCount groups { key entity { id } count } }
			byAgainst: threatTypesAggregate(groupBy: AGAINST) { totalCount groups { key entity { id } count } }
			byPerpetrator: threatTypesAggregate(groupBy: PERPETRATOR) { totalCount groups { key entity { id } count } }
			bySector: perpetratorTypesAggregate(groupBy: SECTOR) { totalCount groups { key entity { id } count } }
			byLevel: sdgTargetsAggregate(groupBy: LEVEL) { totalCount groups { key entity { id } count } }
		}`, nil, &resp)
		one := func(f func(item) *string) func(item) []string {
			return func(it item) []string {
				if v := f(it); v != nil {
					return []string{*v}
				}
				return nil
			}
		}
		year := func(it item) []string {
			if it.Year == nil {
				return nil
			}
			return []string{fmt.Sprint(*it.Year)}
		}
		ids := func(f func(item) []ref) func(item) []string {
			return func(it item) []string {
				var out []string
				for _, r := range f(it) {
					out = append(out, r.ID)
				}
				return out
			}
		}
		for name, k := range map[string]struct {
			agg      aggregate
			items    []item
			keys     func(item) []string
			byEntity bool
		}{
			"commitments by pillar": {resp.ByPillar, resp.Commitments, one(func(it item) *string { return it.Pillar }), false},
			"networks by scope":     {resp.ByScope, resp.Networks, one(func(it item) *string { return it.Scope }), false},
			"networks by region":    {resp.ByRegion, resp.Networks, one(func(it item) *string { return it.Region }), false},
			"instruments by type":   {resp.ByType, resp.Instruments, one(func(it item) *string { return it.Type }), false},
			"instruments by year":   {resp.ByYear, resp.Instruments, year, false},
			"instruments by issuer": {resp.ByIssuer, resp.Instruments, ids(func(it item) []ref { return it.IssuedBy }), true},
			"declarations by year":  {resp.DeclarationsByYear, resp.Declarations, year, false},
			"threats by subject":    {resp.ByAgainst, resp.ThreatTypes, func(it item) []string { return it.Against }, false},
			"threats by actor":      {resp.ByPerpetrator, resp.ThreatTypes, ids(func(it item) []ref { return it.Perpetrators }), true},
			"actors by sector":      {resp.BySector, resp.PerpetratorTypes, one(func(it item) *string { return it.Sector }), false},
			"SDG targets by level":  {resp.ByLevel, resp.SdgTargets, one(func(it item) *string { return it.Level }), false},
		} {
			require.NotEmpty(t, k.items, name)
			assert.Equal(t, len(k.items), k.agg.TotalCount, "%s: totalCount", name)
			assert.Equal(t, tally(k.items, k.keys), k.agg.counts(t, k.byEntity), name)
			assert.Greater(t, len(k.agg.Groups), 1, "%s: more than one group", name)
		}
	})
}
