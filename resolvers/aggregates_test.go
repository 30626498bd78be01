package resolvers_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/storetest"
)

// aggregate is an Aggregate as a response holds it.
type aggregate struct {
	TotalCount int
	Groups     []struct {
		Key    *string
		Entity *struct{ ID string }
		Count  int
	}
}

// counts returns an aggregate's groups by key ("" for the group without
// one), checking that each group by entity names its entity.
func (a aggregate) counts(t *testing.T, byEntity bool) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, g := range a.Groups {
		key := ""
		if g.Key != nil {
			key = *g.Key
			if byEntity {
				require.NotNil(t, g.Entity, "group %s has its entity", key)
				assert.Equal(t, key, g.Entity.ID)
			}
		} else {
			assert.Nil(t, g.Entity)
		}
		_, dup := out[key]
		assert.False(t, dup, "group %q appears once", key)
		assert.Positive(t, g.Count)
		out[key] = g.Count
	}
	return out
}

// tally counts, for each entity, each of its distinct keys once ("" when it
// has none).
func tally[T any](items []T, keys func(T) []string) map[string]int {
	out := map[string]int{}
	for _, it := range items {
		seen := map[string]bool{}
		ks := keys(it)
		if len(ks) == 0 {
			ks = []string{""}
		}
		for _, k := range ks {
			if !seen[k] {
				seen[k] = true
				out[k]++
			}
		}
	}
	return out
}

func one(s *string) []string {
	if s == nil {
		return nil
	}
	return []string{*s}
}

// TestAggregatesCountWhatTheListsHold counts each list on the client, from
// the list itself, and checks every aggregate against it, on both backends.
func TestAggregatesCountWhatTheListsHold(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		c := newClient(t, backend.ReadOnlySeeded(t))
		type ref struct{ ID string }
		type action struct {
			ID         string
			Objective  ref
			Commitment *struct {
				ID     string
				Pillar string
			}
			Partners   []ref
			RiskGroups []ref
		}
		var resp struct {
			Actions struct {
				TotalCount int
				Edges      []struct{ Node action }
			}
			Objective1 struct {
				TotalCount int
				Edges      []struct{ Node action }
			}
			ByObjective, ByCommitment, ByPillar, ByPartner, ByRiskGroup, Objective1ByPillar aggregate
			Mechanisms                                                                      struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						ID       string
						Category string
						Region   *string
						Actions  []struct {
							ID        string
							Objective ref
						}
					}
				}
			}
			ByCategory, ByRegion, ByAction, MechanismsByObjective, UNByObjective aggregate
			Nhris                                                                struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						ID                  string
						Country             struct{ Code string }
						AccreditationStatus *string
						Networks            []ref
					}
				}
			}
			NhrisByStatus, NhrisByNetwork, NhrisByCountry aggregate
			Commitments                                   []struct {
				ID              string
				SupportChannels []struct{ Channel ref }
			}
			ChannelsByCommitment aggregate
		}
		const groups = "{ totalCount groups { key entity { id } count } }"
		const actionFields = "{ totalCount edges { node { id objective { id } commitment { id pillar } partners { id } riskGroups { id } } } }"
		mustPost(t, c, `{
		actions(first: 150) `+actionFields+`
		objective1: actions(first: 150, filter: {objective: "objective:1"}) `+actionFields+`
		byObjective: actionsAggregate(groupBy: OBJECTIVE) `+groups+`
		byCommitment: actionsAggregate(groupBy: COMMITMENT) `+groups+`
		byPillar: actionsAggregate(groupBy: PILLAR) `+groups+`
		byPartner: actionsAggregate(groupBy: PARTNER) `+groups+`
		byRiskGroup: actionsAggregate(groupBy: RISK_GROUP) `+groups+`
		objective1ByPillar: actionsAggregate(filter: {objective: "objective:1"}, groupBy: PILLAR) `+groups+`
	}`, nil, &resp)
		mustPost(t, c, `{
		mechanisms(first: 150) { totalCount edges { node { id category region actions { id objective { id } } } } }
		byCategory: mechanismsAggregate(groupBy: CATEGORY) `+groups+`
		byRegion: mechanismsAggregate(groupBy: REGION) `+groups+`
		byAction: mechanismsAggregate(groupBy: ACTION) `+groups+`
		mechanismsByObjective: mechanismsAggregate(groupBy: OBJECTIVE) `+groups+`
		unByObjective: mechanismsAggregate(filter: {category: [UN]}, groupBy: OBJECTIVE) `+groups+`
	}`, nil, &resp)
		mustPost(t, c, `{
		nhris(first: 200) { totalCount edges { node { id country { code } accreditationStatus networks { id } } } }
		nhrisByStatus: nhrisAggregate(groupBy: ACCREDITATION_STATUS) `+groups+`
		nhrisByNetwork: nhrisAggregate(groupBy: NETWORK) `+groups+`
		nhrisByCountry: nhrisAggregate(groupBy: COUNTRY) `+groups+`
		commitments { id supportChannels { channel { id } } }
		channelsByCommitment: supportChannelsAggregate(groupBy: COMMITMENT) `+groups+`
	}`, nil, &resp)

		actions := make([]action, len(resp.Actions.Edges))
		for i, e := range resp.Actions.Edges {
			actions[i] = e.Node
		}
		require.Greater(t, len(actions), 20)
		require.Len(t, actions, resp.Actions.TotalCount, "one page holds every action")
		for _, a := range []aggregate{resp.ByObjective, resp.ByCommitment, resp.ByPillar, resp.ByPartner, resp.ByRiskGroup} {
			assert.Equal(t, resp.Actions.TotalCount, a.TotalCount)
		}
		assert.Equal(t, tally(actions, func(a action) []string { return []string{a.Objective.ID} }), resp.ByObjective.counts(t, true), "actions per objective")
		commitment := func(a action) []string {
			if a.Commitment == nil {
				return nil
			}
			return []string{a.Commitment.ID}
		}
		assert.Equal(t, tally(actions, commitment), resp.ByCommitment.counts(t, true), "actions per commitment")
		pillar := func(a action) []string {
			if a.Commitment == nil {
				return nil
			}
			return []string{a.Commitment.Pillar}
		}
		assert.Equal(t, tally(actions, pillar), resp.ByPillar.counts(t, false), "actions per pillar")
		ids := func(rs []ref) []string {
			var out []string
			for _, r := range rs {
				out = append(out, r.ID)
			}
			return out
		}
		assert.Equal(t, tally(actions, func(a action) []string { return ids(a.Partners) }), resp.ByPartner.counts(t, true), "actions per partner")
		assert.Equal(t, tally(actions, func(a action) []string { return ids(a.RiskGroups) }), resp.ByRiskGroup.counts(t, true), "actions per group at risk")
		var objective1 []action
		for _, e := range resp.Objective1.Edges {
			objective1 = append(objective1, e.Node)
		}
		assert.Equal(t, resp.Objective1.TotalCount, resp.Objective1ByPillar.TotalCount)
		assert.Equal(t, tally(objective1, pillar), resp.Objective1ByPillar.counts(t, false), "the filter applies")

		type mechanism = struct {
			ID       string
			Category string
			Region   *string
			Actions  []struct {
				ID        string
				Objective ref
			}
		}
		var mechanisms []mechanism
		for _, e := range resp.Mechanisms.Edges {
			mechanisms = append(mechanisms, e.Node)
		}
		require.Greater(t, len(mechanisms), 20)
		require.Len(t, mechanisms, resp.Mechanisms.TotalCount, "one page holds every mechanism")
		assert.Equal(t, tally(mechanisms, func(m mechanism) []string { return []string{m.Category} }), resp.ByCategory.counts(t, false), "mechanisms by category")
		assert.Equal(t, tally(mechanisms, func(m mechanism) []string { return one(m.Region) }), resp.ByRegion.counts(t, false), "mechanisms by region")
		actionsOf := func(m mechanism) []string {
			var out []string
			for _, a := range m.Actions {
				out = append(out, a.ID)
			}
			return out
		}
		objectivesOf := func(m mechanism) []string {
			var out []string
			for _, a := range m.Actions {
				out = append(out, a.Objective.ID)
			}
			return out
		}
		assert.Equal(t, tally(mechanisms, actionsOf), resp.ByAction.counts(t, true), "mechanisms by action")
		assert.Equal(t, tally(mechanisms, objectivesOf), resp.MechanismsByObjective.counts(t, true), "mechanisms by objective")
		var un []mechanism
		for _, m := range mechanisms {
			if m.Category == "UN" {
				un = append(un, m)
			}
		}
		assert.Equal(t, len(un), resp.UNByObjective.TotalCount)
		assert.Equal(t, tally(un, objectivesOf), resp.UNByObjective.counts(t, true), "UN mechanisms by objective")

		type nhri = struct {
			ID                  string
			Country             struct{ Code string }
			AccreditationStatus *string
			Networks            []ref
		}
		var nhris []nhri
		for _, e := range resp.Nhris.Edges {
			nhris = append(nhris, e.Node)
		}
		require.NotEmpty(t, nhris)
		require.Len(t, nhris, resp.Nhris.TotalCount, "one page holds every NHRI")
		assert.Equal(t, tally(nhris, func(n nhri) []string { return one(n.AccreditationStatus) }), resp.NhrisByStatus.counts(t, false), "NHRIs by status")
		assert.Equal(t, tally(nhris, func(n nhri) []string { return ids(n.Networks) }), resp.NhrisByNetwork.counts(t, true), "NHRIs by network")
		assert.Equal(t, tally(nhris, func(n nhri) []string { return []string{n.Country.Code} }), resp.NhrisByCountry.counts(t, false), "NHRIs by country")

		want := map[string]int{}
		for _, cm := range resp.Commitments {
			if len(cm.SupportChannels) > 0 {
				want[cm.ID] = len(cm.SupportChannels)
			}
		}
		got := resp.ChannelsByCommitment.counts(t, true)
		delete(got, "")
		assert.Equal(t, want, got, "channels per commitment, as Commitment.supportChannels lists them")
	})
}

func TestAggregatesRefuseBadFilters(t *testing.T) {
	h := newHandler(storetest.Embedded.Seeded(t))
	for _, q := range []string{
		`{ actionsAggregate(filter: {objective: "objective:99"}, groupBy: OBJECTIVE) { totalCount } }`,
		`{ actionsAggregate(filter: {partner: "action:1-1"}, groupBy: PARTNER) { totalCount } }`,
		`{ nhrisAggregate(filter: {region: "Atlantis"}, groupBy: NETWORK) { totalCount } }`,
		`{ nhrisAggregate(filter: {country: "Kenya"}, groupBy: REGION) { totalCount } }`,
		`{ mechanismsAggregate(filter: {action: "mechanism:ohchr"}, groupBy: CATEGORY) { totalCount } }`,
	} {
		var data any
		errs := rawPost(t, h, q, nil, &data)
		assert.Equal(t, []string{"BAD_USER_INPUT"}, codes(errs), q)
	}
}

// TestAggregateCostsOneCount: an aggregate is one count, and one read of
// the entities its groups stand for.
func TestAggregateCostsOneCount(t *testing.T) {
	s := &countingStore{Store: storetest.Embedded.Seeded(t)}
	c := newClient(t, s)
	var resp struct{ A, B aggregate }
	s.calls.Store(0)
	mustPost(t, c, `{ a: mechanismsAggregate(groupBy: CATEGORY) { totalCount groups { key count } } }`, nil, &resp)
	assert.Equal(t, int64(1), s.calls.Load(), "by property: the count alone")
	s.calls.Store(0)
	mustPost(t, c, `{ b: supportChannelsAggregate(groupBy: COMMITMENT) { totalCount groups { key entity { id } count } } }`, nil, &resp)
	assert.Equal(t, int64(2), s.calls.Load(), "by related entity: the count and the entities")
	assert.GreaterOrEqual(t, len(resp.B.Groups), 7, "the seven commitments, and the channels of none")
}
