package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildServer builds the server binary into a temporary folder.
func buildServer(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "marrakechgraph")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build:\n%s", out)
	return bin
}

// silentListener accepts connections on loopback and never answers, like a
// database host behind a firewall that drops traffic.
func silentListener(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String()
}

func refusedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

// TestNeo4jUnreachableFailsFast starts the server on a Neo4j database that
// cannot be used: it must exit with an error within 15 s, naming the URI
// and the cause, without a stack trace and without serving.
func TestNeo4jUnreachableFailsFast(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server")
	}
	bin := buildServer(t)
	cases := map[string]struct {
		uri, cause string
	}{
		"connection refused":      {"bolt://" + refusedAddr(t), "connection refused"},
		"host that never answers": {"bolt://" + silentListener(t), "Timeout"},
		"unsupported scheme":      {"http://" + refusedAddr(t), "scheme"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin)
			cmd.Env = append(os.Environ(), "STORE=neo4j", "NEO4J_URI="+tc.uri, "NEO4J_PASSWORD=not-this-one",
				"ADDR="+refusedAddr(t), "DATA_DIR="+t.TempDir())
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			start := time.Now()
			err := cmd.Run()
			took := time.Since(start)
			t.Logf("exited after %v:\n%s", took.Round(time.Millisecond), out.String())
			require.Error(t, err, "the server must not start")
			var exit *exec.ExitError
			require.ErrorAs(t, err, &exit)
			assert.Equal(t, 1, exit.ExitCode())
			assert.Less(t, took, 15*time.Second)
			last := lastLine(out.String())
			assert.Contains(t, last, tc.uri, "the message names the URI")
			assert.Contains(t, last, tc.cause, "the message names the cause")
			assert.NotContains(t, out.String(), "goroutine ", "no stack trace")
			assert.NotContains(t, out.String(), "not-this-one", "the password is never printed")
			assert.NotContains(t, out.String(), `"msg":"listening"`)
		})
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return fmt.Sprint(lines[len(lines)-1])
}
