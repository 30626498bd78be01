package httpapi_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"marrakechgraph/apitest"
	"marrakechgraph/embedded/embeddedtest"
	"marrakechgraph/httpapi"
	"marrakechgraph/resolvers"
)

// benchmarkQuery measures one GraphQL operation through the whole HTTP
// handler (transport, query cache, loaders, embedded store), with the
// answer cache off (every request runs the operation: the cold path) and
// warm (every request after the first is served from it).
func benchmarkQuery(b *testing.B, query string) {
	s := embeddedtest.Seeded(b)
	body := `{"query":` + jsonString(query) + `}`
	for _, mode := range []struct {
		name  string
		bytes int64
		wait  time.Duration
	}{{"cache=off", -1, resolvers.DefaultLoaderWait}, {"cache=off,at-once", -1, resolvers.ReadAtOnce}, {"cache=warm", 0, resolvers.DefaultLoaderWait}} {
		b.Run(mode.name, func(b *testing.B) {
			h := httpapi.New(apitest.OptionsWithLoaderWait(s, httpapi.Options{Logger: slog.New(slog.DiscardHandler), ResponseCacheBytes: mode.bytes}, mode.wait))
			serveBench(b, h, body)
		})
	}
}

func serveBench(b *testing.B, h http.Handler, body string) {
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `"errors"`) {
				b.Fatalf("status %d: %s", rec.Code, rec.Body.String())
			}
		}
	})
}

func jsonString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`)
	return `"` + r.Replace(s) + `"`
}

func BenchmarkTrivialQuery(b *testing.B) { benchmarkQuery(b, `{ objectives { id } }`) }

func BenchmarkCommitmentChannels(b *testing.B) {
	benchmarkQuery(b, `{ commitments { id name pillar supportChannels { channel { id name acronym } via { id name } } } }`)
}

func BenchmarkActionsPage(b *testing.B) {
	benchmarkQuery(b, `{ actions(first: 20, filter: {objective: "objective:1"}) { totalCount edges { cursor node { id name partners { id name } } } pageInfo { hasNextPage endCursor } } }`)
}

func BenchmarkSearch(b *testing.B) {
	benchmarkQuery(b, `{ search(text: "defenders", first: 10) { id } }`)
}

// BenchmarkActivationPlan drafts the plan Head Office asks for when an NHRI
// is threatened: every channel assessed, ranked, explained and cited.
func BenchmarkActivationPlan(b *testing.B) {
	benchmarkQuery(b, `{ activationPlan(situation: {nhri: "nhri:de-german-institute-for-human-rights", threats: ["threat-type:arbitrary-arrest-detention"], urgent: true, reprisalForUNCooperation: true}) {
		recommendations { rank score channel { id name } reasons howToActivate requiresConsent citations { document section quote } } notApplicable { channel { id } reason } } }`)
}
