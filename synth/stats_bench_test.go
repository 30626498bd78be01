package synth_test

import (
	"context"
	"testing"

	"marrakechgraph/embedded/embeddedtest"
	"marrakechgraph/synth"
	"marrakechgraph/threatlog"
)

// BenchmarkThreatStats counts every incident of a synthetic graph ×20
// (20,000 incidents) by year, as threatStats(groupBy: [YEAR]) does.
//
//	go test -run '^$' -bench ThreatStats -benchtime 20x ./synth
func BenchmarkThreatStats(b *testing.B) {
	const scale = 20
	s := embeddedtest.Seeded(b)
	if _, err := synth.Apply(context.Background(), s, scale); err != nil {
		b.Fatal(err)
	}
	log := &threatlog.Log{Store: s}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := log.Stats(context.Background(), []threatlog.Dimension{threatlog.ByYear}); err != nil {
			b.Fatal(err)
		}
	}
}
