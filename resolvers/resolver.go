// Package resolvers holds the GraphQL resolvers: argument checks, per-request
// loaders and calls into the domain. They never know which backend runs.
package resolvers

import (
	"context"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"marrakechgraph/advisor"
	"marrakechgraph/auth"
	"marrakechgraph/directory"
	"marrakechgraph/graph"
	"marrakechgraph/kg"
	"marrakechgraph/threatlog"
)

// Graph is what the resolvers read of the knowledge graph itself.
type Graph interface {
	Nodes(ctx context.Context, ids []string) ([]*kg.Node, error)
	kg.NeighborReader
	kg.Finder
	Count(ctx context.Context, q kg.CountQuery) (*kg.Counts, error)
	Search(ctx context.Context, q kg.SearchQuery) ([]*kg.Node, error)
	Stats(ctx context.Context) (*kg.Stats, error)
	History(ctx context.Context, id string) ([]kg.AuditEntry, error)
}

// Keys creates, lists and revokes API keys, and checks again the key of a
// running subscription (auth.Keys).
type Keys interface {
	Issue(ctx context.Context, role auth.Role, name, actor string) (*auth.NewKey, error)
	Revoke(ctx context.Context, id, actor string) (auth.KeyInfo, error)
	List(ctx context.Context) ([]auth.KeyInfo, error)
	Recheck(ctx context.Context, p auth.Principal) error
}

// ThreatLog is Head Office's record of incidents and responses
// (threatlog.Log).
type ThreatLog interface {
	Report(ctx context.Context, actor string, r threatlog.Report) (*kg.Node, error)
	Update(ctx context.Context, actor string, u threatlog.Update) (*kg.Node, error)
	Respond(ctx context.Context, actor string, in threatlog.ResponseInput) (*kg.Node, error)
	Page(ctx context.Context, f threatlog.Filter, orders []threatlog.Order, p threatlog.Paging) (*kg.Page, error)
	Stats(ctx context.Context, groupBy []threatlog.Dimension) ([]*threatlog.StatRow, error)
	History(ctx context.Context, id string) ([]kg.AuditEntry, error)
}

// Feed tells subscribers of incidents as they are reported and of keys as
// they change (threatlog.Feed).
type Feed interface {
	Incidents(ctx context.Context, keyID string, recheck func(context.Context) error) (<-chan *threatlog.Incident, error)
}

// Directory imports GANHRI's chart of NHRIs (directory.Directory).
type Directory interface {
	Import(ctx context.Context, r io.Reader, source string, asOf kg.Date, actor string) (*directory.Report, error)
}

// Advisor drafts activation plans (advisor.Advisor).
type Advisor interface {
	Plan(ctx context.Context, where advisor.Where, sit advisor.Situation) (*advisor.Plan, error)
}

// Services are what the resolvers call. Incidents, responses, API keys and
// imports are written, listed, counted and told through their services;
// the Store serves the rest of the knowledge graph, and the relationships
// of every node through the operation's loaders.
type Services struct {
	Store     Graph
	Keys      Keys
	ThreatLog ThreatLog
	Feed      Feed
	Directory Directory
	Advisor   Advisor
}

// Resolver is the root of the resolver tree.
type Resolver struct {
	Store     Graph
	keys      Keys
	threatLog ThreatLog
	feed      Feed
	directory Directory
	advisor   Advisor
}

// New returns the executable schema over the services, as clients see it
// (without the unserved directives). Each operation it
// runs, whatever its transport, gets its own loaders, which gather keys
// for loaderWait (DefaultLoaderWait when 0) before a store call.
func New(s Services, loaderWait time.Duration) graphql.ExecutableSchema {
	cfg := graph.Config{Schema: servedSchema(), Resolvers: &Resolver{
		Store: s.Store, keys: s.Keys, threatLog: s.ThreatLog, feed: s.Feed, directory: s.Directory, advisor: s.Advisor,
	}}
	cfg.Directives.Requires = requires
	return withLoaders{ExecutableSchema: graph.NewExecutableSchema(cfg), store: s.Store, wait: loaderWait}
}

// Page sizes of lists and connections.
const (
	defaultPageSize   = 50
	countryPageSize   = 250
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

// find reads a page of a query that checked out (err is the check's), as
// a connection of the views of its nodes.
func find[T kg.Entity](ctx context.Context, s kg.Finder, q kg.FindQuery, err error) (*kg.Connection[T], error) {
	if err != nil {
		return nil, err
	}
	return kg.Connect[T](s.Find(ctx, q))
}

// search finds the nodes whose text matches a query that checked out (err
// is the check's), as views.
func (r *Resolver) search(ctx context.Context, q kg.SearchQuery, err error) ([]kg.Identified, error) {
	if err == nil {
		err = q.Validate()
	}
	if err != nil {
		return nil, err
	}
	ns, err := r.Store.Search(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make([]kg.Identified, len(ns))
	for i, n := range ns {
		out[i] = kg.View(n)
	}
	return out, nil
}

// refs points to each element of vs, for gqlgen's lists of objects.
func refs[T any](vs []T) []*T {
	out := make([]*T, len(vs))
	for i := range vs {
		out[i] = &vs[i]
	}
	return out
}

// ref points to what a service returned, unless it failed.
func ref[T any](v T, err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// propIs filters on a property equal to an optional argument: no filter
// when the argument is not given.
func propIs(key string, arg *string) []kg.PropFilter {
	if arg == nil {
		return nil
	}
	return []kg.PropFilter{{Key: key, Values: []any{*arg}}}
}

// checkRef verifies that an ID given as a filter names an entity of one of
// kinds (of any kind when none is given).
func (r *Resolver) checkRef(ctx context.Context, arg, id string, kinds ...kg.Kind) error {
	n, err := r.node(ctx, id)
	if err != nil {
		return err
	}
	if n == nil || (len(kinds) > 0 && !slices.Contains(kinds, n.Kind)) {
		names := make([]string, len(kinds))
		for i, k := range kinds {
			names[i] = string(k)
		}
		if len(names) == 0 {
			names = []string{"entity"}
		}
		return kg.Errorf(kg.CodeBadUserInput, "%s: no %s has the ID %q", arg, strings.Join(names, " or "), id)
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
