package kg

import (
	"context"
	"slices"
	"time"
)

// Store is the contract every backend fulfils. Reads are batched: they take
// many keys and return results aligned with them, so that per-request
// loaders make a GraphQL query cost a number of calls bounded by its depth.
// The conformance suite in kg/kgtest defines the behaviour in detail.
type Store interface {
	// Nodes returns the nodes with these IDs, aligned with ids; nil where
	// no node has that ID.
	Nodes(ctx context.Context, ids []string) ([]*Node, error)

	// Neighbors returns, for each ID, the nodes joined to it by edges that
	// match q, aligned with ids and ordered by SortNeighbors.
	Neighbors(ctx context.Context, ids []string, q NeighborQuery) ([][]Neighbor, error)

	// Find returns one page of the nodes of a kind that match the query's
	// filters, in the query's order.
	Find(ctx context.Context, q FindQuery) (*Page, error)

	// Count counts the nodes of a kind that match a query's filters,
	// grouped as it says, in one read of one state of the graph.
	Count(ctx context.Context, q CountQuery) (*Counts, error)

	// Search returns the nodes that match a free-text query, best first,
	// ranked by RankSearch.
	Search(ctx context.Context, q SearchQuery) ([]*Node, error)

	// Apply writes a change set atomically: all of it, or none of it. Every
	// change is recorded in the audit log in the same transaction; a put that
	// changes nothing is not a change. The change set's expectations are
	// checked against the state the write starts from, in the same
	// transaction and while no other write can change that state: when one
	// fails, Apply answers CodeConflict and writes nothing. Apply maintains
	// node versions (see Node.Version).
	Apply(ctx context.Context, cs ChangeSet) (*ApplyResult, error)

	// History returns the audit entries of a node and of the edges leaving
	// it, oldest first.
	History(ctx context.Context, id string) ([]AuditEntry, error)

	// Changes returns the audit log after sequence number after, oldest
	// first: at most limit entries (1 to MaxPageSize), with no gap. An
	// entry is returned only once every entry before it is committed and
	// readable, so a reader that resumes after the last Seq it was given
	// misses nothing, whichever process wrote the entries.
	Changes(ctx context.Context, after uint64, limit int) ([]AuditEntry, error)

	// LastSeq returns the sequence number of the last committed audit
	// entry, 0 when there is none: where a reader of Changes starts to
	// see only what happens from now on.
	LastSeq(ctx context.Context) (uint64, error)

	// Stats counts nodes by kind and edges by type.
	Stats(ctx context.Context) (*Stats, error)

	// Ping reports whether the store can serve requests.
	Ping(ctx context.Context) error

	// Close releases the store's resources.
	Close() error
}

// NeighborQuery selects edges around a node.
type NeighborQuery struct {
	// Direction of the edges, seen from the node. Required.
	Direction Direction
	// Types of edges to follow; empty means all.
	Types []RelType
	// Kinds of neighbours to keep; empty means all.
	Kinds []Kind
}

// PropFilter keeps nodes whose property Key equals one of Values.
type PropFilter struct {
	Key    string
	Values []any
	// Range, when set, keeps instead the nodes whose property is a string
	// within it; Values is then empty.
	Range *StringRange
}

// StringRange is an inclusive range of strings, compared byte by byte:
// for dates and timestamps written at one fixed width (2006-01-02,
// 2006-01-02T15:04:05.000000000Z), that is their order in time. An empty
// end is open.
type StringRange struct{ From, To string }

// Matches reports whether a node's property value v (ok: the node has the
// property) passes the filter: one of Values, or a string within Range. A
// list of strings passes when one of its elements is one of Values; it is
// never within a Range.
func (f PropFilter) Matches(v any, ok bool) bool {
	if !ok {
		return false
	}
	if f.Range != nil {
		s, isString := v.(string)
		return isString && (f.Range.From == "" || s >= f.Range.From) && (f.Range.To == "" || s <= f.Range.To)
	}
	switch x := v.(type) {
	case string, int64, bool:
		return slices.Contains(f.Values, v)
	case []string:
		return slices.ContainsFunc(x, func(e string) bool { return slices.Contains(f.Values, any(e)) })
	}
	return false
}

// RelFilter keeps nodes that have an edge of one of Types (any type when
// empty), in Direction, to one of IDs.
type RelFilter struct {
	Types     []RelType
	Direction Direction
	IDs       []string
}

// Condition is a set of filters that all hold, for FindQuery.Not and
// FindQuery.Any. A node that lacks a property does not match a filter on
// it.
type Condition struct {
	Props   []PropFilter
	Related []RelFilter
	Text    string
}

// MaxConditions bounds FindQuery.Not and FindQuery.Any.
const MaxConditions = 20

// Order fields accepted by Find besides property keys.
const (
	OrderByID   = "id"
	OrderByName = "name"
)

// FindQuery selects a page of nodes of one kind.
type FindQuery struct {
	Kind    Kind
	Props   []PropFilter
	Related []RelFilter
	// Text keeps nodes that contain every word of it (see MatchesText).
	Text string
	// Not keeps the nodes that match none of these conditions.
	Not []Condition
	// Any, when set, keeps the nodes that match at least one of these
	// conditions.
	Any []Condition
	// OrderBy is OrderByID, OrderByName or a property key; nodes lacking the
	// property come last in ascending order, first in descending order; ties
	// are broken by ID.
	OrderBy string
	Desc    bool
	// Orders, when set, is the order (1 to MaxOrderKeys keys) and
	// supersedes OrderBy and Desc; ties are broken by ID, in the direction
	// of the last key.
	Orders []Order
	// First is the size of a page read forward, 1 to MaxPageSize.
	First int
	// After is the cursor of the last node of the previous page.
	After string
	// Last is the size of a page read backward, 1 to MaxPageSize: the last
	// nodes of the list, or those before Before. A query has First or
	// Last, not both; After goes with First, Before with Last.
	Last int
	// Before is the cursor of the first node of the next page.
	Before string
}

// MaxPageSize bounds a page.
const MaxPageSize = 500

// ValidateChangesLimit checks the limit of a Changes call.
func ValidateChangesLimit(limit int) error {
	if limit < 1 || limit > MaxPageSize {
		return Errorf(CodeBadUserInput, "changes: limit must be between 1 and %d, got %d", MaxPageSize, limit)
	}
	return nil
}

// Validate checks the query's arguments.
func (q FindQuery) Validate() error {
	if !q.Kind.Valid() {
		return Errorf(CodeBadUserInput, "unknown kind %q", q.Kind)
	}
	switch {
	case q.First != 0 && q.Last != 0:
		return Errorf(CodeBadUserInput, "first and last cannot be used together")
	case q.Last != 0 && q.After != "":
		return Errorf(CodeBadUserInput, "after goes with first, not with last")
	case q.First != 0 && q.Before != "":
		return Errorf(CodeBadUserInput, "before goes with last, not with first")
	}
	if n := q.PageSize(); n < 1 || n > MaxPageSize {
		return Errorf(CodeBadUserInput, "page size must be between 1 and %d, got %d", MaxPageSize, n)
	}
	orders := q.OrderKeys()
	if err := validateOrder(orders); err != nil {
		return err
	}
	if len(q.Not) > MaxConditions || len(q.Any) > MaxConditions {
		return Errorf(CodeBadUserInput, "at most %d conditions to exclude and %d to choose from", MaxConditions, MaxConditions)
	}
	for _, c := range append(slices.Clone(q.Not), q.Any...) {
		if err := (FindQuery{Kind: q.Kind, First: 1, OrderBy: OrderByID, Props: c.Props, Related: c.Related}).Validate(); err != nil {
			return err
		}
	}
	for _, f := range q.Props {
		if !propKeyRE.MatchString(f.Key) {
			return Errorf(CodeBadUserInput, "cannot filter on %q", f.Key)
		}
		for _, v := range f.Values {
			switch v.(type) {
			case string, int64, bool:
			default:
				return Errorf(CodeBadUserInput, "filter on %q: unsupported value type %T", f.Key, v)
			}
		}
		if r := f.Range; r != nil {
			if len(f.Values) > 0 {
				return Errorf(CodeBadUserInput, "filter on %q: a range and values", f.Key)
			}
			if r.From != "" && r.To != "" && r.From > r.To {
				return Errorf(CodeBadUserInput, "filter on %q: the range from %q to %q is empty", f.Key, r.From, r.To)
			}
		}
	}
	for _, f := range q.Related {
		for _, t := range f.Types {
			if !t.Valid() {
				return Errorf(CodeBadUserInput, "unknown relationship type %q", t)
			}
		}
		if !f.Direction.Valid() {
			return Errorf(CodeBadUserInput, "unknown direction %q", f.Direction)
		}
	}
	for _, c := range []string{q.After, q.Before} {
		if c != "" {
			if _, err := DecodeKeyCursor(c, orders); err != nil {
				return err
			}
		}
	}
	return nil
}

// PageCursor decodes the cursor the query pages from (After, or Before
// when it pages backward), nil when there is none.
func (q FindQuery) PageCursor() (*KeyCursor, error) {
	s := q.After
	if q.Backward() {
		s = q.Before
	}
	if s == "" {
		return nil, nil
	}
	c, err := DecodeKeyCursor(s, q.OrderKeys())
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// Page is one page of a Find.
type Page struct {
	Nodes []*Node
	// Cursors are aligned with Nodes.
	Cursors []string
	// TotalCount counts every match, on every page.
	TotalCount int
	// HasNextPage is true when matches follow the page.
	HasNextPage bool
	// HasPreviousPage is true when matches precede the page.
	HasPreviousPage bool
}

// NewPage makes the page of a query from the nodes a store read in the
// page's direction (q.Orders, reversed when it pages backward), at most
// one more than the page size, with the values of their order keys
// (aligned), the number of matches, and whether any match is on the other
// side of the query's cursor (behind): in the list's order, with cursors
// and the page's state.
func (q FindQuery) NewPage(nodes []*Node, values [][]any, total int, behind bool) *Page {
	orders := q.OrderKeys()
	size := q.PageSize()
	more := len(nodes) > size
	if more {
		nodes, values = nodes[:size], values[:size]
	}
	p := &Page{TotalCount: total, Nodes: nodes, Cursors: make([]string, len(nodes))}
	if q.Backward() {
		slices.Reverse(p.Nodes)
		slices.Reverse(values)
		p.HasPreviousPage, p.HasNextPage = more, behind
	} else {
		p.HasPreviousPage, p.HasNextPage = behind, more
	}
	for i, n := range p.Nodes {
		p.Cursors[i] = KeyedCursor(values[i], n.ID, orders)
	}
	return p
}

// StartCursor is the cursor of the page's first node, or nil.
func (p *Page) StartCursor() *string {
	if len(p.Cursors) == 0 {
		return nil
	}
	return &p.Cursors[0]
}

// EndCursor is the cursor of the page's last node, or nil: pass it as
// `after` for the next page.
func (p *Page) EndCursor() *string {
	if len(p.Cursors) == 0 {
		return nil
	}
	return &p.Cursors[len(p.Cursors)-1]
}

// SearchQuery is a free-text search.
type SearchQuery struct {
	Text string
	// Kinds restricts the search; empty means every kind.
	Kinds []Kind
	// Limit is 1 to MaxPageSize.
	Limit int
}

// ChangeSet is a unit of writing: applied entirely or not at all.
type ChangeSet struct {
	// Actor is who makes the change (a user, "seed", a command).
	Actor string
	// Reason says why, in a few words.
	Reason string
	// Expect lists the preconditions of the change: the version each
	// named node must have when the change is applied. A read-modify-write
	// expects the version it read, so that a change made in between makes
	// it fail with CodeConflict instead of being overwritten. A node may be
	// expected whether or not the change set writes it.
	Expect []Expectation
	// PutNodes creates or replaces nodes. A node's kind never changes.
	PutNodes []Node
	// PutEdges creates or replaces edges, matched by their key.
	PutEdges []Edge
	// DeleteEdges removes edges; each must exist.
	DeleteEdges []EdgeKey
	// DeleteNodes removes nodes and every edge touching them; each must
	// exist. A node that a record of the threat log refers to (an
	// incident's NHRI, threat type or perpetrator type, a response's
	// incident or channel: any relationship of a sensitive type that
	// arrives at it) is not deleted, unless that record is deleted in the
	// same change set: the change fails with CodeConflict, so that no
	// record of the threat log loses what it is about.
	DeleteNodes []string
}

// Expectation is a precondition of a change set: node ID is at Version, or,
// when Version is 0, does not exist.
type Expectation struct {
	ID      string
	Version int64
}

// Op is what an audit entry records.
type Op string

// Audit operations.
const (
	OpCreate Op = "CREATE"
	OpUpdate Op = "UPDATE"
	OpDelete Op = "DELETE"
)

// AuditEntry records one change: who, when, why, what, before and after.
// Before and After are the JSON of the node or edge; empty for a creation or
// a deletion respectively.
type AuditEntry struct {
	Seq    uint64    `json:"seq"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Reason string    `json:"reason"`
	Op     Op        `json:"op"`
	// Subject is the ID of the node, or of the edge's source node.
	Subject string `json:"subject"`
	// Edge is set when the entry is about an edge.
	Edge   *EdgeKey `json:"edge,omitempty"`
	Before string   `json:"before,omitempty"`
	After  string   `json:"after,omitempty"`
}

// ApplyResult counts what a change set did.
type ApplyResult struct {
	Created, Updated, Deleted, Unchanged int
	Entries                              []AuditEntry
	// Versions maps the ID of every node the change set put, or whose
	// outgoing relationships it changed, to the node's version after the
	// change.
	Versions map[string]int64
}

// Stats counts the graph.
type Stats struct {
	Nodes map[Kind]int
	Edges map[RelType]int
}

// KindScanner is what a store that holds the graph in memory may offer
// besides Store: one walk over every node of a kind, each with the IDs of
// the nodes its edges of the given types lead to (aligned with types), in
// no particular order, without copying either. The walk sees one state of
// the graph. f must neither keep nor change what it is given, and must not
// call the store: it runs while the store holds its read lock. An error
// from f, or the end of ctx, ends the walk with that error.
type KindScanner interface {
	ScanKind(ctx context.Context, kind Kind, types []RelType, f func(n *Node, targets [][]string) error) error
}

// Finder is the part of a Store that FindAll needs.
type Finder interface {
	Find(ctx context.Context, q FindQuery) (*Page, error)
}

// FindAll returns every node a query matches, walking its pages of
// MaxPageSize; q's paging is ignored.
func FindAll(ctx context.Context, s Finder, q FindQuery) ([]*Node, error) {
	nodes, _, err := FindAllKeyed(ctx, s, q)
	return nodes, err
}

// FindAllKeyed is FindAll with each node's cursor, as Find made it: the
// values of the order's keys, counts included, that the nodes hold.
func FindAllKeyed(ctx context.Context, s Finder, q FindQuery) ([]*Node, []string, error) {
	q.First, q.After, q.Last, q.Before = MaxPageSize, "", 0, ""
	var nodes []*Node
	var cursors []string
	for {
		p, err := s.Find(ctx, q)
		if err != nil {
			return nil, nil, err
		}
		nodes, cursors = append(nodes, p.Nodes...), append(cursors, p.Cursors...)
		if !p.HasNextPage || len(p.Cursors) == 0 {
			return nodes, cursors, nil
		}
		q.After = p.Cursors[len(p.Cursors)-1]
	}
}
