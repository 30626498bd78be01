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

// testConcurrency runs writers and readers at the same time. Each writer
// creates its own actions under objective o3 and rewrites o3's description,
// so that every write is an update of the same node: the history of o3 must
// then be a chain in which each entry's Before is the previous After.
func (s *suite) testConcurrency(t *testing.T) {
	s.parallel(t)
	st := s.loaded(t)
	ctx := context.Background()
	const writers, perWriter, readers = 4, 25, 4

	results := make([][]*kg.ApplyResult, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				id := fmt.Sprintf("action:w%d-%d", w, i)
				o := fixtureNode(t, o3)
				o.Description = fmt.Sprintf("written by writer %d in round %d", w, i)
				res, err := st.Apply(ctx, kg.ChangeSet{
					Actor: fmt.Sprintf("writer-%d", w), Reason: "concurrency",
					PutNodes: []kg.Node{*o, {
						ID: id, Kind: kg.KindAction, Name: fmt.Sprintf("Concurrent action %d %d", w, i),
						Props: kg.Props{"pillar": "Concurrent", kg.PropSeq: int64(100 + i)}, Citations: cite(id),
					}},
					PutEdges: []kg.Edge{{Type: kg.RelUnderObjective, From: id, To: o3, Citations: cite(id + " under o3")}},
				})
				if !assert.NoError(t, err) {
					return
				}
				assert.Equal(t, kg.ApplyResult{Created: 2, Updated: 1}, countsOf(res))
				results[w] = append(results[w], res)
			}
		})
	}

	done := make(chan struct{})
	var rg sync.WaitGroup
	for range readers {
		rg.Go(func() {
			var lastActions, lastUnder int
			for {
				lastActions, lastUnder = readWhileWriting(t, st, lastActions, lastUnder)
				select {
				case <-done:
					return
				default:
				}
			}
		})
	}
	wg.Wait()
	close(done)
	rg.Wait()
	if t.Failed() {
		return
	}

	total := writers * perWriter
	stats, err := st.Stats(ctx)
	require.NoError(t, err)
	want := fixtureStats()
	want.Nodes[kg.KindAction] += total
	want.Edges[kg.RelUnderObjective] += total
	assertStats(t, want, stats)

	// Sequence numbers are unique across writers and rise within each.
	var all []kg.AuditEntry
	for w := range writers {
		var mine []kg.AuditEntry
		for _, r := range results[w] {
			mine = append(mine, r.Entries...)
		}
		checkSeqs(t, mine, 0)
		all = append(all, mine...)
	}
	seqs := seqsOf(all)
	slices.Sort(seqs)
	assert.Len(t, slices.Compact(seqs), len(all), "sequence numbers are reused")

	// Every write is in the history of its subject.
	for w := range writers {
		for i, r := range results[w] {
			id := fmt.Sprintf("action:w%d-%d", w, i)
			h, err := st.History(ctx, id)
			require.NoError(t, err)
			sameEntries(t, subjectEntries(r.Entries, id), h, id)
		}
	}
	h, err := st.History(ctx, o3)
	require.NoError(t, err)
	require.Len(t, h, 1+total)
	for i := 1; i < len(h); i++ {
		assert.Equal(t, kg.OpUpdate, h[i].Op)
		assert.Equal(t, h[i-1].After, h[i].Before, "update %d of %s was planned against a stale node", i, o3)
	}
	got, err := st.Nodes(ctx, []string{o3})
	require.NoError(t, err)
	assert.Equal(t, nodeFromJSON(t, h[len(h)-1].After).Description, got[0].Description)

	page, err := st.Find(ctx, kg.FindQuery{Kind: kg.KindAction, Props: []kg.PropFilter{{Key: "pillar", Values: []any{"Concurrent"}}}, OrderBy: kg.OrderByID, First: kg.MaxPageSize})
	require.NoError(t, err)
	assert.Equal(t, total, page.TotalCount)
}

// readWhileWriting reads the store once while writers run, checking what
// writers cannot disturb, and that counts never go down.
func readWhileWriting(t *testing.T, st kg.Store, lastActions, lastUnder int) (int, int) {
	ctx := context.Background()
	nodes, err := st.Nodes(ctx, fixtureIDs())
	if !assert.NoError(t, err) {
		return lastActions, lastUnder
	}
	for i, n := range fixtureNodes() {
		if n.ID == o3 {
			continue
		}
		assert.True(t, n.Equal(nodes[i]), "node %s", n.ID)
	}

	ns, err := st.Neighbors(ctx, []string{o3, a1}, kg.NeighborQuery{Direction: kg.Incoming, Types: []kg.RelType{kg.RelUnderObjective}})
	if assert.NoError(t, err) && assert.Len(t, ns, 2) {
		sorted := slices.Clone(ns[0])
		kg.SortNeighbors(sorted)
		assert.Equal(t, hops(sorted), hops(ns[0]), "neighbours out of order")
		assert.GreaterOrEqual(t, len(ns[0]), lastUnder)
		lastUnder = len(ns[0])
		assert.Subset(t, hops(ns[0]), []hop{{kg.RelUnderObjective, a4}, {kg.RelUnderObjective, a7}})
		assert.Empty(t, ns[1])
	}

	// Walking pages while nodes arrive: no repeats, always in order.
	q := kg.FindQuery{Kind: kg.KindAction, Props: []kg.PropFilter{{Key: "pillar", Values: []any{"Concurrent"}}}, OrderBy: kg.OrderByID, First: 7}
	var seen []string
	for range 100 {
		p, err := st.Find(ctx, q)
		if !assert.NoError(t, err) {
			break
		}
		for _, n := range p.Nodes {
			assert.Equal(t, "Concurrent", n.Props.String("pillar"))
			if len(seen) > 0 {
				assert.Less(t, seen[len(seen)-1], n.ID, "pages out of order or repeating")
			}
			seen = append(seen, n.ID)
		}
		if !p.HasNextPage {
			break
		}
		q.After = p.Cursors[len(p.Cursors)-1]
	}

	found, err := st.Search(ctx, kg.SearchQuery{Text: "defenders", Limit: 50})
	if assert.NoError(t, err) {
		assert.Equal(t, []string{c1, unsr, a6, women, ishr, a1}, ids(found))
	}

	stats, err := st.Stats(ctx)
	if assert.NoError(t, err) {
		assert.GreaterOrEqual(t, stats.Nodes[kg.KindAction], lastActions, "node count went down")
		lastActions = stats.Nodes[kg.KindAction]
	}

	h, err := st.History(ctx, a1)
	if assert.NoError(t, err) {
		assert.Len(t, h, 6)
	}
	return lastActions, lastUnder
}
