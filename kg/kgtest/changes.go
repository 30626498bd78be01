package kgtest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/kg"
)

// testChanges checks the audit log read by sequence number: what a process
// tails to learn of writes made through any process sharing the store.
func (s *suite) testChanges(t *testing.T) {
	t.Run("Empty", func(t *testing.T) {
		s.parallel(t)
		st := s.empty(t)
		ctx := context.Background()
		last, err := st.LastSeq(ctx)
		require.NoError(t, err)
		assert.Zero(t, last, "an empty store has no audit entry")
		got, err := st.Changes(ctx, 0, 10)
		require.NoError(t, err)
		assert.Empty(t, got)
	})

	t.Run("Log", func(t *testing.T) {
		s.parallel(t)
		st := s.empty(t)
		ctx := context.Background()
		var all []kg.AuditEntry
		apply := func(cs kg.ChangeSet) {
			t.Helper()
			res, err := st.Apply(ctx, cs)
			require.NoError(t, err)
			all = append(all, res.Entries...)
		}
		apply(fixtureChangeSet())
		renamed := fixtureNode(t, a1)
		renamed.Name = "Renamed"
		apply(kg.ChangeSet{Actor: "alice", Reason: "rename", PutNodes: []kg.Node{*renamed}})
		apply(kg.ChangeSet{Actor: "bob", Reason: "remove", DeleteNodes: []string{unsr}})
		require.Greater(t, len(all), 7)

		last, err := st.LastSeq(ctx)
		require.NoError(t, err)
		assert.Equal(t, all[len(all)-1].Seq, last)
		for i := 1; i < len(all); i++ {
			require.Equal(t, all[i-1].Seq+1, all[i].Seq, "the audit log has a gap or repeat at entry %d", i)
		}
		from := all[0].Seq - 1

		got, err := st.Changes(ctx, from, kg.MaxPageSize)
		require.NoError(t, err)
		sameEntries(t, all, got, "the whole log")

		// Pages of three, resuming after the last sequence number seen.
		var paged []kg.AuditEntry
		for after := from; ; {
			page, err := st.Changes(ctx, after, 3)
			require.NoError(t, err)
			require.LessOrEqual(t, len(page), 3)
			if len(page) == 0 {
				break
			}
			paged = append(paged, page...)
			after = page[len(page)-1].Seq
		}
		sameEntries(t, all, paged, "the log read three entries at a time")

		mid := all[len(all)/2].Seq
		got, err = st.Changes(ctx, mid, kg.MaxPageSize)
		require.NoError(t, err)
		sameEntries(t, all[len(all)/2+1:], got, "the log after %d", mid)

		for _, after := range []uint64{last, last + 1, last + 1000} {
			got, err = st.Changes(ctx, after, 10)
			require.NoError(t, err)
			assert.Empty(t, got, "nothing after %d", after)
		}

		// A change set that changes nothing adds nothing to the log.
		res, err := st.Apply(ctx, kg.ChangeSet{Actor: "alice", Reason: "again", PutNodes: []kg.Node{*renamed}})
		require.NoError(t, err)
		assert.Empty(t, res.Entries)
		again, err := st.LastSeq(ctx)
		require.NoError(t, err)
		assert.Equal(t, last, again)

		for _, limit := range []int{0, -1, kg.MaxPageSize + 1} {
			_, err := st.Changes(ctx, 0, limit)
			requireCode(t, err, kg.CodeBadUserInput, "limit %d", limit)
		}

		canceled, cancel := context.WithCancel(ctx)
		cancel()
		_, err = st.Changes(canceled, 0, 10)
		assert.True(t, errors.Is(err, context.Canceled), "Changes: %v is not context.Canceled", err)
		_, err = st.LastSeq(canceled)
		assert.True(t, errors.Is(err, context.Canceled), "LastSeq: %v is not context.Canceled", err)

		if s.open.Reopen != nil {
			re := s.open.Reopen(t, st)
			got, err := re.Changes(ctx, from, kg.MaxPageSize)
			require.NoError(t, err)
			sameEntries(t, all, got, "the log after a reopen")
			l, err := re.LastSeq(ctx)
			require.NoError(t, err)
			assert.Equal(t, last, l)
		}
	})

	t.Run("TailWhileWriting", s.testTailWhileWriting)
}

// testTailWhileWriting reads the log from its end while writers commit:
// the reader, resuming after the last sequence number it was given, sees
// every entry exactly once, in order, with no gap, and never an entry whose
// write it cannot read yet.
func (s *suite) testTailWhileWriting(t *testing.T) {
	s.parallel(t)
	st := s.loaded(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start, err := st.LastSeq(ctx)
	require.NoError(t, err)
	const writers, perWriter = 4, 15

	var mu sync.Mutex
	var written []kg.AuditEntry
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				id := fmt.Sprintf("action:tail-%d-%d", w, i)
				res, err := st.Apply(ctx, kg.ChangeSet{
					Actor: fmt.Sprintf("writer-%d", w), Reason: "tail",
					PutNodes: []kg.Node{{ID: id, Kind: kg.KindAction, Name: "Tailed " + id, Citations: cite(id)}},
					PutEdges: []kg.Edge{{Type: kg.RelUnderObjective, From: id, To: o3, Citations: cite(id + " under o3")}},
				})
				if !assert.NoError(t, err) {
					return
				}
				mu.Lock()
				written = append(written, res.Entries...)
				mu.Unlock()
			}
		})
	}

	want := writers * perWriter * 2
	var seen []kg.AuditEntry
	after := start
	for len(seen) < want && ctx.Err() == nil && !t.Failed() {
		page, err := st.Changes(ctx, after, 7)
		require.NoError(t, err)
		var created []string
		for _, e := range page {
			require.Equal(t, after+1, e.Seq, "the log read while writing skipped or repeated an entry")
			after = e.Seq
			if e.Op == kg.OpCreate && e.Edge == nil {
				created = append(created, e.Subject)
			}
		}
		seen = append(seen, page...)
		// An entry is readable once its write is.
		if len(created) > 0 {
			nodes, err := st.Nodes(ctx, created)
			require.NoError(t, err)
			for i, n := range nodes {
				assert.NotNil(t, n, "the log names %s before the store holds it", created[i])
			}
		}
		if len(page) == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	wg.Wait()
	require.Len(t, seen, want)

	bySeq := map[uint64]kg.AuditEntry{}
	for _, e := range written {
		bySeq[e.Seq] = e
	}
	require.Len(t, bySeq, want, "writers were given repeated sequence numbers")
	for _, e := range seen {
		w, ok := bySeq[e.Seq]
		if assert.True(t, ok, "entry %d was not written by a writer", e.Seq) {
			sameEntries(t, []kg.AuditEntry{w}, []kg.AuditEntry{e}, "entry %d", e.Seq)
		}
	}
	last, err := st.LastSeq(ctx)
	require.NoError(t, err)
	assert.Equal(t, after, last)
}
