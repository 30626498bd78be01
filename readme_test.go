package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/auth"
	"marrakechgraph/graphiql"
	"marrakechgraph/httpapi"
	"marrakechgraph/kg"
	"marrakechgraph/storetest"
)

var graphqlBlock = regexp.MustCompile("(?s)```graphql\n(.*?)```")

// TestReadmeExamplesRun runs every GraphQL example of the README, and
// GraphiQL's default query, against the seeded API on every backend: each
// must answer with data and no error, and every query the same data on
// every backend.
func TestReadmeExamplesRun(t *testing.T) {
	answers := map[string][]readmeAnswer{}
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		answers[backend.Name] = readmeExamplesRun(t, backend)
	})
	first := storetest.All[0].Name
	for _, b := range storetest.All[1:] {
		if len(answers[first]) == 0 || len(answers[b.Name]) != len(answers[first]) {
			continue // a backend did not run (its subtest says why)
		}
		for i, want := range answers[first] {
			if want.mutation {
				continue // mutations create entities with new IDs
			}
			assert.JSONEq(t, want.data, answers[b.Name][i].data, "example %d (%s): %s answers differently from %s", i, firstLine(want.query), b.Name, first)
		}
	}
}

// readmeAnswer is the data one example answered with.
type readmeAnswer struct {
	query    string
	mutation bool
	data     string
}

func readmeExamplesRun(t *testing.T, backend storetest.Backend) []readmeAnswer {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	examples := []string{graphiql.DefaultQuery}
	for _, m := range graphqlBlock.FindAllSubmatch(readme, -1) {
		examples = append(examples, string(m[1]))
	}
	require.GreaterOrEqual(t, len(examples), 4, "the README shows example queries")

	s := backend.Seeded(t)
	// The examples run with an admin key: some need more than the public role.
	_, token, err := (&auth.Keys{Store: s}).Create(context.Background(), auth.RoleAdmin, "readme", "test")
	require.NoError(t, err)
	calls := &callLog{Store: s}
	// The API as the server composes it.
	h, _ := compose(calls, time.Now, httpapi.Options{Logger: slog.New(slog.DiscardHandler)})

	var answers []readmeAnswer
	for i, q := range examples {
		calls.reset()
		body, _ := json.Marshal(map[string]string{"query": q})
		req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var resp struct {
			Data   map[string]json.RawMessage
			Errors []json.RawMessage
		}
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &resp))
		assert.Empty(t, resp.Errors, "example %d:\n%s", i, q)
		require.NotEmpty(t, resp.Data, "example %d", i)
		for field, v := range resp.Data {
			assert.NotContains(t, []string{"null", "[]"}, string(v), "example %d: %s is empty", i, field)
		}
		// Each store call is one statement in one transaction on Neo4j.
		t.Logf("example %d (%s): store calls %s", i, firstLine(q), calls.summary())
		data, err := json.Marshal(resp.Data)
		require.NoError(t, err)
		answers = append(answers, readmeAnswer{query: q, mutation: strings.HasPrefix(strings.TrimSpace(q), "mutation"), data: string(data)})
	}
	return answers
}

func firstLine(q string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(q), "\n")
	return strings.TrimSpace(line)
}

// callLog counts the store calls of one operation, by method and query shape.
type callLog struct {
	kg.Store
	mu    sync.Mutex
	calls map[string]int
}

func (c *callLog) reset() { c.mu.Lock(); c.calls = map[string]int{}; c.mu.Unlock() }

func (c *callLog) add(what string) { c.mu.Lock(); c.calls[what]++; c.mu.Unlock() }

func (c *callLog) summary() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	keys := make([]string, 0, len(c.calls))
	total := 0
	for k, n := range c.calls {
		keys = append(keys, fmt.Sprintf("%s×%d", k, n))
		total += n
	}
	sort.Strings(keys)
	return fmt.Sprintf("%d: %s", total, strings.Join(keys, ", "))
}

func (c *callLog) Nodes(ctx context.Context, ids []string) ([]*kg.Node, error) {
	c.add("nodes")
	return c.Store.Nodes(ctx, ids)
}

func (c *callLog) Neighbors(ctx context.Context, ids []string, q kg.NeighborQuery) ([][]kg.Neighbor, error) {
	c.add("neighbors " + strings.ToLower(string(q.Direction)))
	return c.Store.Neighbors(ctx, ids, q)
}

func (c *callLog) Find(ctx context.Context, q kg.FindQuery) (*kg.Page, error) {
	dir := "asc"
	if q.Desc {
		dir = "desc"
	}
	c.add("find " + dir)
	return c.Store.Find(ctx, q)
}

func (c *callLog) Search(ctx context.Context, q kg.SearchQuery) ([]*kg.Node, error) {
	c.add("search")
	return c.Store.Search(ctx, q)
}
