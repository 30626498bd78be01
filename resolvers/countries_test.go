package resolvers_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/storetest"
)

// TestCountriesIsAConnection: countries come in pages, with a total, a
// filter (region, membership, accreditation, text) and an order; without
// `first`, one page holds them all.
func TestCountriesIsAConnection(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		c := newClient(t, backend.ReadOnlySeeded(t))
		type country struct{ ID, Code, Name, Region string }
		type page struct {
			TotalCount int
			Nodes      []country
			Edges      []struct {
				Cursor string
				Node   country
			}
			PageInfo struct {
				HasNextPage bool
				EndCursor   *string
			}
		}
		var all struct {
			Countries                    page
			Europe, Oas, ByCode, Kenya   page
			ByRegion, ByMembership       aggregate
			EuropeByAccreditation, Named aggregate
		}
		mustPost(t, c, `{
		countries { totalCount nodes { id code name region } pageInfo { hasNextPage } }
		europe: countries(filter: {region: EUROPE}) { totalCount nodes { id code name region } }
		oas: countries(filter: {memberOf: "mechanism:oas"}) { totalCount nodes { id code name region } }
		byCode: countries(first: 5, orderBy: {field: CODE, direction: DESC}) { totalCount nodes { id code name region } }
		kenya: countries(filter: {text: "kenya"}) { totalCount nodes { id code name region } }
		byRegion: countriesAggregate(groupBy: REGION) { totalCount groups { key count } }
		byMembership: countriesAggregate(groupBy: MEMBERSHIP) { totalCount groups { key entity { id } count } }
		europeByAccreditation: countriesAggregate(filter: {region: EUROPE}, groupBy: NHRI_ACCREDITATION) { totalCount groups { key count } }
		named: countriesAggregate(filter: {text: "kenya"}, groupBy: REGION) { totalCount groups { key count } }
	}`, nil, &all)
		require.Greater(t, all.Countries.TotalCount, 190)
		require.Len(t, all.Countries.Nodes, all.Countries.TotalCount, "without first, one page holds every country")
		assert.False(t, all.Countries.PageInfo.HasNextPage)
		assert.True(t, slices.IsSortedFunc(all.Countries.Nodes, func(a, b country) int { return strings.Compare(a.Name, b.Name) }), "by name")

		require.Positive(t, all.Europe.TotalCount)
		for _, n := range all.Europe.Nodes {
			assert.Equal(t, "EUROPE", n.Region)
		}
		assert.Equal(t, map[string]int{"AFRICA": 0, "AMERICAS": 0, "ASIA_PACIFIC": 0, "EUROPE": all.Europe.TotalCount},
			map[string]int{"AFRICA": 0, "AMERICAS": 0, "ASIA_PACIFIC": 0, "EUROPE": all.ByRegion.counts(t, false)["EUROPE"]}, "region keys are the enum's")
		regions := all.ByRegion.counts(t, false)
		sum := 0
		for k, n := range regions {
			assert.Contains(t, []string{"AFRICA", "AMERICAS", "ASIA_PACIFIC", "EUROPE"}, k)
			sum += n
		}
		assert.Equal(t, all.Countries.TotalCount, sum, "every country has one region")

		assert.Equal(t, 34, all.Oas.TotalCount, "the 35 independent States of the Americas, but Nicaragua, which left")
		for _, n := range all.Oas.Nodes {
			assert.Equal(t, "AMERICAS", n.Region)
		}
		assert.Equal(t, all.Oas.TotalCount, all.ByMembership.counts(t, true)["mechanism:oas"], "members counted as the filter finds them")

		require.Len(t, all.ByCode.Nodes, 5)
		assert.Equal(t, all.Countries.TotalCount, all.ByCode.TotalCount)
		assert.True(t, slices.IsSortedFunc(all.ByCode.Nodes, func(a, b country) int { return strings.Compare(b.Code, a.Code) }), "by code, descending")

		require.Equal(t, 1, all.Kenya.TotalCount)
		assert.Equal(t, "KE", all.Kenya.Nodes[0].Code)
		assert.Equal(t, map[string]int{"AFRICA": 1}, all.Named.counts(t, false))
		assert.Equal(t, all.Europe.TotalCount, all.EuropeByAccreditation.TotalCount)

		// Page by page, with cursors, in name order: the same countries.
		var walked []country
		var after *string
		for {
			var p struct{ Countries page }
			mustPost(t, c, `query($after: String) { countries(first: 60, after: $after) { totalCount edges { cursor node { id code name region } } pageInfo { hasNextPage endCursor } } }`,
				map[string]any{"after": after}, &p)
			for _, e := range p.Countries.Edges {
				walked = append(walked, e.Node)
			}
			if !p.Countries.PageInfo.HasNextPage {
				break
			}
			after = p.Countries.PageInfo.EndCursor
		}
		assert.Equal(t, all.Countries.Nodes, walked)
	})
}

func TestCountriesRefuseBadArguments(t *testing.T) {
	h := newHandler(storetest.Embedded.Seeded(t))
	for _, q := range []string{
		`{ countries(first: 0) { totalCount } }`,
		`{ countries(first: 501) { totalCount } }`,
		`{ countries(after: "nonsense") { totalCount } }`,
		`{ countries(filter: {memberOf: "action:1-1"}) { totalCount } }`,
		`{ countries(filter: {memberOf: "mechanism:nope"}) { totalCount } }`,
		`{ countriesAggregate(filter: {memberOf: "country:ke"}, groupBy: REGION) { totalCount } }`,
	} {
		var data any
		errs := rawPost(t, h, q, nil, &data)
		assert.Equal(t, []string{"BAD_USER_INPUT"}, codes(errs), q)
	}
}

// TestRegionHasOneMeaning: an NHRI's region is its country's, whatever
// region a chart or a network's page records for it. The filter, the
// aggregate and the country agree, for every region.
func TestRegionHasOneMeaning(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		c := newClient(t, backend.ReadOnlySeeded(t))
		var pages struct {
			ByRegion                              aggregate
			Africa, Americas, AsiaPacific, Europe struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						ID      string
						Country struct{ Region string }
					}
				}
			}
		}
		const page = "{ totalCount edges { node { id country { region } } } }"
		mustPost(t, c, `{
		byRegion: nhrisAggregate(groupBy: REGION) { totalCount groups { key count } }
		africa: nhris(first: 500, filter: {region: AFRICA}) `+page+`
		americas: nhris(first: 500, filter: {region: AMERICAS}) `+page+`
		asiaPacific: nhris(first: 500, filter: {region: ASIA_PACIFIC}) `+page+`
		europe: nhris(first: 500, filter: {region: EUROPE}) `+page+`
	}`, nil, &pages)
		byRegion := pages.ByRegion.counts(t, false)
		seen := map[string]string{}
		total := 0
		for region, p := range map[string]struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					ID      string
					Country struct{ Region string }
				}
			}
		}{"AFRICA": pages.Africa, "AMERICAS": pages.Americas, "ASIA_PACIFIC": pages.AsiaPacific, "EUROPE": pages.Europe} {
			assert.Equal(t, byRegion[region], p.TotalCount, "%s: the filter and the aggregate agree", region)
			total += p.TotalCount
			for _, e := range p.Edges {
				assert.Equal(t, region, e.Node.Country.Region, "%s is in its country's region", e.Node.ID)
				seen[e.Node.ID] = region
			}
		}
		assert.Equal(t, pages.ByRegion.TotalCount, total, "every NHRI has one region")
		// ENNHRI's pages name it, but Azerbaijan lies in Asia (UN M49).
		assert.Equal(t, "ASIA_PACIFIC", seen["nhri:az-office-of-the-human-rights-commissioner"])
	})
}
