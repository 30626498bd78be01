// Package storetest runs a test once for every storage backend: the
// embedded store in a temporary folder, and Neo4j on the shared disposable
// test database (see neo4jtest.Shared), wiped first. Tests written over it
// show that STORE=neo4j changes nothing a client can see.
package storetest

import (
	"context"
	"testing"
	"time"

	"marrakechgraph/embedded/embeddedtest"
	"marrakechgraph/kg"
	"marrakechgraph/neo4j"
	"marrakechgraph/neo4j/neo4jtest"
	"marrakechgraph/seed"
)

// Backend opens stores of one kind for tests.
type Backend struct {
	// Name is the STORE setting that selects it: "embedded" or "neo4j".
	Name string
	// Open returns an empty store, closed when the test ends.
	Open func(t testing.TB) kg.Store
	// Another returns a second handle on the data of the store Open last
	// returned, as a second instance of the API would hold it; nil where a
	// backend serves one process only (the embedded store).
	Another func(t testing.TB) kg.Store
}

// Seeded returns a store of this backend holding the seed dataset.
func (b Backend) Seeded(t testing.TB) kg.Store {
	t.Helper()
	s := b.Open(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := seed.Apply(ctx, s); err != nil {
		t.Fatalf("load the seed on %s: %v", b.Name, err)
	}
	return s
}

// Embedded is the embedded store, in a temporary folder.
var Embedded = Backend{Name: "embedded", Open: func(t testing.TB) kg.Store {
	t.Helper()
	return embeddedtest.Open(t)
}}

// Neo4j is the shared Neo4j test database, emptied before each Open.
var Neo4j = Backend{Name: "neo4j", Open: func(t testing.TB) kg.Store {
	t.Helper()
	s := openNeo4j(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.Wipe(ctx); err != nil {
		t.Fatalf("wipe the neo4j test database: %v", err)
	}
	return s
}, Another: func(t testing.TB) kg.Store {
	t.Helper()
	return openNeo4j(t)
}}

// openNeo4j opens a store (its own driver) on the shared test database.
func openNeo4j(t testing.TB) *neo4j.Store {
	t.Helper()
	tg := neo4jtest.Shared(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := neo4j.Open(ctx, neo4j.Config{URI: tg.URI, User: tg.User, Password: tg.Password, Database: tg.Database})
	if err != nil {
		t.Fatalf("open neo4j store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// All lists every backend.
var All = []Backend{Embedded, Neo4j}

// Run runs f as a subtest for every backend, named after it.
func Run(t *testing.T, f func(t *testing.T, b Backend)) {
	t.Helper()
	for _, b := range All {
		t.Run(b.Name, func(t *testing.T) { f(t, b) })
	}
}
