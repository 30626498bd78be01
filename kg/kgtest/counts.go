package kgtest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/kg"
)

// group is a GroupCount written briefly.
func group(key any, count int) kg.GroupCount { return kg.GroupCount{Key: key, Count: count} }

func (s *suite) testCount(t *testing.T) {
	s.parallel(t)
	st := s.loaded(t)
	ctx := context.Background()
	// Dates for the month and year groups: two in March 2021, one with a
	// time, one in 2022, one that is no date.
	dated := map[string]string{a1: "2021-03-14", a2: "2021-03-30", a3: "2021-11-02T10:00:00Z", a4: "2022-01-05", a5: "soon"}
	var puts []kg.Node
	for id, due := range dated {
		n := fixtureNode(t, id)
		n.Props["due"] = due
		puts = append(puts, *n)
	}
	_, err := st.Apply(ctx, kg.ChangeSet{Actor: fixtureActor, Reason: "dates to count by", PutNodes: puts})
	require.NoError(t, err)

	actions := kg.FindQuery{Kind: kg.KindAction}
	byObjective := &kg.RelGroup{Types: []kg.RelType{kg.RelUnderObjective}, Direction: kg.Outgoing, Kinds: []kg.Kind{kg.KindObjective}}
	cases := []struct {
		name  string
		q     kg.CountQuery
		total int
		want  []kg.GroupCount
	}{
		{"String", kg.CountQuery{Filter: actions, By: kg.GroupBy{Prop: "pillar"}}, 7,
			[]kg.GroupCount{group("Cooperation", 1), group("Promotion", 2), group("Protection", 3), group(nil, 1)}},
		{"Int", kg.CountQuery{Filter: actions, By: kg.GroupBy{Prop: kg.PropYear}}, 7,
			[]kg.GroupCount{group(int64(2020), 1), group(int64(2021), 2), group(int64(2022), 2), group(int64(2023), 1), group(nil, 1)}},
		{"Bool", kg.CountQuery{Filter: actions, By: kg.GroupBy{Prop: "urgent"}}, 7,
			[]kg.GroupCount{group(false, 3), group(true, 3), group(nil, 1)}},
		{"MixedTypes", kg.CountQuery{Filter: kg.FindQuery{Kind: kg.KindMechanism}, By: kg.GroupBy{Prop: "since"}}, 3,
			[]kg.GroupCount{group("1987", 1), group(int64(2000), 1), group(nil, 1)}},
		{"List", kg.CountQuery{Filter: kg.FindQuery{Kind: kg.KindMechanism}, By: kg.GroupBy{Prop: "tags"}}, 3,
			[]kg.GroupCount{group("rapporteur", 1), group("un", 1), group(nil, 2)}},
		{"Month", kg.CountQuery{Filter: actions, By: kg.GroupBy{Prop: "due", Part: kg.Month}}, 7,
			[]kg.GroupCount{group("2021-03", 2), group("2021-11", 1), group("2022-01", 1), group(nil, 3)}},
		{"Year", kg.CountQuery{Filter: actions, By: kg.GroupBy{Prop: "due", Part: kg.Year}}, 7,
			[]kg.GroupCount{group("2021", 3), group("2022", 1), group(nil, 3)}},
		{"PropFilter", kg.CountQuery{Filter: kg.FindQuery{Kind: kg.KindAction, Props: []kg.PropFilter{{Key: "urgent", Values: []any{true}}}}, By: kg.GroupBy{Prop: "pillar"}}, 3,
			[]kg.GroupCount{group("Protection", 2), group(nil, 1)}},
		{"TextFilter", kg.CountQuery{Filter: kg.FindQuery{Kind: kg.KindAction, Text: "defenders"}, By: kg.GroupBy{Prop: "pillar"}}, 2,
			[]kg.GroupCount{group("Protection", 2)}},
		{"RelatedFilter", kg.CountQuery{Filter: kg.FindQuery{Kind: kg.KindAction, Related: []kg.RelFilter{{Types: []kg.RelType{kg.RelUnderObjective}, Direction: kg.Outgoing, IDs: []string{o1}}}}, By: kg.GroupBy{Prop: "pillar"}}, 3,
			[]kg.GroupCount{group("Promotion", 1), group("Protection", 2)}},
		{"Outgoing", kg.CountQuery{Filter: actions, By: kg.GroupBy{Rel: byObjective}}, 7,
			[]kg.GroupCount{group(o1, 3), group(o2, 2), group(o3, 2)}},
		{"OutgoingFiltered", kg.CountQuery{Filter: kg.FindQuery{Kind: kg.KindAction, Props: []kg.PropFilter{{Key: "pillar", Values: []any{"Protection"}}}}, By: kg.GroupBy{Rel: byObjective}}, 3,
			[]kg.GroupCount{group(o1, 2), group(o2, 1)}},
		// a3 engages and reports to the rapporteur: counted once there.
		{"SeveralTypes", kg.CountQuery{Filter: actions, By: kg.GroupBy{Rel: &kg.RelGroup{Types: kg.ChannelRelTypes, Direction: kg.Outgoing}}}, 7,
			[]kg.GroupCount{group(achpr, 2), group(ishr, 1), group(unsr, 2), group(ganhri, 2), group(nil, 3)}},
		{"NeighbourKinds", kg.CountQuery{Filter: actions, By: kg.GroupBy{Rel: &kg.RelGroup{Types: kg.ChannelRelTypes, Direction: kg.Outgoing, Kinds: []kg.Kind{kg.KindNetwork}}}}, 7,
			[]kg.GroupCount{group(ganhri, 2), group(nil, 5)}},
		{"Incoming", kg.CountQuery{Filter: kg.FindQuery{Kind: kg.KindMechanism}, By: kg.GroupBy{Rel: &kg.RelGroup{Types: []kg.RelType{kg.RelEngages}, Direction: kg.Incoming}}}, 3,
			[]kg.GroupCount{group(a1, 3), group(a3, 1)}},
		{"Both", kg.CountQuery{Filter: kg.FindQuery{Kind: kg.KindNetwork}, By: kg.GroupBy{Rel: &kg.RelGroup{Types: []kg.RelType{kg.RelPartOf}, Direction: kg.Both}}}, 2,
			[]kg.GroupCount{group(apf, 1), group(ganhri, 1)}},
		{"TwoSteps", kg.CountQuery{Filter: kg.FindQuery{Kind: kg.KindMechanism}, Kinds: []kg.Kind{kg.KindMechanism, kg.KindNetwork},
			By: kg.GroupBy{Rel: &kg.RelGroup{Types: kg.ChannelRelTypes, Direction: kg.Incoming, Kinds: []kg.Kind{kg.KindAction}, Then: byObjective}}}, 5,
			[]kg.GroupCount{group(o1, 4), group(o2, 1), group(o3, 1), group(nil, 1)}},
		{"TwoStepsFiltered", kg.CountQuery{Filter: kg.FindQuery{Kind: kg.KindMechanism, Props: []kg.PropFilter{{Key: "level", Values: []any{"UN", "NGO"}}}},
			By: kg.GroupBy{Rel: &kg.RelGroup{Types: kg.ChannelRelTypes, Direction: kg.Incoming, Then: byObjective}}}, 2,
			[]kg.GroupCount{group(o1, 2), group(o2, 1)}},
		// apf is part of ganhri: going back along the same edge is not a second step.
		{"TwoStepsNoEdgeTwice", kg.CountQuery{Filter: kg.FindQuery{Kind: kg.KindNetwork},
			By: kg.GroupBy{Rel: &kg.RelGroup{Types: []kg.RelType{kg.RelPartOf}, Direction: kg.Both, Then: &kg.RelGroup{Types: []kg.RelType{kg.RelPartOf}, Direction: kg.Both}}}}, 2,
			[]kg.GroupCount{group(nil, 2)}},
		{"NeighbourProp", kg.CountQuery{Filter: actions, By: kg.GroupBy{Prop: "pillar", Rel: &kg.RelGroup{Types: []kg.RelType{kg.RelImplements}, Direction: kg.Outgoing}}}, 7,
			[]kg.GroupCount{group("Promotion", 2), group("Protection", 3), group(nil, 2)}},
		// un-sr's actions a1 and a3 are both Protection: counted once there.
		{"NeighbourPropTwoSteps", kg.CountQuery{Filter: kg.FindQuery{Kind: kg.KindMechanism}, By: kg.GroupBy{Prop: "pillar",
			Rel: &kg.RelGroup{Types: kg.ChannelRelTypes, Direction: kg.Incoming, Then: &kg.RelGroup{Types: []kg.RelType{kg.RelImplements}, Direction: kg.Outgoing}}}}, 3,
			[]kg.GroupCount{group("Promotion", 1), group("Protection", 3)}},
		{"NeighbourDate", kg.CountQuery{Filter: kg.FindQuery{Kind: kg.KindObjective}, By: kg.GroupBy{Prop: "due", Part: kg.Year, Rel: &kg.RelGroup{Types: []kg.RelType{kg.RelUnderObjective}, Direction: kg.Incoming}}}, 3,
			[]kg.GroupCount{group("2021", 2), group("2022", 1), group(nil, 3)}},
		{"Kinds", kg.CountQuery{Kinds: []kg.Kind{kg.KindMechanism, kg.KindNetwork, kg.KindMechanism}, By: kg.GroupBy{Prop: "level"}}, 5,
			[]kg.GroupCount{group("NGO", 1), group("REGIONAL", 1), group("UN", 1), group(nil, 2)}},
		{"Empty", kg.CountQuery{Filter: kg.FindQuery{Kind: kg.KindCountry}, By: kg.GroupBy{Prop: kg.PropRegion}}, 0, []kg.GroupCount{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := st.Count(ctx, c.q)
			require.NoError(t, err)
			assert.Equal(t, c.total, got.Total, "total")
			assert.Equal(t, c.want, got.Groups, "groups")
			found := 0
			for _, k := range c.q.CountedKinds() {
				q := c.q.Filter
				q.Kind, q.OrderBy, q.First = k, kg.OrderByID, 1
				page, err := st.Find(ctx, q)
				require.NoError(t, err)
				found += page.TotalCount
			}
			assert.Equal(t, found, got.Total, "Count's total and Find's")
		})
	}

	t.Run("Invalid", func(t *testing.T) {
		for name, q := range map[string]kg.CountQuery{
			"NoGroup":       {Filter: actions},
			"BadKey":        {Filter: actions, By: kg.GroupBy{Prop: "no such key"}},
			"BadPart":       {Filter: actions, By: kg.GroupBy{Prop: "due", Part: "WEEK"}},
			"PartOfRel":     {Filter: actions, By: kg.GroupBy{Part: kg.Month, Rel: byObjective}},
			"NoTypes":       {Filter: actions, By: kg.GroupBy{Rel: &kg.RelGroup{Direction: kg.Outgoing}}},
			"UnknownType":   {Filter: actions, By: kg.GroupBy{Rel: &kg.RelGroup{Types: []kg.RelType{"NOPE"}, Direction: kg.Outgoing}}},
			"SensitiveType": {Filter: kg.FindQuery{Kind: kg.KindNHRI}, By: kg.GroupBy{Rel: &kg.RelGroup{Types: []kg.RelType{kg.RelConcerns}, Direction: kg.Incoming}}},
			"BadDirection":  {Filter: actions, By: kg.GroupBy{Rel: &kg.RelGroup{Types: []kg.RelType{kg.RelUnderObjective}, Direction: "SIDEWAYS"}}},
			"UnknownKind":   {Filter: kg.FindQuery{Kind: "Nope"}, By: kg.GroupBy{Prop: "pillar"}},
			"UnknownKinds":  {Kinds: []kg.Kind{kg.KindAction, "Nope"}, By: kg.GroupBy{Prop: "pillar"}},
			"ThreeSteps": {Filter: actions, By: kg.GroupBy{Rel: &kg.RelGroup{Types: []kg.RelType{kg.RelUnderObjective}, Direction: kg.Outgoing,
				Then: &kg.RelGroup{Types: []kg.RelType{kg.RelDefinedIn}, Direction: kg.Outgoing, Then: byObjective}}}},
			"SensitiveThen": {Filter: kg.FindQuery{Kind: kg.KindNetwork}, By: kg.GroupBy{Rel: &kg.RelGroup{Types: []kg.RelType{kg.RelMemberOf}, Direction: kg.Incoming,
				Then: &kg.RelGroup{Types: []kg.RelType{kg.RelConcerns}, Direction: kg.Incoming}}}},
			"BadFilter": {Filter: kg.FindQuery{Kind: kg.KindAction, Props: []kg.PropFilter{{Key: "bad key", Values: []any{"x"}}}}, By: kg.GroupBy{Prop: "pillar"}},
		} {
			_, err := st.Count(ctx, q)
			requireCode(t, err, kg.CodeBadUserInput, "%s: %+v", name, q)
		}
	})
}

// testConditions checks FindQuery.Not and FindQuery.Any, in Find and in
// Count alike.
func (s *suite) testConditions(t *testing.T) {
	s.parallel(t)
	st := s.loaded(t)
	ctx := context.Background()
	pillar := func(p string) kg.Condition {
		return kg.Condition{Props: []kg.PropFilter{{Key: "pillar", Values: []any{p}}}}
	}
	cases := []struct {
		name string
		q    kg.FindQuery
		want []string
	}{
		// a7 has no pillar: it is not of the Protection pillar.
		{"NotProp", kg.FindQuery{Not: []kg.Condition{pillar("Protection")}}, []string{a2, a4, a5, a7}},
		{"NotBool", kg.FindQuery{Not: []kg.Condition{{Props: []kg.PropFilter{{Key: "urgent", Values: []any{true}}}}}}, []string{a2, a4, a5, a6}},
		{"NotRelated", kg.FindQuery{Not: []kg.Condition{{Related: []kg.RelFilter{{Types: []kg.RelType{kg.RelEngages}, Direction: kg.Outgoing, IDs: []string{unsr}}}}}}, []string{a2, a4, a5, a6, a7}},
		{"NotEither", kg.FindQuery{Not: []kg.Condition{pillar("Protection"), pillar("Promotion")}}, []string{a4, a7}},
		{"NotBoth", kg.FindQuery{Not: []kg.Condition{{Props: []kg.PropFilter{{Key: "pillar", Values: []any{"Protection"}}, {Key: "urgent", Values: []any{true}}}}}}, []string{a2, a4, a5, a6, a7}},
		{"AnyProps", kg.FindQuery{Any: []kg.Condition{pillar("Promotion"), {Props: []kg.PropFilter{{Key: "urgent", Values: []any{true}}}}}}, []string{a1, a2, a3, a5, a7}},
		{"AnyRelatedOrText", kg.FindQuery{Any: []kg.Condition{{Related: []kg.RelFilter{{Types: []kg.RelType{kg.RelUnderObjective}, Direction: kg.Outgoing, IDs: []string{o3}}}}, {Text: "defenders"}}}, []string{a1, a4, a6, a7}},
		{"AndNot", kg.FindQuery{Props: []kg.PropFilter{{Key: "pillar", Values: []any{"Protection"}}}, Not: []kg.Condition{{Text: "women"}}}, []string{a1, a3}},
		{"AnyNot", kg.FindQuery{Any: []kg.Condition{pillar("Promotion"), pillar("Cooperation")}, Not: []kg.Condition{{Props: []kg.PropFilter{{Key: kg.PropYear, Values: []any{int64(2023)}}}}}}, []string{a2, a4}},
		{"AnyRelatedFilter", kg.FindQuery{Related: []kg.RelFilter{{Types: []kg.RelType{kg.RelUnderObjective}, Direction: kg.Outgoing, IDs: []string{o1}}}, Any: []kg.Condition{pillar("Promotion"), {Text: "women"}}}, []string{a2, a6}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := c.q
			q.Kind, q.OrderBy, q.First = kg.KindAction, kg.OrderByID, kg.MaxPageSize
			page, err := st.Find(ctx, q)
			require.NoError(t, err)
			assert.Equal(t, c.want, ids(page.Nodes))
			assert.Equal(t, len(c.want), page.TotalCount)
			got, err := st.Count(ctx, kg.CountQuery{Filter: q, By: kg.GroupBy{Rel: &kg.RelGroup{Types: []kg.RelType{kg.RelUnderObjective}, Direction: kg.Outgoing}}})
			require.NoError(t, err)
			assert.Equal(t, len(c.want), got.Total, "Count keeps what Find keeps")
			// Paged one at a time, the conditions hold on every page.
			q.First = 1
			var walked []string
			for {
				p, err := st.Find(ctx, q)
				require.NoError(t, err)
				walked = append(walked, ids(p.Nodes)...)
				if !p.HasNextPage {
					break
				}
				q.After = p.Cursors[0]
			}
			assert.Equal(t, c.want, walked)
		})
	}
	t.Run("Invalid", func(t *testing.T) {
		many := make([]kg.Condition, kg.MaxConditions+1)
		for name, q := range map[string]kg.FindQuery{
			"TooMany":     {Any: many},
			"BadKey":      {Not: []kg.Condition{{Props: []kg.PropFilter{{Key: "bad key", Values: []any{"x"}}}}}},
			"BadValue":    {Any: []kg.Condition{{Props: []kg.PropFilter{{Key: "pillar", Values: []any{1.5}}}}}},
			"UnknownType": {Not: []kg.Condition{{Related: []kg.RelFilter{{Types: []kg.RelType{"NOPE"}, Direction: kg.Outgoing}}}}},
		} {
			q.Kind, q.OrderBy, q.First = kg.KindAction, kg.OrderByID, 10
			_, err := st.Find(ctx, q)
			requireCode(t, err, kg.CodeBadUserInput, name)
			_, err = st.Count(ctx, kg.CountQuery{Filter: q, By: kg.GroupBy{Prop: "pillar"}})
			requireCode(t, err, kg.CodeBadUserInput, name)
		}
	})
}
