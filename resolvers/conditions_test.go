package resolvers_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/storetest"
)

// TestFiltersTakeNotAndOr: every list's filter takes `not` and `or`, which
// keep what set arithmetic on the list's own filters says, in the list
// and in its aggregate alike.
func TestFiltersTakeNotAndOr(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		c := newClient(t, backend.ReadOnlySeeded(t))
		type total struct{ TotalCount int }
		var resp struct {
			Actions, Objective1, NotObjective1, Objective2Or3 total
			NotObjective1Edges                                struct {
				Edges []struct {
					Node struct{ Objective struct{ ID string } }
				}
			}
			Un, Ngo, UnOrNgo, UnAndNgoList         total
			Nhris, Europe, NotEurope               total
			EuropeCountries, EuropeEU, EuropeNotEU total
			Objective2Or3ByObjective               aggregate
		}
		mustPost(t, c, `{
		actions { totalCount }
		objective1: actions(filter: {objective: "objective:1"}) { totalCount }
		notObjective1: actions(filter: {not: {objective: "objective:1"}}) { totalCount }
		notObjective1Edges: actions(first: 100, filter: {not: {objective: "objective:1"}}) { edges { node { objective { id } } } }
		objective2Or3: actions(filter: {or: [{objective: "objective:2"}, {objective: "objective:3"}]}) { totalCount }
		objective2Or3ByObjective: actionsAggregate(filter: {or: [{objective: "objective:2"}, {objective: "objective:3"}]}, groupBy: OBJECTIVE) { totalCount groups { key entity { id } count } }
		un: mechanisms(filter: {category: [UN]}) { totalCount }
		ngo: mechanisms(filter: {category: [NGO]}) { totalCount }
		unOrNgo: mechanisms(filter: {or: [{category: [UN]}, {category: [NGO]}]}) { totalCount }
		unAndNgoList: mechanisms(filter: {category: [UN, NGO]}) { totalCount }
		nhris { totalCount }
		europe: nhris(filter: {region: EUROPE}) { totalCount }
		notEurope: nhris(filter: {not: {region: EUROPE}}) { totalCount }
		europeCountries: countries(filter: {region: EUROPE}) { totalCount }
		europeEU: countries(filter: {region: EUROPE, memberOf: "mechanism:eu"}) { totalCount }
		europeNotEU: countries(filter: {region: EUROPE, not: {memberOf: "mechanism:eu"}}) { totalCount }
	}`, nil, &resp)
		require.Positive(t, resp.Objective1.TotalCount)
		require.Positive(t, resp.NotObjective1.TotalCount)
		assert.Equal(t, resp.Actions.TotalCount, resp.Objective1.TotalCount+resp.NotObjective1.TotalCount)
		for _, e := range resp.NotObjective1Edges.Edges {
			assert.NotEqual(t, "objective:1", e.Node.Objective.ID)
		}
		assert.Equal(t, resp.NotObjective1.TotalCount, resp.Objective2Or3.TotalCount, "each action is under one objective")
		assert.Equal(t, resp.Objective2Or3.TotalCount, resp.Objective2Or3ByObjective.TotalCount)
		groups := resp.Objective2Or3ByObjective.counts(t, true)
		assert.NotContains(t, groups, "objective:1")
		assert.Equal(t, resp.Objective2Or3.TotalCount, groups["objective:2"]+groups["objective:3"])

		require.Positive(t, resp.Un.TotalCount)
		require.Positive(t, resp.Ngo.TotalCount)
		assert.Equal(t, resp.Un.TotalCount+resp.Ngo.TotalCount, resp.UnOrNgo.TotalCount)
		assert.Equal(t, resp.UnAndNgoList.TotalCount, resp.UnOrNgo.TotalCount)

		require.Positive(t, resp.Europe.TotalCount)
		assert.Equal(t, resp.Nhris.TotalCount, resp.Europe.TotalCount+resp.NotEurope.TotalCount)

		require.Positive(t, resp.EuropeEU.TotalCount)
		require.Positive(t, resp.EuropeNotEU.TotalCount)
		assert.Equal(t, resp.EuropeCountries.TotalCount, resp.EuropeEU.TotalCount+resp.EuropeNotEU.TotalCount)
	})
}

func TestNotAndOrRefuseWhatTheyCannotMean(t *testing.T) {
	h := newHandler(storetest.Embedded.Seeded(t))
	for _, q := range []string{
		`{ actions(filter: {not: {not: {objective: "objective:1"}}}) { totalCount } }`,
		`{ actions(filter: {or: [{or: [{objective: "objective:1"}]}]}) { totalCount } }`,
		`{ actions(filter: {or: []}) { totalCount } }`,
		`{ mechanisms(filter: {not: {}}) { totalCount } }`,
		`{ nhris(filter: {or: [{region: EUROPE}, {network: "action:1-1"}]}) { totalCount } }`,
		`{ countriesAggregate(filter: {not: {memberOf: "country:ke"}}, groupBy: REGION) { totalCount } }`,
	} {
		var data any
		errs := rawPost(t, h, q, nil, &data)
		assert.Equal(t, []string{"BAD_USER_INPUT"}, codes(errs), q)
	}
}

// TestOrderByCategoryAndStatus: mechanisms sort by category and region,
// NHRIs by accreditation status, both ways, ties by ID, and page by page.
func TestOrderByCategoryAndStatus(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		c := newClient(t, backend.ReadOnlySeeded(t))
		type node struct {
			ID                  string
			Category            string
			Region              *string
			AccreditationStatus *string
		}
		type page struct {
			Edges []struct{ Node node }
		}
		var resp struct{ ByCategory, ByCategoryDesc, ByRegion, ByStatus page }
		mustPost(t, c, `{
		byCategory: mechanisms(first: 200, orderBy: {field: CATEGORY}) { edges { node { id category region } } }
		byCategoryDesc: mechanisms(first: 200, orderBy: {field: CATEGORY, direction: DESC}) { edges { node { id category region } } }
		byRegion: mechanisms(first: 200, orderBy: {field: REGION}) { edges { node { id category region } } }
		byStatus: nhris(first: 200, orderBy: {field: ACCREDITATION_STATUS}) { edges { node { id accreditationStatus } } }
	}`, nil, &resp)
		key := func(s *string) string {
			if s == nil {
				return "~" // after every value
			}
			return *s
		}
		check := func(name string, p page, value func(node) string, desc bool) {
			require.Greater(t, len(p.Edges), 1, name)
			for i := 1; i < len(p.Edges); i++ {
				a, b := p.Edges[i-1].Node, p.Edges[i].Node
				va, vb := value(a), value(b)
				if desc {
					va, vb = vb, va
				}
				if va == vb {
					if desc {
						assert.Greater(t, a.ID, b.ID, "%s: ties by ID", name)
					} else {
						assert.Less(t, a.ID, b.ID, "%s: ties by ID", name)
					}
					continue
				}
				assert.Less(t, va, vb, "%s: %s before %s", name, a.ID, b.ID)
			}
		}
		check("category", resp.ByCategory, func(n node) string { return n.Category }, false)
		check("category descending", resp.ByCategoryDesc, func(n node) string { return n.Category }, true)
		// The schema names regions as the enum does; the store orders them
		// by their names (Africa, Americas, Asia-Pacific, Europe): the same order.
		check("region", resp.ByRegion, func(n node) string { return key(n.Region) }, false)
		check("accreditation status", resp.ByStatus, func(n node) string { return key(n.AccreditationStatus) }, false)
	})
}
