package embedded

import (
	"context"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/kg"
)

// TestAdjacencyListsFollowPutsAndDeletes: putting an edge again replaces
// it in both lists (no second copy), and deleting it takes it out of both.
func TestAdjacencyListsFollowPutsAndDeletes(t *testing.T) {
	g := newGraph()
	cit := func(q string) []kg.Citation { return []kg.Citation{{Document: "d", Section: "s", Quote: q}} }
	for _, id := range []string{"a", "b", "c"} {
		g.putNode(&kg.Node{ID: id, Kind: kg.KindMechanism, Name: id})
	}
	ab := kg.Edge{Type: kg.RelMemberOf, From: "a", To: "b", Citations: cit("first")}
	ac := kg.Edge{Type: kg.RelMemberOf, From: "a", To: "c", Citations: cit("c")}
	g.putEdge(&ab)
	g.putEdge(&ac)
	again := ab
	again.Citations = cit("second")
	g.putEdge(&again)

	require.Len(t, g.out["a"], 2, "the edge put again is not listed twice")
	require.Len(t, g.in["b"], 1)
	assert.Equal(t, "second", g.in["b"][0].Citations[0].Quote, "the new edge replaces the old one")
	assert.Equal(t, 2, g.edgesByType[kg.RelMemberOf])

	g.deleteEdge(ab.Key())
	require.Len(t, g.out["a"], 1)
	assert.Equal(t, "c", g.out["a"][0].To)
	assert.NotContains(t, g.in, "b", "an empty list is dropped")
	assert.Equal(t, 1, g.edgesByType[kg.RelMemberOf])
}

// TestLoadKeepsRepeatedStringsOnce: after a reopen, the IDs an edge joins
// are its nodes' own strings, and a quote cited twice is held once.
func TestLoadKeepsRepeatedStringsOnce(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	cit := []kg.Citation{{Document: "d", Section: "s", Quote: "a quote cited twice"}}
	_, err := s.Apply(context.Background(), kg.ChangeSet{Actor: "test",
		PutNodes: []kg.Node{
			{ID: "nhri:de", Kind: kg.KindNHRI, Name: "A", Props: kg.Props{kg.PropCountry: "DE"}, Citations: cit},
			{ID: "country:de", Kind: kg.KindCountry, Name: "B", Props: kg.Props{kg.PropCode: "DE", kg.PropRegion: "Europe"}, Citations: cit},
		},
		PutEdges: []kg.Edge{{Type: kg.RelLocatedIn, From: "nhri:de", To: "country:de", Citations: cit}},
	})
	require.NoError(t, err)
	require.NoError(t, s.Close())
	s = open(t, dir)
	same := func(a, b string) bool { return unsafe.StringData(a) == unsafe.StringData(b) }
	a, b := s.g.nodes["nhri:de"], s.g.nodes["country:de"]
	e := s.g.out["nhri:de"][0]
	assert.True(t, same(e.From, a.ID) && same(e.To, b.ID), "an edge's ends are its nodes' IDs")
	assert.True(t, same(a.Citations[0].Quote, b.Citations[0].Quote) && same(a.Citations[0].Quote, e.Citations[0].Quote), "the quote is held once")
}

// TestSearchTextFollowsChanges: the search text kept for each node is that
// of its current version, and goes with the node.
func TestSearchTextFollowsChanges(t *testing.T) {
	s := open(t, t.TempDir())
	ctx := context.Background()
	cit := []kg.Citation{{Document: "d", Section: "s", Quote: "q"}}
	put := func(name string) {
		_, err := s.Apply(ctx, kg.ChangeSet{Actor: "test", PutNodes: []kg.Node{{ID: "mechanism:m", Kind: kg.KindMechanism, Name: name, Citations: cit}}})
		require.NoError(t, err)
	}
	found := func(text string) int {
		ns, err := s.Search(ctx, kg.SearchQuery{Text: text, Limit: 10})
		require.NoError(t, err)
		return len(ns)
	}
	put("Ombudsman Alpha")
	assert.Equal(t, 1, found("alpha"))
	put("Ombudsman Beta")
	assert.Equal(t, 0, found("alpha"), "the old name is no longer found")
	assert.Equal(t, 1, found("BETA"))
	_, err := s.Apply(ctx, kg.ChangeSet{Actor: "test", DeleteNodes: []string{"mechanism:m"}})
	require.NoError(t, err)
	assert.Equal(t, 0, found("beta"), "a deleted node is not found")
	assert.Empty(t, s.g.texts)
}
