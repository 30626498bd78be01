package main

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// short keeps each load of these tests near 300 ms.
var short = Settings{Concurrency: 4, Warmup: 50 * time.Millisecond, Duration: 250 * time.Millisecond}

// fixedServer answers every POST whose body is want with answer, after
// delay; it counts the requests it answered and the connections opened.
type fixedServer struct {
	*httptest.Server
	answered, conns atomic.Int64
}

func newFixedServer(t *testing.T, want, answer []byte, delay time.Duration) *fixedServer {
	s := &fixedServer{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, err := io.ReadAll(r.Body)
		if err != nil || !bytes.Equal(got, want) || r.Header.Get("Authorization") != "Bearer k" {
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		time.Sleep(delay)
		w.Header().Set("Content-Type", "application/graphql-response+json")
		_, _ = w.Write(answer)
		s.answered.Add(1)
	}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

var testHeader = http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer k"}}

func TestLoadMeasuresRequestsAndLatency(t *testing.T) {
	body := []byte(`{"query":"{ __typename }"}`)
	const delay = 2 * time.Millisecond
	srv := newFixedServer(t, body, []byte(`{"data":{"__typename":"Query"}}`), delay)

	r, err := load(context.Background(), Target{URL: srv.URL, Body: body, Header: testHeader}, short)
	require.NoError(t, err)
	t.Logf("%+v", r)
	assert.Zero(t, r.Errors, r.FirstError)
	assert.Greater(t, r.Requests, int64(10))
	// Only the window counts: each worker completes at most one request per delay in it.
	most := int64(short.Concurrency) * int64(short.Duration/delay)
	assert.LessOrEqual(t, r.Requests, most, "requests outside the window were counted")
	assert.LessOrEqual(t, r.Requests, srv.answered.Load())
	assert.InDelta(t, float64(r.Requests)/short.Duration.Seconds(), r.PerSecond, 1e-9)
	assert.Equal(t, short.Duration.Seconds(), r.Seconds)
	assert.GreaterOrEqual(t, r.P50, delay, "a request takes the server's delay at least")
	assert.LessOrEqual(t, r.P50, r.P99)
	assert.LessOrEqual(t, r.P99, r.Max)
	// Every worker keeps its connection.
	assert.LessOrEqual(t, srv.conns.Load(), int64(short.Concurrency), "connections were not reused")
}

func TestLoadCountsFailedRequests(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if n.Add(1)%2 == 0 {
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		_, _ = w.Write([]byte(`{"data":{}}`))
	}))
	defer srv.Close()

	r, err := load(context.Background(), Target{URL: srv.URL, Body: []byte(`{}`), Header: testHeader}, short)
	require.NoError(t, err)
	assert.Positive(t, r.Requests)
	assert.Positive(t, r.Errors)
	assert.InDelta(t, r.Requests, r.Errors, float64(2*short.Concurrency+2), "every other request fails")
	assert.Contains(t, r.FirstError, "HTTP 429: slow down")
}

func TestLoadStopsWithItsContext(t *testing.T) {
	srv := newFixedServer(t, []byte(`{}`), []byte(`{"data":{}}`), 0)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	began := time.Now()
	_, err := load(ctx, Target{URL: srv.URL, Body: []byte(`{}`), Header: testHeader}, Settings{Concurrency: 2, Duration: time.Minute})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(began), 5*time.Second)
}

func TestLoadRefusesBadSettings(t *testing.T) {
	for _, s := range []Settings{{Concurrency: 0, Duration: time.Second}, {Concurrency: 1}, {Concurrency: 1, Duration: time.Second, Warmup: -1}} {
		_, err := load(context.Background(), Target{URL: "http://127.0.0.1:1/"}, s)
		assert.Error(t, err, "%+v", s)
	}
}

func TestMeasureComparesTheAPIWithTheBareHandler(t *testing.T) {
	q := Query{Name: "trivial", Document: trivialQuery}
	body, err := q.Body()
	require.NoError(t, err)
	answer := []byte(`{"data":{"__typename":"Query"},"extensions":{"cost":{"requested":1}}}`)
	// The API answers in 1 ms; the bare handler at once.
	srv := newFixedServer(t, body, answer, time.Millisecond)

	row, err := measure(context.Background(), q, srv.URL, testHeader, short)
	require.NoError(t, err)
	t.Logf("%+v", row)
	assert.Equal(t, "trivial", row.Query)
	assert.Equal(t, len(answer), row.Bytes)
	assert.Equal(t, "application/graphql-response+json", row.ContentType)
	assert.Positive(t, row.API.Requests)
	assert.Positive(t, row.Bare.Requests)
	assert.Zero(t, row.API.Errors+row.Bare.Errors)
	assert.InDelta(t, row.API.PerSecond/row.Bare.PerSecond, row.Ratio, 1e-9)
	assert.Positive(t, row.Ratio)
	assert.GreaterOrEqual(t, row.API.P50, time.Millisecond)
	assert.LessOrEqual(t, row.API.P50, row.API.P99)
	assert.LessOrEqual(t, row.Bare.P50, row.Bare.P99)
	assert.Less(t, row.Bare.P50, row.API.P50, "the bare handler does not wait")
}

func TestMeasureRefusesAnAnswerWithErrors(t *testing.T) {
	for name, h := range map[string]http.HandlerFunc{
		"errors": func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte(`{"errors":[{"message":"no","extensions":{"code":"FORBIDDEN"}}],"data":{"viewer":null}}`))
		},
		"no data":    func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"data":null}`)) },
		"not JSON":   func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`<html>`)) },
		"status 429": func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "{}", http.StatusTooManyRequests) },
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(h)
			defer srv.Close()
			_, err := measure(context.Background(), Query{Name: "q", Document: trivialQuery}, srv.URL, testHeader, short)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "query q: ")
		})
	}
}

func TestBareHandlerWritesTheSameBytes(t *testing.T) {
	answer := []byte(`{"data":{"x":"é"}}`)
	body := strings.NewReader(`{"query":"{ x }"}`)
	rec := httptest.NewRecorder()
	bareHandler(answer, "application/json; charset=utf-8").ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/query", body))
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, answer, rec.Body.Bytes())
	assert.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
	assert.Equal(t, strconv.Itoa(len(answer)), rec.Header().Get("Content-Length"))
	assert.Zero(t, body.Len(), "the request body is read")
}

func TestHistogramQuantiles(t *testing.T) {
	var h histogram
	assert.Zero(t, h.quantile(0.5), "no samples")
	for i := 1; i <= 10000; i++ {
		h.record(time.Duration(i) * time.Microsecond)
	}
	assert.InEpsilon(t, 5000*time.Microsecond, h.quantile(0.50), 0.01)
	assert.InEpsilon(t, 9900*time.Microsecond, h.quantile(0.99), 0.01)
	assert.Equal(t, 10000*time.Microsecond, h.quantile(1))
	assert.InEpsilon(t, time.Microsecond, h.quantile(0), 0.01)

	// Each value reads back within 1/128 of itself, from its bucket.
	for i := range 100000 {
		v := uint64(i)
		if i > 1000 {
			v = rand.Uint64N(1 << 40)
		}
		b := bucketOf(v)
		require.Less(t, b, histBuckets)
		got := bucketValue(b)
		require.InDelta(t, float64(v), float64(got), float64(v)/128+0.5, "value %d, bucket %d", v, b)
	}
	assert.Less(t, bucketOf(1<<63), histBuckets)

	var a, b histogram
	a.record(time.Millisecond)
	b.record(3 * time.Millisecond)
	b.record(3 * time.Millisecond)
	a.merge(&b)
	assert.Equal(t, uint64(3), a.n)
	assert.InEpsilon(t, 3*time.Millisecond, a.quantile(0.5), 0.01)
	assert.Equal(t, 3*time.Millisecond, a.max)
}

func TestReadmeQueriesOfTheRealReadme(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	require.Contains(t, string(readme), "```graphql\nmutation", "the README shows a mutation, which the run leaves out")

	qs, err := readmeQueries(readme)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(qs), 4)
	all, err := defaultQueries(readme)
	require.NoError(t, err)
	names := map[string]bool{}
	for _, q := range all {
		assert.False(t, names[q.Name], "two queries are named %s", q.Name)
		names[q.Name] = true
	}
	assert.True(t, names["__typename"], "the trivial query is in the default set")
	assert.True(t, names["activationPlan"], "an activation plan is in the default set")
	assert.Len(t, all, len(qs)+1, "the README shows an activation plan already")

	// Every query is a valid query of the schema.
	schema := loadSchema(t)
	for _, q := range all {
		doc, errs := gqlparser.LoadQuery(schema, q.Document)
		require.Empty(t, errs, "%s:\n%s", q.Name, q.Document)
		for _, op := range doc.Operations {
			assert.Equal(t, ast.Query, op.Operation, q.Name)
		}
	}
	// The built-in activation plan is valid too, though the README's replaces it.
	_, errs := gqlparser.LoadQuery(schema, activationPlanQuery)
	assert.Empty(t, errs)
}

func loadSchema(t *testing.T) *ast.Schema {
	files, err := filepath.Glob("../../schema/*.graphqls")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var sources []*ast.Source
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		sources = append(sources, &ast.Source{Name: f, Input: string(b)})
	}
	schema, gerr := gqlparser.LoadSchema(sources...)
	require.Nil(t, gerr)
	return schema
}

func TestReadmeQueriesNamesAndKinds(t *testing.T) {
	readme := "intro\n```graphql\nquery Channels { commitments { id } }\n```\n" +
		"```graphql\nmutation { reportThreat(input: {}) { id } }\n```\n" +
		"```graphql\nsubscription { threatReported { id } }\n```\n" +
		"```graphql\n{ commitments { id } }\n```\n" +
		"```graphql\n{ commitments { name } }\n```\n" +
		"```graphql\n{ ...F }\nfragment F on Query { ... on Query { node(id: \"x\") { id } } }\n```\n" +
		"```graphql\nquery A { a }\nquery B { b }\nmutation C { c }\n```\n" +
		"```json\n{ \"not\": \"graphql\" }\n```\n"
	qs, err := readmeQueries([]byte(readme))
	require.NoError(t, err)
	var names, ops []string
	for _, q := range qs {
		names = append(names, q.Name)
		ops = append(ops, q.Operation)
	}
	assert.Equal(t, []string{"Channels", "commitments", "commitments-2", "node", "A", "B"}, names)
	assert.Equal(t, []string{"", "", "", "", "A", "B"}, ops)
	body, err := qs[4].Body()
	require.NoError(t, err)
	assert.JSONEq(t, `{"query":"query A { a }\nquery B { b }\nmutation C { c }","operationName":"A"}`, string(body))
	body, err = qs[0].Body()
	require.NoError(t, err)
	assert.JSONEq(t, `{"query":"query Channels { commitments { id } }"}`, string(body))

	_, err = readmeQueries([]byte("```graphql\n{ unclosed\n```\n"))
	assert.ErrorContains(t, err, "README GraphQL example 1")
	_, err = readmeQueries([]byte("```graphql\n{ ...F }\nfragment F on Query { ...F }\n```\n"))
	assert.ErrorContains(t, err, "selects no field", "a fragment cycle ends")
}

func TestCPUModel(t *testing.T) {
	f := filepath.Join(t.TempDir(), "cpuinfo")
	require.NoError(t, os.WriteFile(f, []byte("processor\t: 0\nvendor_id\t: X\nmodel name\t: Some CPU @ 2.0GHz\n\nmodel name\t: Other\n"), 0o600))
	assert.Equal(t, "Some CPU @ 2.0GHz", cpuModel(f))
	assert.Empty(t, cpuModel(filepath.Join(t.TempDir(), "missing")))
}

func TestOptions(t *testing.T) {
	o, err := parseOptions(nil, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "http://localhost:8080/query", o.url)
	assert.Equal(t, Settings{Concurrency: 32, Duration: 5 * time.Second, Warmup: time.Second}, o.settings)
	for _, args := range [][]string{{"-c", "0"}, {"-d", "0"}, {"-warmup", "-1s"}, {"-only", "("}, {"-url", "localhost"}, {"extra"}} {
		_, err := parseOptions(args, io.Discard)
		assert.Error(t, err, "%v", args)
	}
}

func TestRunPrintsTheTable(t *testing.T) {
	readme := filepath.Join(t.TempDir(), "README.md")
	require.NoError(t, os.WriteFile(readme, []byte("```graphql\n{ __typename }\n```\n"), 0o600))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"data":{"__typename":"Query"}}`))
	}))
	defer srv.Close()

	var out bytes.Buffer
	err := run(context.Background(), []string{"-readme", readme, "-url", srv.URL, "-c", "2", "-d", "100ms", "-warmup", "0s", "-only", "^__typename$"}, &out, io.Discard)
	require.NoError(t, err)
	text := out.String()
	t.Log(text)
	for _, want := range []string{"machine: ", "GOMAXPROCS ", "go: go1.", "date: ", "API req/s", "bare p99", "__typename ", "0/0"} {
		assert.Contains(t, text, want)
	}
	err = run(context.Background(), []string{"-readme", readme, "-url", srv.URL, "-only", "nothing"}, &out, io.Discard)
	assert.ErrorContains(t, err, "matches none of the queries: __typename")
}

func TestLoadReusesConnections(t *testing.T) {
	// Quick answers leave many connections idle at once: each is kept.
	srv := newFixedServer(t, []byte(`{}`), []byte(`{"data":{}}`), 0)
	s := Settings{Concurrency: 16, Duration: 200 * time.Millisecond}
	r, err := load(context.Background(), Target{URL: srv.URL, Body: []byte(`{}`), Header: testHeader}, s)
	require.NoError(t, err)
	assert.Positive(t, r.Requests)
	t.Logf("%d requests, %d connections", r.Requests, srv.conns.Load())
	assert.LessOrEqual(t, srv.conns.Load(), int64(s.Concurrency), "connections were not reused")
}
