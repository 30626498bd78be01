package resolvers

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vikstrous/dataloadgen"

	"marrakechgraph/kg"
)

// loaderWait is how long a loader gathers keys before it calls the store.
// Sibling resolvers run concurrently and reach their loaders within it.
const loaderWait = 2 * time.Millisecond

// loaders batch the store reads of one GraphQL operation, so that the
// operation costs a number of store calls bounded by its depth, not by the
// number of results.
type loaders struct {
	store    kg.Store
	nodes    *dataloadgen.Loader[string, *kg.Node]
	channels *dataloadgen.Loader[string, []kg.SupportChannel]

	mu        sync.Mutex
	neighbors map[string]*dataloadgen.Loader[string, []kg.Neighbor]
}

func newLoaders(store kg.Store) *loaders {
	l := &loaders{store: store, neighbors: map[string]*dataloadgen.Loader[string, []kg.Neighbor]{}}
	l.nodes = dataloadgen.NewLoader(func(ctx context.Context, ids []string) ([]*kg.Node, []error) {
		nodes, err := store.Nodes(ctx, ids)
		return nodes, fanOut(err, len(ids))
	}, dataloadgen.WithWait(loaderWait))
	l.channels = dataloadgen.NewLoader(func(ctx context.Context, ids []string) ([][]kg.SupportChannel, []error) {
		chs, err := kg.SupportChannels(ctx, l, ids)
		return chs, fanOut(err, len(ids))
	}, dataloadgen.WithWait(loaderWait))
	return l
}

func fanOut(err error, n int) []error {
	if err == nil {
		return nil
	}
	errs := make([]error, n)
	for i := range errs {
		errs[i] = err
	}
	return errs
}

// neighborLoader returns the loader for one shape of neighbour query.
func (l *loaders) neighborLoader(q kg.NeighborQuery) *dataloadgen.Loader[string, []kg.Neighbor] {
	key := neighborKey(q)
	l.mu.Lock()
	defer l.mu.Unlock()
	if ld, ok := l.neighbors[key]; ok {
		return ld
	}
	ld := dataloadgen.NewLoader(func(ctx context.Context, ids []string) ([][]kg.Neighbor, []error) {
		res, err := l.store.Neighbors(ctx, ids, q)
		return res, fanOut(err, len(ids))
	}, dataloadgen.WithWait(loaderWait))
	l.neighbors[key] = ld
	return ld
}

func neighborKey(q kg.NeighborQuery) string {
	types := make([]string, len(q.Types))
	for i, t := range q.Types {
		types[i] = string(t)
	}
	kinds := make([]string, len(q.Kinds))
	for i, k := range q.Kinds {
		kinds[i] = string(k)
	}
	slices.Sort(types)
	slices.Sort(kinds)
	return string(q.Direction) + "|" + strings.Join(types, ",") + "|" + strings.Join(kinds, ",")
}

// Neighbors implements kg.NeighborReader through the batching loaders, so
// that domain walks share batches with the resolvers.
func (l *loaders) Neighbors(ctx context.Context, ids []string, q kg.NeighborQuery) ([][]kg.Neighbor, error) {
	return l.neighborLoader(q).LoadAll(ctx, ids)
}

type loadersKey struct{}

// LoaderExtension gives every GraphQL operation, whatever its transport,
// its own set of loaders.
type LoaderExtension struct{ Store kg.Store }

var (
	_ graphql.HandlerExtension     = LoaderExtension{}
	_ graphql.OperationInterceptor = LoaderExtension{}
)

// ExtensionName names the extension for gqlgen.
func (LoaderExtension) ExtensionName() string { return "Loaders" }

// Validate accepts any schema.
func (LoaderExtension) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptOperation attaches fresh loaders to the operation's context.
func (e LoaderExtension) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	return next(context.WithValue(ctx, loadersKey{}, newLoaders(e.Store)))
}

// loadersFor returns the operation's loaders; outside an operation (which
// the handler never allows) it makes unshared ones.
func (r *Resolver) loadersFor(ctx context.Context) *loaders {
	if l, ok := ctx.Value(loadersKey{}).(*loaders); ok {
		return l
	}
	return newLoaders(r.Store)
}
