package kg

import (
	"cmp"
	"slices"
	"strings"
)

// OrderValue returns the value a node is ordered by for an order field, or
// nil when the node lacks it.
func OrderValue(n *Node, orderBy string) any {
	switch orderBy {
	case OrderByID:
		return n.ID
	case OrderByName:
		return n.Name
	}
	switch v := n.Props[orderBy].(type) {
	case string, int64, bool:
		return v
	}
	return nil
}

// TypeRank orders values of different types as Neo4j's ORDER BY does:
// strings (0), then booleans (1), then integers (2), then null (3).
func TypeRank(v any) int {
	switch v.(type) {
	case string:
		return 0
	case bool:
		return 1
	case int64:
		return 2
	}
	return 3
}

// CompareValues compares two order values, null last.
func CompareValues(a, b any) int {
	if r := cmp.Compare(TypeRank(a), TypeRank(b)); r != 0 {
		return r
	}
	switch x := a.(type) {
	case string:
		return strings.Compare(x, b.(string))
	case int64:
		return cmp.Compare(x, b.(int64))
	case bool:
		y := b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	}
	return 0
}

// ComparePositions compares two (value, ID) positions in a list ordered
// ascending or descending; IDs break ties in the same direction.
func ComparePositions(av any, aID string, bv any, bID string, desc bool) int {
	r := CompareValues(av, bv)
	if r == 0 {
		r = strings.Compare(aID, bID)
	}
	if desc {
		r = -r
	}
	return r
}

// SortNodes orders nodes for a Find.
func SortNodes(nodes []*Node, orderBy string, desc bool) {
	slices.SortFunc(nodes, func(a, b *Node) int {
		return ComparePositions(OrderValue(a, orderBy), a.ID, OrderValue(b, orderBy), b.ID, desc)
	})
}

// CursorFor returns the cursor of a node in a list with this ordering.
func CursorFor(n *Node, orderBy string, desc bool) string {
	return Cursor{OrderBy: orderBy, Desc: desc, Value: OrderValue(n, orderBy), ID: n.ID}.Encode()
}

// After reports whether n comes strictly after the cursor's position.
func (c Cursor) After(n *Node) bool {
	return ComparePositions(OrderValue(n, c.OrderBy), n.ID, c.Value, c.ID, c.Desc) > 0
}

// SortNeighbors puts neighbours in their canonical order: by relationship
// type, then by the neighbour's document order (PropSeq, unset last), then
// by the neighbour's ID, then by the edge's source.
func SortNeighbors(ns []Neighbor) {
	slices.SortFunc(ns, func(a, b Neighbor) int {
		if r := strings.Compare(string(a.Edge.Type), string(b.Edge.Type)); r != 0 {
			return r
		}
		if r := cmpSeq(a.Node, b.Node); r != 0 {
			return r
		}
		return strings.Compare(a.Edge.From, b.Edge.From)
	})
}

// MatchNeighbor reports whether an edge seen from node id, and the node at
// its other end, match a neighbour query.
func (q NeighborQuery) Match(id string, e Edge, other *Node) bool {
	switch q.Direction {
	case Outgoing:
		if e.From != id {
			return false
		}
	case Incoming:
		if e.To != id {
			return false
		}
	}
	if len(q.Types) > 0 && !slices.Contains(q.Types, e.Type) {
		return false
	}
	if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, other.Kind) {
		return false
	}
	return true
}

// Validate checks a neighbour query.
func (q NeighborQuery) Validate() error {
	if !q.Direction.Valid() {
		return Errorf(CodeBadUserInput, "unknown direction %q", q.Direction)
	}
	for _, t := range q.Types {
		if !t.Valid() {
			return Errorf(CodeBadUserInput, "unknown relationship type %q", t)
		}
	}
	for _, k := range q.Kinds {
		if !k.Valid() {
			return Errorf(CodeBadUserInput, "unknown kind %q", k)
		}
	}
	return nil
}
