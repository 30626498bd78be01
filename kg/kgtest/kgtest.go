// Package kgtest is the conformance suite of kg.Store: what every backend of
// Marrakech Graph does, checked the same way against each of them.
//
// A backend's tests call Run with an Opener:
//
//	func TestConformance(t *testing.T) {
//		kgtest.Run(t, kgtest.Opener{
//			New:    func(t *testing.T) kg.Store { ... a new, empty store ... },
//			Reopen: func(t *testing.T, s kg.Store) kg.Store { ... close s, open it again ... },
//		})
//	}
//
// The suite builds a small fixture graph of its own through Apply and checks
// reads (Nodes, Neighbors, Find with its conditions, Count, Search), writes (Apply: counts, validation,
// atomicity, idempotence, auditing, node versions and preconditions, alone
// and under concurrent writers), History, the audit log read by sequence
// (Changes, LastSeq), Stats, context cancellation, concurrent use,
// durability across a reopen, and loading the seed dataset.
// A behaviour that is not checked here is not promised by kg.Store.
package kgtest

import (
	"context"
	"testing"

	"marrakechgraph/kg"
)

// Opener makes the stores the suite runs against.
type Opener struct {
	// New returns a new, empty store, and arranges with t.Cleanup for it to
	// be closed when t ends. It is called once per subtest, possibly from
	// parallel subtests.
	New func(t *testing.T) kg.Store

	// Reopen closes s and opens the same storage again, as a restarted
	// server would, and arranges for the new store to be closed when t
	// ends (s may then be closed a second time, which must be harmless).
	// Nil for a backend that keeps nothing across a restart; the
	// durability checks are then skipped.
	Reopen func(t *testing.T, s kg.Store) kg.Store

	// Serial runs the subtests one at a time, for backends whose stores
	// share a server and so cannot be used by parallel subtests.
	Serial bool
}

// Run runs the conformance suite against the stores open makes.
func Run(t *testing.T, open Opener) {
	if open.New == nil {
		t.Fatal("kgtest: Opener.New is nil")
	}
	s := &suite{open: open}
	t.Run("Nodes", s.testNodes)
	t.Run("Neighbors", s.testNeighbors)
	t.Run("Find", s.testFind)
	t.Run("Sort", s.testSort)
	t.Run("Count", s.testCount)
	t.Run("Conditions", s.testConditions)
	t.Run("Search", s.testSearch)
	t.Run("Apply", s.testApply)
	t.Run("History", s.testHistory)
	t.Run("Changes", s.testChanges)
	t.Run("Stats", s.testStats)
	t.Run("Context", s.testContext)
	t.Run("Concurrency", s.testConcurrency)
	t.Run("Durability", s.testDurability)
	t.Run("Versions", s.testVersions)
	t.Run("Expect", s.testExpect)
	t.Run("ConcurrentExpect", s.testConcurrentExpect)
	t.Run("Sensitive", s.testSensitive)
	t.Run("Seed", s.testSeed)
}

type suite struct {
	open Opener
}

// parallel marks t parallel unless the backend asks for serial subtests.
func (s *suite) parallel(t *testing.T) {
	if !s.open.Serial {
		t.Parallel()
	}
}

// empty returns a new, empty store.
func (s *suite) empty(t *testing.T) kg.Store {
	t.Helper()
	st := s.open.New(t)
	if st == nil {
		t.Fatal("kgtest: Opener.New returned nil")
	}
	return st
}

// loaded returns a new store holding the fixture graph.
func (s *suite) loaded(t *testing.T) kg.Store {
	t.Helper()
	st := s.empty(t)
	res, err := st.Apply(context.Background(), fixtureChangeSet())
	if err != nil {
		t.Fatalf("kgtest: loading the fixture: %v", err)
	}
	if res.Created != len(fixtureNodes())+len(fixtureEdges()) {
		t.Fatalf("kgtest: loading the fixture created %d nodes and edges, want %d",
			res.Created, len(fixtureNodes())+len(fixtureEdges()))
	}
	return st
}
