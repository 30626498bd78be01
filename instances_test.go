package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	coderws "github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/neo4j/neo4jtest"
	"marrakechgraph/storetest"
)

// instanceDeadline is how soon a change made through one instance shows in
// the other: the "within 1 s", with a margin for a loaded machine.
const instanceDeadline = 1500 * time.Millisecond

// createKeyOn runs `keys create` against the store env points at and
// returns the key's ID and token.
func createKeyOn(t *testing.T, bin string, env []string, role, name string) (id, token string) {
	t.Helper()
	cmd := exec.Command(bin, "keys", "create", "--role", role, "--name", name)
	cmd.Env = append(cmd.Environ(), env...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	token = lines[len(lines)-1]
	hexID, _, ok := strings.Cut(strings.TrimPrefix(token, "mgk_"), "_")
	require.True(t, strings.HasPrefix(token, "mgk_") && ok, "last line is the token: %s", out)
	return "apikey:" + hexID, token
}

// gql posts a GraphQL operation and returns its answer, errors included,
// with the HTTP status.
func gql(t *testing.T, base, token, query string, vars map[string]any) (int, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequest(http.MethodPost, base+"/query", strings.NewReader(string(body)))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
	return res.StatusCode, out
}

// data posts an operation that must succeed and returns its data.
func data(t *testing.T, base, token, query string, vars map[string]any) map[string]any {
	t.Helper()
	status, out := gql(t, base, token, query, vars)
	require.Equal(t, http.StatusOK, status, "%v", out)
	require.Nil(t, out["errors"], "%v", out)
	return out["data"].(map[string]any)
}

// wsSession is a graphql-transport-ws connection.
type wsSession struct {
	conn   *coderws.Conn
	events chan map[string]any
	err    error // why the connection ended, once events is closed
}

// openWebsocket connects to base's GraphQL endpoint with a key and waits
// for the server's acknowledgement.
func openWebsocket(t *testing.T, ctx context.Context, base, token string) *wsSession {
	t.Helper()
	c, _, err := coderws.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/query", &coderws.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	require.NoError(t, err)
	t.Cleanup(func() { c.CloseNow() })
	require.NoError(t, wsjson.Write(ctx, c, map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + token}}))
	var ack map[string]any
	require.NoError(t, wsjson.Read(ctx, c, &ack))
	require.Equal(t, "connection_ack", ack["type"], "%v", ack)
	s := &wsSession{conn: c, events: make(chan map[string]any, 64)}
	go func() {
		defer close(s.events)
		for {
			var msg map[string]any
			if err := wsjson.Read(ctx, c, &msg); err != nil {
				s.err = err
				return
			}
			if msg["type"] == "ping" {
				_ = wsjson.Write(ctx, c, map[string]any{"type": "pong"})
				continue
			}
			s.events <- msg
		}
	}()
	return s
}

func (s *wsSession) send(t *testing.T, ctx context.Context, id, query string) {
	t.Helper()
	require.NoError(t, wsjson.Write(ctx, s.conn, map[string]any{"id": id, "type": "subscribe", "payload": map[string]any{"query": query}}))
}

// next returns the next message within d, or nil.
func (s *wsSession) next(d time.Duration) map[string]any {
	select {
	case msg := <-s.events:
		return msg
	case <-time.After(d):
		return nil
	}
}

// closeStatus returns the close code the connection ended with, or -1 if
// it is still open after d.
func (s *wsSession) closeStatus(d time.Duration) coderws.StatusCode {
	deadline := time.After(d)
	for {
		select {
		case _, ok := <-s.events:
			if !ok {
				return coderws.CloseStatus(s.err)
			}
		case <-deadline:
			return -1
		}
	}
}

const instanceReport = `mutation($s: String!) { reportThreat(input: {nhri: "nhri:gt", threats: ["threat-type:intimidation"],
	targets: [INSTITUTION], reprisalForUNCooperation: false, consentToShare: true, summary: $s}) { id } }`

func report(t *testing.T, base, token, summary string) string {
	t.Helper()
	d := data(t, base, token, instanceReport, map[string]any{"s": summary})
	return d["reportThreat"].(map[string]any)["id"].(string)
}

// incidentOn reads an incident through the server at base; nil when it
// is not there.
func incidentOn(t *testing.T, base, token, id string) map[string]any {
	t.Helper()
	d := data(t, base, token, `query($id: ID!) { node(id: $id) { ... on ThreatIncident { id summary status history { op } } } }`, map[string]any{"id": id})
	n, _ := d["node"].(map[string]any)
	return n
}

// TestTwoInstancesOverOneNeo4j runs two server processes on one Neo4j
// database, as a deployment grown past one machine does: a write through A
// is read at once through B; a threatReported subscriber on B hears of a
// report made through A within a second; a key revoked through A is refused
// by B within a second, on an open websocket too.
func TestTwoInstancesOverOneNeo4j(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the server and runs two of it")
	}
	storetest.Neo4j.Open(t) // an empty database
	env := neo4jtest.Shared(t).Env()
	bin := buildServer(t)
	_, admin := createKeyOn(t, bin, env, "admin", "instances admin")
	deskID, desk := createKeyOn(t, bin, env, "headoffice", "instances desk")

	a := startServer(t, bin, env...)
	a.waitReady(t, 60*time.Second)
	b := startServer(t, bin, env...)
	b.waitReady(t, 60*time.Second)

	t.Run("WriteThroughAReadThroughB", func(t *testing.T) {
		id := report(t, a.base, admin, "Offices searched; read through the other instance.")
		got := incidentOn(t, b.base, admin, id)
		require.NotNil(t, got, "the report through A is in B's answer at once")
		assert.Equal(t, "Offices searched; read through the other instance.", got["summary"])
		assert.Equal(t, "OPEN", got["status"])
		created := len(got["history"].([]any))
		assert.Positive(t, created)

		data(t, a.base, admin, `mutation($id: ID!) { updateThreat(input: {id: $id, status: RESOLVED}) { id } }`, map[string]any{"id": id})
		got = incidentOn(t, b.base, admin, id)
		require.NotNil(t, got)
		assert.Equal(t, "RESOLVED", got["status"], "the update through A is in B's answer at once")
		h := got["history"].([]any)
		require.Len(t, h, created+1)
		assert.Equal(t, "UPDATE", h[created].(map[string]any)["op"])

		d := data(t, a.base, admin, `mutation { createAPIKey(name: "made on A", role: ANALYST) { token } }`, nil)
		token := d["createAPIKey"].(map[string]any)["token"].(string)
		d = data(t, b.base, token, `{ viewer { authenticated role } }`, nil)
		assert.Equal(t, map[string]any{"authenticated": true, "role": "ANALYST"}, d["viewer"], "a key made through A works on B at once")
	})

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ws := openWebsocket(t, ctx, b.base, desk)
	ws.send(t, ctx, "1", `subscription { threatReported { id summary nhri { id } } }`)

	t.Run("ReportThroughAReachesSubscriberOnB", func(t *testing.T) {
		// The subscription is registered once B has read the message:
		// report until the first event arrives.
		var first map[string]any
		for i := 0; first == nil && i < 20; i++ {
			report(t, a.base, admin, "warm-up report")
			first = ws.next(instanceDeadline)
		}
		require.NotNil(t, first, "no event on B for reports through A")
		for ws.next(instanceDeadline) != nil {
		}
		for i := range 3 {
			summary := fmt.Sprintf("report %d through A", i)
			id := report(t, a.base, admin, summary)
			reported := time.Now()
			msg := ws.next(instanceDeadline)
			require.NotNil(t, msg, "report %d through A did not reach B's subscriber within %v", i, instanceDeadline)
			t.Logf("report %d through A reached B's subscriber in %v", i, time.Since(reported).Round(time.Millisecond))
			assert.Equal(t, "next", msg["type"])
			b, _ := json.Marshal(msg["payload"])
			assert.Contains(t, string(b), id)
			assert.Contains(t, string(b), summary)
			assert.Contains(t, string(b), "nhri:gt")
			assert.Nil(t, ws.next(400*time.Millisecond), "one event per report")
		}
	})

	t.Run("KeyRevokedThroughAIsRefusedByB", func(t *testing.T) {
		d := data(t, b.base, desk, `{ viewer { authenticated } }`, nil)
		require.Equal(t, true, d["viewer"].(map[string]any)["authenticated"])

		data(t, a.base, admin, `mutation($id: ID!) { revokeAPIKey(id: $id) { revokedAt } }`, map[string]any{"id": deskID})
		revoked := time.Now()

		// The open subscription on B ends with an error, without waiting
		// for an event, and B closes the connection with 4403 Forbidden.
		var ended map[string]any
		for ended == nil && time.Since(revoked) < instanceDeadline {
			msg := ws.next(instanceDeadline - time.Since(revoked))
			if msg == nil {
				break
			}
			if msg["type"] == "error" {
				ended = msg
				continue
			}
			b, _ := json.Marshal(msg)
			t.Errorf("unexpected message after the revocation: %s", b)
		}
		require.NotNil(t, ended, "B's subscription of the revoked key did not end within %v", instanceDeadline)
		t.Logf("B ended the revoked key's subscription %v after the revocation through A", time.Since(revoked).Round(time.Millisecond))
		endedJSON, _ := json.Marshal(ended)
		assert.Equal(t, "1", ended["id"])
		assert.Contains(t, string(endedJSON), "UNAUTHENTICATED")
		assert.Equal(t, coderws.StatusCode(4403), ws.closeStatus(instanceDeadline), "B closes the connection with 4403 Forbidden")

		// Plain requests to B are refused.
		status, out := gql(t, b.base, desk, `{ viewer { authenticated } }`, nil)
		assert.Equal(t, http.StatusUnauthorized, status, "%v", out)
		assert.Contains(t, fmt.Sprint(out["errors"]), "UNAUTHENTICATED")

		// So is a new websocket: closed with 4401 Unauthorized.
		c, _, err := coderws.Dial(ctx, "ws"+strings.TrimPrefix(b.base, "http")+"/query", &coderws.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
		require.NoError(t, err)
		defer c.CloseNow()
		require.NoError(t, wsjson.Write(ctx, c, map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + desk}}))
		var msg map[string]any
		err = wsjson.Read(ctx, c, &msg)
		assert.Equal(t, coderws.StatusCode(4401), coderws.CloseStatus(err), "%v %v", msg, err)
	})

	a.stop(t, 20*time.Second)
	b.stop(t, 20*time.Second)
}
