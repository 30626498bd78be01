// Package resolvers holds the GraphQL resolvers: argument checks, per-request
// loaders and calls into the domain. They never know which backend runs.
package resolvers

import (
	"context"
	"io"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"marrakechgraph/advisor"
	"marrakechgraph/auth"
	"marrakechgraph/directory"
	"marrakechgraph/graph"
	"marrakechgraph/graph/model"
	"marrakechgraph/kg"
	"marrakechgraph/threatlog"
)

// Graph is what the resolvers read of the knowledge graph itself.
type Graph interface {
	Nodes(ctx context.Context, ids []string) ([]*kg.Node, error)
	kg.NeighborReader
	kg.Finder
	Search(ctx context.Context, q kg.SearchQuery) ([]*kg.Node, error)
	Stats(ctx context.Context) (*kg.Stats, error)
	History(ctx context.Context, id string) ([]kg.AuditEntry, error)
}

// Keys creates, lists and revokes API keys, and checks again the key of a
// running subscription (auth.Keys).
type Keys interface {
	Create(ctx context.Context, role auth.Role, name, actor string) (auth.KeyInfo, string, error)
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
	List(ctx context.Context, f threatlog.Filter, first int, after string) (*kg.Page, error)
	Stats(ctx context.Context, groupBy []threatlog.Dimension) ([]threatlog.StatRow, error)
	History(ctx context.Context, id string) ([]kg.AuditEntry, error)
}

// Feed tells subscribers of incidents as they are reported and of keys as
// they change (threatlog.Feed).
type Feed interface {
	Subscribe(ctx context.Context) (<-chan threatlog.Event, error)
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

// New returns the executable schema over the services. Each operation it
// runs, whatever its transport, gets its own loaders, which gather keys
// for loaderWait (DefaultLoaderWait when 0) before a store call.
func New(s Services, loaderWait time.Duration) graphql.ExecutableSchema {
	cfg := graph.Config{Resolvers: &Resolver{
		Store: s.Store, keys: s.Keys, threatLog: s.ThreatLog, feed: s.Feed, directory: s.Directory, advisor: s.Advisor,
	}}
	cfg.Directives.Requires = requires
	return withLoaders{ExecutableSchema: graph.NewExecutableSchema(cfg), store: s.Store, wait: loaderWait}
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

// related loads the nodes joined to id by edges matching q, in canonical
// order. Without kinds it keeps every public kind: sensitive nodes are
// reached only through the fields that check the caller's role.
func (r *Resolver) related(ctx context.Context, id string, dir kg.Direction, types []kg.RelType, kinds ...kg.Kind) ([]*kg.Node, error) {
	if len(kinds) == 0 {
		kinds = kg.PublicKinds()
	}
	ns, err := r.loadersFor(ctx).neighborLoader(kg.NeighborQuery{Direction: dir, Types: types, Kinds: kinds}).Load(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]*kg.Node, 0, len(ns))
	seen := map[string]bool{}
	for _, n := range ns {
		if !seen[n.Node.ID] {
			seen[n.Node.ID] = true
			out = append(out, n.Node)
		}
	}
	return out, nil
}

// relatedOne loads the first node joined to id by an edge of type t.
func (r *Resolver) relatedOne(ctx context.Context, id string, dir kg.Direction, t kg.RelType, kind kg.Kind) (*kg.Node, error) {
	ns, err := r.related(ctx, id, dir, []kg.RelType{t}, kind)
	if err != nil || len(ns) == 0 {
		return nil, err
	}
	return ns[0], nil
}

// relationships resolves the `relationships` field of any entity.
func (r *Resolver) relationships(ctx context.Context, id string, direction *model.Direction, types []model.RelationType) ([]*model.Relationship, error) {
	dir := kg.Both
	if direction != nil {
		dir = kg.Direction(*direction)
	}
	q := kg.NeighborQuery{Direction: dir, Kinds: kg.PublicKinds()}
	for _, t := range types {
		q.Types = append(q.Types, kg.RelType(t))
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	ns, err := r.loadersFor(ctx).neighborLoader(q).Load(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Relationship, len(ns))
	for i, n := range ns {
		d := model.DirectionOut
		if n.Edge.To == id {
			d = model.DirectionIn
		}
		out[i] = &model.Relationship{
			Type: model.RelationType(n.Edge.Type), Direction: d, Node: toEntity(n.Node), Citations: citations(n.Edge.Citations),
		}
	}
	return out, nil
}

// listOf returns all nodes of a kind, in an order, with optional filters.
func (r *Resolver) listOf(ctx context.Context, kind kg.Kind, orderBy string, filters ...kg.PropFilter) ([]*kg.Node, error) {
	return kg.FindAll(ctx, r.Store, kg.FindQuery{Kind: kind, OrderBy: orderBy, Props: filters})
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

// pageInfo builds a connection's page info from a store page.
func pageInfo(p *kg.Page) *model.PageInfo {
	pi := &model.PageInfo{HasNextPage: p.HasNextPage, HasPreviousPage: p.HasPreviousPage}
	if len(p.Cursors) > 0 {
		pi.StartCursor = &p.Cursors[0]
		pi.EndCursor = &p.Cursors[len(p.Cursors)-1]
	}
	return pi
}

// orderOf maps an optional order argument to the store's order field.
func orderOf(field string, dir model.OrderDirection) (string, bool) {
	return field, dir == model.OrderDirectionDesc
}
