package resolvers

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vikstrous/dataloadgen"

	"marrakechgraph/kg"
)

// DefaultLoaderWait is how long a loader gathers keys before it calls the
// store. Sibling resolvers run concurrently and reach their loaders within it.
const DefaultLoaderWait = 2 * time.Millisecond

// ReadAtOnce is the loader wait for a store that answers from memory (the
// embedded store): a store call costs less than any wait for siblings, so
// loaders call it as soon as a key is asked for, keys that arrive together
// still sharing a call, and the operation's cache still answers repeats.
const ReadAtOnce time.Duration = -1

// reader is what the loaders read of the store.
type reader interface {
	Nodes(ctx context.Context, ids []string) ([]*kg.Node, error)
	kg.NeighborReader
	kg.Finder
}

// loaders batch the store reads of one GraphQL operation, so that the
// operation costs a number of store calls bounded by its depth, not by the
// number of results. Once the operation's context has ended (its client
// left, or its deadline passed) they refuse every read, cached or not: a
// cache answers without reaching the store, so a deep query answered from
// it would otherwise keep growing long after anyone waits for it.
type loaders struct {
	store    reader
	opts     []dataloadgen.Option
	nodes    *dataloadgen.Loader[string, *kg.Node]
	channels *dataloadgen.Loader[string, []kg.SupportChannel]

	mu        sync.Mutex
	neighbors map[string]*dataloadgen.Loader[string, []kg.Neighbor]
	matches   map[string]*dataloadgen.Loader[string, matched]
	// built holds what the arguments of nested connections make (buildOnce).
	built sync.Map
}

// newLoaders makes the loaders of one operation. A subscription's loaders
// keep no cache: each event must see the graph as it is then.
func newLoaders(store reader, wait time.Duration, cache bool) *loaders {
	switch {
	case wait == ReadAtOnce:
		wait = 0
	case wait <= 0:
		wait = DefaultLoaderWait
	}
	l := &loaders{store: store, neighbors: map[string]*dataloadgen.Loader[string, []kg.Neighbor]{},
		matches: map[string]*dataloadgen.Loader[string, matched]{}}
	l.opts = []dataloadgen.Option{dataloadgen.WithWait(wait)}
	if !cache {
		l.opts = append(l.opts, dataloadgen.WithoutCache())
	}
	l.nodes = dataloadgen.NewLoader(func(ctx context.Context, ids []string) ([]*kg.Node, []error) {
		nodes, err := store.Nodes(ctx, ids)
		return nodes, fanOut(err, len(ids))
	}, l.opts...)
	l.channels = dataloadgen.NewLoader(func(ctx context.Context, ids []string) ([][]kg.SupportChannel, []error) {
		// The walk is already batched over every commitment asked for, so it
		// goes to the store directly rather than waiting on further loaders.
		chs, err := kg.SupportChannels(ctx, store, ids)
		return chs, fanOut(err, len(ids))
	}, l.opts...)
	return l
}

// fanOut gives a failed batch's error to every key of it: dataloadgen
// hands a single error to every caller of the batch, where one error per
// key would need a value per key as well.
func fanOut(err error, n int) []error {
	if err == nil || n == 0 {
		return nil
	}
	return []error{err}
}

// NeighborsOf loads the neighbours of one node, batched with the operation's
// other reads of the same shape: the typed views read through it (kg.Graph).
func (l *loaders) NeighborsOf(ctx context.Context, id string, q kg.NeighborQuery) ([]kg.Neighbor, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return l.neighborLoader(q).Load(ctx, id)
}

// SupportChannelsOf loads the support channels of one commitment, batched
// with the operation's other commitments.
func (l *loaders) SupportChannelsOf(ctx context.Context, commitmentID string) ([]kg.SupportChannel, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return l.channels.Load(ctx, commitmentID)
}

// Node loads one node, batched with the operation's other node reads.
func (l *loaders) Node(ctx context.Context, id string) (*kg.Node, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return l.nodes.Load(ctx, id)
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
	}, l.opts...)
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

// withLoaders is an executable schema whose every operation gets loaders of
// its own: gqlgen calls Exec once per operation, inside every extension,
// then the handler it returns for each answer (one for a query or a
// mutation, one per event of a subscription), which resolves the fields.
type withLoaders struct {
	graphql.ExecutableSchema
	store reader
	wait  time.Duration
}

// Exec makes the operation's loaders and gives them to each of its
// answers, as the graph their views read through.
func (s withLoaders) Exec(ctx context.Context) graphql.ResponseHandler {
	op := graphql.GetOperationContext(ctx).Operation
	subscription := op != nil && op.Operation == ast.Subscription
	l := newLoaders(s.store, s.wait, !subscription)
	next := s.ExecutableSchema.Exec(ctx)
	return func(ctx context.Context) *graphql.Response {
		return next(kg.WithGraph(ctx, l))
	}
}

// loadersFor returns the operation's loaders; outside an operation (which
// the handler never allows) it makes unshared ones.
func (r *Resolver) loadersFor(ctx context.Context) *loaders {
	if l, ok := kg.GraphFrom(ctx).(*loaders); ok {
		return l
	}
	return newLoaders(r.Store, 0, true)
}
