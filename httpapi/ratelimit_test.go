package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/apitest"
	"marrakechgraph/auth"
	"marrakechgraph/embedded/embeddedtest"
	"marrakechgraph/httpapi"
	"marrakechgraph/kg"
)

// callFrom sends one query from an address, with a key when token is set, and
// returns the status, the Retry-After header and the first error's code.
func callFrom(t *testing.T, h http.Handler, addr, token string) (int, string, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(`{"query":"{ objectives { id } }"}`))
	req.RemoteAddr = addr
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var r struct {
		Errors []struct{ Extensions map[string]any }
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &r)
	code := ""
	if len(r.Errors) > 0 {
		code, _ = r.Errors[0].Extensions["code"].(string)
	}
	return rec.Code, rec.Header().Get("Retry-After"), code
}

// burst counts the requests answered before the first 429.
func burst(t *testing.T, h http.Handler, addr, token string, most int) int {
	t.Helper()
	for i := 0; i < most; i++ {
		status, retry, code := callFrom(t, h, addr, token)
		if status == http.StatusTooManyRequests {
			assert.Equal(t, string(kg.CodeRateLimited), code)
			n, err := strconv.Atoi(retry)
			require.NoError(t, err, "Retry-After is a number of seconds: %q", retry)
			assert.GreaterOrEqual(t, n, 1)
			return i
		}
		require.NotEqual(t, http.StatusTooManyRequests, status)
	}
	return most
}

// TestRateLimits: an address without a key gets the public budget, a key
// the larger keyed budget, each client its own, wrong keys no more than
// the address allows; refusals are 429 with Retry-After, and counted.
func TestRateLimits(t *testing.T) {
	s := embeddedtest.Seeded(t)
	keys := &auth.Keys{Store: s}
	_, analyst, err := keys.Create(context.Background(), auth.RoleAnalyst, "dashboard", "test")
	require.NoError(t, err)
	_, admin, err := keys.Create(context.Background(), auth.RoleAdmin, "metrics", "test")
	require.NoError(t, err)
	// Public: 1 request/s, a burst of 10; keyed: 3/s, a burst of 30.
	h := httpapi.New(apitest.Options(s, httpapi.Options{Logger: slog.New(slog.DiscardHandler), RateLimits: httpapi.RateLimits{Public: 1, Keyed: 3}}))

	assert.Equal(t, 10, burst(t, h, "192.0.2.1:4000", "", 100), "public budget")
	assert.Equal(t, 10, burst(t, h, "192.0.2.2:4000", "", 100), "another address has its own budget")
	assert.Equal(t, 0, burst(t, h, "192.0.2.1:5000", "", 100), "the same address on another port shares it")
	assert.Equal(t, 10, burst(t, h, "[2001:db8:1:2::1]:4000", "", 100))
	assert.Equal(t, 0, burst(t, h, "[2001:db8:1:2::ffff]:4000", "", 100), "an IPv6 /64 is one client")

	assert.Equal(t, 30, burst(t, h, "198.51.100.7:4000", analyst, 100), "keyed budget")
	assert.Equal(t, 0, burst(t, h, "198.51.100.8:4000", analyst, 100), "the key's budget follows it to another address")

	// Guessing keys from one address is limited like anything else.
	wrong := "mgk_" + strings.Repeat("a", 16) + "_" + strings.Repeat("b", 43)
	refused := 0
	for i := 0; i < 40; i++ {
		if status, _, _ := callFrom(t, h, "203.0.113.9:4000", wrong); status == http.StatusTooManyRequests {
			refused++
		} else {
			assert.Equal(t, http.StatusUnauthorized, status)
		}
	}
	assert.Equal(t, 10, refused, "30 guesses, then 429")

	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.RemoteAddr = "192.0.2.200:1"
	req.Header.Set("Authorization", "Bearer "+admin)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code)
	body, _ := io.ReadAll(rec.Body)
	assert.Contains(t, string(body), `marrakechgraph_rate_limited_total{by="address"}`)
	assert.Contains(t, string(body), `marrakechgraph_rate_limited_total{by="key"}`)
}

// TestNoRateLimitsByDefault: the handler limits nothing unless told to
// (the server's configuration sets the limits).
func TestNoRateLimitsByDefault(t *testing.T) {
	h := httpapi.GraphQL(apitest.Options(embeddedtest.Seeded(t), httpapi.Options{Logger: slog.New(slog.DiscardHandler)}))
	assert.Equal(t, 300, burst(t, h, "192.0.2.1:4000", "", 300))
}
