package kg

import (
	"slices"
	"strings"
)

// Order is one key of the order of a Find: a property, the name or the ID
// (By), or the number of a node's relationships (Count), ascending or
// descending. Nodes lacking a property come last in ascending order, first
// in descending order.
type Order struct {
	// By is OrderByID, OrderByName or a property key; empty when Count is
	// set.
	By string
	// Count, when set, orders by the number of the node's relationships
	// of these types in this direction.
	Count *RelCount
	Desc  bool
}

// RelCount names the nodes an order counts: the distinct nodes a node
// reaches by a relationship of any of Types (one at least, none
// sensitive) in Direction, or, with Then, the distinct nodes those reach
// by one more step (a mechanism's commitments: the commitments of the
// actions that reach it). Then takes no Then of its own.
type RelCount struct {
	Types     []RelType
	Direction Direction
	Then      *RelCount
}

// signature names the counted nodes, as cursors record it.
func (c *RelCount) signature() string {
	var b strings.Builder
	for s := c; s != nil; s = s.Then {
		b.WriteString("#" + string(s.Direction) + ":")
		for j, t := range s.Types {
			if j > 0 {
				b.WriteByte('|')
			}
			b.WriteString(string(t))
		}
	}
	return b.String()
}

// validate checks a count's steps.
func (c *RelCount) validate() error {
	if c.Then != nil && c.Then.Then != nil {
		return Errorf(CodeBadUserInput, "an order counts nodes one or two steps away, not more")
	}
	for s := c; s != nil; s = s.Then {
		if len(s.Types) == 0 {
			return Errorf(CodeBadUserInput, "an order by a count of relationships names their types")
		}
		for _, t := range s.Types {
			if !t.Valid() || t.Sensitive() {
				return Errorf(CodeBadUserInput, "cannot order by a count of %q relationships", t)
			}
		}
		if !s.Direction.Valid() {
			return Errorf(CodeBadUserInput, "unknown direction %q", s.Direction)
		}
	}
	return nil
}

// MaxOrderKeys bounds the keys of an order.
const MaxOrderKeys = 3

// OrderKeys returns the keys of the query's order: Orders when set, else the
// single key OrderBy, Desc. Ties are then broken by ID, in the direction of
// the last key.
func (q FindQuery) OrderKeys() []Order {
	if len(q.Orders) > 0 {
		return q.Orders
	}
	return []Order{{By: q.OrderBy, Desc: q.Desc}}
}

// Backward reports whether the query pages backward (Last, Before).
func (q FindQuery) Backward() bool { return q.Last > 0 || q.Before != "" }

// PageSize is First or Last, whichever is set.
func (q FindQuery) PageSize() int { return max(q.First, q.Last) }

// Reversed returns the order keys with every direction flipped: the order
// a backward page is read in.
func Reversed(orders []Order) []Order {
	out := slices.Clone(orders)
	for i := range out {
		out[i].Desc = !out[i].Desc
	}
	return out
}

// OrderSignature names an order, as cursors record it.
func OrderSignature(orders []Order) string {
	var b strings.Builder
	for i, o := range orders {
		if i > 0 {
			b.WriteByte(',')
		}
		if o.Desc {
			b.WriteByte('-')
		}
		if o.Count != nil {
			b.WriteString(o.Count.signature())
		} else {
			b.WriteString(o.By)
		}
	}
	return b.String()
}

// HasCount reports whether an order counts relationships.
func HasCount(orders []Order) bool {
	return slices.ContainsFunc(orders, func(o Order) bool { return o.Count != nil })
}

// validateOrder checks an order's keys.
func validateOrder(orders []Order) error {
	if len(orders) == 0 || len(orders) > MaxOrderKeys {
		return Errorf(CodeBadUserInput, "an order takes 1 to %d keys, got %d", MaxOrderKeys, len(orders))
	}
	for _, o := range orders {
		if o.Count == nil {
			if o.By != OrderByID && o.By != OrderByName && !propKeyRE.MatchString(o.By) {
				return Errorf(CodeBadUserInput, "cannot order by %q", o.By)
			}
			continue
		}
		if o.By != "" {
			return Errorf(CodeBadUserInput, "an order key counts relationships or names a field, not both")
		}
		if err := o.Count.validate(); err != nil {
			return err
		}
	}
	return nil
}

// Counter counts the nodes a RelCount names for a node.
type Counter func(n *Node, c *RelCount) int64

// OrderValues returns the values of a node's order keys; count may be nil
// when no key counts.
func OrderValues(n *Node, orders []Order, count Counter) []any {
	out := make([]any, len(orders))
	for i, o := range orders {
		if o.Count != nil {
			out[i] = count(n, o.Count)
		} else {
			out[i] = OrderValue(n, o.By)
		}
	}
	return out
}

// CompareKeyed compares two positions (values of the order keys, ID) in an
// order; IDs break ties in the direction of the last key.
func CompareKeyed(av []any, aID string, bv []any, bID string, orders []Order) int {
	for i, o := range orders {
		if r := CompareValues(av[i], bv[i]); r != 0 {
			if o.Desc {
				return -r
			}
			return r
		}
	}
	r := strings.Compare(aID, bID)
	if len(orders) > 0 && orders[len(orders)-1].Desc {
		r = -r
	}
	return r
}

// KeyedCursor returns the cursor of a position in an order.
func KeyedCursor(values []any, id string, orders []Order) string {
	return KeyCursor{Order: OrderSignature(orders), Values: values, ID: id}.Encode()
}
