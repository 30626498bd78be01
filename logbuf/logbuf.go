// Package logbuf batches the writes of a log: a line per request then costs
// a copy into memory rather than a system call, and the lines reach the
// underlying writer within an interval, in order. Lines that matter on
// their own (anything but routine ones, see Handler) are written at once,
// with everything before them.
package logbuf

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// DefaultInterval is how long a routine line may wait in memory.
const DefaultInterval = 100 * time.Millisecond

// bufferSize is how much is kept before a write goes through anyway.
const bufferSize = 64 << 10

// Writer buffers writes to an io.Writer and flushes them every interval,
// when its buffer fills, on Flush and on Close. It is safe for concurrent
// use.
type Writer struct {
	mu   sync.Mutex
	buf  *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

// New returns a Writer over w that flushes at least every interval
// (DefaultInterval when 0 or less). Close it to write what is left.
func New(w io.Writer, interval time.Duration) *Writer {
	if interval <= 0 {
		interval = DefaultInterval
	}
	b := &Writer{buf: bufio.NewWriterSize(w, bufferSize), stop: make(chan struct{}), done: make(chan struct{})}
	go b.flushEvery(interval)
	return b
}

func (b *Writer) flushEvery(interval time.Duration) {
	defer close(b.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-t.C:
			_ = b.Flush()
		}
	}
}

// Write keeps p to be written with the next flush.
func (b *Writer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// Flush writes everything kept so far.
func (b *Writer) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Flush()
}

// Close stops the periodic flush and writes what is left. It may be
// called more than once.
func (b *Writer) Close() error {
	select {
	case <-b.stop:
	default:
		close(b.stop)
	}
	<-b.done
	return b.Flush()
}

// Handler wraps a slog.Handler that writes to w: records whose message is
// routine (such as a request's access line) wait for the next flush; any
// other record is written at once, with the lines kept before it.
func Handler(h slog.Handler, w *Writer, routine ...string) slog.Handler {
	return &handler{Handler: h, w: w, routine: routine}
}

type handler struct {
	slog.Handler
	w       *Writer
	routine []string
}

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	for _, m := range h.routine {
		if r.Message == m && r.Level < slog.LevelWarn {
			return err
		}
	}
	if ferr := h.w.Flush(); err == nil {
		err = ferr
	}
	return err
}

func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &handler{Handler: h.Handler.WithAttrs(attrs), w: h.w, routine: h.routine}
}

func (h *handler) WithGroup(name string) slog.Handler {
	return &handler{Handler: h.Handler.WithGroup(name), w: h.w, routine: h.routine}
}
