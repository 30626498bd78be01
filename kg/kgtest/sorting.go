package kgtest

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/kg"
)

// sortCases are orders of several keys, each checked against a sort of the
// kind's nodes done here.
var sortCases = []struct {
	name   string
	kind   kg.Kind
	orders []kg.Order
	filter func(q *kg.FindQuery)
}{
	{"YearThenNameDesc", kg.KindAction, []kg.Order{{By: kg.PropYear}, {By: kg.OrderByName, Desc: true}}, nil},
	{"ChannelsDesc", kg.KindAction, []kg.Order{{Count: &kg.RelCount{Types: kg.ChannelRelTypes, Direction: kg.Outgoing}, Desc: true}}, nil},
	{"ChannelsDescThenName", kg.KindAction, []kg.Order{{Count: &kg.RelCount{Types: kg.ChannelRelTypes, Direction: kg.Outgoing}, Desc: true}, {By: kg.OrderByName}}, nil},
	{"ObjectiveCountThenYearDescThenID", kg.KindAction, []kg.Order{
		{Count: &kg.RelCount{Types: []kg.RelType{kg.RelImplements}, Direction: kg.Outgoing}},
		{By: kg.PropYear, Desc: true}, {By: kg.OrderByID},
	}, nil},
	{"CommitmentsOfActionsReaching", kg.KindMechanism, []kg.Order{{Count: &kg.RelCount{Types: kg.ChannelRelTypes, Direction: kg.Incoming,
		Then: &kg.RelCount{Types: []kg.RelType{kg.RelImplements}, Direction: kg.Outgoing}}, Desc: true}, {By: kg.OrderByName}}, nil},
	{"ActionsReachingDesc", kg.KindMechanism, []kg.Order{{Count: &kg.RelCount{Types: kg.ChannelRelTypes, Direction: kg.Incoming}, Desc: true}}, nil},
	{"SinceThenActionsBoth", kg.KindMechanism, []kg.Order{{By: "since", Desc: true}, {Count: &kg.RelCount{Types: []kg.RelType{kg.RelEngages, kg.RelReportsTo}, Direction: kg.Both}}}, nil},
	{"FilteredByRelation", kg.KindAction, []kg.Order{{Count: &kg.RelCount{Types: kg.ChannelRelTypes, Direction: kg.Outgoing}}, {By: kg.OrderByName, Desc: true}},
		func(q *kg.FindQuery) {
			q.Related = []kg.RelFilter{{Types: []kg.RelType{kg.RelUnderObjective}, Direction: kg.Outgoing, IDs: []string{o1, o2}}}
		}},
	{"FilteredByConditions", kg.KindAction, []kg.Order{{By: kg.PropYear, Desc: true}, {Count: &kg.RelCount{Types: kg.ChannelRelTypes, Direction: kg.Outgoing}, Desc: true}},
		func(q *kg.FindQuery) {
			q.Not = []kg.Condition{{Props: []kg.PropFilter{{Key: kg.PropYear, Values: []any{int64(2022)}}}}}
		}},
}

func (s *suite) testSort(t *testing.T) {
	s.parallel(t)
	st := s.loaded(t)
	ctx := context.Background()
	for _, tc := range sortCases {
		t.Run(tc.name, func(t *testing.T) {
			s.parallel(t)
			q := kg.FindQuery{Kind: tc.kind, Orders: tc.orders}
			if tc.filter != nil {
				tc.filter(&q)
			}
			want := sortedHere(t, st, q)
			require.NotEmpty(t, want)
			all := q
			all.First = kg.MaxPageSize
			page, err := st.Find(ctx, all)
			require.NoError(t, err)
			assert.Equal(t, want, ids(page.Nodes))
			for _, size := range []int{1, 2, 3} {
				fwd := q
				fwd.First = size
				walkPages(t, st, fwd, want)
				back := q
				back.Last = size
				walkBack(t, st, back, want)
			}
			// A cursor of a forward page pages backward too, and the
			// reverse: the nodes before and after it.
			for i, c := range page.Cursors {
				before := q
				before.Last, before.Before = kg.MaxPageSize, c
				p, err := st.Find(ctx, before)
				require.NoError(t, err)
				assert.Equal(t, want[:i], ids(p.Nodes), "before %s", want[i])
				assert.True(t, p.HasNextPage)
				assert.False(t, p.HasPreviousPage)
				after := q
				after.First, after.After = kg.MaxPageSize, c
				p, err = st.Find(ctx, after)
				require.NoError(t, err)
				assert.Equal(t, want[i+1:], ids(p.Nodes), "after %s", want[i])
			}
			// A cursor is refused in another order.
			other := q
			other.First, other.After, other.Orders = 1, page.Cursors[0], kg.Reversed(q.Orders)
			_, err = st.Find(ctx, other)
			requireCode(t, err, kg.CodeBadUserInput, "cursor of another order")
		})
	}

	t.Run("PageStateIsExact", func(t *testing.T) {
		s.parallel(t)
		// Cursors placed before every action and after every action: no
		// page precedes the first, none follows the last, filtered or not.
		orders := []kg.Order{{By: kg.OrderByID}}
		first := kg.KeyedCursor([]any{"action:"}, "action:", orders)
		last := kg.KeyedCursor([]any{"action:zzz"}, "action:zzz", orders)
		for _, related := range [][]kg.RelFilter{nil, {{Types: []kg.RelType{kg.RelUnderObjective}, Direction: kg.Outgoing, IDs: []string{o1, o2, o3}}}} {
			p, err := st.Find(ctx, kg.FindQuery{Kind: kg.KindAction, Orders: orders, Related: related, First: 3, After: first})
			require.NoError(t, err)
			assert.Equal(t, []string{a1, a2, a3}, ids(p.Nodes))
			assert.False(t, p.HasPreviousPage, "nothing before the cursor")
			assert.True(t, p.HasNextPage)
			p, err = st.Find(ctx, kg.FindQuery{Kind: kg.KindAction, Orders: orders, Related: related, Last: 3, Before: last})
			require.NoError(t, err)
			assert.Equal(t, []string{a5, a6, a7}, ids(p.Nodes))
			assert.False(t, p.HasNextPage, "nothing after the cursor")
			assert.True(t, p.HasPreviousPage)
			p, err = st.Find(ctx, kg.FindQuery{Kind: kg.KindAction, Orders: orders, Related: related, Last: 3, Before: first})
			require.NoError(t, err)
			assert.Empty(t, p.Nodes)
			assert.False(t, p.HasPreviousPage)
			assert.True(t, p.HasNextPage)
		}
	})

	t.Run("CountFollowsWrites", func(t *testing.T) {
		s.parallel(t)
		st := s.loaded(t)
		q := kg.FindQuery{Kind: kg.KindMechanism, First: 10, Orders: []kg.Order{{Count: &kg.RelCount{Types: kg.ChannelRelTypes, Direction: kg.Incoming}, Desc: true}}}
		p, err := st.Find(ctx, q)
		require.NoError(t, err)
		require.Equal(t, []string{unsr, achpr, ishr}, ids(p.Nodes))
		e := func(from string) kg.Edge {
			return kg.Edge{Type: kg.RelEngages, From: from, To: ishr, Citations: cite(from + " engages ishr")}
		}
		_, err = st.Apply(ctx, kg.ChangeSet{Actor: fixtureActor, PutEdges: []kg.Edge{e(a4), e(a5), e(a6), e(a7)}})
		require.NoError(t, err)
		p, err = st.Find(ctx, q)
		require.NoError(t, err)
		assert.Equal(t, []string{ishr, unsr, achpr}, ids(p.Nodes))
	})
}

// walkBack follows Before cursors from the last page to the first and
// checks that the pages add up to want, with consistent page information.
func walkBack(t *testing.T, st kg.Store, q kg.FindQuery, want []string) {
	t.Helper()
	var got []string
	for page := 0; ; page++ {
		require.Less(t, page, len(want)+2, "pagination does not end: %+v", q)
		p, err := st.Find(context.Background(), q)
		require.NoError(t, err)
		assert.Equal(t, len(want), p.TotalCount)
		assert.Equal(t, page > 0, p.HasNextPage, "page %d back", page)
		require.Len(t, p.Cursors, len(p.Nodes))
		got = append(ids(p.Nodes), got...)
		require.Equal(t, len(got) < len(want), p.HasPreviousPage, "page %d back: got so far %v", page, got)
		if !p.HasPreviousPage {
			break
		}
		require.Len(t, p.Nodes, q.Last, "a page before the first is full")
		q.Before = p.Cursors[0]
	}
	assert.Equal(t, want, got, "backward, last=%d", q.Last)
}

// sortedHere returns the IDs of the nodes a query keeps, sorted here by the
// values read here (counts counted by walking the relationships), compared
// as kg.CompareKeyed compares positions: each key in turn (a missing value
// last ascending, first descending; strings, then booleans, then
// integers), ties by ID in the last key's direction.
func sortedHere(t *testing.T, st kg.Store, q kg.FindQuery) []string {
	t.Helper()
	ctx := context.Background()
	nodes, err := kg.FindAll(ctx, st, kg.FindQuery{Kind: q.Kind, OrderBy: kg.OrderByID, Props: q.Props, Related: q.Related, Not: q.Not, Any: q.Any, Text: q.Text})
	require.NoError(t, err)
	values := map[string][]any{}
	for _, n := range nodes {
		vs := make([]any, len(q.Orders))
		for i, o := range q.Orders {
			switch {
			case o.Count != nil:
				vs[i] = int64(len(reachedHere(t, st, n.ID, o.Count)))
			case o.By == kg.OrderByName:
				vs[i] = n.Name
			case o.By == kg.OrderByID:
				vs[i] = n.ID
			default:
				vs[i] = n.Props[o.By]
			}
		}
		values[n.ID] = vs
	}
	slices.SortFunc(nodes, func(a, b *kg.Node) int {
		return kg.CompareKeyed(values[a.ID], a.ID, values[b.ID], b.ID, q.Orders)
	})
	return ids(nodes)
}

// reachedHere returns the distinct nodes a count names for node id,
// found here by following neighbours.
func reachedHere(t *testing.T, st kg.Store, id string, c *kg.RelCount) map[string]bool {
	t.Helper()
	step := func(from []string, c *kg.RelCount) map[string]bool {
		out := map[string]bool{}
		ns, err := st.Neighbors(context.Background(), from, kg.NeighborQuery{Direction: c.Direction, Types: c.Types})
		require.NoError(t, err)
		for i, list := range ns {
			for _, nb := range list {
				far := nb.Edge.To
				if far == from[i] {
					far = nb.Edge.From
				}
				out[far] = true
			}
		}
		return out
	}
	reached := step([]string{id}, c)
	if c.Then == nil {
		return reached
	}
	if len(reached) == 0 {
		return reached
	}
	mid := make([]string, 0, len(reached))
	for m := range reached {
		mid = append(mid, m)
	}
	out := step(mid, c.Then)
	delete(out, id)
	return out
}
