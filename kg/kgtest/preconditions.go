package kgtest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/kg"
)

// testVersions checks that the store maintains node versions: 1 at
// creation, one more for each change set that changes the node or a
// relationship leaving it, none for a put that changes nothing or a
// relationship arriving at it; a put's own Version is ignored; every read
// returns the version.
func (s *suite) testVersions(t *testing.T) {
	s.parallel(t)
	st := s.loaded(t)
	ctx := context.Background()
	version := func(id string) int64 {
		t.Helper()
		got, err := st.Nodes(ctx, []string{id})
		require.NoError(t, err)
		require.NotNil(t, got[0], id)
		return got[0].Version
	}

	nodes, err := st.Nodes(ctx, fixtureIDs())
	require.NoError(t, err)
	for _, n := range nodes {
		assert.Equal(t, int64(1), n.Version, "a created node is at version 1: %s", n.ID)
	}

	renamed := fixtureNode(t, a2)
	renamed.Name = "Compile a guide to the mechanisms"
	renamed.Version = 42
	res, err := st.Apply(ctx, kg.ChangeSet{Actor: "alice", PutNodes: []kg.Node{*renamed, *fixtureNode(t, a4)}})
	require.NoError(t, err)
	assert.Equal(t, map[string]int64{a2: 2, a4: 1}, res.Versions, "the versions after the change, changed or not")
	assert.Equal(t, int64(2), version(a2), "an update raises the version by one, whatever the put's own")
	assert.Equal(t, int64(1), version(a4), "a put that changes nothing keeps the version")

	res, err = st.Apply(ctx, kg.ChangeSet{Actor: "alice", PutEdges: []kg.Edge{
		{Type: kg.RelTargets, From: a4, To: women, Citations: cite("a4 targets women")},
	}})
	require.NoError(t, err)
	assert.Equal(t, map[string]int64{a4: 2}, res.Versions)
	assert.Equal(t, int64(2), version(a4), "a relationship leaving the node is part of it")
	assert.Equal(t, int64(1), version(women), "a relationship arriving at the node is not")

	res, err = st.Apply(ctx, kg.ChangeSet{Actor: "alice", DeleteEdges: []kg.EdgeKey{{Type: kg.RelTargets, From: a4, To: women}}})
	require.NoError(t, err)
	assert.Equal(t, map[string]int64{a4: 3}, res.Versions)
	assert.Equal(t, int64(3), version(a4))

	// A node and its relationships changed together: one version more.
	renamed = fixtureNode(t, a5)
	renamed.Name = "Monitor and report on civic space"
	_, err = st.Apply(ctx, kg.ChangeSet{Actor: "alice", PutNodes: []kg.Node{*renamed},
		PutEdges: []kg.Edge{{Type: kg.RelTargets, From: a5, To: women, Citations: cite("a5 targets women")}}})
	require.NoError(t, err)
	assert.Equal(t, int64(2), version(a5))

	// Deleting a node removes the relationships arriving at it: the nodes
	// they leave from change.
	_, err = st.Apply(ctx, kg.ChangeSet{Actor: "alice", DeleteNodes: []string{achpr}})
	require.NoError(t, err)
	assert.Equal(t, int64(2), version(a1), "a1 lost its ENGAGES relationship to the deleted node")
	assert.Equal(t, int64(3), version(a2), "a2 lost its INFORMS_ON relationship to the deleted node")
	assert.Equal(t, int64(1), version(a3))

	// Every read carries the version.
	p, err := st.Find(ctx, kg.FindQuery{Kind: kg.KindAction, OrderBy: kg.OrderByID, First: 10})
	require.NoError(t, err)
	for _, n := range p.Nodes {
		assert.Equal(t, version(n.ID), n.Version, "Find: %s", n.ID)
	}
	found, err := st.Search(ctx, kg.SearchQuery{Text: "civic space", Limit: 5})
	require.NoError(t, err)
	require.NotEmpty(t, found)
	for _, n := range found {
		assert.Equal(t, version(n.ID), n.Version, "Search: %s", n.ID)
	}
	ns, err := st.Neighbors(ctx, []string{o2}, kg.NeighborQuery{Direction: kg.Incoming})
	require.NoError(t, err)
	require.NotEmpty(t, ns[0])
	for _, nb := range ns[0] {
		assert.Equal(t, version(nb.Node.ID), nb.Node.Version, "Neighbors: %s", nb.Node.ID)
	}
}

// testExpect checks a change set's preconditions: a change whose expected
// versions hold is applied; one whose expectation fails answers CONFLICT
// and changes nothing, whatever else it holds.
func (s *suite) testExpect(t *testing.T) {
	s.parallel(t)
	st := s.loaded(t)
	ctx := context.Background()
	renamed := fixtureNode(t, a1)
	renamed.Name = "Train staff to document reprisals"
	newAction := kg.Node{ID: "action:new", Kind: kg.KindAction, Name: "A new action", Citations: cite("a new action")}

	before := takeState(t, st)
	for name, expect := range map[string][]kg.Expectation{
		"StaleVersion":        {{ID: a1, Version: 2}},
		"MissingNode":         {{ID: "action:gone", Version: 1}},
		"NodeThatExists":      {{ID: a1, Version: 0}},
		"OneOfSeveral":        {{ID: a1, Version: 1}, {ID: o1, Version: 3}},
		"NodeNotWritten":      {{ID: women, Version: 5}},
		"SensitiveNodeAbsent": {{ID: "incident:0123456789ab", Version: 1}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := st.Apply(ctx, kg.ChangeSet{Actor: "alice", Expect: expect,
				PutNodes:    []kg.Node{*renamed, newAction},
				PutEdges:    []kg.Edge{{Type: kg.RelUnderObjective, From: newAction.ID, To: o1, Citations: cite("new under o1")}},
				DeleteEdges: []kg.EdgeKey{{Type: kg.RelTargets, From: a6, To: women}},
			})
			assert.Equal(t, kg.CodeConflict, kg.ErrorCode(err), "%v", err)
			assertSameState(t, before, takeState(t, st), "a failed precondition writes nothing")
			got, err := st.Nodes(ctx, []string{newAction.ID})
			require.NoError(t, err)
			assert.Nil(t, got[0])
		})
	}
	for name, expect := range map[string][]kg.Expectation{
		"NoID":            {{Version: 1}},
		"NegativeVersion": {{ID: a1, Version: -1}},
		"Twice":           {{ID: a1, Version: 1}, {ID: a1, Version: 1}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := st.Apply(ctx, kg.ChangeSet{Actor: "alice", Expect: expect, PutNodes: []kg.Node{*renamed}})
			assert.Equal(t, kg.CodeBadUserInput, kg.ErrorCode(err), "%v", err)
			assertSameState(t, before, takeState(t, st))
		})
	}

	// Expectations that hold: the change is applied.
	res, err := st.Apply(ctx, kg.ChangeSet{Actor: "alice",
		Expect:   []kg.Expectation{{ID: a1, Version: 1}, {ID: newAction.ID, Version: 0}, {ID: women, Version: 1}},
		PutNodes: []kg.Node{*renamed, newAction},
	})
	require.NoError(t, err)
	assert.Equal(t, kg.ApplyResult{Created: 1, Updated: 1}, countsOf(res))
	// The same change again, expecting what it wrote: nothing changes.
	res, err = st.Apply(ctx, kg.ChangeSet{Actor: "alice",
		Expect:   []kg.Expectation{{ID: a1, Version: 2}, {ID: newAction.ID, Version: 1}},
		PutNodes: []kg.Node{*renamed, newAction},
	})
	require.NoError(t, err)
	assert.Equal(t, kg.ApplyResult{Unchanged: 2}, countsOf(res))
	// And expecting what it read before writing: CONFLICT.
	_, err = st.Apply(ctx, kg.ChangeSet{Actor: "alice", Expect: []kg.Expectation{{ID: a1, Version: 1}}, PutNodes: []kg.Node{*renamed}})
	assert.Equal(t, kg.CodeConflict, kg.ErrorCode(err), "%v", err)
}

// testConcurrentExpect runs writers that read the same node and write it
// back expecting the version they read, at the same time: in each round
// exactly one of them wins and the others get CONFLICT; writers that read
// again and retry on CONFLICT lose no update.
func (s *suite) testConcurrentExpect(t *testing.T) {
	s.parallel(t)
	st := s.loaded(t)
	ctx := context.Background()
	const writers, rounds = 6, 5

	for round := range rounds {
		got, err := st.Nodes(ctx, []string{a7})
		require.NoError(t, err)
		read := got[0]
		start := make(chan struct{})
		errs := make([]error, writers)
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				n := read.Clone()
				n.Description = fmt.Sprintf("written by writer %d in round %d", w, round)
				<-start
				_, errs[w] = st.Apply(ctx, kg.ChangeSet{Actor: fmt.Sprintf("writer-%d", w), Reason: "race",
					Expect: []kg.Expectation{{ID: a7, Version: read.Version}}, PutNodes: []kg.Node{*n}})
			})
		}
		close(start)
		wg.Wait()
		winner := -1
		for w, err := range errs {
			switch {
			case err == nil && winner >= 0:
				t.Errorf("round %d: writers %d and %d both won with the same expected version", round, winner, w)
			case err == nil:
				winner = w
			default:
				assert.Equal(t, kg.CodeConflict, kg.ErrorCode(err), "round %d, writer %d: %v", round, w, err)
			}
		}
		require.GreaterOrEqual(t, winner, 0, "round %d: no writer won", round)
		got, err = st.Nodes(ctx, []string{a7})
		require.NoError(t, err)
		assert.Equal(t, read.Version+1, got[0].Version, "round %d", round)
		assert.Equal(t, fmt.Sprintf("written by writer %d in round %d", winner, round), got[0].Description)
	}
	h, err := st.History(ctx, a7)
	require.NoError(t, err)
	var updates int
	for _, e := range h {
		if e.Edge == nil && e.Op == kg.OpUpdate {
			updates++
		}
	}
	assert.Equal(t, rounds, updates, "one update per round is written")

	// Read, modify, write with retries: every writer's update is kept.
	const perWriter = 4
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				tag := fmt.Sprintf("w%d-%d", w, i)
				for attempt := 0; ; attempt++ {
					if attempt == 100 {
						t.Errorf("%s: still in conflict after %d attempts", tag, attempt)
						return
					}
					got, err := st.Nodes(ctx, []string{a6})
					if !assert.NoError(t, err) {
						return
					}
					n := got[0]
					n.Props["tags"] = append(n.Props.Strings("tags"), tag)
					_, err = st.Apply(ctx, kg.ChangeSet{Actor: fmt.Sprintf("writer-%d", w), Reason: "tag",
						Expect: []kg.Expectation{{ID: a6, Version: n.Version}}, PutNodes: []kg.Node{*n}})
					if err == nil {
						break
					}
					if !assert.Equal(t, kg.CodeConflict, kg.ErrorCode(err), "%v", err) {
						return
					}
				}
			}
		})
	}
	wg.Wait()
	got, err := st.Nodes(ctx, []string{a6})
	require.NoError(t, err)
	tags := got[0].Props.Strings("tags")
	assert.Len(t, tags, writers*perWriter, "no update is lost: %v", tags)
	for w := range writers {
		for i := range perWriter {
			assert.True(t, slices.Contains(tags, fmt.Sprintf("w%d-%d", w, i)), "tag w%d-%d is lost", w, i)
		}
	}
	assert.Equal(t, int64(1+writers*perWriter), got[0].Version)
}
