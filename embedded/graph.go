package embedded

import (
	"slices"
	"strings"
	"sync"

	"marrakechgraph/kg"
)

// graph is the in-memory copy of the store: nodes by ID and by kind, edges
// by key, and adjacency both ways. Its nodes and edges are never changed in
// place. Edges of sensitive types (those touching incidents, responses or
// keys) have adjacency lists of their own, so that walking the public graph
// never even looks at them: neither its answers nor its timing depend on
// how many there are.
type graph struct {
	nodes  map[string]*kg.Node
	byKind map[kg.Kind]map[string]*kg.Node
	edges  map[kg.EdgeKey]*kg.Edge
	out    adjacency
	in     adjacency
	outS   adjacency
	inS    adjacency
	// texts keeps the search text of each node of a kind that can be
	// searched (kg.SearchTextOf), so that a search lower-cases nothing.
	texts map[string]kg.SearchText
	// edgesByType counts edges, so that Stats costs the same however many
	// edges (sensitive ones included) there are.
	edgesByType map[kg.RelType]int
	// orders keeps the nodes of a kind sorted in an order Find was asked
	// for, until a node of that kind changes: a page then costs a search
	// for its cursor, not a sort of the whole kind. Readers fill it under
	// the store's read lock, so it has a lock of its own.
	// An order that counts relationships is forgotten too when an edge
	// changes.
	ordersMu sync.Mutex
	orders   map[orderKey]*sortedNodes
}

// orderKey names one order of the nodes of one kind (kg.OrderSignature).
type orderKey struct {
	kind  kg.Kind
	order string
}

// sortedNodes are the nodes of a kind in an order, with the values of
// their order keys (aligned).
type sortedNodes struct {
	nodes  []*kg.Node
	values [][]any
	counts bool
}

// sorted returns the nodes of a kind in the order given, with their order
// values, shared and never changed: a writer replaces them.
func (g *graph) sorted(kind kg.Kind, orders []kg.Order) *sortedNodes {
	k := orderKey{kind, kg.OrderSignature(orders)}
	g.ordersMu.Lock()
	defer g.ordersMu.Unlock()
	if s, ok := g.orders[k]; ok {
		return s
	}
	s := &sortedNodes{nodes: make([]*kg.Node, 0, len(g.byKind[kind])), counts: kg.HasCount(orders)}
	for _, n := range g.byKind[kind] {
		s.nodes = append(s.nodes, n)
	}
	values := make(map[string][]any, len(s.nodes))
	for _, n := range s.nodes {
		values[n.ID] = kg.OrderValues(n, orders, g.countRels)
	}
	slices.SortFunc(s.nodes, func(a, b *kg.Node) int {
		return kg.CompareKeyed(values[a.ID], a.ID, values[b.ID], b.ID, orders)
	})
	s.values = make([][]any, len(s.nodes))
	for i, n := range s.nodes {
		s.values[i] = values[n.ID]
	}
	if g.orders == nil {
		g.orders = map[orderKey]*sortedNodes{}
	}
	g.orders[k] = s
	return s
}

// countRels counts the distinct nodes that c names for a node, over
// public relationships.
func (g *graph) countRels(n *kg.Node, c *kg.RelCount) int64 {
	step := func(ids []string, c *kg.RelCount) []string {
		var out []string
		seen := map[string]bool{}
		add := func(id string) {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
		for _, id := range ids {
			if c.Direction != kg.Incoming {
				for _, e := range g.out[id] {
					if slices.Contains(c.Types, e.Type) {
						add(e.To)
					}
				}
			}
			if c.Direction != kg.Outgoing {
				for _, e := range g.in[id] {
					if slices.Contains(c.Types, e.Type) {
						add(e.From)
					}
				}
			}
		}
		return out
	}
	reached := step([]string{n.ID}, c)
	if c.Then != nil {
		reached = slices.DeleteFunc(step(reached, c.Then), func(id string) bool { return id == n.ID })
	}
	return int64(len(reached))
}

// forgetOrders drops the orders of a kind; writers call it, under the
// store's write lock.
func (g *graph) forgetOrders(kind kg.Kind) {
	g.ordersMu.Lock()
	defer g.ordersMu.Unlock()
	for k := range g.orders {
		if k.kind == kind {
			delete(g.orders, k)
		}
	}
}

// forgetCountOrders drops the orders that count relationships; writers
// call it when an edge changes, under the store's write lock.
func (g *graph) forgetCountOrders() {
	g.ordersMu.Lock()
	defer g.ordersMu.Unlock()
	for k, s := range g.orders {
		if s.counts {
			delete(g.orders, k)
		}
	}
}

func newGraph() *graph {
	return &graph{
		nodes:  map[string]*kg.Node{},
		byKind: map[kg.Kind]map[string]*kg.Node{},
		edges:  map[kg.EdgeKey]*kg.Edge{},
		out:    adjacency{},
		in:     adjacency{},
		outS:   adjacency{},
		inS:    adjacency{},

		texts:       map[string]kg.SearchText{},
		edgesByType: map[kg.RelType]int{},
	}
}

// adjacency lists, for each node ID, the edges leaving it (or reaching
// it). A list, not a map: most nodes have a handful of edges, and a map
// for each would cost several times the edges themselves.
type adjacency map[string][]*kg.Edge

// adjacency returns the outgoing and incoming lists for edges of a type.
func (g *graph) adjacency(t kg.RelType) (out, in adjacency) {
	if t.Sensitive() {
		return g.outS, g.inS
	}
	return g.out, g.in
}

func (g *graph) putNode(n *kg.Node) {
	if old := g.nodes[n.ID]; old != nil && old.Kind != n.Kind {
		g.forgetOrders(old.Kind)
	}
	g.forgetOrders(n.Kind)
	g.nodes[n.ID] = n
	if n.Kind.Sensitive() {
		delete(g.texts, n.ID)
	} else {
		g.texts[n.ID] = kg.SearchTextOf(n)
	}
	m := g.byKind[n.Kind]
	if m == nil {
		m = map[string]*kg.Node{}
		g.byKind[n.Kind] = m
	}
	m[n.ID] = n
}

func (g *graph) deleteNode(id string) {
	if n := g.nodes[id]; n != nil {
		g.forgetOrders(n.Kind)
		delete(g.byKind[n.Kind], id)
		delete(g.nodes, id)
		delete(g.texts, id)
	}
	delete(g.out, id)
	delete(g.in, id)
	delete(g.outS, id)
	delete(g.inS, id)
}

func (g *graph) putEdge(e *kg.Edge) {
	g.forgetCountOrders()
	k := e.Key()
	replaced := g.edges[k] != nil
	if !replaced {
		g.edgesByType[k.Type]++
	}
	g.edges[k] = e
	out, in := g.adjacency(e.Type)
	out.link(e.From, k, e, replaced)
	in.link(e.To, k, e, replaced)
}

func (g *graph) deleteEdge(k kg.EdgeKey) {
	g.forgetCountOrders()
	if g.edges[k] != nil {
		g.edgesByType[k.Type]--
	}
	delete(g.edges, k)
	out, in := g.adjacency(k.Type)
	out.unlink(k.From, k)
	in.unlink(k.To, k)
}

// link adds e to the list of id, or puts it in the place of the edge of
// the same key when one is there.
func (a adjacency) link(id string, k kg.EdgeKey, e *kg.Edge, replaced bool) {
	if replaced {
		if i := slices.IndexFunc(a[id], func(x *kg.Edge) bool { return x.Key() == k }); i >= 0 {
			a[id][i] = e
			return
		}
	}
	a[id] = append(a[id], e)
}

func (a adjacency) unlink(id string, k kg.EdgeKey) {
	list := slices.DeleteFunc(a[id], func(x *kg.Edge) bool { return x.Key() == k })
	if len(list) == 0 {
		delete(a, id)
		return
	}
	a[id] = list
}

// apply makes committed writes, in the order they were written.
func (g *graph) apply(p *kg.Writes) {
	for _, k := range p.DeleteEdges {
		g.deleteEdge(k)
	}
	for _, id := range p.DeleteNodes {
		g.deleteNode(id)
	}
	for i := range p.PutNodes {
		g.putNode(&p.PutNodes[i])
	}
	for i := range p.PutEdges {
		g.putEdge(&p.PutEdges[i])
	}
}

// current returns what kg.Reduce needs to know of the graph for cs.
func (g *graph) current(cs kg.ChangeSet) kg.Current {
	nodeIDs, edgeKeys, deleting := cs.Refs()
	cur := kg.Current{
		Nodes:    make(map[string]*kg.Node, len(nodeIDs)),
		Edges:    make(map[kg.EdgeKey]*kg.Edge, len(edgeKeys)),
		Touching: make(map[string][]kg.Edge, len(deleting)),
	}
	for _, id := range nodeIDs {
		if n := g.nodes[id]; n != nil {
			cur.Nodes[id] = n
		}
	}
	for _, k := range edgeKeys {
		if e := g.edges[k]; e != nil {
			cur.Edges[k] = e
		}
	}
	for _, id := range deleting {
		var touching []kg.Edge
		for _, adj := range []adjacency{g.out, g.in, g.outS, g.inS} {
			for _, e := range adj[id] {
				touching = append(touching, *e)
				if n := g.nodes[e.From]; n != nil {
					cur.Nodes[e.From] = n
				}
			}
		}
		// A stable order, so that audit entries come out the same way
		// every time.
		slices.SortFunc(touching, func(a, b kg.Edge) int {
			return strings.Compare(string(edgeKey(a.Key())), string(edgeKey(b.Key())))
		})
		cur.Touching[id] = touching
	}
	return cur
}

// matches reports whether n passes a Find query's filters.
func (g *graph) matches(n *kg.Node, q kg.FindQuery, terms []string) bool {
	for _, f := range q.Props {
		if v, ok := n.Props[f.Key]; !f.Matches(v, ok) {
			return false
		}
	}
	for _, f := range q.Related {
		if !g.related(n.ID, f) {
			return false
		}
	}
	if !kg.MatchesText(n, terms) {
		return false
	}
	for _, c := range q.Not {
		if g.meets(n, c) {
			return false
		}
	}
	return len(q.Any) == 0 || slices.ContainsFunc(q.Any, func(c kg.Condition) bool { return g.meets(n, c) })
}

// meets reports whether n meets a condition.
func (g *graph) meets(n *kg.Node, c kg.Condition) bool {
	return g.matches(n, kg.FindQuery{Props: c.Props, Related: c.Related}, kg.SearchTerms(c.Text))
}

// related reports whether node id has an edge of one of f.Types (any type
// when there are none) in f.Direction to one of f.IDs.
func (g *graph) related(id string, f kg.RelFilter) bool {
	match := func(edges []*kg.Edge, far func(kg.EdgeKey) string) bool {
		for _, e := range edges {
			if k := e.Key(); (len(f.Types) == 0 || slices.Contains(f.Types, k.Type)) && slices.Contains(f.IDs, far(k)) {
				return true
			}
		}
		return false
	}
	to := func(k kg.EdgeKey) string { return k.To }
	from := func(k kg.EdgeKey) string { return k.From }
	sensitive := len(f.Types) == 0 || slices.ContainsFunc(f.Types, kg.RelType.Sensitive)
	if f.Direction != kg.Incoming && (match(g.out[id], to) || (sensitive && match(g.outS[id], to))) {
		return true
	}
	return f.Direction != kg.Outgoing && (match(g.in[id], from) || (sensitive && match(g.inS[id], from)))
}

// neighborKeys returns the distinct IDs (or values of by.Prop) of the
// nodes that edges matching by.Rel (and then by.Rel.Then) lead to from node
// id, or a single nil key when there are none. No edge is followed twice
// on one way.
func (g *graph) neighborKeys(id string, by kg.GroupBy) []any {
	var keys []any
	add := func(other string) {
		if by.Prop == "" {
			if !slices.Contains(keys, any(other)) {
				keys = append(keys, other)
			}
			return
		}
		for _, k := range kg.PropGroupKeys(g.nodes[other].Props[by.Prop], by.Part) {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	rg := *by.Rel
	for _, h := range g.hop(id, rg, nil) {
		if rg.Then == nil {
			add(h.id)
			continue
		}
		for _, h2 := range g.hop(h.id, *rg.Then, h.edge) {
			add(h2.id)
		}
	}
	if len(keys) == 0 {
		keys = append(keys, nil)
	}
	return keys
}

// step is an edge followed from a node, and the node it leads to.
type step struct {
	edge *kg.Edge
	id   string
}

// hop returns the steps from node id along edges that match rg's types,
// direction and kinds, but skip.
func (g *graph) hop(id string, rg kg.RelGroup, skip *kg.Edge) []step {
	var out []step
	add := func(edges []*kg.Edge, far func(kg.EdgeKey) string) {
		for _, e := range edges {
			k := e.Key()
			if (skip != nil && k == skip.Key()) || !slices.Contains(rg.Types, k.Type) {
				continue
			}
			other := far(k)
			if len(rg.Kinds) > 0 && !slices.Contains(rg.Kinds, g.nodes[other].Kind) {
				continue
			}
			out = append(out, step{e, other})
		}
	}
	to := func(k kg.EdgeKey) string { return k.To }
	from := func(k kg.EdgeKey) string { return k.From }
	if rg.Direction != kg.Incoming {
		add(g.out[id], to)
	}
	if rg.Direction != kg.Outgoing {
		add(g.in[id], from)
	}
	return out
}
