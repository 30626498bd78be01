package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/bits"
	"net"
	"net/http"
	"sync"
	"time"
)

// Target is what one load sends: a POST of Body to URL, with Header.
type Target struct {
	URL    string
	Body   []byte
	Header http.Header
}

// Settings shape a load: Concurrency connections send requests back to
// back for Warmup, which is not counted, then for Duration, which is.
type Settings struct {
	Concurrency int
	Duration    time.Duration
	Warmup      time.Duration
}

// Result is what a load measured over its Duration.
type Result struct {
	// Requests is how many requests completed with 200 in the window.
	Requests int64 `json:"requests"`
	// Errors is how many completed otherwise: another status or a failure.
	Errors int64 `json:"errors"`
	// FirstError describes the first of them.
	FirstError string `json:"first_error,omitempty"`
	// Seconds is the window's length.
	Seconds float64 `json:"seconds"`
	// PerSecond is Requests over Seconds.
	PerSecond float64 `json:"req_per_s"`
	// P50, P99 and Max are latencies of the successful requests, in
	// nanoseconds (P50 and P99 within 1% of the exact value).
	P50 time.Duration `json:"p50_ns"`
	P99 time.Duration `json:"p99_ns"`
	Max time.Duration `json:"max_ns"`
}

// requestTimeout bounds one request of a load.
const requestTimeout = 30 * time.Second

// newClient is a client for one target: it opens at most concurrency
// connections and keeps them all when idle, so each is reused, and it hands
// bodies over as sent (no transparent decompression).
func newClient(concurrency int) *http.Client {
	return &http.Client{
		Timeout: requestTimeout,
		Transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        concurrency,
			MaxIdleConnsPerHost: concurrency,
			MaxConnsPerHost:     concurrency,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true,
		},
	}
}

// load sends t with s.Concurrency workers, each on its own connection, one
// request after the other, and measures the requests that complete within
// s.Duration after s.Warmup. Every body is read to its end. It returns
// early, with ctx's error, when ctx ends.
func load(ctx context.Context, t Target, s Settings) (Result, error) {
	if s.Concurrency < 1 || s.Duration <= 0 || s.Warmup < 0 {
		return Result{}, fmt.Errorf("load: concurrency must be 1 or more and duration above 0, not %d and %s", s.Concurrency, s.Duration)
	}
	client := newClient(s.Concurrency)
	defer client.CloseIdleConnections()

	start := time.Now()
	from := start.Add(s.Warmup)
	end := from.Add(s.Duration)
	workers := make([]worker, s.Concurrency)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Add(1)
		go func(w *worker) {
			defer wg.Done()
			w.run(ctx, client, t, from, end)
		}(&workers[i])
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}

	r := Result{Seconds: s.Duration.Seconds()}
	var h histogram
	for i := range workers {
		w := &workers[i]
		r.Requests += w.requests
		r.Errors += w.errors
		if r.FirstError == "" {
			r.FirstError = w.firstError
		}
		h.merge(&w.latency)
	}
	r.PerSecond = float64(r.Requests) / r.Seconds
	r.P50, r.P99, r.Max = h.quantile(0.50), h.quantile(0.99), h.max
	return r, nil
}

// worker sends requests one after the other and keeps its own counts, so
// workers share nothing while they run.
type worker struct {
	requests, errors int64
	firstError       string
	latency          histogram
}

func (w *worker) run(ctx context.Context, client *http.Client, t Target, from, end time.Time) {
	for ctx.Err() == nil {
		began := time.Now()
		if !began.Before(end) {
			return
		}
		ok, failure := send(ctx, client, t)
		done := time.Now()
		if done.Before(from) || done.After(end) {
			continue // warm-up, or past the window
		}
		if !ok {
			w.errors++
			if w.firstError == "" {
				w.firstError = failure
			}
			continue
		}
		w.requests++
		w.latency.record(done.Sub(began))
	}
}

// send POSTs t once and reads the answer to its end; a failure says what
// went wrong.
func send(ctx context.Context, client *http.Client, t Target) (ok bool, failure string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL, bytes.NewReader(t.Body))
	if err != nil {
		return false, err.Error()
	}
	for k, v := range t.Header {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		return false, err.Error()
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		head, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		_, _ = io.Copy(io.Discard, resp.Body)
		return false, fmt.Sprintf("HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(head))
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return false, fmt.Sprintf("reading the answer: %v", err)
	}
	return true, ""
}

// histogram counts durations in log-linear buckets: exact below 128 ns,
// then 64 buckets per power of two, so a bucket's middle is within 1/128 of
// any value in it. Its size is fixed whatever the number of samples.
type histogram struct {
	counts [histBuckets]uint64
	n      uint64
	max    time.Duration
}

const (
	histSubBits = 7
	histSub     = 1 << histSubBits // exact values below this
	histHalf    = histSub / 2      // buckets per power of two above it
	histBuckets = (64-histSubBits)*histHalf + histSub
)

// bucketOf is the bucket of v nanoseconds.
func bucketOf(v uint64) int {
	if v < histSub {
		return int(v)
	}
	e := bits.Len64(v) - histSubBits // ≥ 1: v has at least 8 bits
	return e*histHalf + int(v>>e)    // v>>e is in [histHalf, histSub)
}

// bucketValue is the middle of bucket i, in nanoseconds.
func bucketValue(i int) uint64 {
	if i < histSub {
		return uint64(i)
	}
	e := i/histHalf - 1
	m := uint64(i - e*histHalf)
	return m<<e + (uint64(1)<<e)/2
}

func (h *histogram) record(d time.Duration) {
	if d < 0 {
		d = 0
	}
	h.counts[bucketOf(uint64(d))]++
	h.n++
	h.max = max(h.max, d)
}

func (h *histogram) merge(o *histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.max = max(h.max, o.max)
}

// quantile is the smallest recorded duration (to the bucket) that q of the
// samples do not exceed; 0 without samples.
func (h *histogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(q * float64(h.n))
	if float64(rank) < q*float64(h.n) || rank == 0 {
		rank++
	}
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return min(time.Duration(bucketValue(i)), h.max)
		}
	}
	return h.max
}

// bareHandler answers every request as a static file would: it reads the
// request body, as the API must, then writes body with contentType.
func bareHandler(body []byte, contentType string) http.Handler {
	length := fmt.Sprint(len(body))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			http.Error(w, "reading the request: "+err.Error(), http.StatusBadRequest)
			return
		}
		h := w.Header()
		h.Set("Content-Type", contentType)
		h.Set("Content-Length", length)
		_, _ = w.Write(body)
	})
}

// serveBare serves bareHandler on a free port of 127.0.0.1 until stop is
// called; url is its address.
func serveBare(body []byte, contentType string) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("listen for the bare handler: %w", err)
	}
	srv := &http.Server{Handler: bareHandler(body, contentType), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String() + "/", func() { _ = srv.Close() }, nil
}
