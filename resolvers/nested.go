package resolvers

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/vikstrous/dataloadgen"

	"marrakechgraph/graph/model"
	"marrakechgraph/kg"
)

// actionsOf is the page of the actions joined to parent by an edge of one
// of types (from the action to parent) that the arguments of a nested
// actionsConnection ask for: the filter and order of Query.actions, read
// for every parent of the operation's level at once (loaders.Matches).
func (r *Resolver) actionsOf(ctx context.Context, parent string, types []kg.RelType, pg paging, f *model.ActionFilter, orders []*model.ActionOrder) (*kg.ActionConnection, error) {
	q, err := r.loadersFor(ctx).query(struct {
		First, Last   *int
		After, Before *string
		Filter        *model.ActionFilter
		Orders        []*model.ActionOrder
	}{pg.first, pg.last, pg.after, pg.before, f, orders}, func() (kg.FindQuery, error) {
		q, err := r.actionQuery(ctx, pg, f, orders)
		if err != nil {
			return q, err
		}
		return q, scalarKeys(q)
	})
	if err != nil {
		return nil, err
	}
	nodes, err := r.loadersFor(ctx).Matches(ctx, parent, types, q)
	if err != nil {
		return nil, err
	}
	return kg.Connect[kg.Action](kg.PageNodes(nodes, q), nil)
}

// scalarKeys checks that a query is ordered by fields of the entity only,
// as the pages of a list read whole (kg.PageNodes) are cut: a nested list
// ordered by a count of relationships is refused.
func scalarKeys(q kg.FindQuery) error {
	for _, o := range q.Orders {
		if o.Count != nil {
			return kg.Errorf(kg.CodeBadUserInput, "orderBy: a nested list is ordered by fields of its items (NUMBER, NAME or ID), not by a count")
		}
	}
	return nil
}

// Matches returns every node that q keeps among those joined to parent by
// an edge of one of types leaving the node, in q's order (q.First and
// q.After are ignored). The parents asked for with the same query and types
// share two store calls: one Neighbors call that tells which nodes each
// parent has, and one Find (a page of kg.MaxPageSize, more pages only
// beyond it) over the nodes joined to any of them.
func (l *loaders) Matches(ctx context.Context, parent string, types []kg.RelType, q kg.FindQuery) ([]*kg.Node, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ld, err := l.matchLoader(types, q)
	if err != nil {
		return nil, err
	}
	return ld.Load(ctx, parent)
}

// matchLoader returns the loader of Matches for one query and set of types.
func (l *loaders) matchLoader(types []kg.RelType, q kg.FindQuery) (*dataloadgen.Loader[string, []*kg.Node], error) {
	q.First, q.After = 0, ""
	shape, err := json.Marshal(struct {
		Types []kg.RelType
		Query kg.FindQuery
	}{types, q})
	if err != nil {
		return nil, fmt.Errorf("matches: key of the query: %w", err)
	}
	key := string(shape)
	l.mu.Lock()
	defer l.mu.Unlock()
	if ld, ok := l.matches[key]; ok {
		return ld, nil
	}
	ld := dataloadgen.NewLoader(func(ctx context.Context, parents []string) ([][]*kg.Node, []error) {
		out, err := l.readMatches(ctx, parents, types, q)
		return out, fanOut(err, len(parents))
	}, l.opts...)
	l.matches[key] = ld
	return ld, nil
}

// readMatches reads Matches for many parents.
func (l *loaders) readMatches(ctx context.Context, parents []string, types []kg.RelType, q kg.FindQuery) ([][]*kg.Node, error) {
	nbs, err := l.store.Neighbors(ctx, parents, kg.NeighborQuery{Direction: kg.Incoming, Types: types, Kinds: []kg.Kind{q.Kind}})
	if err != nil {
		return nil, fmt.Errorf("matches: neighbours of %d nodes: %w", len(parents), err)
	}
	out := make([][]*kg.Node, len(parents))
	if !slices.ContainsFunc(nbs, func(ns []kg.Neighbor) bool { return len(ns) > 0 }) {
		return out, nil
	}
	q.Related = append(slices.Clone(q.Related), kg.RelFilter{Types: types, Direction: kg.Outgoing, IDs: parents})
	all, err := kg.FindAll(ctx, l.store, q)
	if err != nil {
		return nil, fmt.Errorf("matches: %w", err)
	}
	for i, ns := range nbs {
		joined := make(map[string]bool, len(ns))
		for _, n := range ns {
			joined[n.Node.ID] = true
		}
		for _, n := range all {
			if joined[n.ID] {
				out[i] = append(out[i], n)
			}
		}
	}
	return out, nil
}

// builtQuery is a store query built once per operation for the arguments
// of a nested connection.
type builtQuery struct {
	once sync.Once
	q    kg.FindQuery
	err  error
}

// query builds a store query once for every parent of the operation that
// asks with the same arguments (args, which must marshal to JSON), so that
// checking its arguments (the IDs a filter names, a pillar's commitments)
// costs the store calls of one parent, not of each.
func (l *loaders) query(args any, build func() (kg.FindQuery, error)) (kg.FindQuery, error) {
	key, err := json.Marshal(args)
	if err != nil {
		return kg.FindQuery{}, fmt.Errorf("key of the arguments: %w", err)
	}
	b, _ := l.built.LoadOrStore(string(key), &builtQuery{})
	bq := b.(*builtQuery)
	bq.once.Do(func() { bq.q, bq.err = build() })
	return bq.q, bq.err
}

// orEmpty is *s, or "" when s is nil.
func orEmpty(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// rankAll returns every match of a search, best first: one store call when
// the matches fit in one answer of the store (q.Limit), else one per kind
// searched (no kind has as many entities as a store answer holds), ranked
// together as the store ranks them.
func (r *Resolver) rankAll(ctx context.Context, q kg.SearchQuery) ([]*kg.Node, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	ranked, err := r.Store.Search(ctx, q)
	if err != nil || len(ranked) < q.Limit {
		return ranked, err
	}
	kinds := slices.Clone(q.SearchKinds())
	slices.Sort(kinds)
	var all []*kg.Node
	for _, k := range slices.Compact(kinds) {
		kq := q
		kq.Kinds = []kg.Kind{k}
		ns, err := r.Store.Search(ctx, kq)
		if err != nil {
			return nil, fmt.Errorf("search among %s: %w", k, err)
		}
		all = append(all, ns...)
	}
	return kg.RankSearch(all, q.Text, len(all)), nil
}
