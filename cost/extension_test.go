package cost_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/apitest"
	"marrakechgraph/cost"
	"marrakechgraph/embedded/embeddedtest"
	"marrakechgraph/httpapi"
	"marrakechgraph/kg"
)

type answer struct {
	Data   map[string]any
	Errors []struct {
		Message    string
		Extensions map[string]any
	}
	Extensions struct{ Cost *cost.Report }
}

func post(t *testing.T, h http.Handler, q string) answer {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": q})
	req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var a answer
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &a), rec.Body.String())
	return a
}

// TestTheAPIReportsAndEnforcesTheLimits runs operations through the API:
// every answer says what it cost, and an operation over a limit is refused
// with its figures before anything runs.
func TestTheAPIReportsAndEnforcesTheLimits(t *testing.T) {
	h := httpapi.GraphQL(apitest.Options(embeddedtest.Seeded(t), httpapi.Options{Logger: slog.New(slog.DiscardHandler),
		Limits: cost.Limits{MaxCost: 600, MaxDepth: 5, MaxFields: 20}}))

	ok := post(t, h, `{ countries { nodes { id name } } }`)
	require.Empty(t, ok.Errors)
	require.NotNil(t, ok.Extensions.Cost)
	assert.Equal(t, cost.Report{Requested: 502, Limit: 600, Depth: 3, MaxDepth: 5, Fields: 4, MaxFields: 20}, *ok.Extensions.Cost)

	for name, q := range map[string]string{
		"complexity": `{ countries { nodes { id name acronym } } }`,
		"deep":       `{ node(id: "network:ganhri") { ... on Network { parts { parts { parts { parts { id } } } } } } }`,
		"fields":     `{ a: objectives { id name } b: objectives { id name } c: objectives { id name } d: objectives { id name } e: objectives { id name } f: objectives { id name } g: objectives { id name } }`,
	} {
		t.Run(name, func(t *testing.T) {
			a := post(t, h, q)
			require.Nil(t, a.Data, "nothing ran")
			require.Len(t, a.Errors, 1)
			assert.Equal(t, cost.Code, a.Errors[0].Extensions["code"])
			assert.Contains(t, a.Errors[0].Message, name)
			assert.NotNil(t, a.Errors[0].Extensions["cost"], "the error gives the figures")
		})
	}
}

// swollenStore returns every neighbour list 100 times over: data that has
// outgrown the sizes the schema declares.
type swollenStore struct{ kg.Store }

func (s swollenStore) Neighbors(ctx context.Context, ids []string, q kg.NeighborQuery) ([][]kg.Neighbor, error) {
	lists, err := s.Store.Neighbors(ctx, ids, q)
	for i, l := range lists {
		var more []kg.Neighbor
		for range 100 {
			more = append(more, l...)
		}
		lists[i] = more
	}
	return lists, err
}

// TestAnswersStopAtTheLimit: when the data holds more than the schema's
// sizes, the answer stops growing at the cost limit while it runs.
func TestAnswersStopAtTheLimit(t *testing.T) {
	const limit = 6000
	h := httpapi.GraphQL(apitest.Options(swollenStore{embeddedtest.Seeded(t)}, httpapi.Options{Logger: slog.New(slog.DiscardHandler),
		Limits: cost.Limits{MaxCost: limit}}))
	q := `{ countries { nodes { id relationships { type } } } }`
	a := post(t, h, q)
	require.NotNil(t, a.Extensions.Cost)
	require.LessOrEqual(t, a.Extensions.Cost.Requested, limit, "the measure lets it run")
	require.NotEmpty(t, a.Errors, "the answer was cut")
	assert.Equal(t, cost.Code, a.Errors[0].Extensions["code"])
	assert.Contains(t, a.Errors[0].Message, "grew past")

	roomy := httpapi.GraphQL(apitest.Options(swollenStore{embeddedtest.Seeded(t)}, httpapi.Options{Logger: slog.New(slog.DiscardHandler)}))
	full := post(t, roomy, q)
	require.Empty(t, full.Errors, "under the default limit the same query runs whole")
}
