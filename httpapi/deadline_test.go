package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/apitest"
	"marrakechgraph/cost"
	"marrakechgraph/embedded/embeddedtest"
	"marrakechgraph/httpapi"
	"marrakechgraph/kg"
)

type gqlAnswer struct {
	Data   map[string]any
	Errors []struct {
		Message    string
		Extensions map[string]any
	}
}

func postTo(t *testing.T, h http.Handler, q string) (*httptest.ResponseRecorder, gqlAnswer) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": q})
	req := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var a gqlAnswer
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &a), "%.300s", rec.Body.String())
	return rec, a
}

// TestRequestsHaveADeadline: a store that never answers holds a request
// no longer than the request timeout, which then answers UNAVAILABLE.
func TestRequestsHaveADeadline(t *testing.T) {
	h := httpapi.GraphQL(apitest.Options(slowStore{embeddedtest.Seeded(t)}, httpapi.Options{Logger: slog.New(slog.DiscardHandler), RequestTimeout: 300 * time.Millisecond}))
	done := make(chan gqlAnswer, 1)
	go func() {
		_, a := postTo(t, h, `{ objectives { id actions { id } } }`)
		done <- a
	}()
	select {
	case a := <-done:
		require.NotEmpty(t, a.Errors)
		for _, e := range a.Errors {
			assert.Equal(t, string(kg.CodeUnavailable), e.Extensions["code"])
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the request outlived its deadline")
	}
}

// sleepyStore takes 40 ms per neighbour read, whatever its context says,
// and counts the reads it starts.
type sleepyStore struct {
	kg.Store
	mu     sync.Mutex
	starts []time.Time
}

func (s *sleepyStore) Neighbors(ctx context.Context, ids []string, q kg.NeighborQuery) ([][]kg.Neighbor, error) {
	s.mu.Lock()
	s.starts = append(s.starts, time.Now())
	s.mu.Unlock()
	time.Sleep(40 * time.Millisecond)
	return s.Store.Neighbors(context.WithoutCancel(ctx), ids, q)
}

func (s *sleepyStore) startedAfter(t time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, st := range s.starts {
		if st.After(t) {
			n++
		}
	}
	return n
}

// TestWorkStopsWhenTheClientLeaves: once the client has gone, the
// operation starts no further store read.
func TestWorkStopsWhenTheClientLeaves(t *testing.T) {
	const nesting = 6
	s := &sleepyStore{Store: chainStore(t, nesting+1)}
	srv := httptest.NewServer(httpapi.GraphQL(apitest.Options(s, httpapi.Options{Logger: slog.New(slog.DiscardHandler), Limits: cost.Limits{MaxCost: cost.Saturated, MaxDepth: 100}})))
	defer srv.Close()
	// Each level waits for the one above: 12 reads of 40 ms one after the
	// other, over a chain whose every node has at most two neighbours, so
	// that the answer stays small (at most 4⁶ leaves) however far the
	// server gets.
	q := "id"
	for i := 0; i < nesting; i++ {
		q = fmt.Sprintf("id partners { ... on Mechanism { actions { %s } } }", q)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	body, _ := json.Marshal(map[string]string{"query": `{ node(id: "action:chain-0") { ... on Action { ` + q + " } } }"})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/query", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	_, err := http.DefaultClient.Do(req)
	require.Error(t, err, "the client gave up")
	gone := time.Now().Add(50 * time.Millisecond) // the server notices within a read
	time.Sleep(1 * time.Second)
	assert.Greater(t, s.startedAfter(time.Time{}), 2, "the operation had started reading")
	assert.LessOrEqual(t, s.startedAfter(gone), 1, "store reads started after the client left")
}

// chainStore holds a chain of n actions and n mechanisms, each action
// naming its own mechanism and the one before: action:chain-0 →
// mechanism:chain-0 ← action:chain-1 → mechanism:chain-1 …
func chainStore(t *testing.T, n int) kg.Store {
	t.Helper()
	s := embeddedtest.Open(t)
	cite := []kg.Citation{{Document: "test", Section: "chain", Quote: "a chain of reads"}}
	cs := kg.ChangeSet{Actor: "test", Reason: "a chain of reads"}
	for i := 0; i < n; i++ {
		action, mechanism := fmt.Sprintf("action:chain-%d", i), fmt.Sprintf("mechanism:chain-%d", i)
		cs.PutNodes = append(cs.PutNodes,
			kg.Node{ID: action, Kind: kg.KindAction, Name: action, Citations: cite},
			kg.Node{ID: mechanism, Kind: kg.KindMechanism, Name: mechanism, Citations: cite})
		cs.PutEdges = append(cs.PutEdges, kg.Edge{Type: kg.RelEngages, From: action, To: mechanism, Citations: cite})
		if i > 0 {
			cs.PutEdges = append(cs.PutEdges, kg.Edge{Type: kg.RelEngages, From: action, To: fmt.Sprintf("mechanism:chain-%d", i-1), Citations: cite})
		}
	}
	_, err := s.Apply(context.Background(), cs)
	require.NoError(t, err)
	return s
}

// TestAnswersAreBounded: an answer over MaxResponseBytes is replaced by an
// error, and an answer's errors are capped.
func TestAnswersAreBounded(t *testing.T) {
	s := embeddedtest.Seeded(t)
	small := httpapi.GraphQL(apitest.Options(s, httpapi.Options{Logger: slog.New(slog.DiscardHandler), MaxResponseBytes: 2000}))
	rec, a := postTo(t, small, `{ countries { nodes { id name } } }`)
	assert.Less(t, rec.Body.Len(), 2000)
	require.Len(t, a.Errors, 1)
	assert.Equal(t, cost.Code, a.Errors[0].Extensions["code"])
	assert.Contains(t, a.Errors[0].Message, "larger than 2000 bytes")

	failing := httpapi.GraphQL(apitest.Options(failingNodes{s}, httpapi.Options{Logger: slog.New(slog.DiscardHandler)}))
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < 120; i++ {
		fmt.Fprintf(&b, ` n%d: node(id: "mechanism:m%d") { id }`, i, i)
	}
	b.WriteString(" }")
	_, a = postTo(t, failing, b.String())
	require.Len(t, a.Errors, cost.MaxErrors+1)
	assert.Contains(t, a.Errors[cost.MaxErrors].Message, "70 more errors")
	assert.Equal(t, string(kg.CodeUnavailable), a.Errors[cost.MaxErrors].Extensions["code"])
}

// failingNodes cannot read nodes.
type failingNodes struct{ kg.Store }

func (failingNodes) Nodes(context.Context, []string) ([]*kg.Node, error) {
	return nil, kg.Errorf(kg.CodeUnavailable, "the store is unavailable")
}
