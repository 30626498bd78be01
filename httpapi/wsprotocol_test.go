package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	coderws "github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/apitest"
	"marrakechgraph/auth"
	"marrakechgraph/embedded/embeddedtest"
	"marrakechgraph/httpapi"
	"marrakechgraph/kg"
)

// The graphql-transport-ws close codes a subscription connection ends with.
const (
	wsUnauthorized = 4401
	wsForbidden    = 4403
)

const wsThreatSub = `subscription { threatReported { id summary } }`

// wsProtoServer serves the API over a seeded embedded store.
func wsProtoServer(t *testing.T) (*httptest.Server, *auth.Keys) {
	t.Helper()
	s := embeddedtest.Seeded(t)
	srv := httptest.NewServer(httpapi.New(apitest.Options(s, httpapi.Options{Logger: slog.New(slog.DiscardHandler)})))
	t.Cleanup(srv.Close)
	return srv, &auth.Keys{Store: s}
}

func wsProtoKey(t *testing.T, keys *auth.Keys, role auth.Role) (auth.KeyInfo, string) {
	t.Helper()
	info, token, err := keys.Create(context.Background(), role, "ws "+string(role), "test")
	require.NoError(t, err)
	return info, token
}

// wsProtoReport reports a threat over HTTP with an admin key.
func wsProtoReport(t *testing.T, srv *httptest.Server, token, summary string) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": reportMutation, "variables": map[string]any{"summary": summary}})
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/query", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(b))
	require.NotContains(t, string(b), `"errors"`, string(b))
}

// wsProtoConn is a graphql-transport-ws connection whose messages arrive on
// a channel; closed tells how the server ended it.
type wsProtoConn struct {
	c        *coderws.Conn
	messages chan map[string]any
	closed   chan error
}

// wsProtoDial opens a connection and sends connection_init with the
// Authorization given (none when empty).
func wsProtoDial(t *testing.T, ctx context.Context, srv *httptest.Server, authorization string) *wsProtoConn {
	t.Helper()
	c, _, err := coderws.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/query",
		&coderws.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	require.NoError(t, err)
	t.Cleanup(func() { c.CloseNow() })
	w := &wsProtoConn{c: c, messages: make(chan map[string]any, 16), closed: make(chan error, 1)}
	go func() {
		defer close(w.messages)
		for {
			var msg map[string]any
			if err := wsjson.Read(ctx, c, &msg); err != nil {
				w.closed <- err
				return
			}
			w.messages <- msg
		}
	}()
	payload := map[string]any{}
	if authorization != "" {
		payload["Authorization"] = authorization
	}
	require.NoError(t, wsjson.Write(ctx, c, map[string]any{"type": "connection_init", "payload": payload}))
	return w
}

// next returns the next message, or nil once the connection has ended.
func (w *wsProtoConn) next(t *testing.T) map[string]any {
	t.Helper()
	select {
	case msg := <-w.messages:
		return msg
	case <-time.After(5 * time.Second):
		t.Fatal("no message within 5 s")
		return nil
	}
}

// closeStatus waits for the end of the connection and returns its close
// code and reason; every message still to come is returned too.
func (w *wsProtoConn) closeStatus(t *testing.T) (coderws.StatusCode, string, []map[string]any) {
	t.Helper()
	var rest []map[string]any
	for {
		select {
		case msg, ok := <-w.messages:
			if ok {
				rest = append(rest, msg)
				continue
			}
			err := <-w.closed
			var ce coderws.CloseError
			if errors.As(err, &ce) {
				return ce.Code, ce.Reason, rest
			}
			return coderws.CloseStatus(err), err.Error(), rest
		case <-time.After(5 * time.Second):
			t.Fatalf("the connection is still open; messages: %v", rest)
		}
	}
}

// stillOpen proves the connection still answers: a ping gets a pong.
func (w *wsProtoConn) stillOpen(t *testing.T, ctx context.Context) {
	t.Helper()
	require.NoError(t, wsjson.Write(ctx, w.c, map[string]any{"type": "ping"}))
	for {
		msg := w.next(t)
		require.NotNil(t, msg, "the connection was closed")
		if msg["type"] == "pong" {
			return
		}
	}
}

func (w *wsProtoConn) subscribe(t *testing.T, ctx context.Context, id, query string) {
	t.Helper()
	require.NoError(t, wsjson.Write(ctx, w.c, map[string]any{"id": id, "type": "subscribe", "payload": map[string]any{"query": query}}))
}

func errorCodes(t *testing.T, msg map[string]any) []string {
	t.Helper()
	b, err := json.Marshal(msg["payload"])
	require.NoError(t, err)
	var errs []struct{ Extensions struct{ Code string } }
	if msg["type"] == "next" {
		var p struct {
			Errors []struct{ Extensions struct{ Code string } }
		}
		require.NoError(t, json.Unmarshal(b, &p))
		errs = p.Errors
	} else {
		require.NoError(t, json.Unmarshal(b, &errs), "an error message's payload is a list of errors: %s", b)
	}
	var codes []string
	for _, e := range errs {
		codes = append(codes, e.Extensions.Code)
	}
	return codes
}

// TestWebsocketRefusedKeyCloses4401: connection_init with a wrong, unknown,
// malformed or revoked key is closed with 4401 Unauthorized, which the
// graphql-ws client takes as final.
func TestWebsocketRefusedKeyCloses4401(t *testing.T) {
	srv, keys := wsProtoServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	revoked, revokedToken := wsProtoKey(t, keys, auth.RoleHeadOffice)
	_, err := keys.Revoke(ctx, revoked.ID, "test")
	require.NoError(t, err)
	_, good := wsProtoKey(t, keys, auth.RoleHeadOffice)
	for name, authorization := range map[string]string{
		"unknown key":  "Bearer mgk_000000000000_" + strings.Repeat("A", 43),
		"wrong secret": "Bearer " + good[:len(good)-4] + "AAAA",
		"malformed":    "Bearer not-a-key",
		"not bearer":   "Basic dXNlcjpwYXNz",
		"revoked key":  "Bearer " + revokedToken,
	} {
		t.Run(name, func(t *testing.T) {
			w := wsProtoDial(t, ctx, srv, authorization)
			code, reason, msgs := w.closeStatus(t)
			assert.Equal(t, coderws.StatusCode(wsUnauthorized), code, "reason %q", reason)
			assert.Equal(t, "Unauthorized", reason)
			for _, m := range msgs {
				assert.NotEqual(t, "connection_ack", m["type"])
			}
		})
	}
}

// TestWebsocketNoKeyIsPublic: a connection without a key is the public
// role: acknowledged, public data flows, a subscription it may not run is
// refused with an error and the connection stays open.
func TestWebsocketNoKeyIsPublic(t *testing.T) {
	srv, keys := wsProtoServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, analyst := wsProtoKey(t, keys, auth.RoleAnalyst)
	for role, authorization := range map[auth.Role]string{auth.RolePublic: "", auth.RoleAnalyst: "Bearer " + analyst} {
		t.Run(string(role), func(t *testing.T) {
			w := wsProtoDial(t, ctx, srv, authorization)
			require.Equal(t, "connection_ack", w.next(t)["type"])
			w.subscribe(t, ctx, "q", `{ viewer { authenticated } }`)
			msg := w.next(t)
			require.Equal(t, "next", msg["type"], "%v", msg)
			assert.Contains(t, mustJSON(t, msg["payload"]), map[bool]string{true: `"authenticated":false`, false: `"authenticated":true`}[role == auth.RolePublic])
			assert.Equal(t, "complete", w.next(t)["type"])

			w.subscribe(t, ctx, "1", wsThreatSub)
			msg = w.next(t)
			want := map[bool]string{true: "UNAUTHENTICATED", false: "FORBIDDEN"}[role == auth.RolePublic]
			assert.Equal(t, []string{want}, errorCodes(t, msg), "%v", msg)
			assert.Equal(t, "1", msg["id"])
			w.stillOpen(t, ctx)
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// TestWebsocketRevokedKeyErrorThenClose4403: revoking the key of a running
// subscription sends an error message (UNAUTHENTICATED) for it, then
// closes the connection with 4403 Forbidden; nothing reported after the
// revocation reaches it.
func TestWebsocketRevokedKeyErrorThenClose4403(t *testing.T) {
	srv, keys := wsProtoServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	info, desk := wsProtoKey(t, keys, auth.RoleHeadOffice)
	_, admin := wsProtoKey(t, keys, auth.RoleAdmin)

	w := wsProtoDial(t, ctx, srv, "Bearer "+desk)
	require.Equal(t, "connection_ack", w.next(t)["type"])
	w.subscribe(t, ctx, "1", wsThreatSub)
	for first := false; !first; {
		wsProtoReport(t, srv, admin, "before revocation")
		select {
		case msg := <-w.messages:
			require.Equal(t, "next", msg["type"], "%v", msg)
			first = true
		case <-time.After(200 * time.Millisecond):
		}
	}
	_, err := keys.Revoke(ctx, info.ID, "test")
	require.NoError(t, err)
	wsProtoReport(t, srv, admin, "after revocation: must not be seen")

	code, reason, msgs := w.closeStatus(t)
	var sawError bool
	for _, m := range msgs {
		assert.NotContains(t, mustJSON(t, m), "must not be seen")
		assert.NotEqual(t, "complete", m["type"], "the subscription does not end as if normally")
		if m["type"] == "error" {
			sawError = true
			assert.Equal(t, "1", m["id"])
			assert.Equal(t, []string{"UNAUTHENTICATED"}, errorCodes(t, m))
			assert.Contains(t, mustJSON(t, m), "invalid or revoked API key")
		}
	}
	assert.True(t, sawError, "an error message precedes the close: %v", msgs)
	assert.Equal(t, coderws.StatusCode(wsForbidden), code, "reason %q", reason)
	assert.Equal(t, "Forbidden", reason)
}

// TestWebsocketRevokedKeyNewOperation: an operation sent on a connection
// whose key was revoked while it was idle gets an error message, then the
// connection closes with 4403.
func TestWebsocketRevokedKeyNewOperation(t *testing.T) {
	srv, keys := wsProtoServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	info, desk := wsProtoKey(t, keys, auth.RoleHeadOffice)
	w := wsProtoDial(t, ctx, srv, "Bearer "+desk)
	require.Equal(t, "connection_ack", w.next(t)["type"])
	_, err := keys.Revoke(ctx, info.ID, "test")
	require.NoError(t, err)

	w.subscribe(t, ctx, "7", `{ threatIncidents { totalCount } }`)
	code, reason, msgs := w.closeStatus(t)
	require.NotEmpty(t, msgs)
	assert.Equal(t, "error", msgs[0]["type"], "%v", msgs)
	assert.Equal(t, "7", msgs[0]["id"])
	assert.Equal(t, []string{"UNAUTHENTICATED"}, errorCodes(t, msgs[0]))
	assert.NotContains(t, mustJSON(t, msgs), "totalCount\":")
	assert.Equal(t, coderws.StatusCode(wsForbidden), code, "reason %q", reason)
}

// graphqlWSCheck runs tools/graphql-ws-check.mjs (the npm graphql-ws
// client) and returns its JSON lines as they come.
func graphqlWSCheck(t *testing.T, ctx context.Context, srv *httptest.Server, key, mode string) <-chan map[string]any {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the graphql-ws client in Node")
	}
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(root, "node_modules", "graphql-ws", "package.json"))
	}
	if err == nil {
		_, err = os.Stat(filepath.Join(root, "node_modules", "ws", "package.json"))
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("node and the npm packages are required in CI (run npm ci): %v", err)
		}
		t.Skipf("node or node_modules/graphql-ws missing (run npm ci): %v", err)
	}
	cmd := exec.Command(node, filepath.Join(root, "tools", "graphql-ws-check.mjs"),
		"ws"+strings.TrimPrefix(srv.URL, "http")+"/query", key, mode)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	lines := make(chan map[string]any, 64)
	exited := make(chan error, 1)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var v map[string]any
			if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
				v = map[string]any{"event": "unparsed", "line": sc.Text()}
			}
			lines <- v
		}
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		go func() {
			for range lines {
			}
		}()
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("graphql-ws-check: %v\n%s", err, stderr.String())
			}
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("graphql-ws-check did not exit\n%s", stderr.String())
		}
	})
	return lines
}

// summary reads the check's lines to its summary.
func summary(t *testing.T, lines <-chan map[string]any) map[string]any {
	t.Helper()
	for v := range lines {
		if v["event"] != "connecting" {
			t.Logf("graphql-ws: %s", mustJSON(t, v))
		}
		if v["event"] == "summary" {
			return v
		}
	}
	t.Fatal("graphql-ws-check printed no summary")
	return nil
}

func closeCodes(v map[string]any) []float64 {
	var codes []float64
	for _, c := range v["closeCodes"].([]any) {
		codes = append(codes, c.(float64))
	}
	return codes
}

// TestGraphQLWSClientWrongKey: the graphql-ws client, told to retry 1000
// times, meets 4401 and stops: one connection attempt, not a loop.
func TestGraphQLWSClientWrongKey(t *testing.T) {
	srv, _ := wsProtoServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s := summary(t, graphqlWSCheck(t, ctx, srv, "mgk_000000000000_"+strings.Repeat("A", 43), "wrong-key"))
	t.Logf("graphql-ws client with a wrong key: %v connection attempts in 2 s, close codes %v", s["attempts"], s["closeCodes"])
	assert.LessOrEqual(t, s["attempts"], float64(2), "the client does not reconnect in a loop")
	assert.Contains(t, closeCodes(s), float64(wsUnauthorized))
}

// TestGraphQLWSClientRevokedKey: the graphql-ws client's subscription gets
// an UNAUTHENTICATED error when its key is revoked, the connection closes
// with 4403, and the client's one retry meets 4401 and stops.
func TestGraphQLWSClientRevokedKey(t *testing.T) {
	srv, keys := wsProtoServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	info, desk := wsProtoKey(t, keys, auth.RoleHeadOffice)
	_, admin := wsProtoKey(t, keys, auth.RoleAdmin)
	lines := graphqlWSCheck(t, ctx, srv, desk, "revoke")

	// Report until the client's subscription delivers an event.
	reports := time.NewTicker(200 * time.Millisecond)
	defer reports.Stop()
	for gotEvent := false; !gotEvent; {
		select {
		case v, ok := <-lines:
			require.True(t, ok, "graphql-ws-check ended before any event")
			t.Logf("graphql-ws: %s", mustJSON(t, v))
			gotEvent = v["event"] == "next"
		case <-reports.C:
			wsProtoReport(t, srv, admin, "before revocation")
		case <-ctx.Done():
			t.Fatal("no event reached the graphql-ws client")
		}
	}
	_, err := keys.Revoke(ctx, info.ID, "test")
	require.NoError(t, err)
	s := summary(t, lines)
	t.Logf("graphql-ws client with a revoked key: %v connection attempts, close codes %v", s["attempts"], s["closeCodes"])
	assert.Contains(t, closeCodes(s), float64(wsForbidden))
	assert.LessOrEqual(t, s["attempts"], float64(2), "the client does not reconnect in a loop")
	assert.Contains(t, mustJSON(t, s["errors"]), `"code":"UNAUTHENTICATED"`, "the subscription ended with an error")
}

// unavailableStore fails every node read once down is set, as a store that
// cannot be reached does.
type unavailableStore struct {
	kg.Store
	down atomic.Bool
}

func (s *unavailableStore) Nodes(ctx context.Context, ids []string) ([]*kg.Node, error) {
	if s.down.Load() {
		return nil, kg.Errorf(kg.CodeUnavailable, "the store is unavailable")
	}
	return s.Store.Nodes(ctx, ids)
}

// TestWebsocketKeyUncheckableCloses1013: a key that cannot be checked is
// neither refused as wrong (4401, final) nor served: the connection closes
// with 1013, after which a client may try again later.
func TestWebsocketKeyUncheckableCloses1013(t *testing.T) {
	s := &unavailableStore{Store: embeddedtest.Seeded(t)}
	srv := httptest.NewServer(httpapi.New(apitest.Options(s, httpapi.Options{Logger: slog.New(slog.DiscardHandler)})))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, token := wsProtoKey(t, &auth.Keys{Store: s}, auth.RoleHeadOffice)
	s.down.Store(true)
	w := wsProtoDial(t, ctx, srv, "Bearer "+token)
	code, reason, _ := w.closeStatus(t)
	assert.Equal(t, coderws.StatusTryAgainLater, code, "reason %q", reason)
}
