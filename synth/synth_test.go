package synth_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/embedded"
	"marrakechgraph/embedded/embeddedtest"
	"marrakechgraph/kg"
	"marrakechgraph/seed"
	"marrakechgraph/storetest"
	"marrakechgraph/synth"
	"marrakechgraph/threatlog"
)

func loadSeed(t *testing.T) *seed.Dataset {
	t.Helper()
	ds, err := seed.Load()
	require.NoError(t, err)
	return ds
}

// seedShape counts the seed's nodes by kind, and the edges by type that
// leave its NHRIs and actions (those a copy repeats) and all of them.
func seedShape(ds *seed.Dataset) (nodes map[kg.Kind]int, copiedEdges, edges map[kg.RelType]int) {
	nodes, copiedEdges, edges = map[kg.Kind]int{}, map[kg.RelType]int{}, map[kg.RelType]int{}
	kind := map[string]kg.Kind{}
	for _, n := range ds.Nodes {
		nodes[n.Kind]++
		kind[n.ID] = n.Kind
	}
	for _, e := range ds.Edges {
		edges[e.Type]++
		if k := kind[e.From]; k == kg.KindNHRI || k == kg.KindAction {
			copiedEdges[e.Type]++
		}
	}
	return nodes, copiedEdges, edges
}

// collect walks the change sets of scale n.
func collect(t *testing.T, ds *seed.Dataset, n int) []kg.ChangeSet {
	t.Helper()
	sets, err := synth.ChangeSets(ds, n)
	require.NoError(t, err)
	var out []kg.ChangeSet
	for cs := range sets {
		out = append(out, cs)
	}
	return out
}

func TestScaleOutOfRangeIsRefused(t *testing.T) {
	ds := loadSeed(t)
	for _, n := range []int{-1, 0, synth.MaxScale + 1} {
		_, err := synth.ChangeSets(ds, n)
		assert.Equal(t, kg.CodeBadUserInput, kg.ErrorCode(err), "scale %d", n)
	}
	assert.NoError(t, synth.CheckScale(1))
	assert.NoError(t, synth.CheckScale(synth.MaxScale))
}

func TestSeedIDThatLooksLikeACopyIsRefused(t *testing.T) {
	ds := loadSeed(t)
	for i, n := range ds.Nodes {
		if n.Kind == kg.KindNHRI {
			ds.Nodes[i].ID = n.ID + "-s2"
			break
		}
	}
	_, err := synth.ChangeSets(ds, 3)
	assert.ErrorContains(t, err, "-s2")
}

func TestChangeSetsAreBoundedAndMarked(t *testing.T) {
	ds := loadSeed(t)
	sets := collect(t, ds, 3)
	require.NotEmpty(t, sets)
	for i, cs := range sets {
		assert.LessOrEqual(t, len(cs.PutNodes)+len(cs.PutEdges), synth.MaxChangeSetSize, "change set %d", i)
		assert.Equal(t, synth.Actor, cs.Actor)
		assert.Regexp(t, `^synthetic scale ×3, generator [0-9a-f]{16}$`, cs.Reason)
		for _, n := range cs.PutNodes {
			if n.Kind.Sensitive() {
				ki, _ := n.Kind.Info()
				assert.True(t, strings.HasPrefix(n.ID, ki.IDPrefix+":synthetic-"), n.ID)
				continue
			}
			assert.Regexp(t, `-s[12]$`, n.ID)
			assert.Contains(t, n.Name, "synthetic copy")
			require.NotEmpty(t, n.Citations, n.ID)
			for _, c := range n.Citations {
				assert.True(t, strings.HasPrefix(c.Document, synth.Document), "%s: %s", n.ID, c.Document)
			}
		}
		for _, e := range cs.PutEdges {
			for _, c := range e.Citations {
				assert.True(t, strings.HasPrefix(c.Document, synth.Document), "%s: %s", e.Key(), c.Document)
			}
		}
	}
}

func TestEdgesBetweenCopiedNodesJoinTheirCopies(t *testing.T) {
	ds := loadSeed(t)
	cit := []kg.Citation{{Document: "test", Section: "test", Quote: "test"}}
	ds.Edges = append(ds.Edges, kg.Edge{Type: kg.RelEngages, From: "action:o2-document-threats", To: "nhri:gt", Citations: cit})
	found := false
	for _, cs := range collect(t, ds, 3) {
		for _, e := range cs.PutEdges {
			if e.Type == kg.RelEngages && e.From == "action:o2-document-threats-s2" {
				assert.Equal(t, "nhri:gt-s2", e.To)
				found = true
			}
		}
	}
	assert.True(t, found)
}

func TestResultCountsTheChangeSets(t *testing.T) {
	ds := loadSeed(t)
	s := embeddedtest.Seeded(t)
	res, err := synth.ApplyDataset(context.Background(), s, ds, 2)
	require.NoError(t, err)
	want := synth.Result{Scale: 2, ChangeSets: res.ChangeSets, Created: res.Created}
	for _, cs := range collect(t, ds, 2) {
		want.Nodes += len(cs.PutNodes)
		want.Edges += len(cs.PutEdges)
		for _, n := range cs.PutNodes {
			switch n.Kind {
			case kg.KindNHRI:
				want.NHRIs++
			case kg.KindAction:
				want.Actions++
			case kg.KindThreatIncident:
				want.Incidents++
			case kg.KindResponse:
				want.Responses++
			}
		}
	}
	assert.Equal(t, want, *res)
	assert.Equal(t, res.Nodes+res.Edges, res.Created)
	assert.Positive(t, res.ChangeSets)
}

func TestSameScaleSameGraph(t *testing.T) {
	ds := loadSeed(t)
	a, b := collect(t, ds, 2), collect(t, ds, 2)
	assert.Equal(t, a, b, "two runs of ×2 give the same change sets")

	// ×3 holds ×2: the same copies and incidents, and more.
	nodes := map[string]kg.Node{}
	edges := map[kg.EdgeKey]kg.Edge{}
	for _, cs := range collect(t, ds, 3) {
		for _, n := range cs.PutNodes {
			nodes[n.ID] = n
		}
		for _, e := range cs.PutEdges {
			edges[e.Key()] = e
		}
	}
	count := 0
	for _, cs := range a {
		for _, n := range cs.PutNodes {
			count++
			got, ok := nodes[n.ID]
			if assert.True(t, ok, "×3 has %s", n.ID) {
				assert.True(t, got.Equal(&n), "%s is the same in ×2 and ×3", n.ID)
			}
		}
		for _, e := range cs.PutEdges {
			got, ok := edges[e.Key()]
			assert.True(t, ok && got.Equal(e), "×3 has %s as ×2 does", e.Key())
		}
	}
	assert.Greater(t, len(nodes), count)
}

// stats returns the store's counts.
func stats(t *testing.T, s kg.Store) *kg.Stats {
	t.Helper()
	st, err := s.Stats(context.Background())
	require.NoError(t, err)
	return st
}

// checkGrown checks a seeded store grown ×n: counts by kind and type, and
// the threat log's statistics over the synthetic incidents.
func checkGrown(t *testing.T, ds *seed.Dataset, s kg.Store, n int, res *synth.Result) {
	t.Helper()
	ctx := context.Background()
	nodes, copiedEdges, edges := seedShape(ds)
	st := stats(t, s)
	for k, c := range nodes {
		want := c
		if k == kg.KindNHRI || k == kg.KindAction {
			want = c * n
		}
		assert.Equal(t, want, st.Nodes[k], "%s nodes at ×%d", k, n)
	}
	assert.Equal(t, synth.IncidentsPerBlock*n, st.Nodes[kg.KindThreatIncident], "incidents")
	assert.Equal(t, res.Incidents, st.Nodes[kg.KindThreatIncident])
	assert.Equal(t, res.Responses, st.Nodes[kg.KindResponse])
	assert.InDelta(t, synth.IncidentsPerBlock*n/2, st.Nodes[kg.KindResponse], float64(synth.IncidentsPerBlock*n)/10, "about one response for two incidents")
	for typ, c := range edges {
		assert.Equal(t, c+(n-1)*copiedEdges[typ], st.Edges[typ], "%s edges at ×%d", typ, n)
	}
	assert.Equal(t, st.Nodes[kg.KindThreatIncident], st.Edges[kg.RelConcerns], "every incident concerns one NHRI")
	assert.Equal(t, st.Nodes[kg.KindResponse], st.Edges[kg.RelRespondsTo])
	assert.Equal(t, st.Nodes[kg.KindResponse], st.Edges[kg.RelActivated])

	// The threat log groups them.
	log := &threatlog.Log{Store: s}
	rows, err := log.Stats(ctx, []threatlog.Dimension{threatlog.ByYear})
	require.NoError(t, err)
	total, reprisals := 0, 0
	years := map[int]int{}
	for _, r := range rows {
		require.NotNil(t, r.Year())
		years[*r.Year()] = r.Count()
		total += r.Count()
		reprisals += r.Reprisals()
	}
	assert.Equal(t, synth.IncidentsPerBlock*n, total)
	assert.Len(t, years, 2026-2015+1, "incidents over 2015 to 2026: %v", years)
	for y, c := range years {
		assert.True(t, y >= 2015 && y <= 2026, "year %d", y)
		assert.Greater(t, c, total/50, "incidents of %d: %v", y, years)
	}
	assert.InDelta(t, total/10, reprisals, float64(total)/20, "about one reprisal in ten")

	rows, err = log.Stats(ctx, []threatlog.Dimension{threatlog.ByRegion, threatlog.ByThreatType})
	require.NoError(t, err)
	total = 0
	for _, r := range rows {
		require.NotNil(t, r.Region())
		assert.Contains(t, kg.Regions, string(*r.Region()), "every synthetic NHRI has a region")
		require.NotNil(t, r.ThreatType())
		total += r.Count()
	}
	assert.Greater(t, total, synth.IncidentsPerBlock*n, "some incidents have two threat types")

	// Each copy's NHRIs have their share, listed as the threat log lists them.
	for b := range n {
		id := "nhri:gt"
		if b > 0 {
			id = synth.CopyID(id, b)
		}
		p, err := log.List(ctx, threatlog.Filter{NHRI: id}, 10, "")
		require.NoError(t, err)
		assert.Positive(t, p.TotalCount, "incidents of %s", id)
		for _, inc := range p.Nodes {
			assert.Equal(t, synth.Actor, threatlog.IncidentOf(inc).ReportedBy())
		}
	}
	statuses := map[threatlog.Status]int{}
	for _, st := range []threatlog.Status{threatlog.StatusOpen, threatlog.StatusResponding, threatlog.StatusResolved} {
		p, err := log.List(ctx, threatlog.Filter{Status: st}, 1, "")
		require.NoError(t, err)
		statuses[st] = p.TotalCount
	}
	for st, c := range statuses {
		assert.Greater(t, c, synth.IncidentsPerBlock*n/10, "%s incidents: %v", st, statuses)
	}
}

// allEdges returns every edge of the store, found from the nodes it
// leaves, and checks that its far end exists.
func allEdges(t *testing.T, s kg.Store) map[kg.RelType]int {
	t.Helper()
	ctx := context.Background()
	out := map[kg.RelType]int{}
	for _, ki := range kg.Kinds() {
		nodes, err := kg.FindAll(ctx, s, kg.FindQuery{Kind: ki.Kind, OrderBy: kg.OrderByID})
		require.NoError(t, err)
		ids := make([]string, len(nodes))
		for i, n := range nodes {
			ids[i] = n.ID
		}
		if len(ids) == 0 {
			continue
		}
		nbs, err := s.Neighbors(ctx, ids, kg.NeighborQuery{Direction: kg.Outgoing})
		require.NoError(t, err)
		for i, ns := range nbs {
			for _, nb := range ns {
				require.Equal(t, ids[i], nb.Edge.From)
				if assert.NotNil(t, nb.Node, "%s ends at a node", nb.Edge.Key()) {
					assert.Equal(t, nb.Edge.To, nb.Node.ID)
				}
				out[nb.Edge.Type]++
			}
		}
	}
	return out
}

func TestGrowEmbedded(t *testing.T) {
	ctx := context.Background()
	ds := loadSeed(t)
	dir := t.TempDir()
	s, err := embedded.Open(dir)
	require.NoError(t, err)
	_, err = seed.ApplyDataset(ctx, s, ds)
	require.NoError(t, err)
	before := stats(t, s)

	start := time.Now()
	res, err := synth.ApplyDataset(ctx, s, ds, 3)
	require.NoError(t, err)
	t.Logf("×3 in %v: %+v", time.Since(start), res)
	assert.Equal(t, res.Nodes+res.Edges, res.Created, "everything is new")
	assert.Equal(t, 2*20, res.NHRIs)
	assert.Equal(t, synth.IncidentsPerBlock*3, res.Incidents)
	checkGrown(t, ds, s, 3, res)

	// Every edge's ends exist, as the neighbours and the counts say, and
	// as the store checks when it loads its file again.
	after := stats(t, s)
	assert.Equal(t, after.Edges, allEdges(t, s))
	require.NoError(t, s.Close())
	s, err = embedded.Open(dir)
	require.NoError(t, err)
	defer s.Close()
	assert.Equal(t, after, stats(t, s))

	// Again, a smaller scale, and the seed again: nothing changes.
	last, err := s.LastSeq(ctx)
	require.NoError(t, err)
	again, err := synth.ApplyDataset(ctx, s, ds, 3)
	require.NoError(t, err)
	assert.True(t, again.AlreadyGrown)
	assert.Zero(t, again.ChangeSets)
	assert.Equal(t, res.Nodes, again.Nodes)
	assert.Equal(t, res.Edges, again.Edges)
	smaller, err := synth.ApplyDataset(ctx, s, ds, 2)
	require.NoError(t, err)
	assert.True(t, smaller.AlreadyGrown, "×3 holds ×2")
	seeded, err := seed.ApplyDataset(ctx, s, ds)
	require.NoError(t, err)
	assert.Zero(t, seeded.Created+seeded.Updated+seeded.Deleted, "the seed leaves the synthetic graph alone")
	now, err := s.LastSeq(ctx)
	require.NoError(t, err)
	assert.Equal(t, last, now, "nothing written")
	assert.Equal(t, after, stats(t, s))

	// ×1 adds only incidents, to the seed's NHRIs.
	assert.NotEqual(t, before.Nodes[kg.KindThreatIncident], after.Nodes[kg.KindThreatIncident])
	one := collect(t, ds, 1)
	for _, cs := range one {
		for _, n := range cs.PutNodes {
			assert.True(t, n.Kind.Sensitive(), "×1 puts %s", n.ID)
		}
		for _, e := range cs.PutEdges {
			if e.Type == kg.RelConcerns {
				assert.NotRegexp(t, `-s[0-9]+$`, e.To)
			}
		}
	}
}

// TestGrowingAgainCompletesAndRepairs: a graph partly written (a change
// set failed) is completed; one whose last node someone changed, or grown
// from another seed, is written again.
func TestGrowingAgainCompletesAndRepairs(t *testing.T) {
	ctx := context.Background()
	ds := loadSeed(t)
	s := embeddedtest.Seeded(t)
	sets := collect(t, ds, 2)
	require.Greater(t, len(sets), 2)
	for _, cs := range sets[:2] {
		_, err := s.Apply(ctx, cs)
		require.NoError(t, err)
	}
	res, err := synth.ApplyDataset(ctx, s, ds, 2)
	require.NoError(t, err)
	assert.False(t, res.AlreadyGrown)
	assert.Positive(t, res.Created)
	assert.Positive(t, res.Unchanged)
	assert.Zero(t, res.Updated)
	assert.Equal(t, 2*synth.IncidentsPerBlock, stats(t, s).Nodes[kg.KindThreatIncident])

	// Head Office edits the last incident: growing again puts it back.
	last := synth.IncidentID(2*synth.IncidentsPerBlock - 1)
	log := &threatlog.Log{Store: s}
	summary := "Edited."
	_, err = log.Update(ctx, "someone", threatlog.Update{ID: last, Summary: &summary})
	require.NoError(t, err)
	res, err = synth.ApplyDataset(ctx, s, ds, 2)
	require.NoError(t, err)
	assert.False(t, res.AlreadyGrown)
	assert.Equal(t, 1, res.Updated)
	inc, err := log.Incident(ctx, last)
	require.NoError(t, err)
	assert.NotEqual(t, summary, threatlog.IncidentOf(inc).Summary())
	res, err = synth.ApplyDataset(ctx, s, ds, 2)
	require.NoError(t, err)
	assert.True(t, res.AlreadyGrown)

	// Another seed (a new channel): the graph is made again.
	other := loadSeed(t)
	for _, n := range other.Nodes {
		if n.ID == "mechanism:ohchr" {
			c := *n.Clone()
			c.ID = "mechanism:aaa-new-channel"
			other.Nodes = append(other.Nodes, c)
			break
		}
	}
	_, err = seed.ApplyDataset(ctx, s, other)
	require.NoError(t, err)
	res, err = synth.ApplyDataset(ctx, s, other, 2)
	require.NoError(t, err)
	assert.False(t, res.AlreadyGrown)
	assert.Positive(t, res.Updated+res.Created)
}

func TestGrowOnEveryBackend(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ds := loadSeed(t)
		s := b.Seeded(t)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		res, err := synth.ApplyDataset(ctx, s, ds, 2)
		require.NoError(t, err)
		checkGrown(t, ds, s, 2, res)
		again, err := synth.ApplyDataset(ctx, s, ds, 2)
		require.NoError(t, err)
		assert.True(t, again.AlreadyGrown, "applying again writes nothing")
	})
}
