package httpapi_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	coderws "github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/apitest"
	"marrakechgraph/embedded/embeddedtest"
	"marrakechgraph/httpapi"
)

// originServer serves the API with these CORS origins.
func originServer(t *testing.T, origins ...string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(httpapi.New(apitest.Options(embeddedtest.Seeded(t), httpapi.Options{Logger: slog.New(slog.DiscardHandler), CORSOrigins: origins})))
	t.Cleanup(srv.Close)
	return srv
}

// readableFrom reports whether a page of origin may read an answer over
// HTTP: its preflight and its POST both carry Access-Control-Allow-Origin.
func readableFrom(t *testing.T, srv *httptest.Server, origin string) bool {
	t.Helper()
	req, _ := http.NewRequest(http.MethodOptions, srv.URL+"/query", nil)
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "authorization,content-type") // as browsers send it
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	preflight := res.Header.Get("Access-Control-Allow-Origin")

	req, _ = http.NewRequest(http.MethodPost, srv.URL+"/query", strings.NewReader(`{"query":"{ objectives { id } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", origin)
	res, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	post := res.Header.Get("Access-Control-Allow-Origin")
	assert.Equal(t, preflight != "", post != "", "preflight and request agree for %s", origin)
	return post == origin || post == "*"
}

// connectsFrom reports whether a page of origin may open a subscription
// socket.
func connectsFrom(t *testing.T, srv *httptest.Server, origin string) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	c, res, err := coderws.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/query",
		&coderws.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: h})
	if err != nil {
		require.NotNil(t, res, "refused with an answer: %v", err)
		assert.Equal(t, http.StatusForbidden, res.StatusCode)
		return false
	}
	c.CloseNow()
	return true
}

// TestOneOriginRule: with no origins configured no other page may read an
// answer or open a socket; with origins configured exactly those may, on
// both transports; the API's own origin and programs always may.
func TestOneOriginRule(t *testing.T) {
	closed := originServer(t)
	assert.False(t, readableFrom(t, closed, "https://elsewhere.example.com"), "closed by default over HTTP")
	assert.False(t, connectsFrom(t, closed, "https://elsewhere.example.com"), "closed by default over WebSockets")
	assert.True(t, connectsFrom(t, closed, closed.URL), "the API's own pages connect")
	assert.True(t, connectsFrom(t, closed, ""), "programs connect")

	open := originServer(t, "https://dashboard.example.org")
	for origin, want := range map[string]bool{
		"https://dashboard.example.org":      true,
		"HTTPS://Dashboard.Example.org":      true,
		"http://dashboard.example.org":       false,
		"https://dashboard.example.org:8443": false,
		"https://elsewhere.example.com":      false,
		"null":                               false,
	} {
		assert.Equal(t, want, readableFrom(t, open, origin), "HTTP from %s", origin)
		assert.Equal(t, want, connectsFrom(t, open, origin), "WebSocket from %s", origin)
	}

	anyOrigin := originServer(t, "*")
	assert.True(t, readableFrom(t, anyOrigin, "https://elsewhere.example.com"))
	assert.True(t, connectsFrom(t, anyOrigin, "https://elsewhere.example.com"))
}

func TestCheckOrigins(t *testing.T) {
	require.NoError(t, httpapi.CheckOrigins(nil))
	require.NoError(t, httpapi.CheckOrigins([]string{"https://a.example", "http://localhost:3000"}))
	require.NoError(t, httpapi.CheckOrigins([]string{"*"}))
	for _, bad := range [][]string{{"https://a.example/"}, {"https://a.example/x"}, {"a.example"}, {"ftp://a.example"}, {"*", "https://a.example"}, {"https://a.example?x"}, {"https://user@a.example"}} {
		assert.Error(t, httpapi.CheckOrigins(bad), "%q", bad)
	}
}
