package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/apitest"
	"marrakechgraph/embedded/embeddedtest"
	"marrakechgraph/httpapi"
	"marrakechgraph/kg"
)

// lockedBuffer collects logs written from several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// secret stands for what a request body may hold (a threat report's
// summary); it must never reach the logs.
const secret = "SUMMARY-OF-A-THREAT-7c1f"

// TestClientMistakesAreCodedAndNeverLogged sends every kind of malformed
// request: each answer is a 4xx (or a 200 with errors, as GraphQL over HTTP
// has it) whose every error carries a client code, a short message echoing
// no body, and nosniff; nothing of the body reaches the logs, and nothing
// is logged as an internal error.
func TestClientMistakesAreCodedAndNeverLogged(t *testing.T) {
	logs := &lockedBuffer{}
	srv := httptest.NewServer(httpapi.New(apitest.Options(embeddedtest.Seeded(t), httpapi.Options{Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})))
	defer srv.Close()
	long := strings.Repeat("x", 900_000)
	cases := []struct {
		name, method, contentType, body, query string
		status                                 int
		code                                   string
	}{
		{"malformed JSON", "POST", "application/json", `{"query": "` + secret, "", 400, "BAD_USER_INPUT"},
		{"empty body", "POST", "application/json", ``, "", 400, "BAD_USER_INPUT"},
		{"query not a string", "POST", "application/json", `{"query":5,"x":"` + secret + `"}`, "", 400, "BAD_USER_INPUT"},
		{"variables not an object", "POST", "application/json", `{"query":"{ objectives { id } }","variables":"` + secret + `"}`, "", 400, "BAD_USER_INPUT"},
		{"batch array", "POST", "application/json", `[{"query":"{ objectives { id } }"}]`, "", 400, "BAD_USER_INPUT"},
		{"persisted query hash mismatch", "POST", "application/json", `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}},"query":"{ objectives { id } }"}`, "", 200, "BAD_USER_INPUT"},
		{"wrong-case enum in a list variable", "POST", "application/json", `{"query":"query($c: [MechanismCategory!]) { mechanisms(filter: {category: $c}) { totalCount } }","variables":{"c":["un"]}}`, "", 200, "BAD_USER_INPUT"},
		{"wrong-case enum variable", "POST", "application/json", `{"query":"query($p: Pillar) { commitments(pillar: $p) { id } }","variables":{"p":"promotion"}}`, "", 200, "BAD_USER_INPUT"},
		{"wrong-case enum in a situation's list", "POST", "application/json", `{"query":"query($s: SituationInput!) { activationPlan(situation: $s) { notes } }","variables":{"s":{"country":"GT","targets":["institution"]}}}`, "", 200, "BAD_USER_INPUT"},
		{"wrong-case enum in an input object variable", "POST", "application/json", `{"query":"query($f: MechanismFilter) { mechanisms(filter: $f) { totalCount } }","variables":{"f":{"category":["un"]}}}`, "", 200, "BAD_USER_INPUT"},
		{"wrong content type", "POST", "text/plain", `{"query":"{ objectives { id } }"}`, "", 415, "BAD_USER_INPUT"},
		{"unsupported method", "PUT", "application/json", `{"query":"{ objectives { id } }"}`, "", 405, "BAD_USER_INPUT"},
		{"GET without a query", "GET", "", "", "", 400, "BAD_USER_INPUT"},
		{"mutation over GET", "GET", "", "", "query=mutation%20%7B%20__typename%20%7D", 406, "BAD_USER_INPUT"},
		{"undecodable GET variables", "GET", "", "", "query=%7B__typename%7D&variables=%7Bbad", 400, "BAD_USER_INPUT"},
		{"huge field name", "POST", "application/json", `{"query":"{ ` + long + ` }"}`, "", 200, "GRAPHQL_PARSE_FAILED"},
		{"two unnamed operations", "POST", "application/json", `{"query":"{ __typename } { __typename }"}`, "", 200, "GRAPHQL_VALIDATION_FAILED"},
		{"two named operations, none chosen", "POST", "application/json", `{"query":"query A { __typename } query B { __typename }"}`, "", 200, ""},
		{"unknown operation name", "POST", "application/json", `{"query":"query A { __typename }","operationName":"` + secret + `"}`, "", 200, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, err := http.NewRequest(c.method, srv.URL+"/query?"+c.query, strings.NewReader(c.body))
			require.NoError(t, err)
			if c.contentType != "" {
				req.Header.Set("Content-Type", c.contentType)
			}
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			body, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			if c.status != 0 {
				assert.Equal(t, c.status, res.StatusCode)
			}
			assert.Less(t, res.StatusCode, 500)
			assert.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
			assert.True(t, strings.HasPrefix(res.Header.Get("Content-Type"), "application/"), "JSON, not %q", res.Header.Get("Content-Type"))
			var r struct {
				Errors []struct {
					Message    string
					Extensions map[string]any
				}
			}
			require.NoError(t, json.Unmarshal(body, &r), "%.300s", body)
			require.NotEmpty(t, r.Errors)
			for _, e := range r.Errors {
				code, _ := e.Extensions["code"].(string)
				assert.NotEmpty(t, code, "every error has a code: %q", e.Message)
				assert.NotEqual(t, string(kg.CodeInternal), code, e.Message)
				if c.code != "" {
					assert.Equal(t, c.code, code, e.Message)
				}
				assert.LessOrEqual(t, len(e.Message), 600, "short message")
				assert.NotContains(t, e.Message, secret, "the message echoes no body")
				assert.NotContains(t, e.Message, "operation  not found")
			}
			assert.Less(t, len(body), 4000, "the answer echoes nothing large")
		})
	}
	out := logs.String()
	assert.NotContains(t, out, secret, "no body in the logs")
	assert.NotContains(t, out, `"level":"ERROR"`, "client mistakes are not logged as errors")
}

// slowStore answers neighbour reads only when their client has gone.
type slowStore struct{ kg.Store }

func (s slowStore) Neighbors(ctx context.Context, ids []string, q kg.NeighborQuery) ([][]kg.Neighbor, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestCancelledRequestsAreNotBugs: a client that goes away leaves no
// internal error behind.
func TestCancelledRequestsAreNotBugs(t *testing.T) {
	logs := &lockedBuffer{}
	srv := httptest.NewServer(httpapi.New(apitest.Options(slowStore{embeddedtest.Seeded(t)}, httpapi.Options{Logger: slog.New(slog.NewJSONHandler(logs, nil))})))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/query", strings.NewReader(`{"query":"{ objectives { id actions { id } } }"}`))
	req.Header.Set("Content-Type", "application/json")
	_, err := http.DefaultClient.Do(req)
	require.Error(t, err, "the client gave up")
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), `"msg":"request"`) }, 5*time.Second, 10*time.Millisecond)
	assert.NotContains(t, logs.String(), "internal error")
	assert.NotContains(t, logs.String(), "bug in fetch function")
}
