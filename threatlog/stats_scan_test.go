package threatlog_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/embedded"
	"marrakechgraph/embedded/embeddedtest"
	"marrakechgraph/kg"
	"marrakechgraph/synth"
	"marrakechgraph/threatlog"
)

// pagedOnly hides the embedded store's walk (kg.KindScanner), so that the
// threat log reads page by page, as on Neo4j.
type pagedOnly struct{ kg.Store }

// TestStatsWalkAndPagesAgree: the statistics read in one walk of the
// embedded store are those read page by page, for every grouping, over
// the synthetic graph's 2,000 incidents.
func TestStatsWalkAndPagesAgree(t *testing.T) {
	s := embeddedtest.Seeded(t)
	_, err := synth.Apply(context.Background(), s, 2)
	require.NoError(t, err)
	walk, pages := &threatlog.Log{Store: s}, &threatlog.Log{Store: pagedOnly{s}}
	_, isScanner := any(s).(kg.KindScanner)
	require.True(t, isScanner, "the embedded store offers the walk")

	dims := []threatlog.Dimension{threatlog.ByRegion, threatlog.ByThreatType, threatlog.ByYear, threatlog.ByMonth, threatlog.ByStatus}
	for mask := 0; mask < 32; mask++ {
		var groupBy []threatlog.Dimension
		for i, d := range dims {
			if mask&(1<<i) != 0 {
				groupBy = append(groupBy, d)
			}
		}
		a, err := walk.Stats(context.Background(), groupBy)
		require.NoError(t, err)
		b, err := pages.Stats(context.Background(), groupBy)
		require.NoError(t, err)
		assert.Equal(t, rowsOf(a), rowsOf(b), "grouped by %v", groupBy)
		total := 0
		for _, r := range a {
			total += r.Count()
		}
		if mask&2 == 0 {
			assert.Equal(t, 2000, total, "grouped by %v: every incident once", groupBy)
		}
	}
}

func rowsOf(rows []*threatlog.StatRow) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		region, year, threat, month, status := "", 0, "", "", ""
		if r.Status() != nil {
			status = string(*r.Status())
		}
		if r.Month() != nil {
			month = *r.Month()
		}
		if r.Region() != nil {
			region = string(*r.Region())
		}
		if r.Year() != nil {
			year = *r.Year()
		}
		if r.ThreatType() != nil {
			threat = r.ThreatType().ID()
		}
		out[i] = fmt.Sprintf("%s|%d|%s|%s|%s|%d|%d", region, year, month, status, threat, r.Count(), r.Reprisals())
	}
	return out
}

// countingScans counts the walks over every incident.
type countingScans struct {
	*embedded.Store
	scans int
}

func (c *countingScans) ScanKind(ctx context.Context, kind kg.Kind, types []kg.RelType, f func(n *kg.Node, targets [][]string) error) error {
	c.scans++
	return c.Store.ScanKind(ctx, kind, types, f)
}

// TestStatsCatchUpFromTheChangeLog: after reports and an update, the
// statistics read again only what changed (no second walk over every
// incident), and they equal a count from scratch for every grouping; with
// more changes than it reads again, it counts from scratch.
func TestStatsCatchUpFromTheChangeLog(t *testing.T) {
	ctx := context.Background()
	s, store, l := countedLog(t)
	dims := []threatlog.Dimension{threatlog.ByRegion, threatlog.ByThreatType, threatlog.ByYear, threatlog.ByMonth, threatlog.ByStatus}
	_, err := l.Stats(ctx, dims)
	require.NoError(t, err)
	require.Equal(t, 1, store.scans)

	nhris, err := kg.FindAll(ctx, s, kg.FindQuery{Kind: kg.KindNHRI, OrderBy: kg.OrderByID})
	require.NoError(t, err)
	threats, err := kg.FindAll(ctx, s, kg.FindQuery{Kind: kg.KindThreatType, OrderBy: kg.OrderByID})
	require.NoError(t, err)
	day := kg.Date("2019-04-05")
	var first string
	for i := range 4 {
		inc, err := l.Report(ctx, "desk", threatlog.Report{NHRI: nhris[i].ID, OccurredOn: &day, Threats: []string{threats[i].ID, threats[i+1].ID},
			Targets: []threatlog.Target{threatlog.TargetInstitution}, ReprisalForUNCooperation: i%2 == 0, Summary: "s"})
		require.NoError(t, err)
		if first == "" {
			first = inc.ID
		}
	}
	moved := kg.Date("2018-01-01")
	_, err = l.Update(ctx, "desk", threatlog.Update{ID: first, OccurredOn: &moved, Threats: []string{threats[5].ID}})
	require.NoError(t, err)

	for mask := 0; mask < 32; mask++ {
		var groupBy []threatlog.Dimension
		for i, d := range dims {
			if mask&(1<<i) != 0 {
				groupBy = append(groupBy, d)
			}
		}
		caught, err := l.Stats(ctx, groupBy)
		require.NoError(t, err)
		fresh, err := (&threatlog.Log{Store: pagedOnly{s}}).Stats(ctx, groupBy)
		require.NoError(t, err)
		assert.Equal(t, rowsOf(fresh), rowsOf(caught), "grouped by %v", groupBy)
	}
	assert.Equal(t, 1, store.scans, "caught up from the change log, without a second walk")

	defer threatlog.SetMaxCatchUp(0)()
	_, err = l.Report(ctx, "desk", threatlog.Report{NHRI: nhris[0].ID, OccurredOn: &day, Threats: []string{threats[0].ID},
		Targets: []threatlog.Target{threatlog.TargetInstitution}, Summary: "s"})
	require.NoError(t, err)
	rows, err := l.Stats(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, 2, store.scans, "too many changes: counted from scratch")
	require.Len(t, rows, 1)
	assert.Equal(t, 1005, rows[0].Count())
}

// TestPrepareReadsTheLogBeforeTheFirstStats: a prepared log answers its
// first statistics, grouped any way, without reading the incidents again,
// and with the counts of a log that was not prepared.
func TestPrepareReadsTheLogBeforeTheFirstStats(t *testing.T) {
	ctx := context.Background()
	s, store, l := countedLog(t)
	n, err := l.Prepare(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1000, n, "the synthetic log at x1 holds 1,000 incidents")
	require.Equal(t, 1, store.scans)
	for _, groupBy := range [][]threatlog.Dimension{{threatlog.ByRegion}, {threatlog.ByYear, threatlog.ByStatus}, nil} {
		rows, err := l.Stats(ctx, groupBy)
		require.NoError(t, err)
		fresh, err := (&threatlog.Log{Store: pagedOnly{s}}).Stats(ctx, groupBy)
		require.NoError(t, err)
		assert.Equal(t, rowsOf(fresh), rowsOf(rows), "grouped by %v", groupBy)
	}
	assert.Equal(t, 1, store.scans, "no second walk after Prepare")
}

// countedLog is a log over the seed and the synthetic graph at ×1 (1,000
// incidents), whose store counts the walks of the incidents.
func countedLog(t *testing.T) (kg.Store, *countingScans, *threatlog.Log) {
	t.Helper()
	s := embeddedtest.Seeded(t)
	_, err := synth.Apply(context.Background(), s, 1)
	require.NoError(t, err)
	store := &countingScans{Store: s}
	return s, store, &threatlog.Log{Store: store}
}
