package seed_test

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/embedded"
	"marrakechgraph/kg"
	"marrakechgraph/seed"
)

// without returns a copy of ds without a node (and its edges) and without
// an edge.
func without(ds *seed.Dataset, nodeID string, edge kg.EdgeKey) *seed.Dataset {
	out := &seed.Dataset{}
	for _, n := range ds.Nodes {
		if n.ID != nodeID {
			out.Nodes = append(out.Nodes, n)
		}
	}
	for _, e := range ds.Edges {
		if e.From != nodeID && e.To != nodeID && e.Key() != edge {
			out.Edges = append(out.Edges, e)
		}
	}
	return out
}

// seededStore opens an embedded store and loads the seed into it.
func seededStore(t *testing.T) (kg.Store, *seed.Dataset) {
	t.Helper()
	s, err := embedded.Open(t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	ds, err := seed.Load()
	require.NoError(t, err)
	_, err = seed.ApplyDataset(context.Background(), s, ds)
	require.NoError(t, err)
	return s, ds
}

func TestApplyDatasetFollowsEditsOfTheSeed(t *testing.T) {
	ctx := context.Background()
	s, ds := seededStore(t)

	// Someone else's writes: a new node linked to a seed node, a new edge
	// between seed nodes, and an edit of a seed node.
	cit := []kg.Citation{{Document: "Head Office note", Section: "2026", Quote: "added by hand"}}
	editorEdge := kg.Edge{Type: kg.RelEngages, From: "action:o2-document-threats", To: "mechanism:ohchr", Citations: cit}
	edited := findNode(t, ds, "mechanism:lifeline")
	edited.Description = "Edited by an editor."
	_, err := s.Apply(ctx, kg.ChangeSet{Actor: "editor@ganhri", Reason: "curation",
		PutNodes: []kg.Node{
			{ID: "mechanism:hand-added", Kind: kg.KindMechanism, Name: "Hand-added channel", Props: kg.Props{kg.PropCategory: "NGO"}, Citations: cit},
			edited,
		},
		PutEdges: []kg.Edge{editorEdge, {Type: kg.RelInformsOn, From: "action:o2-support-information", To: "mechanism:hand-added", Citations: cit}},
	})
	require.NoError(t, err)

	// A new version of the seed drops a node (and its edges), an edge, and
	// the node the editor changed.
	dropNode := "mechanism:jass"
	dropEdge := ds.Edges[0].Key()
	next := without(without(ds, dropNode, dropEdge), "mechanism:lifeline", kg.EdgeKey{})
	res, err := seed.ApplyDataset(ctx, s, next)
	require.NoError(t, err)
	assert.Positive(t, res.Deleted)

	got, err := s.Nodes(ctx, []string{dropNode, "mechanism:hand-added", "mechanism:lifeline"})
	require.NoError(t, err)
	assert.Nil(t, got[0], "a node the seed created and no longer holds is deleted")
	assert.NotNil(t, got[1], "a node someone else created stays")
	require.NotNil(t, got[2], "a seed node someone else edited stays")
	assert.Equal(t, "Edited by an editor.", got[2].Description)

	out, err := s.Neighbors(ctx, []string{dropEdge.From, editorEdge.From}, kg.NeighborQuery{Direction: kg.Outgoing})
	require.NoError(t, err)
	assert.False(t, slices.ContainsFunc(out[0], func(n kg.Neighbor) bool { return n.Edge.Key() == dropEdge }), "the dropped edge is gone")
	assert.True(t, slices.ContainsFunc(out[1], func(n kg.Neighbor) bool { return n.Edge.Key() == editorEdge.Key() }), "someone else's edge stays")

	// Nothing is deleted without a trace.
	h, err := s.History(ctx, dropNode)
	require.NoError(t, err)
	require.NotEmpty(t, h)
	last := h[len(h)-1]
	assert.Equal(t, kg.OpDelete, last.Op)
	assert.Equal(t, seed.Actor, last.Actor)
	assert.NotEmpty(t, last.Before)

	// And the new version, applied again, changes nothing.
	res, err = seed.ApplyDataset(ctx, s, next)
	require.NoError(t, err)
	assert.Zero(t, res.Created+res.Updated+res.Deleted)
}

func findNode(t *testing.T, ds *seed.Dataset, id string) kg.Node {
	t.Helper()
	for _, n := range ds.Nodes {
		if n.ID == id {
			return *n.Clone()
		}
	}
	t.Fatalf("seed has no node %s", id)
	return kg.Node{}
}

// NHRIs are directory data: the seed creates the ones it holds once, and
// then leaves them to the directory (an import, an editor), even when they
// are deleted.
func TestApplyDatasetLeavesTheDirectoryAlone(t *testing.T) {
	ctx := context.Background()
	s, ds := seededStore(t)

	nhri := findNode(t, ds, "nhri:gt")
	got, err := s.Nodes(ctx, []string{nhri.ID})
	require.NoError(t, err)
	require.NotNil(t, got[0], "the seed creates its NHRIs")

	// The directory updates the NHRI: the seed leaves the update alone.
	updated := nhri
	updated.Props = kg.Props{kg.PropCountry: "GT", kg.PropAccreditationStatus: "A", kg.PropAsOf: "2026-06-30", kg.PropSource: "Chart (https://www.ohchr.org/chart.pdf)"}
	updated.Citations = []kg.Citation{{Document: "Chart (https://www.ohchr.org/chart.pdf), as of 2026-06-30", Section: "AMERICAS", Quote: "Guatemala | A"}}
	_, err = s.Apply(ctx, kg.ChangeSet{Actor: "editor@ganhri", Reason: "import", PutNodes: []kg.Node{updated}})
	require.NoError(t, err)
	res, err := seed.ApplyDataset(ctx, s, ds)
	require.NoError(t, err)
	assert.Zero(t, res.Created+res.Updated+res.Deleted, "nothing to do")
	got, err = s.Nodes(ctx, []string{nhri.ID})
	require.NoError(t, err)
	require.NotNil(t, got[0])
	assert.Equal(t, "A", got[0].Props.String(kg.PropAccreditationStatus), "the directory's facts stay")
	assert.Equal(t, updated.Citations, got[0].Citations)

	// The directory deletes the NHRI: the seed does not bring it back, nor
	// its edges.
	_, err = s.Apply(ctx, kg.ChangeSet{Actor: "editor@ganhri", Reason: "no longer an NHRI", DeleteNodes: []string{nhri.ID}})
	require.NoError(t, err)
	res, err = seed.ApplyDataset(ctx, s, ds)
	require.NoError(t, err)
	assert.Zero(t, res.Created+res.Updated+res.Deleted, "nothing to do")
	got, err = s.Nodes(ctx, []string{nhri.ID})
	require.NoError(t, err)
	assert.Nil(t, got[0], "a deleted NHRI stays deleted")
	in, err := s.Neighbors(ctx, []string{"country:gt"}, kg.NeighborQuery{Direction: kg.Incoming, Types: []kg.RelType{kg.RelLocatedIn}})
	require.NoError(t, err)
	assert.Empty(t, in[0], "and so do its edges")
}
