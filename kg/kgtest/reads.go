package kgtest

import (
	"context"
	"encoding/base64"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/kg"
)

// requireCode checks that err is a domain error with this code.
func requireCode(t *testing.T, err error, code kg.Code, msgAndArgs ...any) {
	t.Helper()
	require.Error(t, err, msgAndArgs...)
	require.Equal(t, code, kg.ErrorCode(err), append([]any{"error: %v"}, err))
}

func (s *suite) testNodes(t *testing.T) {
	s.parallel(t)
	st := s.loaded(t)
	ctx := context.Background()

	t.Run("AlignedWithIDs", func(t *testing.T) {
		s.parallel(t)
		want := fixtureNodes()
		var ask []string
		for i := len(want) - 1; i >= 0; i-- {
			ask = append(ask, want[i].ID)
		}
		got, err := st.Nodes(ctx, ask)
		require.NoError(t, err)
		require.Len(t, got, len(want))
		for i, n := range got {
			w := want[len(want)-1-i]
			require.NotNil(t, n, "node %s", w.ID)
			assert.True(t, w.Equal(n), "node %s:\nwant %+v\n got %+v", w.ID, w, *n)
		}
	})

	t.Run("UnknownAndDuplicateIDs", func(t *testing.T) {
		s.parallel(t)
		got, err := st.Nodes(ctx, []string{"action:nope", a1, "", a1, "not an id", c1, a1})
		require.NoError(t, err)
		assert.Equal(t, []string{"<nil>", a1, "<nil>", a1, "<nil>", c1, a1}, ids(got))
		assert.True(t, fixtureNode(t, a1).Equal(got[3]))
		assert.True(t, fixtureNode(t, a1).Equal(got[6]))
	})

	t.Run("EmptyInput", func(t *testing.T) {
		s.parallel(t)
		got, err := st.Nodes(ctx, nil)
		require.NoError(t, err)
		assert.Empty(t, got)
		got, err = st.Nodes(ctx, []string{})
		require.NoError(t, err)
		assert.Empty(t, got)
	})

	t.Run("CanonicalPropTypes", func(t *testing.T) {
		s.parallel(t)
		got, err := st.Nodes(ctx, []string{a1, unsr, ganhri})
		require.NoError(t, err)
		assert.IsType(t, int64(0), got[0].Props[kg.PropSeq])
		assert.IsType(t, "", got[0].Props["pillar"])
		assert.IsType(t, true, got[0].Props["urgent"])
		assert.Equal(t, []string{"un", "rapporteur"}, got[1].Props["tags"])
		assert.Equal(t, true, got[2].Props["global"])
	})

	t.Run("ReturnsCopies", func(t *testing.T) {
		s.parallel(t)
		st := s.loaded(t)
		got, err := st.Nodes(ctx, []string{unsr, unsr})
		require.NoError(t, err)
		for _, n := range got {
			n.Name = "changed"
			n.Props["level"] = "changed"
			n.Props["tags"].([]string)[0] = "changed"
			n.Citations[0].Quote = "changed"
		}
		again, err := st.Nodes(ctx, []string{unsr})
		require.NoError(t, err)
		assert.True(t, fixtureNode(t, unsr).Equal(again[0]), "store changed through a returned node: %+v", again[0])

		ns, err := st.Neighbors(ctx, []string{a1}, kg.NeighborQuery{Direction: kg.Outgoing, Types: []kg.RelType{kg.RelEngages}})
		require.NoError(t, err)
		require.NotEmpty(t, ns[0])
		for _, n := range ns[0] {
			n.Node.Name = "changed"
			n.Node.Props["level"] = "changed"
			n.Edge.Citations[0].Quote = "changed"
		}
		page, err := st.Find(ctx, kg.FindQuery{Kind: kg.KindMechanism, OrderBy: kg.OrderByID, First: 10})
		require.NoError(t, err)
		for _, n := range page.Nodes {
			n.Props["level"] = "changed"
		}
		found, err := st.Search(ctx, kg.SearchQuery{Text: "rapporteur", Limit: 10})
		require.NoError(t, err)
		for _, n := range found {
			n.Name = "changed"
		}
		again, err = st.Nodes(ctx, []string{unsr, achpr, ishr})
		require.NoError(t, err)
		for _, n := range again {
			assert.True(t, fixtureNode(t, n.ID).Equal(n), "store changed through a returned node: %+v", n)
		}
		after, err := st.Neighbors(ctx, []string{a1}, kg.NeighborQuery{Direction: kg.Outgoing, Types: []kg.RelType{kg.RelEngages}})
		require.NoError(t, err)
		for _, n := range after[0] {
			assert.True(t, fixtureEdge(t, n.Edge.From, n.Edge.Type, n.Edge.To).Equal(n.Edge), "store changed through a returned edge: %+v", n.Edge)
		}
	})
}

func (s *suite) testNeighbors(t *testing.T) {
	s.parallel(t)
	st := s.loaded(t)
	ctx := context.Background()

	cases := []struct {
		name string
		id   string
		q    kg.NeighborQuery
		want []hop
	}{
		{"OutgoingAll", a1, kg.NeighborQuery{Direction: kg.Outgoing}, []hop{
			// Mechanisms by seq (un-sr 1, achpr 2), then ishr, which has none.
			{kg.RelEngages, unsr}, {kg.RelEngages, achpr}, {kg.RelEngages, ishr},
			{kg.RelImplements, c1}, {kg.RelUnderObjective, o1},
		}},
		{"IncomingAll", unsr, kg.NeighborQuery{Direction: kg.Incoming}, []hop{
			{kg.RelEngages, a1}, {kg.RelEngages, a3}, {kg.RelReportsTo, a3},
		}},
		{"OutgoingNone", unsr, kg.NeighborQuery{Direction: kg.Outgoing}, nil},
		{"Both", c1, kg.NeighborQuery{Direction: kg.Both}, []hop{
			{kg.RelDefinedIn, marrakech}, {kg.RelImplements, a1}, {kg.RelImplements, a3}, {kg.RelImplements, a6},
		}},
		{"BothNetworks", ganhri, kg.NeighborQuery{Direction: kg.Both}, []hop{
			{kg.RelInCollaborationWith, a2}, {kg.RelInCollaborationWith, a4}, {kg.RelPartOf, apf},
		}},
		{"IncomingByType", o1, kg.NeighborQuery{Direction: kg.Incoming, Types: []kg.RelType{kg.RelUnderObjective}}, []hop{
			{kg.RelUnderObjective, a1}, {kg.RelUnderObjective, a2}, {kg.RelUnderObjective, a6},
		}},
		{"SeveralTypes", a3, kg.NeighborQuery{Direction: kg.Outgoing, Types: []kg.RelType{kg.RelReportsTo, kg.RelImplements}}, []hop{
			{kg.RelImplements, c1}, {kg.RelReportsTo, unsr},
		}},
		{"TypeNotPresent", a3, kg.NeighborQuery{Direction: kg.Both, Types: []kg.RelType{kg.RelTargets}}, nil},
		{"ByKind", a1, kg.NeighborQuery{Direction: kg.Outgoing, Kinds: []kg.Kind{kg.KindMechanism}}, []hop{
			{kg.RelEngages, unsr}, {kg.RelEngages, achpr}, {kg.RelEngages, ishr},
		}},
		{"SeveralKinds", a1, kg.NeighborQuery{Direction: kg.Both, Kinds: []kg.Kind{kg.KindObjective, kg.KindCommitment}}, []hop{
			{kg.RelImplements, c1}, {kg.RelUnderObjective, o1},
		}},
		{"ByKindAndType", c1, kg.NeighborQuery{Direction: kg.Both, Types: []kg.RelType{kg.RelDefinedIn, kg.RelImplements}, Kinds: []kg.Kind{kg.KindInstrument}}, []hop{
			{kg.RelDefinedIn, marrakech},
		}},
		{"IncomingMixed", marrakech, kg.NeighborQuery{Direction: kg.Incoming}, []hop{
			{kg.RelDefinedIn, c1}, {kg.RelDefinedIn, c2}, {kg.RelReferences, gap},
		}},
		{"UnknownID", "action:nope", kg.NeighborQuery{Direction: kg.Both}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s.parallel(t)
			got, err := st.Neighbors(ctx, []string{tc.id}, tc.q)
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Equal(t, tc.want, nilIfEmpty(hops(got[0])))
			for _, n := range got[0] {
				// The edge is the stored one, in its own direction, and the
				// node is the whole node at its other end.
				assert.True(t, fixtureEdge(t, n.Edge.From, n.Edge.Type, n.Edge.To).Equal(n.Edge), "edge %+v", n.Edge)
				assert.True(t, n.Edge.From == tc.id || n.Edge.To == tc.id, "edge %s does not touch %s", n.Edge.Key(), tc.id)
				other := n.Edge.To
				if n.Edge.To == tc.id {
					other = n.Edge.From
				}
				assert.Equal(t, other, n.Node.ID)
				assert.True(t, fixtureNode(t, n.Node.ID).Equal(n.Node), "node %+v", n.Node)
			}
		})
	}

	t.Run("AlignedWithIDs", func(t *testing.T) {
		s.parallel(t)
		got, err := st.Neighbors(ctx, []string{a1, "action:nope", c1, a1, o3}, kg.NeighborQuery{Direction: kg.Both, Kinds: []kg.Kind{kg.KindObjective, kg.KindCommitment, kg.KindAction}})
		require.NoError(t, err)
		require.Len(t, got, 5)
		want1 := []hop{{kg.RelImplements, c1}, {kg.RelUnderObjective, o1}}
		assert.Equal(t, want1, hops(got[0]))
		assert.Empty(t, got[1])
		assert.Equal(t, []hop{{kg.RelImplements, a1}, {kg.RelImplements, a3}, {kg.RelImplements, a6}}, hops(got[2]))
		assert.Equal(t, want1, hops(got[3]))
		assert.Equal(t, []hop{{kg.RelUnderObjective, a4}, {kg.RelUnderObjective, a7}}, hops(got[4]))
	})

	t.Run("EmptyInput", func(t *testing.T) {
		s.parallel(t)
		got, err := st.Neighbors(ctx, nil, kg.NeighborQuery{Direction: kg.Both})
		require.NoError(t, err)
		assert.Empty(t, got)
	})

	t.Run("Invalid", func(t *testing.T) {
		s.parallel(t)
		for _, q := range []kg.NeighborQuery{
			{},
			{Direction: "SIDEWAYS"},
			{Direction: kg.Both, Types: []kg.RelType{"LIKES"}},
			{Direction: kg.Both, Kinds: []kg.Kind{"Person"}},
		} {
			_, err := st.Neighbors(ctx, []string{a1}, q)
			requireCode(t, err, kg.CodeBadUserInput, "query %+v", q)
		}
	})
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// orderings of the fixture's actions, worked out by hand from the table in
// fixture.go.
var actionOrders = []struct {
	orderBy string
	desc    bool
	want    []string
}{
	{kg.OrderByID, false, []string{a1, a2, a3, a4, a5, a6, a7}},
	{kg.OrderByID, true, []string{a7, a6, a5, a4, a3, a2, a1}},
	{kg.OrderByName, false, []string{a3, a7, a4, a2, a5, a6, a1}},
	{kg.OrderByName, true, []string{a1, a6, a5, a2, a4, a7, a3}},
	// Integers; a3 lacks the property: last ascending, first descending;
	// ties (2021, 2022) broken by ID in the same direction.
	{kg.PropYear, false, []string{a7, a1, a4, a2, a6, a5, a3}},
	{kg.PropYear, true, []string{a3, a5, a6, a2, a4, a1, a7}},
	{"pillar", false, []string{a4, a2, a5, a1, a3, a6, a7}},
	{"pillar", true, []string{a7, a6, a3, a1, a5, a2, a4}},
	{"urgent", false, []string{a2, a4, a6, a1, a3, a7, a5}},
	{"urgent", true, []string{a5, a7, a3, a1, a6, a4, a2}},
	{kg.PropSeq, false, []string{a1, a2, a3, a4, a5, a6, a7}},
	{kg.PropSeq, true, []string{a7, a6, a5, a4, a3, a2, a1}},
	// Nobody has it: ID order.
	{"missing", false, []string{a1, a2, a3, a4, a5, a6, a7}},
	{"missing", true, []string{a7, a6, a5, a4, a3, a2, a1}},
}

func (s *suite) testFind(t *testing.T) {
	s.parallel(t)
	st := s.loaded(t)
	ctx := context.Background()

	t.Run("Order", func(t *testing.T) {
		s.parallel(t)
		for _, o := range actionOrders {
			page, err := st.Find(ctx, kg.FindQuery{Kind: kg.KindAction, OrderBy: o.orderBy, Desc: o.desc, First: kg.MaxPageSize})
			require.NoError(t, err)
			assert.Equal(t, o.want, ids(page.Nodes), "order by %s desc=%v", o.orderBy, o.desc)
			assert.Equal(t, 7, page.TotalCount)
			assert.False(t, page.HasNextPage)
			assert.False(t, page.HasPreviousPage)
			require.Len(t, page.Cursors, len(page.Nodes))
			for i, n := range page.Nodes {
				assert.True(t, fixtureNode(t, n.ID).Equal(n), "node %+v", n)
				assert.NotEmpty(t, page.Cursors[i])
			}
		}
	})

	t.Run("OrderMixedTypes", func(t *testing.T) {
		s.parallel(t)
		// "since" is a string on achpr, an integer on un-sr, absent on ishr:
		// strings, then numbers, then nothing.
		page, err := st.Find(ctx, kg.FindQuery{Kind: kg.KindMechanism, OrderBy: "since", First: 10})
		require.NoError(t, err)
		assert.Equal(t, []string{achpr, unsr, ishr}, ids(page.Nodes))
		page, err = st.Find(ctx, kg.FindQuery{Kind: kg.KindMechanism, OrderBy: "since", Desc: true, First: 10})
		require.NoError(t, err)
		assert.Equal(t, []string{ishr, unsr, achpr}, ids(page.Nodes))
	})

	t.Run("PropRange", func(t *testing.T) {
		s.parallel(t)
		// "since" is the string "1987" on achpr, the integer 2000 on un-sr,
		// absent on ishr: a range keeps strings within it only.
		find := func(q kg.FindQuery) []string { return findMechanisms(t, st, q) }
		since := func(from, to string) kg.PropFilter {
			return kg.PropFilter{Key: "since", Range: &kg.StringRange{From: from, To: to}}
		}
		assert.Equal(t, []string{achpr}, find(kg.FindQuery{Props: []kg.PropFilter{since("1900", "2000")}}))
		assert.Equal(t, []string{achpr}, find(kg.FindQuery{Props: []kg.PropFilter{since("1987", "1987")}}), "both ends are in the range")
		assert.Equal(t, []string{achpr}, find(kg.FindQuery{Props: []kg.PropFilter{since("", "1999")}}), "an open start")
		assert.Empty(t, find(kg.FindQuery{Props: []kg.PropFilter{since("1988", "")}}), "an open end")
		assert.Equal(t, []string{ishr, unsr}, find(kg.FindQuery{Not: []kg.Condition{{Props: []kg.PropFilter{since("1900", "2000")}}}}),
			"not: those outside the range, and those without the property")
		assert.Equal(t, []string{achpr}, find(kg.FindQuery{Any: []kg.Condition{{Props: []kg.PropFilter{since("1900", "2000")}}, {Props: []kg.PropFilter{since("3000", "")}}}}))

		for name, f := range map[string]kg.PropFilter{
			"EmptyRange":     since("2001", "2000"),
			"RangeAndValues": {Key: "since", Values: []any{"1987"}, Range: &kg.StringRange{From: "1900"}},
		} {
			_, err := st.Find(ctx, kg.FindQuery{Kind: kg.KindMechanism, OrderBy: kg.OrderByID, First: 10, Props: []kg.PropFilter{f}})
			assert.Equal(t, kg.CodeBadUserInput, kg.ErrorCode(err), name)
		}
	})

	t.Run("PropListElement", func(t *testing.T) {
		s.parallel(t)
		// "tags" is the list [un rapporteur] on un-sr, absent elsewhere: a
		// list passes when one of its elements is one of the values.
		find := func(q kg.FindQuery) []string { return findMechanisms(t, st, q) }
		tags := func(vs ...any) kg.PropFilter { return kg.PropFilter{Key: "tags", Values: vs} }
		assert.Equal(t, []string{unsr}, find(kg.FindQuery{Props: []kg.PropFilter{tags("rapporteur")}}))
		assert.Equal(t, []string{unsr}, find(kg.FindQuery{Props: []kg.PropFilter{tags("treaty", "un")}}), "one element of the list is one of the values")
		assert.Empty(t, find(kg.FindQuery{Props: []kg.PropFilter{tags("UN")}}), "elements compare exactly")
		assert.Equal(t, []string{achpr, ishr}, find(kg.FindQuery{Not: []kg.Condition{{Props: []kg.PropFilter{tags("un")}}}}))
		assert.Equal(t, []string{achpr, unsr}, find(kg.FindQuery{Any: []kg.Condition{{Props: []kg.PropFilter{tags("rapporteur")}}, {Props: []kg.PropFilter{{Key: "level", Values: []any{"REGIONAL"}}}}}}))
		assert.Empty(t, find(kg.FindQuery{Props: []kg.PropFilter{{Key: "tags", Range: &kg.StringRange{From: "a"}}}}), "a list is never within a range")
	})

	t.Run("Kind", func(t *testing.T) {
		s.parallel(t)
		for kind, want := range map[kg.Kind][]string{
			kg.KindObjective:  {o1, o2, o3},
			kg.KindNetwork:    {apf, ganhri},
			kg.KindRiskGroup:  {women},
			kg.KindCountry:    nil,
			kg.KindInstrument: {gap, marrakech},
		} {
			page, err := st.Find(ctx, kg.FindQuery{Kind: kind, OrderBy: kg.OrderByID, First: 10})
			require.NoError(t, err)
			assert.Equal(t, want, nilIfEmpty(ids(page.Nodes)), "kind %s", kind)
			assert.Equal(t, len(want), page.TotalCount, "kind %s", kind)
			assert.False(t, page.HasNextPage)
		}
	})

	t.Run("Filters", func(t *testing.T) {
		s.parallel(t)
		cases := []struct {
			name string
			q    kg.FindQuery
			want []string
		}{
			{"String", kg.FindQuery{Props: []kg.PropFilter{{Key: "pillar", Values: []any{"Protection"}}}}, []string{a1, a3, a6}},
			{"StringOr", kg.FindQuery{Props: []kg.PropFilter{{Key: "pillar", Values: []any{"Protection", "Promotion"}}}}, []string{a1, a2, a3, a5, a6}},
			{"Int", kg.FindQuery{Props: []kg.PropFilter{{Key: kg.PropYear, Values: []any{int64(2021)}}}}, []string{a1, a4}},
			{"IntOr", kg.FindQuery{Props: []kg.PropFilter{{Key: kg.PropYear, Values: []any{int64(2020), int64(2023), int64(1999)}}}}, []string{a5, a7}},
			{"Bool", kg.FindQuery{Props: []kg.PropFilter{{Key: "urgent", Values: []any{true}}}}, []string{a1, a3, a7}},
			{"BoolFalse", kg.FindQuery{Props: []kg.PropFilter{{Key: "urgent", Values: []any{false}}}}, []string{a2, a4, a6}},
			{"TypesAreStrict", kg.FindQuery{Props: []kg.PropFilter{{Key: kg.PropYear, Values: []any{"2021"}}}}, nil},
			{"NoValues", kg.FindQuery{Props: []kg.PropFilter{{Key: "pillar", Values: nil}}}, nil},
			{"UnknownKey", kg.FindQuery{Props: []kg.PropFilter{{Key: "colour", Values: []any{"red"}}}}, nil},
			{"And", kg.FindQuery{Props: []kg.PropFilter{
				{Key: "pillar", Values: []any{"Protection"}},
				{Key: "urgent", Values: []any{true}},
			}}, []string{a1, a3}},
			{"AndOr", kg.FindQuery{Props: []kg.PropFilter{
				{Key: "pillar", Values: []any{"Protection", "Cooperation"}},
				{Key: kg.PropYear, Values: []any{int64(2021), int64(2022)}},
			}}, []string{a1, a4, a6}},
			{"RelatedOut", kg.FindQuery{Related: []kg.RelFilter{{Types: []kg.RelType{kg.RelImplements}, Direction: kg.Outgoing, IDs: []string{c1}}}}, []string{a1, a3, a6}},
			{"RelatedOr", kg.FindQuery{Related: []kg.RelFilter{{Types: []kg.RelType{kg.RelImplements}, Direction: kg.Outgoing, IDs: []string{c1, c2}}}}, []string{a1, a2, a3, a5, a6}},
			{"RelatedAnd", kg.FindQuery{Related: []kg.RelFilter{
				{Types: []kg.RelType{kg.RelImplements}, Direction: kg.Outgoing, IDs: []string{c1}},
				{Types: []kg.RelType{kg.RelUnderObjective}, Direction: kg.Outgoing, IDs: []string{o1}},
			}}, []string{a1, a6}},
			{"RelatedWrongDirection", kg.FindQuery{Related: []kg.RelFilter{{Types: []kg.RelType{kg.RelImplements}, Direction: kg.Incoming, IDs: []string{c1}}}}, nil},
			{"RelatedBoth", kg.FindQuery{Related: []kg.RelFilter{{Types: []kg.RelType{kg.RelImplements}, Direction: kg.Both, IDs: []string{c2}}}}, []string{a2, a5}},
			{"RelatedUnknownID", kg.FindQuery{Related: []kg.RelFilter{{Types: []kg.RelType{kg.RelImplements}, Direction: kg.Outgoing, IDs: []string{"commitment:nope"}}}}, nil},
			{"RelatedNoIDs", kg.FindQuery{Related: []kg.RelFilter{{Types: []kg.RelType{kg.RelImplements}, Direction: kg.Outgoing}}}, nil},
			{"Text", kg.FindQuery{Text: "reprisals"}, []string{a1}},
			{"TextInTextProp", kg.FindQuery{Text: "REPORT threats"}, []string{a3}},
			{"TextSubstring", kg.FindQuery{Text: "report"}, []string{a3, a5}},
			{"TextAcrossFields", kg.FindQuery{Text: "alert delay"}, []string{a3}},
			{"TextNoMatch", kg.FindQuery{Text: "elephant"}, nil},
			{"Everything", kg.FindQuery{
				Props:   []kg.PropFilter{{Key: "pillar", Values: []any{"Protection"}}},
				Related: []kg.RelFilter{{Types: []kg.RelType{kg.RelImplements}, Direction: kg.Outgoing, IDs: []string{c1}}},
				Text:    "defenders",
			}, []string{a1, a6}},
		}
		for _, tc := range cases {
			q := tc.q
			q.Kind, q.OrderBy, q.First = kg.KindAction, kg.OrderByID, kg.MaxPageSize
			page, err := st.Find(ctx, q)
			require.NoError(t, err, tc.name)
			assert.Equal(t, tc.want, nilIfEmpty(ids(page.Nodes)), tc.name)
			assert.Equal(t, len(tc.want), page.TotalCount, tc.name)
		}

		// Related filters on other kinds and directions.
		for _, tc := range []struct {
			kind kg.Kind
			f    kg.RelFilter
			want []string
		}{
			{kg.KindMechanism, kg.RelFilter{Types: []kg.RelType{kg.RelEngages}, Direction: kg.Incoming, IDs: []string{a1}}, []string{achpr, ishr, unsr}},
			{kg.KindMechanism, kg.RelFilter{Types: []kg.RelType{kg.RelEngages}, Direction: kg.Outgoing, IDs: []string{a1}}, nil},
			{kg.KindMechanism, kg.RelFilter{Types: []kg.RelType{kg.RelReportsTo}, Direction: kg.Incoming, IDs: []string{a3}}, []string{unsr}},
			{kg.KindMechanism, kg.RelFilter{Types: []kg.RelType{kg.RelReportsTo}, Direction: kg.Incoming, IDs: []string{a1}}, nil},
			{kg.KindNetwork, kg.RelFilter{Types: []kg.RelType{kg.RelPartOf}, Direction: kg.Both, IDs: []string{ganhri}}, []string{apf}},
			{kg.KindNetwork, kg.RelFilter{Types: []kg.RelType{kg.RelPartOf}, Direction: kg.Both, IDs: []string{apf}}, []string{ganhri}},
			{kg.KindNetwork, kg.RelFilter{Types: []kg.RelType{kg.RelPartOf}, Direction: kg.Incoming, IDs: []string{apf}}, []string{ganhri}},
			// Several types: any of them; no types: any type.
			{kg.KindMechanism, kg.RelFilter{Types: []kg.RelType{kg.RelEngages, kg.RelInformsOn}, Direction: kg.Incoming, IDs: []string{a2, a3}}, []string{achpr, unsr}},
			{kg.KindMechanism, kg.RelFilter{Types: []kg.RelType{kg.RelEngages}, Direction: kg.Incoming, IDs: []string{a2}}, nil},
			{kg.KindMechanism, kg.RelFilter{Direction: kg.Incoming, IDs: []string{a2}}, []string{achpr}},
			{kg.KindNetwork, kg.RelFilter{Direction: kg.Incoming, IDs: []string{a2, a4}}, []string{ganhri}},
			{kg.KindAction, kg.RelFilter{Direction: kg.Outgoing, IDs: []string{unsr, women}}, []string{a1, a3, a6}},
			{kg.KindAction, kg.RelFilter{Direction: kg.Both, IDs: []string{o3}}, []string{a4, a7}},
			{kg.KindAction, kg.RelFilter{Direction: kg.Incoming, IDs: []string{o3}}, nil},
		} {
			page, err := st.Find(ctx, kg.FindQuery{Kind: tc.kind, Related: []kg.RelFilter{tc.f}, OrderBy: kg.OrderByID, First: 10})
			require.NoError(t, err)
			assert.Equal(t, tc.want, nilIfEmpty(ids(page.Nodes)), "%s %+v", tc.kind, tc.f)
		}
	})

	t.Run("Pagination", func(t *testing.T) {
		s.parallel(t)
		for _, o := range actionOrders {
			for _, size := range []int{1, 2, 3, 6, 7, 8} {
				walkPages(t, st, kg.FindQuery{Kind: kg.KindAction, OrderBy: o.orderBy, Desc: o.desc, First: size}, o.want)
			}
		}
		// Filtered: Protection or Promotion, by year descending.
		q := kg.FindQuery{
			Kind:    kg.KindAction,
			Props:   []kg.PropFilter{{Key: "pillar", Values: []any{"Protection", "Promotion"}}},
			OrderBy: kg.PropYear, Desc: true, First: 2,
		}
		walkPages(t, st, q, []string{a3, a5, a6, a2, a1})
	})

	t.Run("AfterAnyCursor", func(t *testing.T) {
		s.parallel(t)
		for _, o := range actionOrders {
			all, err := st.Find(ctx, kg.FindQuery{Kind: kg.KindAction, OrderBy: o.orderBy, Desc: o.desc, First: kg.MaxPageSize})
			require.NoError(t, err)
			require.Len(t, all.Cursors, len(o.want))
			for i, c := range all.Cursors {
				page, err := st.Find(ctx, kg.FindQuery{Kind: kg.KindAction, OrderBy: o.orderBy, Desc: o.desc, First: kg.MaxPageSize, After: c})
				require.NoError(t, err)
				assert.Equal(t, o.want[i+1:], ids(page.Nodes), "order by %s desc=%v after %s", o.orderBy, o.desc, o.want[i])
				assert.Equal(t, 7, page.TotalCount)
				assert.True(t, page.HasPreviousPage)
				assert.False(t, page.HasNextPage)
			}
		}
	})

	t.Run("Invalid", func(t *testing.T) {
		s.parallel(t)
		byName, err := st.Find(ctx, kg.FindQuery{Kind: kg.KindAction, OrderBy: kg.OrderByName, First: 1})
		require.NoError(t, err)
		require.Len(t, byName.Cursors, 1)
		nameCursor := byName.Cursors[0]
		valid := kg.FindQuery{Kind: kg.KindAction, OrderBy: kg.OrderByName, First: 1}
		cases := map[string]func(q *kg.FindQuery){
			"FirstZero":            func(q *kg.FindQuery) { q.First = 0 },
			"FirstNegative":        func(q *kg.FindQuery) { q.First = -1 },
			"FirstTooLarge":        func(q *kg.FindQuery) { q.First = kg.MaxPageSize + 1 },
			"UnknownKind":          func(q *kg.FindQuery) { q.Kind = "Person" },
			"NoKind":               func(q *kg.FindQuery) { q.Kind = "" },
			"NoOrder":              func(q *kg.FindQuery) { q.OrderBy = "" },
			"BadOrder":             func(q *kg.FindQuery) { q.OrderBy = "year DESC; DROP" },
			"MalformedCursor":      func(q *kg.FindQuery) { q.After = "!!not a cursor!!" },
			"CursorNotJSON":        func(q *kg.FindQuery) { q.After = base64.RawURLEncoding.EncodeToString([]byte("hello")) },
			"CursorOtherOrder":     func(q *kg.FindQuery) { q.OrderBy = kg.OrderByID; q.After = nameCursor },
			"CursorOtherDirection": func(q *kg.FindQuery) { q.Desc = true; q.After = nameCursor },
			"BadFilterKey":         func(q *kg.FindQuery) { q.Props = []kg.PropFilter{{Key: "Bad-Key", Values: []any{"x"}}} },
			"BadFilterValue":       func(q *kg.FindQuery) { q.Props = []kg.PropFilter{{Key: kg.PropYear, Values: []any{2021.5}}} },
			"BadRelatedType": func(q *kg.FindQuery) {
				q.Related = []kg.RelFilter{{Types: []kg.RelType{"LIKES"}, Direction: kg.Both, IDs: []string{a1}}}
			},
			"BadRelatedDirection": func(q *kg.FindQuery) {
				q.Related = []kg.RelFilter{{Types: []kg.RelType{kg.RelEngages}, Direction: "UP", IDs: []string{a1}}}
			},
		}
		for name, change := range cases {
			q := valid
			change(&q)
			_, err := st.Find(ctx, q)
			requireCode(t, err, kg.CodeBadUserInput, name)
		}
		// The valid query, with the cursor, works.
		q := valid
		q.After = nameCursor
		page, err := st.Find(ctx, q)
		require.NoError(t, err)
		assert.Equal(t, []string{a7}, ids(page.Nodes))
	})

	t.Run("CursorSurvivesWrites", func(t *testing.T) {
		s.parallel(t)
		st := s.loaded(t)
		q := kg.FindQuery{Kind: kg.KindAction, OrderBy: kg.OrderByName, First: 3}
		first, err := st.Find(ctx, q)
		require.NoError(t, err)
		require.Equal(t, []string{a3, a7, a4}, ids(first.Nodes))
		// The node under the cursor goes away and a node that sorts before
		// it arrives: the next page starts right after the cursor's place.
		early := kg.Node{ID: "action:a0", Kind: kg.KindAction, Name: "Aaa first", Citations: cite("early")}
		_, err = st.Apply(ctx, kg.ChangeSet{Actor: fixtureActor, PutNodes: []kg.Node{early}, DeleteNodes: []string{a4}})
		require.NoError(t, err)
		q.After = first.Cursors[2]
		next, err := st.Find(ctx, q)
		require.NoError(t, err)
		assert.Equal(t, []string{a2, a5, a6}, ids(next.Nodes))
		assert.Equal(t, 7, next.TotalCount)
		assert.True(t, next.HasNextPage)
		assert.True(t, next.HasPreviousPage)
	})
}

// walkPages follows After cursors from the first page to the last and
// checks that the pages add up to want, with consistent page information.
func walkPages(t *testing.T, st kg.Store, q kg.FindQuery, want []string) {
	t.Helper()
	var got []string
	for page := 0; ; page++ {
		require.Less(t, page, len(want)+2, "pagination does not end: %+v", q)
		p, err := st.Find(context.Background(), q)
		require.NoError(t, err)
		assert.Equal(t, len(want), p.TotalCount, "query %+v", q)
		assert.Equal(t, page > 0, p.HasPreviousPage, "query %+v page %d", q, page)
		require.Len(t, p.Cursors, len(p.Nodes))
		assert.LessOrEqual(t, len(p.Nodes), q.First)
		got = append(got, ids(p.Nodes)...)
		wantNext := len(got) < len(want)
		require.Equal(t, wantNext, p.HasNextPage, "query %+v page %d: got so far %v", q, page, got)
		if !p.HasNextPage {
			break
		}
		require.Len(t, p.Nodes, q.First, "a page before the last is full")
		q.After = p.Cursors[len(p.Cursors)-1]
	}
	assert.Equal(t, want, got, "order by %s desc=%v first=%d", q.OrderBy, q.Desc, q.First)
}

// searchQueries are checked against kg.RankSearch over the fixture.
var searchQueries = []string{
	"defenders", "special rapporteur", "ganhri", "GANHRI", "rights", "on", "civic space",
	"Special Rapporteur on human rights defenders", "apf", "whrd", "national human", "elephant",
	"Protect", "  monitor   CIVIC ",
}

func (s *suite) testSearch(t *testing.T) {
	s.parallel(t)
	st := s.loaded(t)
	ctx := context.Background()

	t.Run("Ranking", func(t *testing.T) {
		s.parallel(t)
		cases := []struct {
			text  string
			kinds []kg.Kind
			limit int
			want  []string
		}{
			// Names containing the word (40) before descriptions and texts
			// containing it (10); ties by name.
			{"defenders", nil, 50, []string{c1, unsr, a6, women, ishr, a1}},
			{"defenders", nil, 3, []string{c1, unsr, a6}},
			{"defenders", []kg.Kind{kg.KindAction}, 50, []string{a6, a1}},
			{"defenders", []kg.Kind{kg.KindMechanism, kg.KindRiskGroup}, 50, []string{unsr, women, ishr}},
			// Name starts with the query (60), then all words in the name
			// (40), then in the description (10).
			{"Special Rapporteur", nil, 50, []string{unsr, a3, ishr}},
			// Exact acronym (100) before a description (10).
			{"ganhri", nil, 50, []string{ganhri, apf}},
			{"ganhri", nil, 1, []string{ganhri}},
			// Exact name.
			{"special rapporteur on human rights defenders", nil, 50, []string{unsr, ishr}},
			{"elephant", nil, 50, nil},
			{"defenders", []kg.Kind{kg.KindCountry}, 50, nil},
		}
		nodes := fixturePointers()
		for _, tc := range cases {
			// The expectation agrees with kg's ranking of the fixture...
			var pool []*kg.Node
			for _, n := range nodes {
				if len(tc.kinds) == 0 || slices.Contains(tc.kinds, n.Kind) {
					pool = append(pool, n)
				}
			}
			require.Equal(t, tc.want, nilIfEmpty(ids(kg.RankSearch(pool, tc.text, tc.limit))), "fixture check %q", tc.text)
			// ...and the store's.
			got, err := st.Search(ctx, kg.SearchQuery{Text: tc.text, Kinds: tc.kinds, Limit: tc.limit})
			require.NoError(t, err)
			assert.Equal(t, tc.want, nilIfEmpty(ids(got)), "search %q kinds %v limit %d", tc.text, tc.kinds, tc.limit)
			for _, n := range got {
				assert.True(t, fixtureNode(t, n.ID).Equal(n), "node %+v", n)
			}
		}
	})

	t.Run("SameAsRankSearch", func(t *testing.T) {
		s.parallel(t)
		nodes := fixturePointers()
		for _, text := range searchQueries {
			for _, limit := range []int{1, 4, kg.MaxPageSize} {
				want := ids(kg.RankSearch(nodes, text, limit))
				got, err := st.Search(ctx, kg.SearchQuery{Text: text, Limit: limit})
				require.NoError(t, err)
				assert.Equal(t, want, ids(got), "search %q limit %d", text, limit)
			}
		}
	})

	t.Run("Invalid", func(t *testing.T) {
		s.parallel(t)
		long := make([]byte, 201)
		for i := range long {
			long[i] = 'a'
		}
		for name, q := range map[string]kg.SearchQuery{
			"EmptyText":   {Text: "", Limit: 10},
			"BlankText":   {Text: " \t ", Limit: 10},
			"LongText":    {Text: string(long), Limit: 10},
			"NoLimit":     {Text: "defenders"},
			"LimitTooBig": {Text: "defenders", Limit: kg.MaxPageSize + 1},
			"UnknownKind": {Text: "defenders", Limit: 10, Kinds: []kg.Kind{"Person"}},
		} {
			_, err := st.Search(ctx, q)
			requireCode(t, err, kg.CodeBadUserInput, name)
		}
	})
}

func fixturePointers() []*kg.Node {
	var out []*kg.Node
	for _, n := range fixtureNodes() {
		out = append(out, &n)
	}
	return out
}

// findMechanisms is the IDs of the mechanisms q keeps, in ID order, once
// Count is seen to keep as many.
func findMechanisms(t *testing.T, st kg.Store, q kg.FindQuery) []string {
	t.Helper()
	ctx := context.Background()
	q.Kind, q.OrderBy, q.First = kg.KindMechanism, kg.OrderByID, 10
	page, err := st.Find(ctx, q)
	require.NoError(t, err)
	c, err := st.Count(ctx, kg.CountQuery{Filter: q, By: kg.GroupBy{Prop: "level"}})
	require.NoError(t, err)
	assert.Equal(t, page.TotalCount, c.Total, "Find and Count agree on %+v", q)
	return ids(page.Nodes)
}
