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
	q, err := buildOnce(r.loadersFor(ctx), "actions", struct {
		First, Last   *int
		After, Before *string
		Filter        *model.ActionFilter
		Orders        []*model.ActionOrder
	}{pg.first, pg.last, pg.after, pg.before, f, orders}, func() (kg.FindQuery, error) {
		return r.actionQuery(ctx, pg, f, orders)
	})
	if err != nil {
		return nil, err
	}
	m, err := r.loadersFor(ctx).Matches(ctx, parent, types, q)
	if err != nil {
		return nil, err
	}
	return kg.Connect[kg.Action](kg.PageNodes(m.nodes, m.cursors, q), nil)
}

// matched is what Matches returns for a parent: nodes, in a query's
// order, with their cursors.
type matched struct {
	nodes   []*kg.Node
	cursors []string
}

// Matches returns every node that q keeps among those joined to parent by
// an edge of one of types leaving the node, in q's order, with their
// cursors (q's paging is ignored). The parents asked for with the same query and types
// share two store calls: one Neighbors call that tells which nodes each
// parent has, and one Find (a page of kg.MaxPageSize, more pages only
// beyond it) over the nodes joined to any of them.
func (l *loaders) Matches(ctx context.Context, parent string, types []kg.RelType, q kg.FindQuery) (matched, error) {
	if err := ctx.Err(); err != nil {
		return matched{}, err
	}
	ld, err := l.matchLoader(types, q)
	if err != nil {
		return matched{}, err
	}
	return ld.Load(ctx, parent)
}

// matchLoader returns the loader of Matches for one query and set of types.
func (l *loaders) matchLoader(types []kg.RelType, q kg.FindQuery) (*dataloadgen.Loader[string, matched], error) {
	q.First, q.After, q.Last, q.Before = 0, "", 0, ""
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
	ld := dataloadgen.NewLoader(func(ctx context.Context, parents []string) ([]matched, []error) {
		out, err := l.readMatches(ctx, parents, types, q)
		return out, fanOut(err, len(parents))
	}, l.opts...)
	l.matches[key] = ld
	return ld, nil
}

// readMatches reads Matches for many parents.
func (l *loaders) readMatches(ctx context.Context, parents []string, types []kg.RelType, q kg.FindQuery) ([]matched, error) {
	nbs, err := l.store.Neighbors(ctx, parents, kg.NeighborQuery{Direction: kg.Incoming, Types: types, Kinds: []kg.Kind{q.Kind}})
	if err != nil {
		return nil, fmt.Errorf("matches: neighbours of %d nodes: %w", len(parents), err)
	}
	out := make([]matched, len(parents))
	if !slices.ContainsFunc(nbs, func(ns []kg.Neighbor) bool { return len(ns) > 0 }) {
		return out, nil
	}
	q.Related = append(slices.Clone(q.Related), kg.RelFilter{Types: types, Direction: kg.Outgoing, IDs: parents})
	all, cursors, err := kg.FindAllKeyed(ctx, l.store, q)
	if err != nil {
		return nil, fmt.Errorf("matches: %w", err)
	}
	for i, ns := range nbs {
		joined := make(map[string]bool, len(ns))
		for _, n := range ns {
			joined[n.Node.ID] = true
		}
		for j, n := range all {
			if joined[n.ID] {
				out[i].nodes, out[i].cursors = append(out[i].nodes, n), append(out[i].cursors, cursors[j])
			}
		}
	}
	return out, nil
}

// built is what the arguments of a nested connection make, built once per
// operation.
type built struct {
	once sync.Once
	v    any
	err  error
}

// buildOnce builds what the arguments of a nested connection make (a store
// query, a filter) once for every parent of the operation that asks with
// the same arguments (args, which must marshal to JSON, and kind, what is
// built from them), so that checking its arguments (the IDs a filter
// names, a pillar's commitments) costs the store calls of one parent, not
// of each.
func buildOnce[T any](l *loaders, kind string, args any, build func() (T, error)) (T, error) {
	var zero T
	key, err := json.Marshal(args)
	if err != nil {
		return zero, fmt.Errorf("key of the arguments: %w", err)
	}
	b, _ := l.built.LoadOrStore(kind+" "+string(key), &built{})
	bt := b.(*built)
	bt.once.Do(func() { bt.v, bt.err = build() })
	if bt.err != nil {
		return zero, bt.err
	}
	return bt.v.(T), nil
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
