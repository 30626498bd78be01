package main

import (
	"bytes"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lockedBuffer collects a child process's output.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type server struct {
	cmd    *exec.Cmd
	base   string
	output *lockedBuffer
	exited chan struct{}
	err    error // of Wait, once exited is closed
}

// startServer starts the server binary on a free loopback port with the
// given environment added; without DATA_DIR it gets a fresh folder.
func startServer(t *testing.T, bin string, env ...string) *server {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())

	s := &server{base: "http://" + addr, output: &lockedBuffer{}, exited: make(chan struct{})}
	s.cmd = exec.Command(bin)
	s.cmd.Env = append(os.Environ(), "ADDR="+addr)
	if !slices.ContainsFunc(env, func(e string) bool { return strings.HasPrefix(e, "DATA_DIR=") }) {
		env = append(env, "DATA_DIR="+t.TempDir())
	}
	// The tests that start processes load them harder than any one client
	// may: the rate limits are off unless a test sets them.
	if !slices.ContainsFunc(env, func(e string) bool { return strings.HasPrefix(e, "RATE_LIMIT_") }) {
		env = append(env, "RATE_LIMIT_PUBLIC=0", "RATE_LIMIT_KEYED=0")
	}
	s.cmd.Env = append(s.cmd.Env, env...)
	s.cmd.Stdout = s.output
	s.cmd.Stderr = s.output
	require.NoError(t, s.cmd.Start())
	go func() {
		s.err = s.cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-s.exited:
		default:
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
		if t.Failed() {
			t.Logf("server output:\n%s", s.output)
		}
	})
	return s
}

func (s *server) waitReady(t *testing.T, limit time.Duration) {
	t.Helper()
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(limit)
	last := "no answer"
	for time.Now().Before(deadline) {
		select {
		case <-s.exited:
			t.Fatalf("server exited before it was ready: %v", s.err)
		default:
		}
		resp, err := client.Get(s.base + "/readyz")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("GET /readyz not 200 within %v (last: %s)", limit, last)
}

func (s *server) stop(t *testing.T, limit time.Duration) {
	t.Helper()
	require.NoError(t, s.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-s.exited:
	case <-time.After(limit):
		t.Fatalf("server still running %v after SIGTERM", limit)
	}
	require.NoError(t, s.err, "server exit after SIGTERM")
	assert.Equal(t, 0, s.cmd.ProcessState.ExitCode())
}
