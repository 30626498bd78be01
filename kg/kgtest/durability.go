package kgtest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/kg"
	"marrakechgraph/seed"
)

func (s *suite) testDurability(t *testing.T) {
	if s.open.Reopen == nil {
		t.Skip("the backend keeps nothing across a restart (Opener.Reopen is nil)")
	}
	s.parallel(t)
	ctx := context.Background()
	st := s.empty(t)
	_, err := st.Apply(ctx, fixtureChangeSet())
	require.NoError(t, err)
	renamed := fixtureNode(t, a1)
	renamed.Name = "Renamed"
	renamed.Props["tags"] = []string{"x", "y"}
	_, err = st.Apply(ctx, kg.ChangeSet{Actor: "alice", Reason: "rename", PutNodes: []kg.Node{*renamed}})
	require.NoError(t, err)
	_, err = st.Apply(ctx, kg.ChangeSet{Actor: "bob", Reason: "remove", DeleteNodes: []string{unsr}})
	require.NoError(t, err)
	last, err := st.Apply(ctx, kg.ChangeSet{Actor: "bob", Reason: "unlink", DeleteEdges: []kg.EdgeKey{{Type: kg.RelInformsOn, From: a2, To: achpr}}})
	require.NoError(t, err)
	require.Len(t, last.Entries, 1)
	maxSeq := last.Entries[0].Seq

	type view struct {
		state     state
		histories map[string][]kg.AuditEntry
		pages     [][]string
		cursors   [][]string
		searches  [][]string
	}
	look := func(st kg.Store) view {
		v := view{state: takeState(t, st), histories: map[string][]kg.AuditEntry{}}
		for _, id := range fixtureIDs() {
			h, err := st.History(ctx, id)
			require.NoError(t, err)
			v.histories[id] = h
		}
		for _, o := range actionOrders {
			p, err := st.Find(ctx, kg.FindQuery{Kind: kg.KindAction, OrderBy: o.orderBy, Desc: o.desc, First: kg.MaxPageSize})
			require.NoError(t, err)
			v.pages = append(v.pages, ids(p.Nodes))
			v.cursors = append(v.cursors, p.Cursors)
		}
		for _, q := range searchQueries {
			found, err := st.Search(ctx, kg.SearchQuery{Text: q, Limit: kg.MaxPageSize})
			require.NoError(t, err)
			v.searches = append(v.searches, ids(found))
		}
		return v
	}
	before := look(st)

	st = s.open.Reopen(t, st)
	require.NotNil(t, st)
	after := look(st)
	assertSameState(t, before.state, after.state)
	for id, h := range before.histories {
		sameEntries(t, h, after.histories[id], id)
	}
	assert.Equal(t, before.pages, after.pages)
	assert.Equal(t, before.cursors, after.cursors)
	assert.Equal(t, before.searches, after.searches)

	got, err := st.Nodes(ctx, []string{a1, achpr, ganhri})
	require.NoError(t, err)
	assert.True(t, renamed.Equal(got[0]), "got %+v", got[0])
	assert.IsType(t, int64(0), got[0].Props[kg.PropYear])
	assert.IsType(t, true, got[0].Props["urgent"])
	assert.Equal(t, []string{"x", "y"}, got[0].Props["tags"])
	assert.Equal(t, "1987", got[1].Props["since"])
	assert.Equal(t, true, got[2].Props["global"])

	// What was read back is exactly what was written: writing it again
	// changes nothing.
	cs := kg.ChangeSet{Actor: "check"}
	seen := map[kg.EdgeKey]bool{}
	for i, n := range after.state.Nodes {
		if n == nil {
			continue
		}
		cs.PutNodes = append(cs.PutNodes, *n)
		for _, nb := range after.state.Neighbors[i] {
			if !seen[nb.Edge.Key()] {
				seen[nb.Edge.Key()] = true
				cs.PutEdges = append(cs.PutEdges, nb.Edge)
			}
		}
	}
	require.Len(t, cs.PutNodes, 19)
	require.Len(t, cs.PutEdges, 27-4)
	res, err := st.Apply(ctx, cs)
	require.NoError(t, err)
	assert.Equal(t, kg.ApplyResult{Unchanged: 19 + 27 - 4}, countsOf(res))
	assert.Empty(t, res.Entries)

	// Sequence numbers go on from where they were, across reopens.
	extra := kg.Node{ID: "action:after-reopen", Kind: kg.KindAction, Name: "After reopen", Props: kg.Props{"n": int64(-42), "big": int64(1<<62 + 1)}, Citations: cite("after")}
	r, err := st.Apply(ctx, kg.ChangeSet{Actor: "carol", Reason: "after reopen", PutNodes: []kg.Node{extra}})
	require.NoError(t, err)
	checkSeqs(t, r.Entries, maxSeq)
	st = s.open.Reopen(t, st)
	got, err = st.Nodes(ctx, []string{extra.ID})
	require.NoError(t, err)
	assert.True(t, extra.Equal(got[0]), "got %+v", got[0])
	h, err := st.History(ctx, extra.ID)
	require.NoError(t, err)
	sameEntries(t, r.Entries, h)
	r2, err := st.Apply(ctx, kg.ChangeSet{Actor: "carol", DeleteNodes: []string{extra.ID}})
	require.NoError(t, err)
	checkSeqs(t, r2.Entries, r.Entries[0].Seq)
}

// testSeed loads the seed dataset twice: the second time changes nothing.
func (s *suite) testSeed(t *testing.T) {
	s.parallel(t)
	ctx := context.Background()
	ds, err := seed.Load()
	require.NoError(t, err, "seed.Load")
	st := s.empty(t)
	total := len(ds.Nodes) + len(ds.Edges)

	first, err := st.Apply(ctx, ds.ChangeSet())
	require.NoError(t, err)
	assert.Equal(t, kg.ApplyResult{Created: total}, countsOf(first))
	require.Len(t, first.Entries, total)
	for _, e := range first.Entries {
		assert.Equal(t, seed.Actor, e.Actor)
		assert.Equal(t, kg.OpCreate, e.Op)
	}

	second, err := st.Apply(ctx, ds.ChangeSet())
	require.NoError(t, err)
	assert.Equal(t, kg.ApplyResult{Unchanged: total}, countsOf(second))
	assert.Empty(t, second.Entries)

	want := kg.Stats{Nodes: map[kg.Kind]int{}, Edges: map[kg.RelType]int{}}
	var idList []string
	for _, n := range ds.Nodes {
		want.Nodes[n.Kind]++
		idList = append(idList, n.ID)
	}
	for _, e := range ds.Edges {
		want.Edges[e.Type]++
	}
	stats, err := st.Stats(ctx)
	require.NoError(t, err)
	assertStats(t, want, stats)
	got, err := st.Nodes(ctx, idList)
	require.NoError(t, err)
	for i, n := range ds.Nodes {
		assert.True(t, n.Equal(got[i]), "seed node %s:\nwant %+v\n got %+v", n.ID, n, got[i])
	}

	if s.open.Reopen != nil {
		st = s.open.Reopen(t, st)
	}
	third, err := seed.Apply(ctx, st)
	require.NoError(t, err)
	assert.Equal(t, kg.ApplyResult{Unchanged: total}, countsOf(third))
	assert.Empty(t, third.Entries)
	// Each node's history is its creation by the first load, and the
	// creation of its outgoing edges.
	for _, id := range idList {
		h, err := st.History(ctx, id)
		require.NoError(t, err)
		sameEntries(t, subjectEntries(first.Entries, id), h, id)
	}
}
