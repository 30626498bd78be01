package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/bolt"
	"marrakechgraph/graphiql"
	"marrakechgraph/httpapi"
	"marrakechgraph/seed"
)

var graphqlBlock = regexp.MustCompile("(?s)```graphql\n(.*?)```")

// TestReadmeExamplesRun runs every GraphQL example of the README, and
// GraphiQL's default query, against the seeded API: each must answer with
// data and no error.
func TestReadmeExamplesRun(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	examples := []string{graphiql.DefaultQuery}
	for _, m := range graphqlBlock.FindAllSubmatch(readme, -1) {
		examples = append(examples, string(m[1]))
	}
	require.GreaterOrEqual(t, len(examples), 4, "the README shows example queries")

	s, err := bolt.Open(t.TempDir())
	require.NoError(t, err)
	defer s.Close()
	_, err = seed.Apply(context.Background(), s)
	require.NoError(t, err)
	h := httpapi.GraphQL(httpapi.Options{Store: s, Logger: slog.New(slog.DiscardHandler)})

	for i, q := range examples {
		body, _ := json.Marshal(map[string]string{"query": q})
		req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
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
	}
}
