package threatlog_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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

	dims := []threatlog.Dimension{threatlog.ByRegion, threatlog.ByThreatType, threatlog.ByYear, threatlog.ByMonth}
	for mask := 0; mask < 16; mask++ {
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
		region, year, threat, month := "", 0, "", ""
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
		out[i] = fmt.Sprintf("%s|%d|%s|%s|%d|%d", region, year, month, threat, r.Count(), r.Reprisals())
	}
	return out
}
