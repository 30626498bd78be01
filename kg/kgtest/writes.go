package kgtest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/kg"
)

func (s *suite) testApply(t *testing.T) {
	t.Run("Create", func(t *testing.T) {
		s.parallel(t)
		st := s.empty(t)
		ctx := context.Background()
		start := time.Now()
		res, err := st.Apply(ctx, fixtureChangeSet())
		end := time.Now()
		require.NoError(t, err)
		nodes, edges := fixtureNodes(), fixtureEdges()
		assert.Equal(t, kg.ApplyResult{Created: len(nodes) + len(edges)}, countsOf(res))
		require.Len(t, res.Entries, len(nodes)+len(edges))
		checkSeqs(t, res.Entries, 0)
		for i, e := range res.Entries {
			assert.Equal(t, kg.OpCreate, e.Op)
			assert.Equal(t, fixtureActor, e.Actor)
			assert.Equal(t, fixtureReason, e.Reason)
			assert.Empty(t, e.Before)
			assert.WithinRange(t, e.At, start.Add(-5*time.Second), end.Add(5*time.Second))
			if i < len(nodes) {
				assert.Equal(t, nodes[i].ID, e.Subject)
				assert.Nil(t, e.Edge)
				assert.True(t, nodes[i].Equal(nodeFromJSON(t, e.After)), "entry %d: %s", i, e.After)
				continue
			}
			want := edges[i-len(nodes)]
			assert.Equal(t, want.From, e.Subject)
			if assert.NotNil(t, e.Edge) {
				assert.Equal(t, want.Key(), *e.Edge)
			}
			assert.True(t, want.Equal(edgeFromJSON(t, e.After)), "entry %d: %s", i, e.After)
		}
		got, err := st.Nodes(ctx, fixtureIDs())
		require.NoError(t, err)
		for i, n := range nodes {
			assert.True(t, n.Equal(got[i]), "node %s", n.ID)
		}
		stats, err := st.Stats(ctx)
		require.NoError(t, err)
		assertStats(t, fixtureStats(), stats)
	})

	t.Run("Idempotent", func(t *testing.T) {
		s.parallel(t)
		st := s.loaded(t)
		ctx := context.Background()
		before := takeState(t, st)
		total := len(fixtureNodes()) + len(fixtureEdges())
		for range 2 {
			res, err := st.Apply(ctx, fixtureChangeSet())
			require.NoError(t, err)
			assert.Equal(t, kg.ApplyResult{Unchanged: total}, countsOf(res))
			assert.Empty(t, res.Entries)
		}
		// The same data in another order, from another actor.
		cs := fixtureChangeSet()
		cs.Actor = "someone else"
		reverse(cs.PutNodes)
		reverse(cs.PutEdges)
		res, err := st.Apply(ctx, cs)
		require.NoError(t, err)
		assert.Equal(t, kg.ApplyResult{Unchanged: total}, countsOf(res))
		assert.Empty(t, res.Entries)
		// Nothing at all.
		res, err = st.Apply(ctx, kg.ChangeSet{Actor: fixtureActor})
		require.NoError(t, err)
		assert.Equal(t, kg.ApplyResult{}, countsOf(res))
		assert.Empty(t, res.Entries)
		assertSameState(t, before, takeState(t, st))
	})

	t.Run("Update", func(t *testing.T) {
		s.parallel(t)
		st := s.loaded(t)
		ctx := context.Background()
		renamed := fixtureNode(t, a1)
		renamed.Name = "Train staff on reprisals and threats"
		delete(renamed.Props, kg.PropYear)
		renamed.Props["tags"] = []string{"training"}
		recited := fixtureEdge(t, a1, kg.RelEngages, unsr)
		recited.Citations = append(recited.Citations, kg.Citation{Document: "Other", Section: "S", Quote: "a second quote"})
		target := kg.Edge{Type: kg.RelTargets, From: a7, To: women, Citations: cite("a7 targets women")}
		res, err := st.Apply(ctx, kg.ChangeSet{
			Actor: "alice", Reason: "corrections",
			PutNodes: []kg.Node{*renamed, *fixtureNode(t, c1)},
			PutEdges: []kg.Edge{recited, target, fixtureEdge(t, a2, kg.RelImplements, c2)},
		})
		require.NoError(t, err)
		assert.Equal(t, kg.ApplyResult{Created: 1, Updated: 2, Unchanged: 2}, countsOf(res))
		require.Len(t, res.Entries, 3)

		e := res.Entries[0]
		assert.Equal(t, kg.OpUpdate, e.Op)
		assert.Equal(t, a1, e.Subject)
		assert.Equal(t, "alice", e.Actor)
		assert.Equal(t, "corrections", e.Reason)
		assert.True(t, fixtureNode(t, a1).Equal(nodeFromJSON(t, e.Before)), "before: %s", e.Before)
		assert.True(t, renamed.Equal(nodeFromJSON(t, e.After)), "after: %s", e.After)

		e = res.Entries[1]
		assert.Equal(t, kg.OpUpdate, e.Op)
		assert.Equal(t, a1, e.Subject)
		require.NotNil(t, e.Edge)
		assert.Equal(t, recited.Key(), *e.Edge)
		assert.True(t, fixtureEdge(t, a1, kg.RelEngages, unsr).Equal(edgeFromJSON(t, e.Before)))
		assert.True(t, recited.Equal(edgeFromJSON(t, e.After)))

		e = res.Entries[2]
		assert.Equal(t, kg.OpCreate, e.Op)
		assert.Equal(t, a7, e.Subject)
		assert.Empty(t, e.Before)

		got, err := st.Nodes(ctx, []string{a1})
		require.NoError(t, err)
		assert.True(t, renamed.Equal(got[0]), "got %+v", got[0])
		assert.NotContains(t, got[0].Props, kg.PropYear)
		ns, err := st.Neighbors(ctx, []string{a1, a7}, kg.NeighborQuery{Direction: kg.Outgoing, Types: []kg.RelType{kg.RelEngages, kg.RelTargets}})
		require.NoError(t, err)
		require.NotEmpty(t, ns[0])
		assert.Equal(t, hop{kg.RelEngages, unsr}, hops(ns[0])[0])
		assert.True(t, recited.Equal(ns[0][0].Edge), "edge %+v", ns[0][0].Edge)
		assert.Equal(t, []hop{{kg.RelTargets, women}}, hops(ns[1]))
		// Find and Search see the new name.
		page, err := st.Find(ctx, kg.FindQuery{Kind: kg.KindAction, Text: "threats", OrderBy: kg.OrderByID, First: 10})
		require.NoError(t, err)
		assert.Equal(t, []string{a1, a3}, ids(page.Nodes))
		page, err = st.Find(ctx, kg.FindQuery{Kind: kg.KindAction, Props: []kg.PropFilter{{Key: kg.PropYear, Values: []any{int64(2021)}}}, OrderBy: kg.OrderByID, First: 10})
		require.NoError(t, err)
		assert.Equal(t, []string{a4}, ids(page.Nodes))

		stats, err := st.Stats(ctx)
		require.NoError(t, err)
		want := fixtureStats()
		want.Edges[kg.RelTargets]++
		assertStats(t, want, stats)
	})

	t.Run("Atomicity", func(t *testing.T) {
		s.parallel(t)
		st := s.loaded(t)
		ctx := context.Background()
		newNode := kg.Node{ID: "action:new", Kind: kg.KindAction, Name: "A new action", Props: kg.Props{kg.PropSeq: int64(8)}, Citations: cite("new")}
		renamed := fixtureNode(t, a1)
		renamed.Name = "Renamed"
		// valid is a change set that succeeds; each case adds one fault.
		valid := func() kg.ChangeSet {
			return kg.ChangeSet{
				Actor: "carol", Reason: "valid part",
				PutNodes: []kg.Node{newNode, *renamed},
				PutEdges: []kg.Edge{
					{Type: kg.RelTargets, From: a7, To: women, Citations: cite("a7 targets women")},
					{Type: kg.RelUnderObjective, From: newNode.ID, To: o1, Citations: cite("new under o1")},
				},
				DeleteEdges: []kg.EdgeKey{{Type: kg.RelInCollaborationWith, From: a4, To: ganhri}},
			}
		}
		node := func(n kg.Node) func(cs *kg.ChangeSet) {
			return func(cs *kg.ChangeSet) { cs.PutNodes = append(cs.PutNodes, n) }
		}
		edge := func(e kg.Edge) func(cs *kg.ChangeSet) {
			return func(cs *kg.ChangeSet) { cs.PutEdges = append(cs.PutEdges, e) }
		}
		named := func(id string, k kg.Kind) kg.Node {
			return kg.Node{ID: id, Kind: k, Name: "Some name", Citations: cite("some quote")}
		}
		withProps := func(p kg.Props) kg.Node {
			n := named("action:with-props", kg.KindAction)
			n.Props = p
			return n
		}
		cases := []struct {
			name  string
			fault func(cs *kg.ChangeSet)
			code  kg.Code
		}{
			{"BadID", node(named("action:Not OK", kg.KindAction)), kg.CodeBadUserInput},
			{"IDOfAnotherKind", node(named("mechanism:x", kg.KindAction)), kg.CodeBadUserInput},
			// A node's kind is fixed by its ID's prefix, so an attempt to
			// change it is refused as bad input before the stored kind is
			// even compared.
			{"KindChange", node(named(a2, kg.KindMechanism)), kg.CodeBadUserInput},
			{"UnknownKind", node(named("person:x", "Person")), kg.CodeBadUserInput},
			{"NoName", node(kg.Node{ID: "action:x", Kind: kg.KindAction, Citations: cite("q")}), kg.CodeBadUserInput},
			{"NoCitation", node(kg.Node{ID: "action:x", Kind: kg.KindAction, Name: "X"}), kg.CodeBadUserInput},
			{"IncompleteCitation", node(kg.Node{ID: "action:x", Kind: kg.KindAction, Name: "X", Citations: []kg.Citation{{Document: "D", Section: "S"}}}), kg.CodeBadUserInput},
			{"FractionProp", node(withProps(kg.Props{"score": 1.5})), kg.CodeBadUserInput},
			{"NonCanonicalIntProp", node(withProps(kg.Props{"score": 3})), kg.CodeBadUserInput},
			{"NestedProp", node(withProps(kg.Props{"score": map[string]any{"a": "b"}})), kg.CodeBadUserInput},
			{"ReservedPropKey", node(withProps(kg.Props{"name": "x"})), kg.CodeBadUserInput},
			{"NodePutTwice", node(*renamed), kg.CodeBadUserInput},
			{"EdgeToMissingNode", edge(kg.Edge{Type: kg.RelEngages, From: a1, To: "mechanism:missing", Citations: cite("q")}), kg.CodeNotFound},
			{"EdgeFromMissingNode", edge(kg.Edge{Type: kg.RelEngages, From: "action:missing", To: unsr, Citations: cite("q")}), kg.CodeNotFound},
			{"EdgeKindsNotAllowed", edge(kg.Edge{Type: kg.RelTargets, From: a1, To: unsr, Citations: cite("q")}), kg.CodeBadUserInput},
			{"EdgeReversed", edge(kg.Edge{Type: kg.RelImplements, From: c1, To: a2, Citations: cite("q")}), kg.CodeBadUserInput},
			{"EdgeToItself", edge(kg.Edge{Type: kg.RelPartOf, From: apf, To: apf, Citations: cite("q")}), kg.CodeBadUserInput},
			{"EdgeNoCitation", edge(kg.Edge{Type: kg.RelEngages, From: a2, To: unsr}), kg.CodeBadUserInput},
			{"UnknownEdgeType", edge(kg.Edge{Type: "LIKES", From: a2, To: unsr, Citations: cite("q")}), kg.CodeBadUserInput},
			{"EdgePutTwice", edge(kg.Edge{Type: kg.RelTargets, From: a7, To: women, Citations: cite("again")}), kg.CodeBadUserInput},
			{"EdgeToDeletedNode", func(cs *kg.ChangeSet) { cs.DeleteNodes = append(cs.DeleteNodes, women) }, kg.CodeNotFound},
			{"DeleteMissingNode", func(cs *kg.ChangeSet) { cs.DeleteNodes = append(cs.DeleteNodes, "action:nope") }, kg.CodeNotFound},
			{"DeleteNodeTwice", func(cs *kg.ChangeSet) { cs.DeleteNodes = append(cs.DeleteNodes, a5, a5) }, kg.CodeBadUserInput},
			{"DeleteMissingEdge", func(cs *kg.ChangeSet) {
				cs.DeleteEdges = append(cs.DeleteEdges, kg.EdgeKey{Type: kg.RelTargets, From: a1, To: women})
			}, kg.CodeNotFound},
			{"PutAndDeleteNode", func(cs *kg.ChangeSet) { cs.DeleteNodes = append(cs.DeleteNodes, a1) }, kg.CodeBadUserInput},
			{"PutAndDeleteEdge", func(cs *kg.ChangeSet) {
				cs.DeleteEdges = append(cs.DeleteEdges, kg.EdgeKey{Type: kg.RelUnderObjective, From: a2, To: o1})
				cs.PutEdges = append(cs.PutEdges, fixtureEdge(t, a2, kg.RelUnderObjective, o1))
			}, kg.CodeBadUserInput},
			{"NoActor", func(cs *kg.ChangeSet) { cs.Actor = " " }, kg.CodeBadUserInput},
		}
		before := takeState(t, st)
		for _, tc := range cases {
			cs := valid()
			tc.fault(&cs)
			res, err := st.Apply(ctx, cs)
			requireCode(t, err, tc.code, tc.name)
			assert.Nil(t, res, tc.name)
			assertSameState(t, before, takeState(t, st), tc.name)
			got, err := st.Nodes(ctx, []string{newNode.ID, "action:x", "action:with-props"})
			require.NoError(t, err)
			assert.Equal(t, []string{"<nil>", "<nil>", "<nil>"}, ids(got), tc.name)
		}
		// Without a fault, the same change set goes through.
		res, err := st.Apply(ctx, valid())
		require.NoError(t, err)
		assert.Equal(t, kg.ApplyResult{Created: 3, Updated: 1, Deleted: 1}, countsOf(res))
		got, err := st.Nodes(ctx, []string{newNode.ID, a1})
		require.NoError(t, err)
		assert.True(t, newNode.Equal(got[0]))
		assert.True(t, renamed.Equal(got[1]))
	})

	t.Run("DeleteNode", func(t *testing.T) {
		s.parallel(t)
		st := s.loaded(t)
		ctx := context.Background()
		res, err := st.Apply(ctx, kg.ChangeSet{Actor: "bob", Reason: "gone", DeleteNodes: []string{unsr}})
		require.NoError(t, err)
		// The node and its three edges: a1 and a3 engage it, a3 reports to it.
		assert.Equal(t, kg.ApplyResult{Deleted: 4}, countsOf(res))
		require.Len(t, res.Entries, 4)
		var edgeKeys []kg.EdgeKey
		for _, e := range res.Entries[:3] {
			assert.Equal(t, kg.OpDelete, e.Op)
			require.NotNil(t, e.Edge)
			edgeKeys = append(edgeKeys, *e.Edge)
			assert.Equal(t, e.Edge.From, e.Subject)
			assert.True(t, fixtureEdge(t, e.Edge.From, e.Edge.Type, e.Edge.To).Equal(edgeFromJSON(t, e.Before)))
			assert.Empty(t, e.After)
		}
		assert.ElementsMatch(t, []kg.EdgeKey{
			{Type: kg.RelEngages, From: a1, To: unsr},
			{Type: kg.RelEngages, From: a3, To: unsr},
			{Type: kg.RelReportsTo, From: a3, To: unsr},
		}, edgeKeys)
		last := res.Entries[3]
		assert.Equal(t, kg.OpDelete, last.Op)
		assert.Equal(t, unsr, last.Subject)
		assert.Nil(t, last.Edge)
		assert.True(t, fixtureNode(t, unsr).Equal(nodeFromJSON(t, last.Before)))
		assert.Empty(t, last.After)

		got, err := st.Nodes(ctx, []string{unsr})
		require.NoError(t, err)
		assert.Nil(t, got[0])
		ns, err := st.Neighbors(ctx, []string{a1, a3, unsr}, kg.NeighborQuery{Direction: kg.Both})
		require.NoError(t, err)
		assert.Equal(t, []hop{{kg.RelEngages, achpr}, {kg.RelEngages, ishr}, {kg.RelImplements, c1}, {kg.RelUnderObjective, o1}}, hops(ns[0]))
		assert.Equal(t, []hop{{kg.RelImplements, c1}, {kg.RelUnderObjective, o2}}, hops(ns[1]))
		assert.Empty(t, ns[2])
		page, err := st.Find(ctx, kg.FindQuery{Kind: kg.KindMechanism, Related: []kg.RelFilter{{Types: []kg.RelType{kg.RelEngages}, Direction: kg.Incoming, IDs: []string{a1, a3}}}, OrderBy: kg.OrderByID, First: 10})
		require.NoError(t, err)
		assert.Equal(t, []string{achpr, ishr}, ids(page.Nodes))
		assert.Equal(t, 2, page.TotalCount)
		found, err := st.Search(ctx, kg.SearchQuery{Text: "special rapporteur", Limit: 10})
		require.NoError(t, err)
		assert.Equal(t, []string{a3, ishr}, ids(found))
		stats, err := st.Stats(ctx)
		require.NoError(t, err)
		want := fixtureStats()
		want.Nodes[kg.KindMechanism] = 2
		want.Edges[kg.RelEngages] = 2
		want.Edges[kg.RelReportsTo] = 0
		assertStats(t, want, stats)

		// Deleting it again: it is not there.
		_, err = st.Apply(ctx, kg.ChangeSet{Actor: "bob", DeleteNodes: []string{unsr}})
		requireCode(t, err, kg.CodeNotFound)

		// Put back, it comes without its old edges, and its history
		// keeps everything.
		res, err = st.Apply(ctx, kg.ChangeSet{Actor: "bob", PutNodes: []kg.Node{*fixtureNode(t, unsr)}})
		require.NoError(t, err)
		assert.Equal(t, kg.ApplyResult{Created: 1}, countsOf(res))
		ns, err = st.Neighbors(ctx, []string{unsr}, kg.NeighborQuery{Direction: kg.Both})
		require.NoError(t, err)
		assert.Empty(t, ns[0])
		h, err := st.History(ctx, unsr)
		require.NoError(t, err)
		assert.Equal(t, []kg.Op{kg.OpCreate, kg.OpDelete, kg.OpCreate}, opsOf(h))
	})

	t.Run("DeleteJoinedNodes", func(t *testing.T) {
		s.parallel(t)
		st := s.loaded(t)
		ctx := context.Background()
		res, err := st.Apply(ctx, kg.ChangeSet{Actor: "bob", DeleteNodes: []string{a1, unsr}})
		require.NoError(t, err)
		// a1, its 5 edges (one of them to un-sr), un-sr and its 2 other edges:
		// the shared edge is deleted once.
		assert.Equal(t, kg.ApplyResult{Deleted: 9}, countsOf(res))
		require.Len(t, res.Entries, 9)
		seen := map[kg.EdgeKey]bool{}
		for _, e := range res.Entries {
			if e.Edge != nil {
				assert.False(t, seen[*e.Edge], "edge %s deleted twice", *e.Edge)
				seen[*e.Edge] = true
			}
		}
		stats, err := st.Stats(ctx)
		require.NoError(t, err)
		want := fixtureStats()
		want.Nodes[kg.KindAction] = 6
		want.Nodes[kg.KindMechanism] = 2
		want.Edges[kg.RelUnderObjective] = 6
		want.Edges[kg.RelImplements] = 4
		want.Edges[kg.RelEngages] = 0
		want.Edges[kg.RelReportsTo] = 0
		assertStats(t, want, stats)
	})

	t.Run("DeleteEdge", func(t *testing.T) {
		s.parallel(t)
		st := s.loaded(t)
		ctx := context.Background()
		k := kg.EdgeKey{Type: kg.RelReportsTo, From: a3, To: unsr}
		res, err := st.Apply(ctx, kg.ChangeSet{Actor: "bob", Reason: "wrong link", DeleteEdges: []kg.EdgeKey{k}})
		require.NoError(t, err)
		assert.Equal(t, kg.ApplyResult{Deleted: 1}, countsOf(res))
		require.Len(t, res.Entries, 1)
		assert.Equal(t, kg.OpDelete, res.Entries[0].Op)
		assert.Equal(t, &k, res.Entries[0].Edge)
		assert.Equal(t, a3, res.Entries[0].Subject)
		ns, err := st.Neighbors(ctx, []string{a3, unsr}, kg.NeighborQuery{Direction: kg.Both})
		require.NoError(t, err)
		assert.Equal(t, []hop{{kg.RelEngages, unsr}, {kg.RelImplements, c1}, {kg.RelUnderObjective, o2}}, hops(ns[0]))
		assert.Equal(t, []hop{{kg.RelEngages, a1}, {kg.RelEngages, a3}}, hops(ns[1]))
		got, err := st.Nodes(ctx, []string{a3, unsr})
		require.NoError(t, err)
		assert.NotNil(t, got[0])
		assert.NotNil(t, got[1])
		h, err := st.History(ctx, a3)
		require.NoError(t, err)
		require.NotEmpty(t, h)
		sameEntries(t, res.Entries, h[len(h)-1:])
	})

	t.Run("InputNotRetained", func(t *testing.T) {
		s.parallel(t)
		st := s.empty(t)
		ctx := context.Background()
		cs := fixtureChangeSet()
		_, err := st.Apply(ctx, cs)
		require.NoError(t, err)
		for i := range cs.PutNodes {
			n := &cs.PutNodes[i]
			n.Name = "changed"
			if n.Props != nil {
				n.Props["pillar"] = "changed"
				if tags, ok := n.Props["tags"].([]string); ok {
					tags[0] = "changed"
				}
			}
			n.Citations[0].Quote = "changed"
		}
		for i := range cs.PutEdges {
			cs.PutEdges[i].Citations[0].Quote = "changed"
		}
		got, err := st.Nodes(ctx, fixtureIDs())
		require.NoError(t, err)
		for i, n := range fixtureNodes() {
			assert.True(t, n.Equal(got[i]), "node %s changed through the change set: %+v", n.ID, got[i])
		}
		ns, err := st.Neighbors(ctx, []string{a1}, kg.NeighborQuery{Direction: kg.Outgoing})
		require.NoError(t, err)
		for _, n := range ns[0] {
			assert.True(t, fixtureEdge(t, n.Edge.From, n.Edge.Type, n.Edge.To).Equal(n.Edge), "edge %+v", n.Edge)
		}
	})
}

func (s *suite) testHistory(t *testing.T) {
	s.parallel(t)
	st := s.empty(t)
	ctx := context.Background()
	start := time.Now()
	r0, err := st.Apply(ctx, fixtureChangeSet())
	require.NoError(t, err)
	renamed := fixtureNode(t, a1)
	renamed.Name = "Renamed"
	r1, err := st.Apply(ctx, kg.ChangeSet{Actor: "alice", Reason: "fix name", PutNodes: []kg.Node{*renamed}})
	require.NoError(t, err)
	r2, err := st.Apply(ctx, kg.ChangeSet{Actor: "bob", Reason: "remove", DeleteNodes: []string{unsr}})
	require.NoError(t, err)
	end := time.Now()

	all := append(append(append([]kg.AuditEntry(nil), r0.Entries...), r1.Entries...), r2.Entries...)
	checkSeqs(t, all, 0)
	for _, e := range all {
		assert.WithinRange(t, e.At, start.Add(-5*time.Second), end.Add(5*time.Second))
	}

	t.Run("OwnAndOutgoingEdges", func(t *testing.T) {
		s.parallel(t)
		h, err := st.History(ctx, a1)
		require.NoError(t, err)
		assert.Equal(t, []kg.Op{kg.OpCreate, kg.OpCreate, kg.OpCreate, kg.OpCreate, kg.OpCreate, kg.OpCreate, kg.OpUpdate, kg.OpDelete}, opsOf(h))
		assert.Equal(t, []string{fixtureActor, fixtureActor, fixtureActor, fixtureActor, fixtureActor, fixtureActor, "alice", "bob"}, actorsOf(h))
		assert.Equal(t, "fix name", h[6].Reason)
		assert.Nil(t, h[0].Edge)
		assert.Equal(t, &kg.EdgeKey{Type: kg.RelEngages, From: a1, To: unsr}, h[7].Edge)
		assert.True(t, fixtureNode(t, a1).Equal(nodeFromJSON(t, h[6].Before)))
		assert.True(t, renamed.Equal(nodeFromJSON(t, h[6].After)))
		sameEntries(t, subjectEntries(all, a1), h)
	})

	t.Run("NotIncomingEdges", func(t *testing.T) {
		s.parallel(t)
		h, err := st.History(ctx, unsr)
		require.NoError(t, err)
		assert.Equal(t, []kg.Op{kg.OpCreate, kg.OpDelete}, opsOf(h))
		for _, e := range h {
			assert.Nil(t, e.Edge, "un-sr has no outgoing edges: %+v", e)
		}
		assert.True(t, fixtureNode(t, unsr).Equal(nodeFromJSON(t, h[1].Before)))
		assert.Empty(t, h[1].After)
		sameEntries(t, subjectEntries(all, unsr), h)
	})

	t.Run("EveryNode", func(t *testing.T) {
		s.parallel(t)
		var seqs []uint64
		for _, id := range fixtureIDs() {
			h, err := st.History(ctx, id)
			require.NoError(t, err)
			require.NotEmpty(t, h, id)
			assert.Equal(t, kg.OpCreate, h[0].Op, id)
			assert.Nil(t, h[0].Edge, id)
			checkSeqs(t, h, 0)
			sameEntries(t, subjectEntries(all, id), h)
			for _, e := range h {
				seqs = append(seqs, e.Seq)
			}
		}
		// Every entry is in exactly one node's history.
		assert.Len(t, seqs, len(all))
		assert.ElementsMatch(t, seqsOf(all), seqs)
	})

	t.Run("Unknown", func(t *testing.T) {
		s.parallel(t)
		for _, id := range []string{"action:nope", "", "action", "action:a1\x00"} {
			h, err := st.History(ctx, id)
			require.NoError(t, err, "%q", id)
			assert.Empty(t, h, "%q", id)
		}
	})

	t.Run("NoEntriesForNoChange", func(t *testing.T) {
		s.parallel(t)
		st := s.loaded(t)
		before, err := st.History(ctx, a1)
		require.NoError(t, err)
		_, err = st.Apply(ctx, kg.ChangeSet{Actor: "x", PutNodes: []kg.Node{*fixtureNode(t, a1)}, PutEdges: []kg.Edge{fixtureEdge(t, a1, kg.RelImplements, c1)}})
		require.NoError(t, err)
		after, err := st.History(ctx, a1)
		require.NoError(t, err)
		sameEntries(t, before, after)
	})
}

func (s *suite) testStats(t *testing.T) {
	t.Run("Empty", func(t *testing.T) {
		s.parallel(t)
		st := s.empty(t)
		stats, err := st.Stats(context.Background())
		require.NoError(t, err)
		assertStats(t, kg.Stats{}, stats)
	})
	t.Run("Fixture", func(t *testing.T) {
		s.parallel(t)
		st := s.loaded(t)
		stats, err := st.Stats(context.Background())
		require.NoError(t, err)
		assertStats(t, fixtureStats(), stats)
	})
}

func (s *suite) testContext(t *testing.T) {
	s.parallel(t)
	st := s.loaded(t)
	require.NoError(t, st.Ping(context.Background()))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	before := takeState(t, st)
	canceled := func(name string, err error) {
		t.Helper()
		require.Error(t, err, name)
		assert.True(t, errors.Is(err, context.Canceled), "%s: %v is not context.Canceled", name, err)
	}
	_, err := st.Nodes(ctx, []string{a1})
	canceled("Nodes", err)
	_, err = st.Neighbors(ctx, []string{a1}, kg.NeighborQuery{Direction: kg.Both})
	canceled("Neighbors", err)
	_, err = st.Find(ctx, kg.FindQuery{Kind: kg.KindAction, OrderBy: kg.OrderByID, First: 10})
	canceled("Find", err)
	_, err = st.Search(ctx, kg.SearchQuery{Text: "defenders", Limit: 10})
	canceled("Search", err)
	_, err = st.History(ctx, a1)
	canceled("History", err)
	_, err = st.Stats(ctx)
	canceled("Stats", err)
	canceled("Ping", st.Ping(ctx))
	newNode := kg.Node{ID: "action:late", Kind: kg.KindAction, Name: "Too late", Citations: cite("late")}
	_, err = st.Apply(ctx, kg.ChangeSet{Actor: "x", PutNodes: []kg.Node{newNode}, DeleteNodes: []string{a2}})
	canceled("Apply", err)
	assertSameState(t, before, takeState(t, st))
	got, err := st.Nodes(context.Background(), []string{newNode.ID})
	require.NoError(t, err)
	assert.Nil(t, got[0])
}

// countsOf returns the counts of an apply result, without its entries.
func countsOf(r *kg.ApplyResult) kg.ApplyResult {
	if r == nil {
		return kg.ApplyResult{Created: -1, Updated: -1, Deleted: -1, Unchanged: -1}
	}
	return kg.ApplyResult{Created: r.Created, Updated: r.Updated, Deleted: r.Deleted, Unchanged: r.Unchanged}
}

// checkSeqs checks that entries have strictly increasing sequence numbers
// above after.
func checkSeqs(t *testing.T, entries []kg.AuditEntry, after uint64) {
	t.Helper()
	prev := after
	for i, e := range entries {
		if e.Seq <= prev {
			t.Errorf("entry %d has Seq %d, not above %d", i, e.Seq, prev)
		}
		prev = e.Seq
	}
}

func opsOf(entries []kg.AuditEntry) []kg.Op {
	out := make([]kg.Op, len(entries))
	for i, e := range entries {
		out[i] = e.Op
	}
	return out
}

func actorsOf(entries []kg.AuditEntry) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.Actor
	}
	return out
}

func seqsOf(entries []kg.AuditEntry) []uint64 {
	out := make([]uint64, len(entries))
	for i, e := range entries {
		out[i] = e.Seq
	}
	return out
}

func subjectEntries(entries []kg.AuditEntry, id string) []kg.AuditEntry {
	var out []kg.AuditEntry
	for _, e := range entries {
		if e.Subject == id {
			out = append(out, e)
		}
	}
	return out
}

// sameEntries compares audit entries, their times as instants.
func sameEntries(t *testing.T, want, got []kg.AuditEntry, msgAndArgs ...any) {
	t.Helper()
	require.Len(t, got, len(want), msgAndArgs...)
	for i := range want {
		w, g := want[i], got[i]
		assert.True(t, w.At.Equal(g.At), "entry %d: time %v, want %v", i, g.At, w.At)
		w.At, g.At = time.Time{}, time.Time{}
		assert.Equal(t, w, g, msgAndArgs...)
	}
}

// assertStats compares counts, absent and zero being the same.
func assertStats(t *testing.T, want kg.Stats, got *kg.Stats) {
	t.Helper()
	require.NotNil(t, got)
	for _, ki := range kg.Kinds() {
		assert.Equal(t, want.Nodes[ki.Kind], got.Nodes[ki.Kind], "nodes of kind %s", ki.Kind)
	}
	for _, ri := range kg.RelTypes() {
		assert.Equal(t, want.Edges[ri.Type], got.Edges[ri.Type], "edges of type %s", ri.Type)
	}
	for k, n := range got.Nodes {
		assert.True(t, k.Valid() || n == 0, "unknown kind %q counted", k)
	}
	for r, n := range got.Edges {
		assert.True(t, r.Valid() || n == 0, "unknown type %q counted", r)
	}
}

func reverse[T any](s []T) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

// state is what a reader can see of the fixture's part of a store.
type state struct {
	Nodes     []*kg.Node
	Neighbors [][]kg.Neighbor
	Stats     *kg.Stats
	Seqs      map[string][]uint64
	Actions   []string
}

func takeState(t *testing.T, st kg.Store) state {
	t.Helper()
	ctx := context.Background()
	var s state
	var err error
	idList := fixtureIDs()
	s.Nodes, err = st.Nodes(ctx, idList)
	require.NoError(t, err)
	s.Neighbors, err = st.Neighbors(ctx, idList, kg.NeighborQuery{Direction: kg.Both})
	require.NoError(t, err)
	for i := range s.Neighbors {
		s.Neighbors[i] = nilIfEmpty(s.Neighbors[i])
	}
	s.Stats, err = st.Stats(ctx)
	require.NoError(t, err)
	s.Seqs = map[string][]uint64{}
	for _, id := range idList {
		h, err := st.History(ctx, id)
		require.NoError(t, err)
		s.Seqs[id] = seqsOf(h)
	}
	page, err := st.Find(ctx, kg.FindQuery{Kind: kg.KindAction, OrderBy: kg.OrderByName, First: kg.MaxPageSize})
	require.NoError(t, err)
	s.Actions = ids(page.Nodes)
	return s
}

func assertSameState(t *testing.T, want, got state, msgAndArgs ...any) {
	t.Helper()
	assert.Equal(t, want.Nodes, got.Nodes, msgAndArgs...)
	assert.Equal(t, want.Neighbors, got.Neighbors, msgAndArgs...)
	assertStats(t, *want.Stats, got.Stats)
	assert.Equal(t, want.Seqs, got.Seqs, msgAndArgs...)
	assert.Equal(t, want.Actions, got.Actions, msgAndArgs...)
}
