package httpapi_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/apitest"
	"marrakechgraph/auth"
	"marrakechgraph/cost"
	"marrakechgraph/embedded/embeddedtest"
	"marrakechgraph/httpapi"
	"marrakechgraph/kg"
	"marrakechgraph/storetest"
)

// pingStore lets a test make the store unreachable.
type pingStore struct {
	kg.Store
	down bool
}

func (p *pingStore) Ping(ctx context.Context) error {
	if p.down {
		return errors.New("connection refused")
	}
	return p.Store.Ping(ctx)
}

// newServer serves the seeded embedded store.
func newServer(t *testing.T, origins ...string) (*httptest.Server, *pingStore) {
	t.Helper()
	return serve(t, embeddedtest.Seeded(t), origins...)
}

// newServerOn serves a fresh seeded store of the backend, for a test that
// writes.
func newServerOn(t *testing.T, b storetest.Backend, origins ...string) (*httptest.Server, *pingStore) {
	t.Helper()
	return serve(t, b.Seeded(t), origins...)
}

// readOnlyServerOn serves the backend's seeded store shared by read-only
// tests (storetest.Backend.ReadOnlySeeded).
func readOnlyServerOn(t *testing.T, b storetest.Backend, origins ...string) (*httptest.Server, *pingStore) {
	t.Helper()
	return serve(t, b.ReadOnlySeeded(t), origins...)
}

// serve runs the API over s on a test server.
func serve(t *testing.T, s kg.Store, origins ...string) (*httptest.Server, *pingStore) {
	t.Helper()
	ps := &pingStore{Store: s}
	root := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "root page") })
	srv := httptest.NewServer(httpapi.New(apitest.Options(ps, httpapi.Options{
		Logger: slog.New(slog.DiscardHandler), CORSOrigins: origins, Root: root, Limits: cost.Limits{MaxCost: 20_000},
	})))
	t.Cleanup(srv.Close)
	return srv, ps
}

type response struct {
	Data   map[string]any
	Errors []struct {
		Message    string
		Extensions map[string]any
	}
}

func post(t *testing.T, srv *httptest.Server, body string, header ...string) (*http.Response, response) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/query", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	var r response
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/") {
		require.NoError(t, json.Unmarshal(b, &r), string(b))
	}
	return res, r
}

func TestHealthAndReadiness(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		srv, ps := readOnlyServerOn(t, backend)
		get := func(path string) int {
			res, err := http.Get(srv.URL + path)
			require.NoError(t, err)
			res.Body.Close()
			return res.StatusCode
		}
		assert.Equal(t, http.StatusOK, get("/healthz"))
		assert.Equal(t, http.StatusOK, get("/readyz"))
		ps.down = true
		assert.Equal(t, http.StatusOK, get("/healthz"), "the process is alive")
		assert.Equal(t, http.StatusServiceUnavailable, get("/readyz"), "but cannot serve")
		ps.down = false
		assert.Equal(t, http.StatusOK, get("/readyz"), "and recovers")
	})
}

func TestQueryOverPOSTAndGET(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		srv, _ := readOnlyServerOn(t, backend)
		res, r := post(t, srv, `{"query":"{ objectives { id } }"}`)
		assert.Equal(t, http.StatusOK, res.StatusCode)
		require.Empty(t, r.Errors)
		assert.Len(t, r.Data["objectives"], 3)

		res2, err := http.Get(srv.URL + "/query?query=" + url.QueryEscape("{ commitments { id } }"))
		require.NoError(t, err)
		defer res2.Body.Close()
		assert.Equal(t, "no-store", res2.Header.Get("Cache-Control"), "answers stay out of caches")
		var r2 response
		require.NoError(t, json.NewDecoder(res2.Body).Decode(&r2))
		assert.Len(t, r2.Data["commitments"], 7)
	})
}

func TestCORS(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		srv, _ := readOnlyServerOn(t, backend, "https://dashboard.example.org")
		preflight := func(origin string) string {
			req, _ := http.NewRequest(http.MethodOptions, srv.URL+"/query", nil)
			req.Header.Set("Origin", origin)
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "content-type")
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			res.Body.Close()
			return res.Header.Get("Access-Control-Allow-Origin")
		}
		assert.Equal(t, "https://dashboard.example.org", preflight("https://dashboard.example.org"))
		assert.Empty(t, preflight("https://elsewhere.example.com"))

		res, _ := post(t, srv, `{"query":"{ objectives { id } }"}`, "Origin", "https://dashboard.example.org")
		assert.Equal(t, "https://dashboard.example.org", res.Header.Get("Access-Control-Allow-Origin"))
	})
}

func TestAutomaticPersistedQueries(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		srv, _ := readOnlyServerOn(t, backend)
		q := "{ riskGroups { id } }"
		sum := sha256.Sum256([]byte(q))
		ext := `"extensions":{"persistedQuery":{"version":1,"sha256Hash":"` + hex.EncodeToString(sum[:]) + `"}}`

		_, r := post(t, srv, `{`+ext+`}`)
		require.NotEmpty(t, r.Errors)
		assert.Equal(t, "PersistedQueryNotFound", r.Errors[0].Message)

		_, r = post(t, srv, `{"query":"`+q+`",`+ext+`}`)
		require.Empty(t, r.Errors)

		_, r = post(t, srv, `{`+ext+`}`)
		require.Empty(t, r.Errors, "the hash alone now runs the stored query")
		assert.NotEmpty(t, r.Data["riskGroups"])
	})
}

func TestLimits(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		srv, _ := readOnlyServerOn(t, backend)

		t.Run("complexity", func(t *testing.T) {
			var b strings.Builder
			b.WriteString(`{"query":"{ `)
			for i := 0; i < 60; i++ {
				b.WriteString("a")
				b.WriteString(strings.Repeat("x", i%5+1))
				b.WriteString(": objectives { id name actions { id } } ")
			}
			b.WriteString(`}"}`)
			_, r := post(t, srv, b.String())
			require.NotEmpty(t, r.Errors)
			assert.Contains(t, r.Errors[0].Message, "complexity")
			assert.Equal(t, "COMPLEXITY_LIMIT_EXCEEDED", r.Errors[0].Extensions["code"])
		})

		t.Run("body size", func(t *testing.T) {
			big := `{"query":"{ objectives { id } }","variables":{"pad":"` + strings.Repeat("x", 2<<20) + `"}}`
			res, _ := post(t, srv, big)
			assert.GreaterOrEqual(t, res.StatusCode, 400)
			assert.Less(t, res.StatusCode, 500)
		})

		t.Run("malformed JSON", func(t *testing.T) {
			res, r := post(t, srv, `{"query": `)
			assert.Equal(t, http.StatusBadRequest, res.StatusCode)
			require.NotEmpty(t, r.Errors)
		})

		t.Run("syntax error, application/json", func(t *testing.T) {
			res, r := post(t, srv, `{"query":"{ objectives { id "}`, "Accept", "application/json")
			assert.Equal(t, http.StatusOK, res.StatusCode, "application/json answers 200 with errors")
			require.NotEmpty(t, r.Errors)
			assert.Equal(t, "GRAPHQL_PARSE_FAILED", r.Errors[0].Extensions["code"])
		})

		t.Run("syntax error, application/graphql-response+json", func(t *testing.T) {
			res, r := post(t, srv, `{"query":"{ objectives { id "}`, "Accept", "application/graphql-response+json")
			assert.Equal(t, http.StatusBadRequest, res.StatusCode)
			assert.Equal(t, "application/graphql-response+json", res.Header.Get("Content-Type"))
			require.NotEmpty(t, r.Errors)
			assert.Equal(t, "GRAPHQL_PARSE_FAILED", r.Errors[0].Extensions["code"])
			assert.Nil(t, r.Data, "no data entry when nothing ran")
		})
	})
}

func TestRootIsMounted(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		srv, _ := readOnlyServerOn(t, backend)
		res, err := http.Get(srv.URL + "/")
		require.NoError(t, err)
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		assert.Equal(t, "root page", string(b))
	})
}

func TestMetrics(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		srv, ps := newServerOn(t, backend)
		post(t, srv, `{"query":"{ objectives { id } }"}`)
		post(t, srv, `{"query":"{ actions(first: -1) { totalCount } }"}`)

		anon, err := http.Get(srv.URL + "/metrics")
		require.NoError(t, err)
		anon.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, anon.StatusCode, "metrics need a key")
		keys := &auth.Keys{Store: ps.Store}
		get := func(role auth.Role) *http.Response {
			_, token, err := keys.Create(context.Background(), role, "metrics "+string(role), "test")
			require.NoError(t, err)
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/metrics", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			return res
		}
		hq := get(auth.RoleHeadOffice)
		hq.Body.Close()
		assert.Equal(t, http.StatusForbidden, hq.StatusCode, "and the admin role")

		res := get(auth.RoleAdmin)
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		body := string(b)
		assert.Equal(t, http.StatusOK, res.StatusCode)
		assert.Contains(t, body, `marrakechgraph_http_requests_total{code="200",route="/query"} 2`)
		assert.Contains(t, body, `marrakechgraph_http_requests_total{code="401",route="/metrics"} 1`)
		assert.Contains(t, body, `marrakechgraph_graphql_operations_total{type="query"} 2`)
		assert.Contains(t, body, `marrakechgraph_graphql_errors_total{code="BAD_USER_INPUT"} 1`)
		assert.Contains(t, body, "go_goroutines")
		assert.NotContains(t, body, "objectives", "no request content in labels")
	})
}
