package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/neo4j/neo4jtest"
	"marrakechgraph/storetest"
)

// createKey runs `keys create` on the store the environment names
// (DATA_DIR, or STORE=neo4j with NEO4J_*) and returns the token (the
// output's last line).
func createKey(t *testing.T, bin string, env []string, role string) string {
	t.Helper()
	cmd := exec.Command(bin, "keys", "create", "--role", role, "--name", "crash test")
	cmd.Env = append(cmd.Environ(), env...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	token := lines[len(lines)-1]
	require.True(t, strings.HasPrefix(token, "mgk_"), "last line is the token: %s", out)
	return token
}

func postJSON(client *http.Client, url, token, query string, vars map[string]any) (map[string]any, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		return nil, err
	}
	if errs, ok := out["errors"]; ok {
		return nil, fmt.Errorf("errors: %v", errs)
	}
	return out, nil
}

// processBackend is a storage backend for a server process: the
// environment that selects it and how long the server may take to be
// ready on it (on Neo4j, loading the seed into an empty database takes tens
// of seconds on a loaded 2-core machine).
type processBackend struct {
	name  string
	env   func(t *testing.T) []string
	ready time.Duration
}

// processBackends are the embedded store in a fresh data folder and the
// shared Neo4j test database, wiped.
var processBackends = []processBackend{
	{"embedded", func(t *testing.T) []string { return []string{"DATA_DIR=" + t.TempDir()} }, 30 * time.Second},
	{"neo4j", func(t *testing.T) []string {
		storetest.Neo4j.Open(t) // takes the shared database and wipes it
		return neo4jtest.Shared(t).Env()
	}, 3 * time.Minute},
}

// TestHardKillLosesNoAcknowledgedWrite reports threats from several clients,
// kills the server with SIGKILL in the middle of it, restarts it on the same
// store and finds every report the server had acknowledged, on each backend.
func TestHardKillLosesNoAcknowledgedWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the server and kills it")
	}
	bin := buildServer(t)
	for _, b := range processBackends {
		t.Run(b.name, func(t *testing.T) { hardKill(t, bin, b) })
	}
}

func hardKill(t *testing.T, bin string, b processBackend) {
	env := b.env(t)
	token := createKey(t, bin, env, "headoffice")

	srv := startServer(t, bin, env...)
	srv.waitReady(t, b.ready)

	const report = `mutation($s: String!) { reportThreat(input: {nhri: "nhri:gt", threats: ["threat-type:intimidation"],
		targets: [MEMBERS_OR_STAFF], reprisalForUNCooperation: false, consentToShare: true, summary: $s}) { id } }`
	client := &http.Client{Timeout: 30 * time.Second}
	var mu sync.Mutex
	var acked []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				out, err := postJSON(client, srv.base+"/query", token, report, map[string]any{"s": fmt.Sprintf("writer %d report %d", w, i)})
				if err != nil {
					continue // the server died mid-request: not acknowledged
				}
				id := out["data"].(map[string]any)["reportThreat"].(map[string]any)["id"].(string)
				mu.Lock()
				acked = append(acked, id)
				mu.Unlock()
			}
		}(w)
	}
	// Let writes pile up, then kill the server while they are in flight.
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 50 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	require.NoError(t, srv.cmd.Process.Kill())
	<-srv.exited
	close(stop)
	wg.Wait()
	mu.Lock()
	want := append([]string(nil), acked...)
	mu.Unlock()
	require.NotEmpty(t, want, "some writes were acknowledged before the kill")

	again := startServer(t, bin, env...)
	again.waitReady(t, b.ready)
	stored := storedIncidents(t, client, again.base, token)
	lost := missing(want, stored)
	assert.Empty(t, lost, "acknowledged reports lost by the crash")
	counted := fmt.Sprintf(`"msg":"threat log counted","incidents":%d,`, len(stored))
	assert.Eventually(t, func() bool { return strings.Contains(again.output.String(), counted) }, b.ready, 50*time.Millisecond,
		"the restarted server counts the threat log once, beside its first requests")
	t.Logf("%d reports acknowledged before SIGKILL, %d stored after restart, %d lost", len(want), len(stored), len(lost))
	again.stop(t, 10*time.Second)
}

// storedIncidents reads the IDs of every incident through the API at base,
// page by page.
func storedIncidents(t *testing.T, client *http.Client, base, token string) map[string]bool {
	t.Helper()
	stored := map[string]bool{}
	after := any(nil)
	for {
		out, err := postJSON(client, base+"/query", token,
			`query($after: String) { threatIncidents(first: 500, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
			map[string]any{"after": after})
		require.NoError(t, err)
		conn := out["data"].(map[string]any)["threatIncidents"].(map[string]any)
		for _, e := range conn["edges"].([]any) {
			stored[e.(map[string]any)["node"].(map[string]any)["id"].(string)] = true
		}
		pi := conn["pageInfo"].(map[string]any)
		if pi["hasNextPage"] != true {
			return stored
		}
		after = pi["endCursor"]
	}
}

// missing lists the IDs of want that stored lacks.
func missing(want []string, stored map[string]bool) []string {
	var lost []string
	for _, id := range want {
		if !stored[id] {
			lost = append(lost, id)
		}
	}
	return lost
}
