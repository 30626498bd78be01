// Package resolvers holds the GraphQL resolvers: argument checks, per-request
// loaders and calls into the domain. They never know which backend runs.
package resolvers

import (
	"context"

	"marrakechgraph/auth"
	"marrakechgraph/graph"
	"marrakechgraph/graph/model"
	"marrakechgraph/kg"
	"marrakechgraph/threatlog"
)

// Resolver is the root of the resolver tree.
type Resolver struct {
	Store kg.Store
	keys  *auth.Keys
	log   *threatlog.Log
	feed  *threatlog.Feed
}

// New returns the executable schema's configuration over a store. The feed
// carries reported incidents and key changes to subscribers; nil makes one
// of its own, which tails the store's audit log so that subscribers hear of
// changes made through every process sharing the store.
func New(store kg.Store, feed *threatlog.Feed) graph.Config {
	if feed == nil {
		feed = &threatlog.Feed{Store: store}
	}
	cfg := graph.Config{Resolvers: &Resolver{
		Store: store, keys: &auth.Keys{Store: store}, feed: feed,
		log: &threatlog.Log{Store: store, Feed: feed},
	}}
	cfg.Directives.Requires = requires
	return cfg
}

// Page sizes of lists and connections.
const (
	defaultPageSize   = 50
	defaultSearchSize = 20
)

// pageSize checks a `first` argument.
func pageSize(first *int, def int) (int, error) {
	if first == nil {
		return def, nil
	}
	if *first < 1 || *first > kg.MaxPageSize {
		return 0, kg.Errorf(kg.CodeBadUserInput, "first must be between 1 and %d, got %d", kg.MaxPageSize, *first)
	}
	return *first, nil
}

// list returns the views of every node of a kind, in an order, with
// optional filters.
func list[T kg.Entity](ctx context.Context, s kg.Store, kind kg.Kind, orderBy string, filters ...kg.PropFilter) ([]*T, error) {
	ns, err := kg.FindAll(ctx, s, kg.FindQuery{Kind: kind, OrderBy: orderBy, Props: filters})
	if err != nil {
		return nil, err
	}
	return refs(kg.Views[T](ns)), nil
}

// find reads a page of a query that checked out (err is the check's), with
// the views of its nodes.
func find[T kg.Entity](ctx context.Context, s kg.Store, q kg.FindQuery, err error) (*kg.Page, []*T, error) {
	if err != nil {
		return nil, nil, err
	}
	p, err := s.Find(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	return p, refs(kg.Views[T](p.Nodes)), nil
}

// refs points to each element of vs, for gqlgen's lists of objects.
func refs[T any](vs []T) []*T {
	out := make([]*T, len(vs))
	for i := range vs {
		out[i] = &vs[i]
	}
	return out
}

// propIs filters on a property equal to an optional argument: no filter
// when the argument is not given.
func propIs(key string, arg *string) []kg.PropFilter {
	if arg == nil {
		return nil
	}
	return []kg.PropFilter{{Key: key, Values: []any{*arg}}}
}

// checkRef verifies that an ID given as a filter names an entity of a kind.
func (r *Resolver) checkRef(ctx context.Context, arg, id string, kind kg.Kind) error {
	n, err := r.node(ctx, id)
	if err != nil {
		return err
	}
	if n == nil || n.Kind != kind {
		return kg.Errorf(kg.CodeBadUserInput, "%s: no %s has the ID %q", arg, kind, id)
	}
	return nil
}

// node reads one node straight from the store: for arguments of root
// fields, which have no siblings to share a batch with and should not wait
// for one.
func (r *Resolver) node(ctx context.Context, id string) (*kg.Node, error) {
	ns, err := r.Store.Nodes(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	return ns[0], nil
}

// orderOf maps an optional order argument to the store's order field.
func orderOf(field string, dir model.OrderDirection) (string, bool) {
	return field, dir == model.OrderDirectionDesc
}
