package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/neo4j"
	"marrakechgraph/neo4j/neo4jtest"
)

// Bounds of the outage test.
const (
	// outageRequestBound is the longest a request may take while the
	// database is stopped. A store call gives up once the driver's retry
	// window (neo4j.MaxRetryTime, 5 s) is over: its back-off starts
	// attempts at about 0, 2 and 6 s (7.2 s at most with its jitter), and
	// an attempt fails at once on a refused connection or within
	// neo4j.AcquisitionTimeout. A request makes at most two calls that can
	// meet the outage in sequence (the key check, then the operation), so
	// it answers within about 15 s; 20 s leaves a margin for a loaded
	// machine, and an answer later than that is a hang.
	outageRequestBound = 20 * time.Second
	// startingRequestBound is the longest a request may take while the
	// database starts and warms up again: Neo4j then accepts Bolt
	// connections but answers queries only once its database is up, and
	// plans each first query slowly on a cold, loaded machine, so a call
	// waits until it answers or its deadline (neo4j.DefaultCallTimeout,
	// 25 s) passes, and a second call of the same request can wait as long.
	// Every answer still comes before the HTTP server's 60 s write timeout
	// would cut the connection.
	startingRequestBound = 2*neo4j.DefaultCallTimeout + 5*time.Second
	// outageReadyBound is how long /readyz may take to answer 503 while
	// the database is down: its own 3 s timeout, with a margin for a
	// loaded machine.
	outageReadyBound = 6 * time.Second
	// outageRecoveryBound is how long after the database accepts Bolt
	// connections again the same API process may take to be ready.
	outageRecoveryBound = 30 * time.Second
	// warmBound is how long after it is ready again the API may take to
	// serve reads and reports again: the database plans its first queries
	// after a restart slowly on a loaded machine.
	warmBound = 2 * time.Minute
	// outageDownFor is how long the load goes on against a stopped database.
	outageDownFor = 5 * time.Second
)

// outage phases, in order.
const (
	phaseUp         = "up"         // before the database stops
	phaseDown       = "down"       // from the stop until the database is started again
	phaseStarting   = "starting"   // while the database starts
	phaseRecovering = "recovering" // from when it accepts connections until /readyz answers 200 again
	phaseBack       = "back"       // after /readyz answered 200
)

// outageResult is one request of the load.
type outageResult struct {
	what     string // read, incidents or write
	phase    string // when it started
	endPhase string // when it was answered
	at       time.Time
	took     time.Duration
	status   int
	err      error // transport or decoding
	codes    []string
	hasData  bool
	reportID string // of an acknowledged write
}

func (r outageResult) ok() bool {
	return r.err == nil && r.status == http.StatusOK && len(r.codes) == 0 && r.hasData
}

// outageLoad sends a fixed number of concurrent clients' reads and writes
// until stopped, recording every answer with the phase it started in.
type outageLoad struct {
	base, token string
	client      *http.Client

	mu      sync.Mutex
	phase   string
	results []outageResult

	stop chan struct{}
	wg   sync.WaitGroup
}

const (
	outageRead      = `{ search(text: "reprisals", first: 5) { id } mechanisms(first: 3) { edges { node { id name acronym } } } }`
	outageIncidents = `{ threatIncidents(first: 5) { totalCount edges { node { id summary } } } }`
	outageReport    = `mutation($s: String!) { reportThreat(input: {nhri: "nhri:gt", threats: ["threat-type:intimidation"],
		targets: [MEMBERS_OR_STAFF], reprisalForUNCooperation: false, consentToShare: true, summary: $s}) { id } }`
)

func newOutageLoad(base, token string) *outageLoad {
	// The client's own timeout is far beyond the bound, so that a slow
	// answer is measured rather than cut off.
	return &outageLoad{base: base, token: token, client: &http.Client{Timeout: 2 * startingRequestBound}, phase: phaseUp, stop: make(chan struct{})}
}

func (l *outageLoad) setPhase(p string) {
	l.mu.Lock()
	l.phase = p
	l.mu.Unlock()
}

func (l *outageLoad) run(readers, incidentReaders, writers int) {
	worker := func(what string, n int) {
		defer l.wg.Done()
		for i := 0; ; i++ {
			select {
			case <-l.stop:
				return
			default:
			}
			l.mu.Lock()
			phase := l.phase
			l.mu.Unlock()
			var r outageResult
			switch what {
			case "read":
				r = l.post("", outageRead, nil)
			case "incidents":
				r = l.post(l.token, outageIncidents, nil)
			case "write":
				r = l.post(l.token, outageReport, map[string]any{"s": fmt.Sprintf("outage writer %d report %d", n, i)})
			}
			l.mu.Lock()
			r.what, r.phase, r.endPhase = what, phase, l.phase
			l.results = append(l.results, r)
			l.mu.Unlock()
			time.Sleep(20 * time.Millisecond)
		}
	}
	for i := 0; i < readers; i++ {
		l.wg.Add(1)
		go worker("read", i)
	}
	for i := 0; i < incidentReaders; i++ {
		l.wg.Add(1)
		go worker("incidents", i)
	}
	for i := 0; i < writers; i++ {
		l.wg.Add(1)
		go worker("write", i)
	}
}

func (l *outageLoad) halt() []outageResult {
	close(l.stop)
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.results)
}

// count counts the results that match.
func (l *outageLoad) count(match func(outageResult) bool) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, r := range l.results {
		if match(r) {
			n++
		}
	}
	return n
}

// post sends one GraphQL request and reads its status, error codes, and
// for a report the incident's ID.
func (l *outageLoad) post(token, query string, vars map[string]any) outageResult {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequest(http.MethodPost, l.base+"/query", bytes.NewReader(body))
	if err != nil {
		return outageResult{err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	start := time.Now()
	res, err := l.client.Do(req)
	r := outageResult{at: start, took: time.Since(start), err: err}
	if err != nil {
		return r
	}
	defer res.Body.Close()
	r.status = res.StatusCode
	var out struct {
		Data   map[string]json.RawMessage `json:"data"`
		Errors []struct {
			Extensions struct {
				Code string `json:"code"`
			} `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		r.err = fmt.Errorf("decode the answer: %w", err)
		return r
	}
	r.took = time.Since(start)
	for _, e := range out.Errors {
		r.codes = append(r.codes, e.Extensions.Code)
	}
	for _, v := range out.Data {
		if string(v) != "null" {
			r.hasData = true
		}
	}
	if raw, ok := out.Data["reportThreat"]; ok && len(r.codes) == 0 {
		var inc struct{ ID string }
		if json.Unmarshal(raw, &inc) == nil {
			r.reportID = inc.ID
		}
	}
	return r
}

// readyz answers GET /readyz's status and how long it took.
func readyz(base string) (int, time.Duration, error) {
	client := &http.Client{Timeout: 3 * outageReadyBound}
	start := time.Now()
	res, err := client.Get(base + "/readyz")
	if err != nil {
		return 0, time.Since(start), err
	}
	res.Body.Close()
	return res.StatusCode, time.Since(start), nil
}

// TestNeo4jOutage stops Neo4j under a steady load of reads and threat
// reports, keeps the load going while it is down, and starts it again:
// clients get UNAVAILABLE (never INTERNAL, a 500 or a hang) and /readyz 503
// while it is down, and the same API process serves again by itself once it
// is back, with every acknowledged report in the database.
func TestNeo4jOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a private Neo4j server and the API, and stops the database under load")
	}
	db := neo4jtest.Launch(t)
	bin := buildServer(t)
	token := createKey(t, bin, db.Env(), "headoffice")
	api := startServer(t, bin, db.Env()...)
	api.waitReady(t, 3*time.Minute)

	load := newOutageLoad(api.base, token)
	load.run(2, 1, 2)
	halted := false
	defer func() {
		if !halted {
			load.halt()
		}
	}()
	acked := func(phase string) func(outageResult) bool {
		return func(r outageResult) bool { return r.phase == phase && r.reportID != "" }
	}
	waitFor := func(what string, limit time.Duration, done func() bool) bool {
		t.Helper()
		deadline := time.Now().Add(limit)
		for !done() {
			if time.Now().After(deadline) {
				t.Errorf("%s: not within %v", what, limit)
				return false
			}
			time.Sleep(50 * time.Millisecond)
		}
		return true
	}
	if !waitFor("reports acknowledged before the outage", time.Minute, func() bool { return load.count(acked(phaseUp)) >= 10 }) {
		t.FailNow()
	}

	load.setPhase(phaseDown)
	db.Stop()
	stopped := time.Now()
	var readyWhileDown []int
	for time.Since(stopped) < outageDownFor {
		status, took, err := readyz(api.base)
		require.NoError(t, err, "GET /readyz while the database is down")
		assert.Less(t, took, outageReadyBound, "GET /readyz while the database is down")
		readyWhileDown = append(readyWhileDown, status)
		time.Sleep(250 * time.Millisecond)
	}
	assert.NotEmpty(t, readyWhileDown)
	for _, s := range readyWhileDown {
		assert.Equal(t, http.StatusServiceUnavailable, s, "GET /readyz while the database is down: %v", readyWhileDown)
	}

	load.setPhase(phaseStarting)
	db.Start()
	load.setPhase(phaseRecovering)
	restarted := time.Now()
	waitFor("GET /readyz 200 after the database is back", outageRecoveryBound, func() bool {
		status, _, _ := readyz(api.base)
		return status == http.StatusOK
	})
	recovered := time.Since(restarted)
	ready := time.Now()
	load.setPhase(phaseBack)
	waitFor("reads and reports served after the recovery", warmBound, func() bool {
		return load.count(acked(phaseBack)) >= 5 && load.count(func(r outageResult) bool { return r.phase == phaseBack && r.what == "read" && r.ok() }) >= 5
	})
	results := load.halt()
	halted = true

	stats := map[string]map[string]int{}
	longest := map[string]time.Duration{}
	var ackedIDs []string
	for _, r := range results {
		key := "ok"
		if !r.ok() {
			key = fmt.Sprintf("%d %v", r.status, r.codes)
			if r.err != nil {
				key = r.err.Error()
			}
		}
		if stats[r.phase] == nil {
			stats[r.phase] = map[string]int{}
		}
		stats[r.phase][key]++
		longest[r.phase] = max(longest[r.phase], r.took)
		if r.reportID != "" {
			ackedIDs = append(ackedIDs, r.reportID)
		}

		if r.phase == phaseBack && !r.ok() {
			t.Logf("%s request started %v after ready again, took %v: %d %v", r.what, r.at.Sub(ready).Round(time.Millisecond), r.took.Round(time.Millisecond), r.status, r.codes)
		}
		assert.NoError(t, r.err, "%s request (%s)", r.what, r.phase)
		bound := outageRequestBound
		if r.phase != phaseUp && r.phase != phaseDown || r.endPhase == phaseStarting {
			bound = startingRequestBound
		}
		assert.Less(t, r.took, bound, "%s request (%s, answered %s) took too long", r.what, r.phase, r.endPhase)
		switch {
		case r.phase == phaseUp && r.endPhase == phaseUp:
			assert.True(t, r.ok(), "%s request (%s) failed: status %d, codes %v", r.what, r.phase, r.status, r.codes)
		case r.err == nil:
			// A query answers 200 with UNAVAILABLE errors; a request
			// whose API key cannot be checked is refused with 503 and
			// UNAVAILABLE before the query runs.
			assert.Contains(t, []int{http.StatusOK, http.StatusServiceUnavailable}, r.status, "%s request (%s): status", r.what, r.phase)
			if r.status != http.StatusOK {
				assert.NotEmpty(t, r.codes, "%s request (%s): status %d without an error code", r.what, r.phase, r.status)
			}
			for _, c := range r.codes {
				assert.Equal(t, "UNAVAILABLE", c, "%s request (%s): error code", r.what, r.phase)
			}
		}
	}
	// Recovered for good: each client's last request was served.
	last := map[string]outageResult{}
	for _, r := range results {
		last[r.what] = r
	}
	for what, r := range last {
		assert.True(t, r.ok(), "last %s request after the recovery: status %d, codes %v, %v", what, r.status, r.codes, r.err)
	}
	down := load.count(func(r outageResult) bool { return r.phase == phaseDown && slices.Contains(r.codes, "UNAVAILABLE") })
	assert.Positive(t, down, "requests answered UNAVAILABLE while the database was down")
	phases := []string{phaseUp, phaseDown, phaseStarting, phaseRecovering, phaseBack}
	for _, p := range phases {
		keys := make([]string, 0, len(stats[p]))
		for k := range stats[p] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		line := ""
		for _, k := range keys {
			line += fmt.Sprintf(" [%s]×%d", k, stats[p][k])
		}
		t.Logf("%-10s longest %-8v%s", p, longest[p].Round(time.Millisecond), line)
	}
	t.Logf("ready again %v after the database was started; %d reports acknowledged", recovered.Round(time.Millisecond), len(ackedIDs))

	// Every acknowledged report is in the database, read through the same
	// API process.
	client := &http.Client{Timeout: time.Minute}
	lost := missing(ackedIDs, storedIncidents(t, client, api.base, token))
	assert.Empty(t, lost, "acknowledged reports lost in the outage")
	api.stop(t, 30*time.Second)
}
