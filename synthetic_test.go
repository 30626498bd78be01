package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSyntheticScaleAtStart runs the server with SYNTHETIC_SCALE=2: it
// serves once the synthetic graph is written, and the graph's counts say so.
func TestSyntheticScaleAtStart(t *testing.T) {
	prev := slog.Default() // run sets it
	t.Cleanup(func() { slog.SetDefault(prev) })
	addr := refusedAddr(t)
	env := envOf(map[string]string{"ADDR": addr, "DATA_DIR": t.TempDir(), "SYNTHETIC_SCALE": "2", "LOG_LEVEL": "error"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, env) }()
	defer func() {
		cancel()
		require.NoError(t, <-done)
	}()

	client := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := client.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case err := <-done:
			t.Fatalf("the server stopped: %v", err)
		default:
		}
		require.True(t, time.Now().Before(deadline), "not ready within a minute")
		time.Sleep(50 * time.Millisecond)
	}
	resp, err := client.Post("http://"+addr+"/query", "application/json",
		strings.NewReader(`{"query":"{ graphStats { nodes { key count } } }"}`))
	require.NoError(t, err)
	defer resp.Body.Close()
	var answer struct {
		Data struct {
			GraphStats struct {
				Nodes []struct {
					Key   string
					Count int
				}
			}
		}
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&answer))
	counts := map[string]int{}
	for _, c := range answer.Data.GraphStats.Nodes {
		counts[c.Key] = c.Count
	}
	assert.Equal(t, 2*20, counts["NHRI"], "the seed's 20 NHRIs and a copy of each")
	assert.Equal(t, 2*33, counts["Action"])
}
