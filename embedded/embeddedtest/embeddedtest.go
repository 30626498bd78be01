// Package embeddedtest opens embedded stores for tests: in a temporary folder,
// closed when the test ends, and with the seed loaded when asked.
package embeddedtest

import (
	"context"
	"testing"

	"marrakechgraph/embedded"
	"marrakechgraph/seed"
)

// Open returns an empty embedded store in a temporary folder.
func Open(t testing.TB) *embedded.Store {
	t.Helper()
	s, err := embedded.Open(t.TempDir())
	if err != nil {
		t.Fatalf("open embedded store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Seeded returns an embedded store holding the seed dataset.
func Seeded(t testing.TB) *embedded.Store {
	t.Helper()
	s := Open(t)
	if _, err := seed.Apply(context.Background(), s); err != nil {
		t.Fatalf("load seed: %v", err)
	}
	return s
}
