package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"marrakechgraph/kg"
	"marrakechgraph/neo4j"
	"marrakechgraph/neo4j/neo4jtest"
	"marrakechgraph/seed"
)

// errReadOnly is what a read-only store answers to a write.
var errReadOnly = errors.New("storetest: this store is shared by read-only tests and refuses writes; use Backend.Seeded for a store the test may change")

// readOnly wraps a store that a test may read but not change.
type readOnly struct{ kg.Store }

func (readOnly) Apply(context.Context, kg.ChangeSet) (*kg.ApplyResult, error) {
	return nil, errReadOnly
}

// Close leaves the store open: it outlives the test that holds it.
func (readOnly) Close() error { return nil }

// ReadOnlySeeded returns a store of this backend holding the seed dataset,
// for a test that only reads: its Apply fails. Seeding Neo4j takes
// seconds, so one seeded Neo4j store serves every such test of the process
// and is seeded again only when the shared database was taken for anything
// else in between (neo4jtest.Uses changed). The embedded store is cheap
// and seeded afresh for each test.
func (b Backend) ReadOnlySeeded(t testing.TB) kg.Store {
	t.Helper()
	if b.Name != Neo4j.Name {
		return readOnly{b.Seeded(t)}
	}
	sharedSeed.mu.Lock()
	defer sharedSeed.mu.Unlock()
	if sharedSeed.store != nil && sharedSeed.uses == neo4jtest.Uses() {
		return readOnly{sharedSeed.store}
	}
	tg := neo4jtest.Shared(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if sharedSeed.store == nil {
		s, err := neo4j.Open(ctx, neo4j.Config{URI: tg.URI, User: tg.User, Password: tg.Password, Database: tg.Database})
		if err != nil {
			t.Fatalf("open neo4j store: %v", err)
		}
		sharedSeed.store = s
	}
	sharedSeed.uses = 0
	if err := sharedSeed.store.Wipe(ctx); err != nil {
		t.Fatalf("wipe the neo4j test database: %v", err)
	}
	if _, err := seed.Apply(ctx, sharedSeed.store); err != nil {
		t.Fatalf("load the seed on neo4j: %v", err)
	}
	sharedSeed.uses = neo4jtest.Uses()
	return readOnly{sharedSeed.store}
}

// sharedSeed is the seeded Neo4j store of the read-only tests; uses is
// neo4jtest.Uses() when it was seeded. It stays open until the process ends.
var sharedSeed struct {
	mu    sync.Mutex
	store *neo4j.Store
	uses  uint64
}
