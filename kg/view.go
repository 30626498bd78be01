package kg

import (
	"context"
	"errors"
)

// Entity is the typed view of a node of the public knowledge graph: one Go
// type per kind (Action, Mechanism, Country...), named as the kind's GraphQL
// type, with an accessor per property and a method per relationship. The
// GraphQL schema binds its types to them (gqlgen.yml): a field is a method.
//
// A view reads its node and never changes it. Relationship methods take a
// context and read through the context's Graph.
type Entity interface {
	Identified
	ID() string
	Name() string
	// Node is the node the view reads.
	Node() *Node
	isEntity()
}

// Identified is what the GraphQL interface Node stands for: anything with a
// stable ID a client can look up, that is the view of an entity (Entity), of
// a threat incident or a response (package threatlog), or an API key.
// IsNode marks them, as gqlgen marks the types it generates.
type Identified interface{ IsNode() }

// entity is what every view shares: the node's fixed fields, its citations
// and its relationships.
type entity struct{ n *Node }

// ID is the node's stable, human-readable identifier.
func (e entity) ID() string { return e.n.ID }

// Name is the node's name.
func (e entity) Name() string { return e.n.Name }

// Acronym is the short form the source uses, or nil.
func (e entity) Acronym() *string { return optional(&e.n.Acronym) }

// Description says what the entity is, or nil.
func (e entity) Description() *string { return optional(&e.n.Description) }

// Citations are the passages that support the entity.
func (e entity) Citations() []Citation { return e.n.Citations }

// Node is the node the view reads.
func (e entity) Node() *Node { return e.n }

func (entity) isEntity() {}

// IsNode marks a view as a GraphQL Node.
func (entity) IsNode() {}

// Relationship is a relationship of an entity, seen from it: its type, its
// direction, the entity at its other end and the passages that support it.
type Relationship struct {
	Type      RelType
	Direction Direction
	Node      Entity
	Citations []Citation
}

// Relationships are the entity's relationships in a direction (both when
// nil) and of types (all when none), with public entities, in canonical
// order.
func (e entity) Relationships(ctx context.Context, direction *Direction, types []RelType) ([]Relationship, error) {
	q := NeighborQuery{Direction: Both, Types: types, Kinds: allKinds}
	if direction != nil {
		q.Direction = *direction
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	g, err := graphOf(ctx)
	if err != nil {
		return nil, err
	}
	ns, err := g.NeighborsOf(ctx, e.n.ID, q)
	if err != nil {
		return nil, err
	}
	out := make([]Relationship, len(ns))
	for i, nb := range ns {
		d := Outgoing
		if nb.Edge.To == e.n.ID {
			d = Incoming
		}
		out[i] = Relationship{Type: nb.Edge.Type, Direction: d, Node: View(nb.Node), Citations: nb.Edge.Citations}
	}
	return out, nil
}

// View returns the typed view of a public node, or nil for a node of a
// sensitive kind, which has no public view.
func View(n *Node) Entity {
	e := entity{n}
	switch n.Kind {
	case KindNetwork:
		return Network{entity: e}
	case KindNHRI:
		return NHRI{e}
	case KindMechanism:
		return Mechanism{entity: e}
	case KindInstrument:
		return Instrument{e}
	case KindCommitment:
		return Commitment{e}
	case KindObjective:
		return Objective{e}
	case KindAction:
		return Action{e}
	case KindRiskGroup:
		return RiskGroup{e}
	case KindThreatType:
		return ThreatType{e}
	case KindPerpetratorType:
		return PerpetratorType{e}
	case KindSDGTarget:
		return SDGTarget{e}
	case KindStrategicGoal:
		return StrategicGoal{e}
	case KindCountry:
		return Country{e}
	case KindSurvey:
		return Survey{e}
	}
	return nil
}

// ViewAs returns the view of n as T, and whether n is of T's kind.
func ViewAs[T Entity](n *Node) (T, bool) {
	v, ok := View(n).(T)
	return v, ok
}

// Views returns the views of nodes as T, leaving out those of other kinds.
func Views[T Entity](nodes []*Node) []T {
	out := make([]T, 0, len(nodes))
	for _, n := range nodes {
		if v, ok := View(n).(T); ok {
			out = append(out, v)
		}
	}
	return out
}

// Graph is what views read relationships through. In a GraphQL operation
// it is the operation's loaders (WithGraph), which batch the reads of
// sibling fields into one store call; StoreGraph reads a store directly.
type Graph interface {
	// NeighborsOf returns the neighbours of one node that match q, in
	// canonical order (SortNeighbors).
	NeighborsOf(ctx context.Context, id string, q NeighborQuery) ([]Neighbor, error)
	// SupportChannelsOf returns the support channels of one commitment
	// (SupportChannels).
	SupportChannelsOf(ctx context.Context, commitmentID string) ([]SupportChannel, error)
}

type graphKey struct{}

// WithGraph returns a context whose views read relationships through g.
func WithGraph(ctx context.Context, g Graph) context.Context {
	return context.WithValue(ctx, graphKey{}, g)
}

// GraphFrom returns the graph views read through in ctx, or nil.
func GraphFrom(ctx context.Context) Graph {
	g, _ := ctx.Value(graphKey{}).(Graph)
	return g
}

var errNoGraph = errors.New("kg: the context carries no graph for views to read relationships through (see WithGraph)")

func graphOf(ctx context.Context) (Graph, error) {
	if g := GraphFrom(ctx); g != nil {
		return g, nil
	}
	return nil, errNoGraph
}

// StoreGraph reads relationships from a store, one store call per read:
// for views used outside a GraphQL operation.
type StoreGraph struct{ Store NeighborReader }

// NeighborsOf reads the neighbours of one node.
func (g StoreGraph) NeighborsOf(ctx context.Context, id string, q NeighborQuery) ([]Neighbor, error) {
	res, err := g.Store.Neighbors(ctx, []string{id}, q)
	if err != nil {
		return nil, err
	}
	return res[0], nil
}

// SupportChannelsOf walks from one commitment to its support channels.
func (g StoreGraph) SupportChannelsOf(ctx context.Context, commitmentID string) ([]SupportChannel, error) {
	res, err := SupportChannels(ctx, g.Store, []string{commitmentID})
	if err != nil {
		return nil, err
	}
	return res[0], nil
}

// Related returns, through the context's graph, the distinct nodes joined
// to id by edges of types (any type when none) in direction dir, in
// canonical order. Without kinds it keeps every public kind: a sensitive
// node is reached only by asking for its kind.
func Related(ctx context.Context, id string, dir Direction, types []RelType, kinds ...Kind) ([]*Node, error) {
	g, err := graphOf(ctx)
	if err != nil {
		return nil, err
	}
	if len(kinds) == 0 {
		kinds = allKinds
	}
	ns, err := g.NeighborsOf(ctx, id, NeighborQuery{Direction: dir, Types: types, Kinds: kinds})
	if err != nil {
		return nil, err
	}
	out := make([]*Node, 0, len(ns))
	for i, nb := range ns {
		if !seenBefore(ns[:i], nb.Node.ID) {
			out = append(out, nb.Node)
		}
	}
	return out, nil
}

func seenBefore(ns []Neighbor, id string) bool {
	for _, nb := range ns {
		if nb.Node.ID == id {
			return true
		}
	}
	return false
}

// related returns the views of the nodes joined to id (see Related).
func related[T Entity](ctx context.Context, id string, dir Direction, types []RelType, kinds ...Kind) ([]T, error) {
	ns, err := Related(ctx, id, dir, types, kinds...)
	if err != nil {
		return nil, err
	}
	return Views[T](ns), nil
}

// relatedOne returns the view of the first node joined to id by an edge of
// type t, and whether there is one.
func relatedOne[T Entity](ctx context.Context, id string, dir Direction, t RelType, kind Kind) (T, bool, error) {
	var zero T
	vs, err := related[T](ctx, id, dir, []RelType{t}, kind)
	if err != nil || len(vs) == 0 {
		return zero, false, err
	}
	return vs[0], true, nil
}

// optional points to s, or is nil when s is empty.
func optional(s *string) *string {
	if *s == "" {
		return nil
	}
	return s
}
