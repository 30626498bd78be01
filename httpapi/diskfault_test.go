package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/apitest"
	"marrakechgraph/auth"
	"marrakechgraph/embedded"
	"marrakechgraph/embedded/testdisk"
	"marrakechgraph/httpapi"
	"marrakechgraph/seed"
)

// TestDiskFullOverHTTP fills the disk under a running server: mutations
// answer UNAVAILABLE (never INTERNAL), /readyz answers 503 and says why,
// queries go on; once space returns, /readyz answers 200 and writes
// succeed without a restart; every acknowledged write is kept.
func TestDiskFullOverHTTP(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(testdisk.Tmpfs(t, "16m"), "data")
	quiet := slog.New(slog.DiscardHandler)
	st, err := embedded.Open(dir, embedded.WithLogger(quiet))
	require.NoError(t, err)
	defer st.Close()
	_, err = seed.Apply(ctx, st)
	require.NoError(t, err)
	_, admin, err := (&auth.Keys{Store: st}).Create(ctx, auth.RoleAdmin, "disk admin", "test")
	require.NoError(t, err)

	var logs bytes.Buffer
	srv := httptest.NewServer(httpapi.New(apitest.Options(st, httpapi.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})))
	defer srv.Close()

	ready := func() (int, map[string]string) {
		res, err := http.Get(srv.URL + "/readyz")
		require.NoError(t, err)
		defer res.Body.Close()
		var body map[string]string
		b, _ := io.ReadAll(res.Body)
		require.NoError(t, json.Unmarshal(b, &body), string(b))
		return res.StatusCode, body
	}
	var acked, refused []string
	create := func(i int) string {
		name := fmt.Sprintf("disk key %d", i)
		r := call(t, srv, admin, `mutation($n: String!) { createAPIKey(name: $n, role: ANALYST) { key { id } } }`, map[string]any{"n": name})
		if len(r.Errors) == 0 {
			acked = append(acked, name)
			return ""
		}
		refused = append(refused, name)
		require.Len(t, r.Errors, 1)
		assert.Equal(t, "the store cannot write: disk full or read-only", r.Errors[0].Message)
		code, _ := r.Errors[0].Extensions["code"].(string)
		return code
	}

	for i := range 3 {
		require.Empty(t, create(i))
	}
	status, _ := ready()
	require.Equal(t, http.StatusOK, status)

	free := testdisk.Fill(t, filepath.Dir(dir))
	codes := map[string]int{}
	for i := 3; i < 400 && codes["UNAVAILABLE"] < 20; i++ {
		if code := create(i); code != "" {
			codes[code]++
		}
	}
	t.Logf("full disk: %d writes acknowledged, error codes %v", len(acked), codes)
	assert.Equal(t, map[string]int{"UNAVAILABLE": 20}, codes)

	status, body := ready()
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.Equal(t, "the store cannot write: disk full or read-only", body["store"])
	r := call(t, srv, "", `{ objectives { id } }`, nil)
	require.Empty(t, r.Errors, "reads go on")
	assert.NotEmpty(t, r.Data["objectives"])

	free()
	status, _ = ready()
	assert.Equal(t, http.StatusOK, status, "space came back")
	for i := 1000; i < 1003; i++ {
		require.Empty(t, create(i), "space came back")
	}
	assert.Zero(t, strings.Count(logs.String(), "internal error"), "a storage fault is not an internal error")

	srv.Close()
	require.NoError(t, st.Close())
	st, err = embedded.Open(dir, embedded.WithLogger(quiet))
	require.NoError(t, err)
	keys, err := (&auth.Keys{Store: st}).List(ctx)
	require.NoError(t, err)
	var names []string
	for _, k := range keys {
		names = append(names, k.Name)
	}
	for _, name := range acked {
		assert.Contains(t, names, name, "acknowledged write lost")
	}
	for _, name := range refused {
		assert.False(t, slices.Contains(names, name), "refused write %q stored", name)
	}
}
