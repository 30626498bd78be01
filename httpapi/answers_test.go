package httpapi_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/auth"
	"marrakechgraph/storetest"
)

// answer is one raw answer of /query.
type answer struct {
	status int
	header http.Header
	body   string
}

// ask sends a GraphQL request with the headers given (name, value, …).
func ask(t *testing.T, srv *httptest.Server, method, query string, vars map[string]any, header ...string) answer {
	t.Helper()
	if method == http.MethodGet {
		v := url.Values{"query": {query}}
		if vars != nil {
			b, _ := json.Marshal(vars)
			v.Set("variables", string(b))
		}
		return askGET(t, srv, v, header...)
	}
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/query", strings.NewReader(string(b)))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	return send(t, req, header...)
}

// askGET sends a GraphQL request by GET with the parameters given.
func askGET(t *testing.T, srv *httptest.Server, params url.Values, header ...string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/query?"+params.Encode(), nil)
	require.NoError(t, err)
	return send(t, req, header...)
}

func send(t *testing.T, req *http.Request, header ...string) answer {
	t.Helper()
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return answer{status: res.StatusCode, header: res.Header, body: string(b)}
}

func bearer(token string) []string {
	if token == "" {
		return nil
	}
	return []string{"Authorization", "Bearer " + token}
}

// cacheHits reads the answer cache's hit counter from /metrics.
func cacheHits(t *testing.T, srv *httptest.Server, adminToken string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	m := regexp.MustCompile(`(?m)^marrakechgraph_answer_cache_hits_total (\d+)`).FindStringSubmatch(string(b))
	require.NotNil(t, m, "the metrics have the answer cache's hits")
	n, err := strconv.Atoi(m[1])
	require.NoError(t, err)
	return n
}

const kenyaCSV = "region,country,institution,acronym,status,year\nAfrica,KE,Kenya National Commission on Human Rights,KNCHR,%s,%s\n"

func importKenya(t *testing.T, srv *httptest.Server, token, status, year string) {
	t.Helper()
	r := call(t, srv, token, `mutation($csv: String!) { importNHRIs(csv: $csv, source: "test chart", asOf: "2026-06-30") { applied errors { row message } } }`,
		map[string]any{"csv": strings.Replace(strings.Replace(kenyaCSV, "%s", status, 1), "%s", year, 1)})
	require.Empty(t, r.Errors)
	require.Contains(t, string(r.Data["importNHRIs"]), `"applied":true`)
}

// TestCachedAnswersAreNeverStale: an answer kept by one instance of the API
// is not served once the graph has changed, whether the change went
// through that instance or another one (on Neo4j: another process's
// driver on the same database), and the new value is read at once.
func TestCachedAnswersAreNeverStale(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		first, ps := newServerOn(t, backend)
		tokens := roleTokens(t, ps.Store)
		// The other instance: on Neo4j a second driver on the database; the
		// embedded store serves one process, so there a second API over it.
		var other *httptest.Server
		if backend.Another != nil {
			other, _ = serve(t, backend.Another(t))
		} else {
			other, _ = serve(t, ps.Store)
		}
		const q = `query Kenya { nhris(first: 5, filter: {country: "KE"}) { edges { node { acronym accreditationStatus } } } }`
		importKenya(t, first, tokens[auth.RoleEditor], "A", "2019")

		a1 := ask(t, first, http.MethodPost, q, nil)
		require.Equal(t, http.StatusOK, a1.status, a1.body)
		assert.Contains(t, a1.body, `"accreditationStatus":"A"`)
		hits := cacheHits(t, first, tokens[auth.RoleAdmin])
		a2 := ask(t, first, http.MethodPost, "# the same query\n"+strings.ReplaceAll(q, " ", "  "), nil)
		assert.Equal(t, a1.body, a2.body)
		assert.Equal(t, hits+1, cacheHits(t, first, tokens[auth.RoleAdmin]), "the second ask is served from the cache, white space and comments aside")
		require.NotEmpty(t, a1.header.Get("ETag"))
		assert.Equal(t, a1.header.Get("ETag"), a2.header.Get("ETag"))

		// A change through the same instance.
		importKenya(t, first, tokens[auth.RoleEditor], "B", "2024")
		a3 := ask(t, first, http.MethodPost, q, nil)
		assert.Contains(t, a3.body, `"accreditationStatus":"B"`, "read at once after a write through this instance")
		assert.NotEqual(t, a1.header.Get("ETag"), a3.header.Get("ETag"))

		// A change through another instance.
		ask(t, first, http.MethodPost, q, nil) // kept again
		importKenya(t, other, tokens[auth.RoleEditor], "A", "2025")
		a4 := ask(t, first, http.MethodPost, q, nil, "If-None-Match", a3.header.Get("ETag"))
		assert.Equal(t, http.StatusOK, a4.status, "the old tag no longer matches")
		assert.Contains(t, a4.body, `"accreditationStatus":"A"`, "read at once after a write through another instance")
	})
}

// dataOf returns the "data" of an answer.
func dataOf(t *testing.T, a answer) string {
	t.Helper()
	var r struct{ Data json.RawMessage }
	require.NoError(t, json.Unmarshal([]byte(a.body), &r), a.body)
	return string(r.Data)
}

// TestCachedAnswersKeepRolesApart: an answer kept for one role is never
// served to another, and answers that depend on more than the graph and
// the role (the viewer, the threat log) are never kept.
func TestCachedAnswersKeepRolesApart(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		srv, ps := newServerOn(t, backend)
		tokens := roleTokens(t, ps.Store)
		incident := reportOne(t, srv, tokens[auth.RoleHeadOffice], "Staff followed after a hearing.")
		q := `query($id: ID!) { node(id: $id) { id } }`
		vars := map[string]any{"id": incident}

		// A public caller gets null, and that answer is kept for the public.
		for i := 0; i < 2; i++ {
			public := ask(t, srv, http.MethodPost, q, vars)
			require.Equal(t, http.StatusOK, public.status, public.body)
			assert.JSONEq(t, `{"node":null}`, dataOf(t, public), "ask %d", i)
			assert.NotEmpty(t, public.header.Get("ETag"), "a public answer is kept")
			// Head Office, asking the very same, gets the incident: never the
			// public's answer, and its own is never kept (an incident).
			office := ask(t, srv, http.MethodPost, q, vars, bearer(tokens[auth.RoleHeadOffice])...)
			assert.JSONEq(t, `{"node":{"id":"`+incident+`"}}`, dataOf(t, office), "ask %d", i)
			assert.Empty(t, office.header.Get("ETag"))
			// A role that may not read incidents has its own entry, also null.
			analyst := ask(t, srv, http.MethodPost, q, vars, bearer(tokens[auth.RoleAnalyst])...)
			assert.JSONEq(t, `{"node":null}`, dataOf(t, analyst), "ask %d", i)
		}

		// Two keys of one role: each sees itself.
		keys := &auth.Keys{Store: ps.Store}
		_, one, err := keys.Create(t.Context(), auth.RoleAnalyst, "analyst one", "test")
		require.NoError(t, err)
		_, two, err := keys.Create(t.Context(), auth.RoleAnalyst, "analyst two", "test")
		require.NoError(t, err)
		for _, k := range []struct{ token, name string }{{one, "analyst one"}, {two, "analyst two"}, {one, "analyst one"}} {
			v := ask(t, srv, http.MethodPost, `{ viewer { name } }`, nil, bearer(k.token)...)
			assert.Contains(t, v.body, k.name)
			assert.Empty(t, v.header.Get("ETag"), "the viewer is never kept")
		}

		// The threat log: never kept, and no tag.
		for i := 0; i < 2; i++ {
			inc := ask(t, srv, http.MethodPost, `{ threatIncidents(first: 5) { totalCount } }`, nil, bearer(tokens[auth.RoleHeadOffice])...)
			assert.Contains(t, inc.body, `"totalCount":1`)
			assert.Empty(t, inc.header.Get("ETag"))
			assert.Equal(t, "no-store", inc.header.Get("Cache-Control"))
		}
		// An incident behind the Node interface is never kept either.
		n := ask(t, srv, http.MethodPost, `{ search(text: "hearing") { id } }`, nil, bearer(tokens[auth.RoleHeadOffice])...)
		assert.Empty(t, n.header.Get("ETag"), "a search by a caller who may read incidents is never kept")
	})
}

// TestConditionalRequests: a kept answer carries an ETag; a request that
// names it gets 304 with no body, by GET and by POST; a persisted query
// asked by GET without a key may be kept by browsers and CDNs, and every
// other answer stays no-store.
func TestConditionalRequests(t *testing.T) {
	srv, ps := newServer(t)
	tokens := roleTokens(t, ps.Store)
	const q = `{ commitments { id name } }`
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		a := ask(t, srv, method, q, nil)
		require.Equal(t, http.StatusOK, a.status, a.body)
		tag := a.header.Get("ETag")
		require.Regexp(t, `^"[0-9a-f]{24}"$`, tag, method)
		assert.Equal(t, "no-store", a.header.Get("Cache-Control"), "%s with the document: not public", method)
		nm := ask(t, srv, method, q, nil, "If-None-Match", `"other", `+tag)
		assert.Equal(t, http.StatusNotModified, nm.status, method)
		assert.Empty(t, nm.body, method)
		assert.Equal(t, tag, nm.header.Get("ETag"), method)
		miss := ask(t, srv, method, q, nil, "If-None-Match", `"other"`)
		assert.Equal(t, http.StatusOK, miss.status, method)
		assert.Equal(t, a.body, miss.body, method)
	}

	// A persisted query by hash.
	sum := sha256.Sum256([]byte(q))
	ext := `{"persistedQuery":{"version":1,"sha256Hash":"` + hex.EncodeToString(sum[:]) + `"}}`
	get := func(withQuery bool, header ...string) answer {
		v := url.Values{"extensions": {ext}}
		if withQuery {
			v.Set("query", q)
		}
		return askGET(t, srv, v, header...)
	}
	require.Equal(t, http.StatusOK, get(true).status, "the query is registered")
	for i := 0; i < 2; i++ {
		a := get(false)
		require.Equal(t, http.StatusOK, a.status, a.body)
		assert.Contains(t, a.body, "commitment:")
		assert.Equal(t, "public, max-age=60", a.header.Get("Cache-Control"), "ask %d", i)
		assert.NotEmpty(t, a.header.Get("ETag"))
	}
	keyed := get(true, bearer(tokens[auth.RoleAnalyst])...)
	require.Equal(t, http.StatusOK, keyed.status, keyed.body)
	keyed = get(false, bearer(tokens[auth.RoleAnalyst])...)
	assert.Equal(t, "no-store", keyed.header.Get("Cache-Control"), "an answer to a key is not public")

	// Mutations are never kept.
	m := ask(t, srv, http.MethodPost, `mutation { createAPIKey(name: "once", role: ANALYST) { key { id } } }`, nil, bearer(tokens[auth.RoleAdmin])...)
	assert.Empty(t, m.header.Get("ETag"))
}

// TestCachedAnswersFollowConcurrentWrites: while readers ask the same query
// over and over (so that it is served from the cache), a writer changes
// the answer again and again; a read that starts after a write has returned
// never shows what was there before it.
func TestCachedAnswersFollowConcurrentWrites(t *testing.T) {
	srv, ps := newServer(t)
	tokens := roleTokens(t, ps.Store)
	const q = `{ nhris(first: 5, filter: {country: "KE"}) { edges { node { accreditationYear } } } }`
	importKenya(t, srv, tokens[auth.RoleEditor], "A", "2001")
	yearOf := func(a answer) int {
		var r struct {
			Data struct {
				Nhris struct {
					Edges []struct {
						Node struct{ AccreditationYear int }
					}
				}
			}
		}
		require.NoError(t, json.Unmarshal([]byte(a.body), &r), a.body)
		require.Len(t, r.Data.Nhris.Edges, 1, a.body)
		return r.Data.Nhris.Edges[0].Node.AccreditationYear
	}
	var written atomic.Int64
	written.Store(2001)
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				floor := written.Load()
				a := ask(t, srv, http.MethodPost, q, nil)
				if got := yearOf(a); int64(got) < floor {
					t.Errorf("read %d after %d was written", got, floor)
					return
				}
			}
		}()
	}
	for year := 2002; year <= 2016; year++ {
		importKenya(t, srv, tokens[auth.RoleEditor], "A", strconv.Itoa(year))
		written.Store(int64(year))
		time.Sleep(5 * time.Millisecond) // let the readers keep it again
	}
	close(done)
	wg.Wait()
	assert.Equal(t, 2016, yearOf(ask(t, srv, http.MethodPost, q, nil)))
}
