package logbuf_test

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/logbuf"
)

// syncBuffer is a bytes.Buffer safe for the flusher and the test at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRoutineLinesWaitOthersGoAtOnce(t *testing.T) {
	out := &syncBuffer{}
	w := logbuf.New(out, time.Hour) // no periodic flush within the test
	log := slog.New(logbuf.Handler(slog.NewJSONHandler(w, nil), w, "request"))

	log.Info("request", "path", "/query")
	log.Info("request", "path", "/query")
	assert.Empty(t, out.String(), "routine lines wait")

	log.Warn("request", "path", "/query", "status", 500)
	assert.Equal(t, 3, strings.Count(out.String(), "\n"), "a warning goes at once, after the lines before it")

	log.Info("request", "path", "/healthz")
	log.With("component", "store").Info("seed loaded")
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 5, "any other message goes at once")
	assert.Contains(t, lines[3], "/healthz", "in order")
	assert.Contains(t, lines[4], `"component":"store"`)

	log.Info("request", "path", "/last")
	require.NoError(t, w.Close())
	assert.Contains(t, out.String(), "/last", "Close writes what is left")
	require.NoError(t, w.Close(), "Close twice")
}

func TestLinesReachTheWriterWithinTheInterval(t *testing.T) {
	out := &syncBuffer{}
	w := logbuf.New(out, 10*time.Millisecond)
	defer w.Close()
	log := slog.New(logbuf.Handler(slog.NewJSONHandler(w, nil), w, "request"))
	log.Info("request", "path", "/query")
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "/query") }, 5*time.Second, 5*time.Millisecond)
}
