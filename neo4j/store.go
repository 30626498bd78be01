package neo4j

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"marrakechgraph/kg"
)

var _ kg.Store = (*Store)(nil)

// Config says where the database is.
type Config struct {
	// URI is bolt://, neo4j:// (routing, for clusters) or neo4j+s:// (Aura).
	URI      string
	User     string
	Password string
	// Database is the database name; empty means the server's default.
	Database string
	// ConnectTimeout bounds Open's connectivity check; 10 s when zero.
	ConnectTimeout time.Duration
	// CallTimeout bounds each store call whose context has no deadline of
	// its own; DefaultCallTimeout when zero. Callers with long batches
	// (loading the seed, an import) give their context a deadline.
	CallTimeout time.Duration
}

// DefaultCallTimeout bounds a store call whose context has no deadline.
// Neo4j accepts Bolt connections while its database is still starting and
// answers a query only once the database is up, and the driver reads
// without a time limit of its own, so without a deadline a request could
// wait as long as a restart takes. 25 s is far beyond any request's work
// on this graph, even a first query that Neo4j plans on a cold, loaded
// machine (15 to 35 s measured on 2 busy cores right after a restart), and
// two calls in sequence stay under the HTTP server's 60 s write timeout.
const DefaultCallTimeout = 25 * time.Second

// Store is the Neo4j kg.Store. It holds one driver, safe for concurrent use.
type Store struct {
	driver      neo4j.DriverWithContext
	database    string
	callTimeout time.Duration
	now         func() time.Time
	trips       tripCounter
}

// Bounds of one store call while the database cannot be reached. The
// driver retries a transaction on transient and connection errors with a
// doubling back-off (about 2 s, 4 s, 8 s, 16 s) and checks the retry time
// only before it sleeps, so a call gives up after the last back-off that
// starts within MaxRetryTime, plus one connection acquisition: with 5 s,
// attempts start at about 0, 2 and 6 s and the call answers UNAVAILABLE
// within about 12 s. A request makes at most two calls that can meet an
// outage in sequence (the key check, then the operation), which keeps it
// well under the HTTP server's 60 s write timeout, past which a client would
// get no answer at all.
const (
	// MaxRetryTime is the driver's MaxTransactionRetryTime: how long a
	// transaction keeps being retried (cluster leader switches, deadlocks,
	// a restarting server).
	MaxRetryTime = 5 * time.Second
	// AcquisitionTimeout bounds the wait for a pooled or new connection,
	// the Bolt handshake included.
	AcquisitionTimeout = 5 * time.Second
	// SocketConnectTimeout bounds the TCP connect to an unresponsive host.
	SocketConnectTimeout = 5 * time.Second
)

// configure sets the driver's timeouts (see MaxRetryTime).
func configure(c *config.Config) {
	c.SocketConnectTimeout = SocketConnectTimeout
	c.ConnectionAcquisitionTimeout = AcquisitionTimeout
	c.MaxTransactionRetryTime = MaxRetryTime
}

// Open connects to Neo4j, checks that the database answers, and creates the
// constraints and indexes the Store relies on. It fails within the connect
// timeout when the database cannot be reached, naming the URI and the cause.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	timeout := cfg.ConnectTimeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	where := redactURI(cfg.URI)
	driver, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.User, cfg.Password, ""), configure)
	if err != nil {
		return nil, fmt.Errorf("neo4j at %s: %w", where, err)
	}
	s := &Store{driver: driver, database: cfg.Database, callTimeout: cfg.CallTimeout, now: time.Now}
	if s.callTimeout <= 0 {
		s.callTimeout = DefaultCallTimeout
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := driver.VerifyConnectivity(cctx); err != nil {
		driver.Close(context.Background())
		return nil, fmt.Errorf("cannot reach neo4j at %s: %w", where, err)
	}
	if err := s.Ping(cctx); err != nil {
		driver.Close(context.Background())
		return nil, fmt.Errorf("neo4j at %s, database %q: %w", where, cfg.Database, err)
	}
	for _, st := range schemaStatements {
		if _, err := s.write(cctx, func(tx neo4j.ManagedTransaction) (any, error) {
			_, err := run(cctx, tx, st, nil)
			return nil, err
		}); err != nil {
			driver.Close(context.Background())
			return nil, fmt.Errorf("neo4j at %s: %s: %w", where, st.Name, err)
		}
	}
	return s, nil
}

// redactURI drops any credentials from a URI before it is logged or shown.
func redactURI(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.User == nil {
		return uri
	}
	u.User = nil
	return u.String()
}

// Close releases the driver.
func (s *Store) Close() error { return s.driver.Close(context.Background()) }

// Ping runs a trivial read on the database.
func (s *Store) Ping(ctx context.Context) error {
	_, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return run(ctx, tx, stmtPing, nil)
	})
	return err
}

// boundedTx is a transaction whose statements run within its call's
// deadline, whatever context the work passes them.
type boundedTx struct {
	neo4j.ManagedTransaction
	ctx context.Context
}

// Run implements neo4j.ManagedTransaction within the call's deadline.
func (b boundedTx) Run(_ context.Context, cypher string, params map[string]any) (neo4j.ResultWithContext, error) {
	return b.ManagedTransaction.Run(b.ctx, cypher, params)
}

// run sends one statement and reads its results, within the call's
// deadline when tx carries one; params must hold exactly the statement's
// parameters.
func run(ctx context.Context, tx neo4j.ManagedTransaction, st Statement, params map[string]any) ([]*neo4j.Record, error) {
	if b, ok := tx.(boundedTx); ok {
		ctx = b.ctx
	}
	res, err := tx.Run(ctx, st.Cypher, params)
	if err != nil {
		return nil, statementError(st, err)
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return nil, statementError(st, err)
	}
	return recs, nil
}

// statementError names the statement in a driver error. A lost connection
// stays a *neo4j.ConnectivityError at the top of the chain: the driver
// decides whether to retry a transaction by the error's own type, and would
// not retry one whose connection error is wrapped.
func statementError(st Statement, err error) error {
	if isConnectionLoss(err) {
		var ce *neo4j.ConnectivityError
		if errors.As(err, &ce) {
			err = ce.Inner
		}
		return &neo4j.ConnectivityError{Inner: fmt.Errorf("%s: %w", st.Name, err)}
	}
	return fmt.Errorf("%s: %w", st.Name, err)
}

func (s *Store) session(ctx context.Context, mode neo4j.AccessMode) neo4j.SessionWithContext {
	// Results are collected whole, so they are fetched whole: one round
	// trip per statement, never one per batch of records.
	return s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.database, AccessMode: mode, FetchSize: neo4j.FetchAll})
}

// read runs work in a managed read transaction, retried on transient errors.
func (s *Store) read(ctx context.Context, work neo4j.ManagedTransactionWork) (any, error) {
	return s.execute(ctx, neo4j.AccessModeRead, work)
}

// write runs work in a managed write transaction, retried on transient
// errors; work must be idempotent.
func (s *Store) write(ctx context.Context, work neo4j.ManagedTransactionWork) (any, error) {
	return s.execute(ctx, neo4j.AccessModeWrite, work)
}

// execute runs work in a managed transaction, within the caller's deadline
// or else the store's call timeout. Work closes over the caller's context;
// the transaction it is given carries the bounded one, which run uses for
// every statement and its results.
func (s *Store) execute(ctx context.Context, mode neo4j.AccessMode, work neo4j.ManagedTransactionWork) (any, error) {
	if err := ctx.Err(); err != nil {
		return nil, classify(ctx, err)
	}
	bounded := ctx
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		bounded, cancel = context.WithTimeout(ctx, s.callTimeout)
		defer cancel()
	}
	sess := s.session(bounded, mode)
	defer func() {
		// Closing returns connections to the pool and says goodbye to
		// idle ones, holding the pool's lock: never without a deadline.
		cctx, cancel := context.WithTimeout(context.Background(), AcquisitionTimeout)
		defer cancel()
		sess.Close(cctx)
	}()
	inBounds := s.trips.count(func(tx neo4j.ManagedTransaction) (any, error) { return work(boundedTx{tx, bounded}) })
	var v any
	var err error
	if mode == neo4j.AccessModeRead {
		v, err = sess.ExecuteRead(bounded, inBounds)
	} else {
		v, err = sess.ExecuteWrite(bounded, inBounds)
	}
	if err != nil && ctx.Err() == nil && bounded.Err() != nil {
		return nil, fmt.Errorf("%w: no answer within %v: %w", errUnavailable(), s.callTimeout, err)
	}
	return v, classify(ctx, err)
}

// classify maps driver errors to domain codes. The result wraps both the
// domain error (its code, for clients) and the driver's error (for logs,
// and for callers that errors.As a *neo4j.Neo4jError or another driver
// type), and the context's error when the caller's context ended.
func classify(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	var domain *kg.Error
	switch {
	case errors.As(err, &domain):
		return err
	case ctx.Err() != nil:
		return fmt.Errorf("%w: %w (%w)", kg.Errorf(kg.CodeUnavailable, "the request was cancelled or timed out before the database answered"), ctx.Err(), err)
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		// A deadline of the driver's own (connection acquisition, a
		// back-off cut short), not the caller's.
		return fmt.Errorf("%w: %w", errUnavailable(), err)
	case isUnavailable(err):
		return fmt.Errorf("%w: %w", errUnavailable(), err)
	}
	var nerr *neo4j.Neo4jError
	if errors.As(err, &nerr) && (strings.Contains(nerr.Msg, "No space left on device") || strings.Contains(nerr.Msg, "Read-only file system")) {
		// The server's own disk refused the commit (its Java I/O message).
		return fmt.Errorf("%w: %w", kg.Errorf(kg.CodeUnavailable, "the store cannot write: disk full or read-only"), err)
	}
	if errors.As(err, &nerr) && nerr.Code == "Neo.ClientError.Schema.ConstraintValidationFailed" {
		return fmt.Errorf("%w: %w", kg.Errorf(kg.CodeConflict, "the change conflicts with another one; try again"), err)
	}
	return fmt.Errorf("neo4j: %w", err)
}

func errUnavailable() *kg.Error {
	return kg.Errorf(kg.CodeUnavailable, "the database is unavailable; try again later")
}

// isUnavailable reports driver errors that mean no server could serve the
// request: connection failures and pool time-outs, retries exhausted, a
// database that is starting, stopping or has no leader, a driver already
// closed (the API shutting down).
func isUnavailable(err error) bool {
	var retry *neo4j.TransactionExecutionLimit
	var usage *neo4j.UsageError
	var nerr *neo4j.Neo4jError
	switch {
	case isConnectionLoss(err), errors.As(err, &retry):
		return true
	case errors.As(err, &usage):
		return usage.Message == "Pool closed"
	case errors.As(err, &nerr):
		// Transient errors say "try again later" (the database is
		// unavailable, a transaction terminated by a shutdown, a leader
		// switch); the driver has retried them already.
		return strings.HasPrefix(nerr.Code, "Neo.TransientError.") || nerr.Code == "Neo.ClientError.Cluster.NotALeader"
	}
	return false
}

// isConnectionLoss reports errors of the connection itself: the driver's
// connectivity errors (refused, reset, pool time-outs, routing tables that
// cannot be read) and, as they come out of a result stream, the network's
// own errors and the driver's connection read and write time-outs.
func isConnectionLoss(err error) bool {
	var ce *neo4j.ConnectivityError
	var ne net.Error
	if errors.As(err, &ce) || errors.As(err, &ne) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	msg := err.Error()
	for _, m := range connectionErrorMessages {
		if strings.Contains(msg, m) {
			return true
		}
	}
	return false
}

// connectionErrorMessages start the messages of the driver's connection
// errors whose types it does not export.
var connectionErrorMessages = []string{
	"Timeout while reading from connection",
	"Timeout while writing to connection",
	"Unable to retrieve routing table",
	"Pool could not find any servers",
	"Connection lost during commit",
}

// Nodes implements kg.Store: one round trip per batch.
func (s *Store) Nodes(ctx context.Context, ids []string) ([]*kg.Node, error) {
	out := make([]*kg.Node, len(ids))
	if len(ids) == 0 {
		return out, ctx.Err()
	}
	v, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return run(ctx, tx, stmtNodes, map[string]any{"ids": uniq(ids)})
	})
	if err != nil {
		return nil, err
	}
	byID, err := nodesFromRecords(v.([]*neo4j.Record))
	if err != nil {
		return nil, fmt.Errorf("neo4j: nodes: %w", err)
	}
	for i, id := range ids {
		out[i] = byID[id].Clone()
	}
	return out, nil
}

// nodesFromRecords reads the rows of stmtNodes: a null node is an ID that
// names none; a value that is not a node, or a node that cannot be read,
// is an error, never an absent node.
func nodesFromRecords(recs []*neo4j.Record) (map[string]*kg.Node, error) {
	byID := map[string]*kg.Node{}
	for _, rec := range recs {
		n, isNull, err := neo4j.GetRecordValue[dbtype.Node](rec, "n")
		if err != nil {
			return nil, err
		}
		if isNull {
			continue
		}
		kn, err := nodeFromDB(n)
		if err != nil {
			return nil, err
		}
		byID[kn.ID] = kn
	}
	return byID, nil
}

func uniq(ids []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func relTypes(ts []kg.RelType) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t)
	}
	return out
}

func kinds(ks []kg.Kind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

// Neighbors implements kg.Store: one round trip per batch.
func (s *Store) Neighbors(ctx context.Context, ids []string, q kg.NeighborQuery) ([][]kg.Neighbor, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	out := make([][]kg.Neighbor, len(ids))
	if len(ids) == 0 {
		return out, ctx.Err()
	}
	v, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return run(ctx, tx, neighborStatementFor(ids, q), map[string]any{
			"ids": uniq(ids), "types": relTypes(q.Types), "kinds": kinds(q.Kinds),
		})
	})
	if err != nil {
		return nil, err
	}
	byID := map[string][]kg.Neighbor{}
	for _, rec := range v.([]*neo4j.Record) {
		id, _, err := neo4j.GetRecordValue[string](rec, "id")
		if err != nil {
			return nil, fmt.Errorf("neo4j: neighbors: %w", err)
		}
		nb, err := neighborFromRecord(rec)
		if err != nil {
			return nil, fmt.Errorf("neo4j: neighbors of %s: %w", id, err)
		}
		byID[id] = append(byID[id], nb)
	}
	for i, id := range ids {
		ns := make([]kg.Neighbor, len(byID[id]))
		for j, nb := range byID[id] {
			ns[j] = kg.Neighbor{Edge: nb.Edge.Clone(), Node: nb.Node.Clone()}
		}
		kg.SortNeighbors(ns)
		out[i] = ns
	}
	return out, nil
}

// neighborStatementFor picks the statement for a neighbour query: the
// public one when the query can only match public relationships (only
// public types asked for, or only public kinds at the far end of a walk
// from a public node, which sensitive relationships never join).
func neighborStatementFor(ids []string, q kg.NeighborQuery) Statement {
	typesPublic := len(q.Types) > 0 && !slices.ContainsFunc(q.Types, kg.RelType.Sensitive)
	kindsPublic := len(q.Kinds) > 0 && !slices.ContainsFunc(q.Kinds, kg.Kind.Sensitive)
	fromPublic := !slices.ContainsFunc(ids, func(id string) bool { k, _ := kg.KindOfID(id); return k.Sensitive() })
	if typesPublic || (kindsPublic && fromPublic) {
		return stmtPublicNeighbors[q.Direction]
	}
	return stmtNeighbors[q.Direction]
}

// neighborFromRecord reads a row of a neighbour statement.
func neighborFromRecord(rec *neo4j.Record) (kg.Neighbor, error) {
	m, _, err := neo4j.GetRecordValue[dbtype.Node](rec, "m")
	if err != nil {
		return kg.Neighbor{}, err
	}
	node, err := nodeFromDB(m)
	if err != nil {
		return kg.Neighbor{}, err
	}
	edge := map[string]any{}
	for _, k := range []string{"type", "from", "to", "citations"} {
		v, ok := rec.Get(k)
		if !ok {
			return kg.Neighbor{}, fmt.Errorf("the row has no %s", k)
		}
		edge[k] = v
	}
	e, err := edgeFromMap(edge)
	if err != nil {
		return kg.Neighbor{}, err
	}
	return kg.Neighbor{Edge: e, Node: node}, nil
}

// Find implements kg.Store: one round trip, counting and paging with the
// kind index, the search text index and keyset pagination.
func (s *Store) Find(ctx context.Context, q kg.FindQuery) (*kg.Page, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	from, err := q.PageCursor()
	if err != nil {
		return nil, err
	}
	orders := q.OrderKeys()
	if q.Backward() {
		orders = kg.Reversed(orders)
	}
	keys := make([]any, len(orders))
	for i, o := range orders {
		k := map[string]any{"steps": int64(0), "prop": o.By, "types": []string{}, "dir": "", "types2": []string{}, "dir2": "", "desc": o.Desc}
		if c := o.Count; c != nil {
			k["steps"], k["types"], k["dir"] = int64(1), relTypes(c.Types), string(c.Direction)
			if c.Then != nil {
				k["steps"], k["types2"], k["dir2"] = int64(2), relTypes(c.Then.Types), string(c.Then.Direction)
			}
		}
		keys[i] = k
	}
	params := map[string]any{
		"kind": string(q.Kind), "terms": kg.SearchTerms(q.Text), "keys": keys, "idDesc": orders[len(orders)-1].Desc,
		"limit": int64(q.PageSize() + 1), "props": []any{}, "related": []any{}, "not": conditionParams(q.Not), "any": conditionParams(q.Any),
		"hasFrom": false, "from": []any{}, "fromId": "",
	}
	for _, f := range q.Props {
		params["props"] = append(params["props"].([]any), propParam(f))
	}
	for _, f := range q.Related {
		params["related"] = append(params["related"].([]any), map[string]any{
			"types": relTypes(f.Types), "dir": string(f.Direction), "ids": f.IDs,
		})
	}
	if from != nil {
		fs := make([]any, len(from.Values))
		for i, v := range from.Values {
			fs[i] = map[string]any{"rank": int64(kg.TypeRank(v)), "value": v}
		}
		params["hasFrom"], params["from"], params["fromId"] = true, fs, from.ID
	}
	v, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return run(ctx, tx, findStatementFor(q, params), params)
	})
	if err != nil {
		return nil, err
	}
	recs := v.([]*neo4j.Record)
	if len(recs) != 1 {
		return nil, fmt.Errorf("neo4j: find: expected one row, got %d", len(recs))
	}
	total, _, err := neo4j.GetRecordValue[int64](recs[0], "total")
	if err != nil {
		return nil, fmt.Errorf("neo4j: find: %w", err)
	}
	raw, _, err := neo4j.GetRecordValue[[]any](recs[0], "page")
	if err != nil {
		return nil, fmt.Errorf("neo4j: find: %w", err)
	}
	rawValues, _, err := neo4j.GetRecordValue[[]any](recs[0], "values")
	if err != nil {
		return nil, fmt.Errorf("neo4j: find: %w", err)
	}
	if len(rawValues) != len(raw) {
		return nil, fmt.Errorf("neo4j: find: %d order values for %d nodes", len(rawValues), len(raw))
	}
	nodes, values := make([]*kg.Node, len(raw)), make([][]any, len(raw))
	for i, r := range raw {
		dn, ok := r.(dbtype.Node)
		if !ok {
			return nil, fmt.Errorf("neo4j: find: page holds %T, not a node", r)
		}
		n, err := nodeFromDB(dn)
		if err != nil {
			return nil, fmt.Errorf("neo4j: find: %w", err)
		}
		vs, ok := rawValues[i].([]any)
		if !ok || len(vs) != len(orders) {
			return nil, fmt.Errorf("neo4j: find: order values %T of %d keys", rawValues[i], len(orders))
		}
		nodes[i], values[i] = n, vs
	}
	behind, _, err := neo4j.GetRecordValue[bool](recs[0], "behind")
	if err != nil {
		return nil, fmt.Errorf("neo4j: find: %w", err)
	}
	return q.NewPage(nodes, values, int(total), behind), nil
}

// propParam is the parameter of a property filter (see propMatches).
func propParam(f kg.PropFilter) map[string]any {
	p := map[string]any{"key": f.Key, "values": f.Values, "ranged": f.Range != nil, "from": nil, "to": nil}
	if p["values"] == nil {
		p["values"] = []any{}
	}
	if r := f.Range; r != nil {
		if r.From != "" {
			p["from"] = r.From
		}
		if r.To != "" {
			p["to"] = r.To
		}
	}
	return p
}

// conditionParams are the parameters of conditions (kg.Condition).
func conditionParams(cs []kg.Condition) []any {
	out := make([]any, len(cs))
	for i, c := range cs {
		props, related := make([]any, len(c.Props)), make([]any, len(c.Related))
		for j, f := range c.Props {
			props[j] = propParam(f)
		}
		for j, f := range c.Related {
			related[j] = map[string]any{"types": relTypes(f.Types), "dir": string(f.Direction), "ids": f.IDs}
		}
		out[i] = map[string]any{"props": props, "terms": kg.SearchTerms(c.Text), "related": related}
	}
	return out
}

// Count implements kg.Store: one statement, one round trip.
func (s *Store) Count(ctx context.Context, q kg.CountQuery) (*kg.Counts, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	params := map[string]any{
		"kinds": kinds(q.CountedKinds()), "terms": kg.SearchTerms(q.Filter.Text), "props": []any{}, "related": []any{},
		"not": conditionParams(q.Filter.Not), "any": conditionParams(q.Filter.Any),
	}
	for _, f := range q.Filter.Props {
		params["props"] = append(params["props"].([]any), propParam(f))
	}
	for _, f := range q.Filter.Related {
		params["related"] = append(params["related"].([]any), map[string]any{
			"types": relTypes(f.Types), "dir": string(f.Direction), "ids": f.IDs,
		})
	}
	params["key"], params["part"] = q.By.Prop, string(q.By.Part)
	if rg := q.By.Rel; rg != nil {
		params["types"], params["groupKinds"] = relTypes(rg.Types), kinds(rg.Kinds)
		if rg.Then != nil {
			params["dir"], params["thenTypes"], params["thenDir"], params["thenKinds"] = string(rg.Direction),
				relTypes(rg.Then.Types), string(rg.Then.Direction), kinds(rg.Then.Kinds)
		}
	}
	v, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return run(ctx, tx, countStatementFor(q, params), params)
	})
	if err != nil {
		return nil, err
	}
	recs := v.([]*neo4j.Record)
	if len(recs) != 1 {
		return nil, fmt.Errorf("neo4j: count: expected one row, got %d", len(recs))
	}
	total, _, err := neo4j.GetRecordValue[int64](recs[0], "total")
	if err != nil {
		return nil, fmt.Errorf("neo4j: count: %w", err)
	}
	raw, _, err := neo4j.GetRecordValue[[]any](recs[0], "groups")
	if err != nil {
		return nil, fmt.Errorf("neo4j: count: %w", err)
	}
	out := &kg.Counts{Total: int(total), Groups: make([]kg.GroupCount, 0, len(raw))}
	for _, r := range raw {
		m, ok := r.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("neo4j: count: group is %T, not a map", r)
		}
		c, ok := m["count"].(int64)
		if !ok {
			return nil, fmt.Errorf("neo4j: count: group count is %T", m["count"])
		}
		switch m["key"].(type) {
		case nil, string, int64, bool:
		default:
			return nil, fmt.Errorf("neo4j: count: group key is %T", m["key"])
		}
		out.Groups = append(out.Groups, kg.GroupCount{Key: m["key"], Count: int(c)})
	}
	kg.SortGroups(out.Groups)
	return out, nil
}

// Search implements kg.Store: candidates come from the search text index,
// ranked by kg.RankSearch exactly as in every backend.
func (s *Store) Search(ctx context.Context, q kg.SearchQuery) ([]*kg.Node, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	terms := kg.SearchTerms(q.Text)
	v, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return run(ctx, tx, stmtSearch, map[string]any{"first": terms[0], "terms": terms[1:], "kinds": kinds(q.SearchKinds())})
	})
	if err != nil {
		return nil, err
	}
	var nodes []*kg.Node
	for _, rec := range v.([]*neo4j.Record) {
		dn, _, err := neo4j.GetRecordValue[dbtype.Node](rec, "n")
		if err != nil {
			return nil, fmt.Errorf("neo4j: search: %w", err)
		}
		n, err := nodeFromDB(dn)
		if err != nil {
			return nil, fmt.Errorf("neo4j: search: %w", err)
		}
		nodes = append(nodes, n)
	}
	return kg.RankSearch(nodes, q.Text, q.Limit), nil
}

// History implements kg.Store.
func (s *Store) History(ctx context.Context, id string) ([]kg.AuditEntry, error) {
	v, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return run(ctx, tx, stmtHistory, map[string]any{"id": id})
	})
	if err != nil {
		return nil, err
	}
	var out []kg.AuditEntry
	for _, rec := range v.([]*neo4j.Record) {
		a, _, err := neo4j.GetRecordValue[dbtype.Node](rec, "a")
		if err != nil {
			return nil, fmt.Errorf("neo4j: history of %s: %w", id, err)
		}
		e, err := auditFromDB(a)
		if err != nil {
			return nil, fmt.Errorf("neo4j: history of %s: %w", id, err)
		}
		out = append(out, e)
	}
	return out, nil
}

// Stats implements kg.Store from Neo4j's count store.
func (s *Store) Stats(ctx context.Context) (*kg.Stats, error) {
	v, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return run(ctx, tx, stmtStats, nil)
	})
	if err != nil {
		return nil, err
	}
	st, err := statsFromRecords(v.([]*neo4j.Record))
	if err != nil {
		return nil, fmt.Errorf("neo4j: stats: %w", err)
	}
	return st, nil
}

// statsFromRecords reads the rows of stmtStats.
func statsFromRecords(recs []*neo4j.Record) (*kg.Stats, error) {
	st := &kg.Stats{Nodes: map[kg.Kind]int{}, Edges: map[kg.RelType]int{}}
	for _, rec := range recs {
		what, _, err := neo4j.GetRecordValue[string](rec, "what")
		if err != nil {
			return nil, err
		}
		key, _, err := neo4j.GetRecordValue[string](rec, "key")
		if err != nil {
			return nil, err
		}
		count, _, err := neo4j.GetRecordValue[int64](rec, "count")
		if err != nil {
			return nil, err
		}
		switch {
		case count == 0:
		case what == "node" && kg.Kind(key).Valid():
			st.Nodes[kg.Kind(key)] = int(count)
		case what == "edge" && kg.RelType(key).Valid():
			st.Edges[kg.RelType(key)] = int(count)
		default:
			return nil, fmt.Errorf("a row counts %q %q", what, key)
		}
	}
	return st, nil
}

// Wipe deletes every node and relationship in the database. It is for the
// disposable databases of tests only: nothing in the API calls it.
func (s *Store) Wipe(ctx context.Context) error {
	_, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return run(ctx, tx, stmtWipe, nil)
	})
	return err
}
