package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"marrakechgraph/apitest"
	"marrakechgraph/auth"
	"marrakechgraph/httpapi"
	"marrakechgraph/kg"
	"marrakechgraph/neo4j"
	"marrakechgraph/resolvers"
	"marrakechgraph/storetest"
)

// readmeExample is one GraphQL block of the README.
var readmeExample = regexp.MustCompile("(?s)```graphql\n(.*?)```")

// benchOperation is one GraphQL operation to measure, named after its
// operation name or its first root field.
type benchOperation struct{ name, query string }

// activationPlanQuery is the plan Head Office drafts when an NHRI is
// threatened: every channel assessed, ranked, explained and cited.
const activationPlanQuery = `{ activationPlan(situation: {nhri: "nhri:de-german-institute-for-human-rights", threats: ["threat-type:arbitrary-arrest-detention"], urgent: true, reprisalForUNCooperation: true}) {
	recommendations { rank score channel { id name } reasons howToActivate requiresConsent citations { document section quote } } notApplicable { channel { id } reason } } }`

// benchOperations reads every GraphQL example of the README, as
// readme_test.go does, and adds an activation plan for an NHRI.
func benchOperations(b *testing.B) []benchOperation {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		b.Fatal(err)
	}
	var ops []benchOperation
	for _, m := range readmeExample.FindAllSubmatch(readme, -1) {
		q := string(m[1])
		ops = append(ops, benchOperation{name: operationName(q), query: q})
	}
	if len(ops) < 4 {
		b.Fatalf("the README shows %d GraphQL examples; expected at least 4", len(ops))
	}
	return append(ops, benchOperation{name: "activationPlan-nhri", query: activationPlanQuery})
}

var (
	namedOperation = regexp.MustCompile(`^\s*(?:query|mutation|subscription)\s+(\w+)`)
	firstField     = regexp.MustCompile(`^\s*(query|mutation|subscription)?[^{]*\{\s*(\w+)`)
)

// operationName names an operation for a benchmark: its own name, or its
// first root field ("mutation-reportThreat").
func operationName(q string) string {
	if m := namedOperation.FindStringSubmatch(q); m != nil {
		return m[1]
	}
	if m := firstField.FindStringSubmatch(q); m != nil {
		if m[1] == "mutation" {
			return "mutation-" + m[2]
		}
		return m[2]
	}
	return "operation"
}

// roundTripper is a store that counts its round trips to a server.
type roundTripper interface{ RoundTrips() neo4j.RoundTrips }

// BenchmarkBackends runs each README example and an activation plan through
// the whole HTTP handler, one request after another, on every backend with
// the seed loaded, with an admin key, composed as the server composes it
// (the embedded store read at once), with the answer cache off (every
// request runs its operation) and warm (every request after the first is
// answered from it). On Neo4j it also reports the round trips and
// transactions per operation. Writes (the README's reportThreat) add an
// incident per operation and are never cached.
//
//	go test -run '^$' -bench BenchmarkBackends -benchtime 2s ./httpapi
func BenchmarkBackends(b *testing.B) {
	ops := benchOperations(b)
	for _, backend := range storetest.All {
		b.Run(backend.Name, func(b *testing.B) {
			s := backend.Seeded(b)
			_, token, err := (&auth.Keys{Store: s}).Create(context.Background(), auth.RoleAdmin, "bench", "benchmark")
			if err != nil {
				b.Fatal(err)
			}
			wait := resolvers.DefaultLoaderWait
			if backend.Name == storetest.Embedded.Name {
				wait = resolvers.ReadAtOnce
			}
			for _, cache := range []struct {
				name  string
				bytes int64
			}{{"cache=off", -1}, {"cache=warm", 0}} {
				h := httpapi.New(apitest.OptionsWithLoaderWait(s, httpapi.Options{Logger: slog.New(slog.DiscardHandler), ResponseCacheBytes: cache.bytes}, wait))
				b.Run(cache.name, func(b *testing.B) { benchEach(b, backend.Name, s, h, ops, token) })
			}
		})
	}
}

// benchEach measures each operation through h, one request after another.
func benchEach(b *testing.B, backend string, s kg.Store, h http.Handler, ops []benchOperation, token string) {
	for _, op := range ops {
		body, err := json.Marshal(map[string]string{"query": op.query})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(op.name, func(b *testing.B) {
			do := func() {
				req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+token)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `"errors"`) {
					b.Fatalf("%s on %s: status %d: %s", op.name, backend, rec.Code, rec.Body.String())
				}
			}
			do() // warm the connection pool and the query cache
			b.ReportAllocs()
			rt, counts := s.(roundTripper)
			var before neo4j.RoundTrips
			if counts {
				before = rt.RoundTrips()
			}
			b.ResetTimer()
			for range b.N {
				do()
			}
			b.StopTimer()
			if counts {
				d := rt.RoundTrips().Sub(before)
				b.ReportMetric(float64(d.Total())/float64(b.N), "roundtrips/op")
				b.ReportMetric(float64(d.Transactions)/float64(b.N), "tx/op")
			}
		})
	}
}
