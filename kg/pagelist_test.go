package kg_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"marrakechgraph/kg"
)

// TestPageNodesFindsACursorWhoseNodeIsGone: a page after or before a
// cursor whose node has left the list starts or ends where its values
// would stand, as Find's pages do.
func TestPageNodesFindsACursorWhoseNodeIsGone(t *testing.T) {
	q := kg.FindQuery{Kind: kg.KindAction, OrderBy: kg.OrderByName}
	orders := q.OrderKeys()
	var nodes []*kg.Node
	var cursors []string
	for _, n := range []struct{ id, name string }{{"a:1", "Alpha"}, {"a:2", "Bravo"}, {"a:4", "Delta"}, {"a:5", "Echo"}} {
		nodes = append(nodes, &kg.Node{ID: n.id, Kind: kg.KindAction, Name: n.name})
		cursors = append(cursors, kg.KeyedCursor([]any{n.name}, n.id, orders))
	}
	gone := kg.KeyedCursor([]any{"Charlie"}, "a:3", orders)
	ids := func(p *kg.Page) []string {
		var out []string
		for _, n := range p.Nodes {
			out = append(out, n.ID)
		}
		return out
	}

	after := q
	after.First, after.After = 1, gone
	assert.Equal(t, []string{"a:4"}, ids(kg.PageNodes(nodes, cursors, after)))
	before := q
	before.Last, before.Before = 1, gone
	assert.Equal(t, []string{"a:2"}, ids(kg.PageNodes(nodes, cursors, before)))

	// A cursor of a node still there: the page starts after it or ends
	// before it.
	after.After = cursors[1]
	assert.Equal(t, []string{"a:4"}, ids(kg.PageNodes(nodes, cursors, after)))
	before.Before = cursors[2]
	p := kg.PageNodes(nodes, cursors, before)
	assert.Equal(t, []string{"a:2"}, ids(p))
	assert.True(t, p.HasPreviousPage)
	assert.True(t, p.HasNextPage)
}
