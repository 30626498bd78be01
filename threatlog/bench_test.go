package threatlog_test

import (
	"context"
	"testing"

	"marrakechgraph/neo4j"
	"marrakechgraph/storetest"
	"marrakechgraph/threatlog"
)

// BenchmarkUpdateAndRespond measures the threat log's read-modify-writes,
// one after another: an update of an incident's summary, and a response
// recorded for it. On Neo4j it also reports the round trips per operation.
//
//	go test -run '^$' -bench BenchmarkUpdateAndRespond ./threatlog
func BenchmarkUpdateAndRespond(b *testing.B) {
	for _, backend := range storetest.All {
		b.Run(backend.Name, func(b *testing.B) {
			s := backend.Open(b)
			loadFixture(b, s)
			l := &threatlog.Log{Store: s}
			ctx := context.Background()
			inc, err := l.Report(ctx, "desk", threatlog.Report{NHRI: "nhri:ke", Threats: []string{"threat-type:reprisals"},
				Targets: []threatlog.Target{threatlog.TargetInstitution}, Summary: "Reported summary."})
			if err != nil {
				b.Fatal(err)
			}
			summaries := []string{"First summary.", "Second summary."}
			for name, op := range map[string]func(i int) error{
				"update": func(i int) error {
					_, err := l.Update(ctx, "lead", threatlog.Update{ID: inc.ID, Summary: &summaries[i%2]})
					return err
				},
				"respond": func(int) error {
					_, err := l.Respond(ctx, "desk", threatlog.ResponseInput{Incident: inc.ID, Channel: "mechanism:un-asg-reprisals", ActivatedOn: "2026-03-16"})
					return err
				},
			} {
				b.Run(name, func(b *testing.B) {
					b.ReportAllocs()
					rt, counts := s.(interface{ RoundTrips() neo4j.RoundTrips })
					var before neo4j.RoundTrips
					if counts {
						before = rt.RoundTrips()
					}
					b.ResetTimer()
					for i := range b.N {
						if err := op(i); err != nil {
							b.Fatal(err)
						}
					}
					b.StopTimer()
					if counts {
						d := rt.RoundTrips().Sub(before)
						b.ReportMetric(float64(d.Total())/float64(b.N), "roundtrips/op")
					}
				})
			}
		})
	}
}
