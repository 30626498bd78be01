// Package embedded is the embedded default kg.Store: the whole graph held in
// memory for reads, kept durable in a single bbolt file.
//
// Writes are reduced by kg.Reduce against the in-memory graph, written with
// their audit entries in one bbolt transaction, and committed (with fsync)
// before the in-memory graph changes: a failed commit changes nothing. Open
// loads the file back into memory. A write the file system refuses (disk
// full, read-only) is kg.CodeUnavailable, and Ping fails until the file
// system takes writes again (fault.go).
//
// The file holds these buckets:
//
//	meta             "version" → the storage format version
//	nodes            node ID → node JSON, with its version (none in files
//	                 written before versions existed: such a node is at 1)
//	edges            from 0x00 type 0x00 to → edge JSON
//	audit            8-byte big-endian Seq → audit entry JSON; Seq is the bucket's sequence
//	audit_by_subject subject 0x00 8-byte Seq → nothing, to list a node's history
package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	bbolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"marrakechgraph/kg"
)

// FileName is the name of the database file inside the store's directory.
const FileName = "graph.db"

// FormatVersion is the version of the storage format this package reads and writes.
const FormatVersion = "1"

var (
	bucketMeta      = []byte("meta")
	bucketNodes     = []byte("nodes")
	bucketEdges     = []byte("edges")
	bucketAudit     = []byte("audit")
	bucketBySubject = []byte("audit_by_subject")
	keyVersion      = []byte("version")
)

var _ kg.Store = (*Store)(nil)

// Errors Open wraps, for callers to tell the cases apart.
var (
	// ErrLocked: another process has the database file open.
	ErrLocked = errors.New("the file is locked by another process")
	// ErrCorrupt: the file is damaged, or is not a database of this program.
	ErrCorrupt = errors.New("the file is corrupt or not a graph database")
)

// Store is the embedded kg.Store.
type Store struct {
	db  *bbolt.DB
	dir string
	now func() time.Time

	// writeMu serialises Apply and Close: the writes are reduced and committed
	// while no other write can change the graph.
	writeMu sync.Mutex

	// mu guards the in-memory graph and closed. Stored nodes and edges are
	// never modified in place, only replaced, so a reader may keep a
	// pointer after unlocking.
	mu     sync.RWMutex
	closed bool
	g      *graph
	// lastSeq is the sequence number of the last audit entry whose write
	// the in-memory graph holds: Changes goes no further, so a reader of
	// the log never hears of a change before it can read it.
	lastSeq uint64

	log *slog.Logger
	// faultMu guards fault and faultCount: the cause of the last write,
	// when it failed because the file system refused it (see fault.go),
	// and how many writes failed since the episode began.
	faultMu    sync.Mutex
	fault      error
	faultCount int
}

// Option configures Open.
type Option func(*options)

type options struct {
	lockTimeout time.Duration
	logger      *slog.Logger
}

// WithLogger sets where the store reports that it cannot write, and that
// it can again (default slog.Default()).
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.logger = l }
}

// WithLockTimeout sets how long Open waits for another process to release
// the database file before giving up (default one second).
func WithLockTimeout(d time.Duration) Option {
	return func(o *options) { o.lockTimeout = d }
}

// Open opens the store kept in dir, creating dir and the database file if
// needed, and loads the graph into memory. It fails, without waiting longer
// than the lock timeout, when another process has the file open.
func Open(dir string, opts ...Option) (*Store, error) {
	o := options{lockTimeout: time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	if o.logger == nil {
		o.logger = slog.Default()
	}
	if o.lockTimeout <= 0 {
		return nil, fmt.Errorf("embedded store: lock timeout must be positive, got %v", o.lockTimeout)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("embedded store: create data directory: %w", err)
	}
	path := filepath.Join(dir, FileName)
	db, err := openDB(path, o.lockTimeout)
	if err != nil {
		return nil, fmt.Errorf("embedded store: open %s: %w", path, err)
	}
	s := &Store{db: db, dir: dir, now: time.Now, log: o.logger}
	if err := s.init(); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("embedded store: open %s: %w", path, err)
	}
	return s, nil
}

// openDB opens the bbolt file. bbolt panics on some damaged files; that is
// reported as ErrCorrupt, and the file is unlocked and closed.
func openDB(path string, lockTimeout time.Duration) (db *bbolt.DB, err error) {
	var file *os.File
	defer func() {
		if r := recover(); r != nil {
			if file != nil {
				unlock(file)
				_ = file.Close()
			}
			db, err = nil, fmt.Errorf("%w: %v", ErrCorrupt, r)
		}
	}()
	db, err = bbolt.Open(path, 0o600, &bbolt.Options{
		Timeout: lockTimeout,
		OpenFile: func(name string, flag int, perm os.FileMode) (*os.File, error) {
			f, err := os.OpenFile(name, flag, perm)
			file = f
			return f, err
		},
	})
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("%w (is another server using this data directory?): %w", ErrLocked, err)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrVersionMismatch):
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return db, err
}

// Dir returns the directory the store was opened in.
func (s *Store) Dir() string { return s.dir }

// init checks or writes the format version and loads the graph. bbolt
// panics on some damaged pages; that is reported as an error.
func (s *Store) init() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrCorrupt, r)
		}
	}()
	err = s.db.Update(func(tx *bbolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			empty := true
			if err := tx.ForEach(func([]byte, *bbolt.Bucket) error { empty = false; return nil }); err != nil {
				return err
			}
			if !empty {
				return fmt.Errorf("%w: it has no format version", ErrCorrupt)
			}
			var err error
			if meta, err = tx.CreateBucket(bucketMeta); err != nil {
				return err
			}
			if err := meta.Put(keyVersion, []byte(FormatVersion)); err != nil {
				return err
			}
		}
		if v := string(meta.Get(keyVersion)); v != FormatVersion {
			return fmt.Errorf("storage format version %q is not supported (this program reads version %q)", v, FormatVersion)
		}
		for _, name := range [][]byte{bucketNodes, bucketEdges, bucketAudit, bucketBySubject} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.db.View(func(tx *bbolt.Tx) error {
		g, err := load(tx)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
		s.g = g
		s.lastSeq = tx.Bucket(bucketAudit).Sequence()
		return nil
	})
}

// load reads the whole graph from the file. Strings that many nodes and
// edges repeat (citations, property names, the IDs an edge joins) are kept
// once.
func load(tx *bbolt.Tx) (*graph, error) {
	g := newGraph()
	in := interner{}
	err := tx.Bucket(bucketNodes).ForEach(func(k, v []byte) error {
		n, err := decodeNode(v)
		if err != nil {
			return fmt.Errorf("node %q: %w", k, err)
		}
		if n.ID != string(k) {
			return fmt.Errorf("node %q is stored under key %q", n.ID, k)
		}
		in.citations(n.Citations)
		n.Props = in.props(n.Props)
		g.putNode(n)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load nodes: %w", err)
	}
	err = tx.Bucket(bucketEdges).ForEach(func(k, v []byte) error {
		var e kg.Edge
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("edge %q: %w", k, err)
		}
		if !bytes.Equal(edgeKey(e.Key()), k) {
			return fmt.Errorf("edge %s is stored under key %q", e.Key(), k)
		}
		if err := e.Validate(); err != nil {
			return fmt.Errorf("edge %s: %w", e.Key(), err)
		}
		from, to := g.nodes[e.From], g.nodes[e.To]
		if from == nil || to == nil {
			return fmt.Errorf("edge %s joins a node that does not exist", e.Key())
		}
		if len(e.Citations) == 0 && !from.Kind.Sensitive() && !to.Kind.Sensitive() {
			return fmt.Errorf("edge %s has no citation", e.Key())
		}
		e.From, e.To = from.ID, to.ID
		in.citations(e.Citations)
		g.putEdge(&e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load edges: %w", err)
	}
	return g, nil
}

// interner keeps one copy of each string it is given.
type interner map[string]string

func (in interner) string(s string) string {
	if t, ok := in[s]; ok {
		return t
	}
	in[s] = s
	return s
}

func (in interner) citations(cs []kg.Citation) {
	for i := range cs {
		c := &cs[i]
		c.Document, c.Section, c.Quote, c.Paraphrase = in.string(c.Document), in.string(c.Section), in.string(c.Quote), in.string(c.Paraphrase)
	}
}

// props returns p with its names kept once, and its string values too when
// they are short (enumerations, codes, dates) rather than free text.
func (in interner) props(p kg.Props) kg.Props {
	if len(p) == 0 {
		return p
	}
	out := make(kg.Props, len(p))
	for k, v := range p {
		if s, ok := v.(string); ok && len(s) <= 32 {
			v = in.string(s)
		}
		out[in.string(k)] = v
	}
	return out
}

func decodeNode(b []byte) (*kg.Node, error) {
	var n kg.Node
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&n); err != nil {
		return nil, err
	}
	props, err := kg.Normalize(n.Props)
	if err != nil {
		return nil, err
	}
	n.Props = props
	if err := n.Validate(); err != nil {
		return nil, err
	}
	if n.Version < 0 {
		return nil, fmt.Errorf("node %s has version %d", n.ID, n.Version)
	}
	// Files written before nodes had versions hold none: version 1.
	n.Version = n.CurrentVersion()
	return &n, nil
}

// edgeKey is the key of an edge in the edges bucket. IDs and types never
// contain a NUL byte (kg.ValidateID and the closed set of types).
func edgeKey(k kg.EdgeKey) []byte {
	return []byte(k.From + "\x00" + string(k.Type) + "\x00" + k.To)
}

func seqKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, seq)
}

func subjectKey(subject string, seq uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte(subject+"\x00"), seq)
}

// errClosed is returned by every method of a closed store.
var errClosed = kg.Errorf(kg.CodeUnavailable, "the store is closed")

// read runs f on the graph under the read lock, after checking ctx.
func (s *Store) read(ctx context.Context, op string, f func(g *graph) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("embedded store: %s: %w", op, err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return errClosed
	}
	return f(s.g)
}

// Nodes implements kg.Store.
func (s *Store) Nodes(ctx context.Context, ids []string) ([]*kg.Node, error) {
	out := make([]*kg.Node, len(ids))
	err := s.read(ctx, "nodes", func(g *graph) error {
		for i, id := range ids {
			out[i] = g.nodes[id].Clone()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Neighbors implements kg.Store.
func (s *Store) Neighbors(ctx context.Context, ids []string, q kg.NeighborQuery) ([][]kg.Neighbor, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	out := make([][]kg.Neighbor, len(ids))
	err := s.read(ctx, "neighbors", func(g *graph) error {
		for i, id := range ids {
			var ns []kg.Neighbor
			add := func(edges []*kg.Edge, far func(*kg.Edge) string) {
				for _, e := range edges {
					other := g.nodes[far(e)]
					if q.Match(id, *e, other) {
						ns = append(ns, kg.Neighbor{Edge: e.Clone(), Node: other.Clone()})
					}
				}
			}
			sensitive := wantsSensitive(q, g.nodes[id])
			if q.Direction == kg.Outgoing || q.Direction == kg.Both {
				add(g.out[id], func(e *kg.Edge) string { return e.To })
				if sensitive {
					add(g.outS[id], func(e *kg.Edge) string { return e.To })
				}
			}
			if q.Direction == kg.Incoming || q.Direction == kg.Both {
				add(g.in[id], func(e *kg.Edge) string { return e.From })
				if sensitive {
					add(g.inS[id], func(e *kg.Edge) string { return e.From })
				}
			}
			kg.SortNeighbors(ns)
			out[i] = ns
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// wantsSensitive reports whether a neighbour query from a node can match
// edges of sensitive types: only if it allows such a type, and either
// starts from a sensitive node or allows a sensitive kind at the far end
// (a sensitive edge always has a sensitive node at one end).
func wantsSensitive(q kg.NeighborQuery, self *kg.Node) bool {
	typeOK := len(q.Types) == 0 || slices.ContainsFunc(q.Types, kg.RelType.Sensitive)
	kindOK := (self != nil && self.Kind.Sensitive()) || len(q.Kinds) == 0 || slices.ContainsFunc(q.Kinds, kg.Kind.Sensitive)
	return typeOK && kindOK
}

// Find implements kg.Store.
func (s *Store) Find(ctx context.Context, q kg.FindQuery) (*kg.Page, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	from, err := q.PageCursor()
	if err != nil {
		return nil, err
	}
	orders := q.OrderKeys()
	backward := q.Backward()
	size := q.PageSize()
	terms := kg.SearchTerms(q.Text)
	filtered := len(q.Props) > 0 || len(q.Related) > 0 || len(terms) > 0 || len(q.Not) > 0 || len(q.Any) > 0
	var page *kg.Page
	err = s.read(ctx, "find", func(g *graph) error {
		sorted := g.sorted(q.Kind, orders)
		// The page is read from the cursor on, in the page's direction:
		// forward from the first position after it, backward from the
		// last position before it.
		n := len(sorted.nodes)
		start, end := 0, n
		if from != nil {
			// at compares position i with the cursor's: a forward page
			// starts after it, a backward page ends before it.
			at := func(i int) int {
				return kg.CompareKeyed(sorted.values[i], sorted.nodes[i].ID, from.Values, from.ID, orders)
			}
			if backward {
				end = sort.Search(n, func(i int) bool { return at(i) >= 0 })
			} else {
				start = sort.Search(n, func(i int) bool { return at(i) > 0 })
			}
		}
		var nodes []*kg.Node
		var values [][]any
		take := func(i int) {
			nodes = append(nodes, sorted.nodes[i].Clone())
			values = append(values, sorted.values[i])
		}
		total, behind := 0, false
		if !filtered {
			total = n
			behind = start > 0 || end < n
			if backward {
				for i := end - 1; i >= start && len(nodes) <= size; i-- {
					take(i)
				}
			} else {
				for i := start; i < end && len(nodes) <= size; i++ {
					take(i)
				}
			}
		} else {
			var in []int
			for i, nd := range sorted.nodes {
				if !g.matches(nd, q, terms) {
					continue
				}
				total++
				if i >= start && i < end {
					in = append(in, i)
				} else {
					behind = true
				}
			}
			if backward {
				slices.Reverse(in)
			}
			for _, i := range in[:min(len(in), size+1)] {
				take(i)
			}
		}
		page = q.NewPage(nodes, values, total, behind)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// Count implements kg.Store: one walk over the kind, under one read lock.
func (s *Store) Count(ctx context.Context, q kg.CountQuery) (*kg.Counts, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	terms := kg.SearchTerms(q.Filter.Text)
	var tally kg.Tally
	err := s.read(ctx, "count", func(g *graph) error {
		i := 0
		for _, kind := range q.CountedKinds() {
			for _, n := range g.byKind[kind] {
				if i++; i%1024 == 0 {
					if err := ctx.Err(); err != nil {
						return fmt.Errorf("embedded store: count: %w", err)
					}
				}
				if !g.matches(n, q.Filter, terms) {
					continue
				}
				if q.By.Rel != nil {
					tally.Add(g.neighborKeys(n.ID, q.By))
				} else {
					tally.Add(kg.PropGroupKeys(n.Props[q.By.Prop], q.By.Part))
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return tally.Counts(), nil
}

var _ kg.KindScanner = (*Store)(nil)

// ScanKind implements kg.KindScanner.
func (s *Store) ScanKind(ctx context.Context, kind kg.Kind, types []kg.RelType, f func(n *kg.Node, targets [][]string) error) error {
	return s.read(ctx, "scan", func(g *graph) error {
		targets := make([][]string, len(types))
		i := 0
		for id, n := range g.byKind[kind] {
			if i++; i%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return fmt.Errorf("embedded store: scan: %w", err)
				}
			}
			for j, t := range types {
				targets[j] = targets[j][:0]
				out, _ := g.adjacency(t)
				for _, e := range out[id] {
					if e.Type == t {
						targets[j] = append(targets[j], e.To)
					}
				}
				slices.Sort(targets[j])
			}
			if err := f(n, targets); err != nil {
				return err
			}
		}
		return nil
	})
}

// Search implements kg.Store.
func (s *Store) Search(ctx context.Context, q kg.SearchQuery) ([]*kg.Node, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	var out []*kg.Node
	err := s.read(ctx, "search", func(g *graph) error {
		kinds := slices.Clone(q.SearchKinds())
		slices.Sort(kinds)
		kinds = slices.Compact(kinds)
		size := 0
		for _, k := range kinds {
			size += len(g.byKind[k])
		}
		pool := make([]*kg.Node, 0, size)
		texts := make([]kg.SearchText, 0, size)
		for _, k := range kinds {
			for id, n := range g.byKind[k] {
				pool = append(pool, n)
				texts = append(texts, g.texts[id])
			}
		}
		for _, n := range kg.RankSearchTexts(pool, texts, q.Text, q.Limit) {
			out = append(out, n.Clone())
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Stats implements kg.Store.
func (s *Store) Stats(ctx context.Context) (*kg.Stats, error) {
	st := &kg.Stats{Nodes: map[kg.Kind]int{}, Edges: map[kg.RelType]int{}}
	err := s.read(ctx, "stats", func(g *graph) error {
		for k, ns := range g.byKind {
			if len(ns) > 0 {
				st.Nodes[k] = len(ns)
			}
		}
		for t, n := range g.edgesByType {
			if n > 0 {
				st.Edges[t] = n
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// Ping implements kg.Store. While writes fail because the file system
// refuses them (disk full, read-only), it fails with kg.CodeUnavailable
// until a small probe write in the store's directory succeeds.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.read(ctx, "ping", func(*graph) error { return nil }); err != nil {
		return err
	}
	if !s.faulted() {
		return nil
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.mu.RLock()
	closed := s.closed
	s.mu.RUnlock()
	if closed {
		return errClosed
	}
	return s.probe()
}

// History implements kg.Store.
func (s *Store) History(ctx context.Context, id string) ([]kg.AuditEntry, error) {
	var out []kg.AuditEntry
	err := s.read(ctx, "history", func(*graph) error {
		if id == "" || strings.Contains(id, "\x00") {
			return nil
		}
		return s.db.View(func(tx *bbolt.Tx) error {
			log := tx.Bucket(bucketAudit)
			prefix := []byte(id + "\x00")
			c := tx.Bucket(bucketBySubject).Cursor()
			for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
				seq := k[len(prefix):]
				v := log.Get(seq)
				if v == nil {
					return fmt.Errorf("audit entry %x of %s is missing", seq, id)
				}
				var e kg.AuditEntry
				if err := json.Unmarshal(v, &e); err != nil {
					return fmt.Errorf("audit entry %x of %s: %w", seq, id, err)
				}
				out = append(out, e)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("embedded store: history of %s: %w", id, err)
	}
	return out, nil
}

// Apply implements kg.Store.
func (s *Store) Apply(ctx context.Context, cs kg.ChangeSet) (*kg.ApplyResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("embedded store: apply: %w", err)
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()

	// Only writers change the graph, and they hold writeMu: the state read
	// here stays current until this write is done.
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return nil, errClosed
	}
	cur := s.g.current(cs)
	s.mu.RUnlock()

	w, err := kg.Reduce(cs, cur, s.now())
	if err != nil {
		return nil, err
	}
	if !w.Empty() {
		if err := s.db.Update(func(tx *bbolt.Tx) error { return write(ctx, tx, w) }); err != nil {
			if isStorageFault(err) {
				s.writeFailed(err)
				return nil, fmt.Errorf("embedded store: apply: %w: %w", errCannotWrite, err)
			}
			return nil, fmt.Errorf("embedded store: apply: %w", err)
		}
		// A write may fit in pages the file already has while the disk
		// stays full: the episode ends when the probe finds room.
		_ = s.probe()
		s.mu.Lock()
		s.g.apply(w)
		if n := len(w.Entries); n > 0 {
			s.lastSeq = w.Entries[n-1].Seq
		}
		s.mu.Unlock()
	}
	res := w.Result
	res.Entries = slices.Clone(w.Entries)
	return &res, nil
}

// write puts the writes and their audit entries in the file, assigning the
// entries their sequence numbers.
func write(ctx context.Context, tx *bbolt.Tx, p *kg.Writes) error {
	nodes, edges := tx.Bucket(bucketNodes), tx.Bucket(bucketEdges)
	for _, k := range p.DeleteEdges {
		if err := edges.Delete(edgeKey(k)); err != nil {
			return fmt.Errorf("delete edge %s: %w", k, err)
		}
	}
	for _, id := range p.DeleteNodes {
		if err := nodes.Delete([]byte(id)); err != nil {
			return fmt.Errorf("delete node %s: %w", id, err)
		}
	}
	for _, n := range p.PutNodes {
		b, err := json.Marshal(n)
		if err != nil {
			return fmt.Errorf("encode node %s: %w", n.ID, err)
		}
		if err := nodes.Put([]byte(n.ID), b); err != nil {
			return fmt.Errorf("put node %s: %w", n.ID, err)
		}
	}
	for _, e := range p.PutEdges {
		b, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("encode edge %s: %w", e.Key(), err)
		}
		if err := edges.Put(edgeKey(e.Key()), b); err != nil {
			return fmt.Errorf("put edge %s: %w", e.Key(), err)
		}
	}
	log, bySubject := tx.Bucket(bucketAudit), tx.Bucket(bucketBySubject)
	// The audit log only grows at its end (its keys are sequence numbers):
	// full pages, instead of bbolt's half-full ones, keep it half the size
	// on disk and in the memory the file is mapped into.
	log.FillPercent = 1.0
	for i := range p.Entries {
		e := &p.Entries[i]
		seq, err := log.NextSequence()
		if err != nil {
			return fmt.Errorf("next audit sequence: %w", err)
		}
		e.Seq = seq
		b, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("encode audit entry: %w", err)
		}
		if err := log.Put(seqKey(seq), b); err != nil {
			return fmt.Errorf("put audit entry: %w", err)
		}
		if err := bySubject.Put(subjectKey(e.Subject, seq), nil); err != nil {
			return fmt.Errorf("index audit entry: %w", err)
		}
	}
	// Last chance to give up: after this the transaction commits.
	return ctx.Err()
}

// Close implements kg.Store. It waits for a write in progress, and may be
// called more than once.
func (s *Store) Close() error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.g = nil
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("embedded store: close %s: %w", s.db.Path(), err)
	}
	return nil
}
