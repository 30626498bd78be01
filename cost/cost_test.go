package cost_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/introspection"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"marrakechgraph/cost"
	"marrakechgraph/cost/costtest"
	"marrakechgraph/graphiql"
)

// measure validates q against the schema and measures its only operation.
func measure(t testing.TB, s *ast.Schema, q string, vars map[string]any) cost.Measure {
	t.Helper()
	doc, errs := gqlparser.LoadQuery(s, q)
	require.Empty(t, errs, "the query is valid")
	require.Len(t, doc.Operations, 1)
	return cost.Operation(s, doc, doc.Operations[0], vars, cost.Limits{})
}

func TestCostCountsTheLargestAnswer(t *testing.T) {
	s := schema(t)
	cases := []struct {
		name string
		q    string
		vars map[string]any
		want cost.Measure
	}{
		{"connection without first takes its documented default", `{ countries { nodes { id name } } }`, nil,
			// countries 1 + nodes (1 + each of up to 250 countries: id and name).
			cost.Measure{Cost: 1 + 1 + 250*2, Depth: 3, Fields: 4}},
		{"connection sized by first", `{ actions(first: 10) { totalCount edges { node { id } } } }`, nil,
			// actions 1 + totalCount 1 + edges (1 + 10 × (node 1 + id 1)).
			cost.Measure{Cost: 1 + 1 + 1 + 10*2, Depth: 4, Fields: 5}},
		{"first as a variable", `query($n: Int) { actions(first: $n) { edges { node { id } } } }`, map[string]any{"n": 7},
			cost.Measure{Cost: 1 + 1 + 7*2, Depth: 4, Fields: 4}},
		{"connection without first takes the documented default", `{ mechanisms { edges { cursor } } }`, nil,
			cost.Measure{Cost: 1 + 1 + 50, Depth: 3, Fields: 3}},
		{"search sized by first", `{ search(text: "a", first: 3) { id } }`, nil,
			cost.Measure{Cost: 1 + 3, Depth: 2, Fields: 2}},
		{"nested lists multiply", `{ node(id: "x") { ... on Mechanism { relationships { node { id } } } } }`, nil,
			// Mechanism.relationships holds up to 120.
			cost.Measure{Cost: 1 + 1 + 120*2, Depth: 4, Fields: 4}},
		{"a fragment counts where it is spread", `{ a: node(id: "x") { ...N } b: node(id: "y") { ...N } } fragment N on Node { id __typename }`, nil,
			cost.Measure{Cost: 2 * 3, Depth: 2, Fields: 6}},
		{"introspection is counted against the schema", `{ __type(name: "Direction") { name enumValues { name } } }`, nil,
			// __type 1, name 1, enumValues 1 + 3 values × name.
			cost.Measure{Cost: 1 + 1 + 1 + 3, Depth: 3, Fields: 4}},
		{"introspection of a wrapper type", `{ __type(name: "Relationship") { fields { name type { kind ofType { kind ofType { name } } } } } }`, nil,
			// Relationship has 4 fields: three of type X! (name, type, kind,
			// ofType, kind, ofType: null) and citations, [Citation!]!, whose
			// second ofType is Citation! and has a name.
			cost.Measure{Cost: 1 + 1 + 3*6 + 7, Depth: 6, Fields: 9}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, measure(t, s, c.q, c.vars))
		})
	}
}

var graphqlBlock = regexp.MustCompile("(?s)```graphql\n(.*?)```")

// TestEverydayQueriesFit: the README's examples, GraphiQL's default query
// and a full introspection (what GraphiQL and codegen tools send) fit the
// default limits with room to spare.
func TestEverydayQueriesFit(t *testing.T) {
	s := schema(t)
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	queries := map[string]string{"GraphiQL's default query": graphiql.DefaultQuery, "full introspection": introspection.Query}
	for i, m := range graphqlBlock.FindAllSubmatch(readme, -1) {
		queries[fmt.Sprintf("README example %d", i+1)] = string(m[1])
	}
	l := cost.Limits{}.WithDefaults()
	for name, q := range queries {
		m := measure(t, s, q, nil)
		t.Logf("%s: cost %d, depth %d, fields %d", name, m.Cost, m.Depth, m.Fields)
		over, msg := m.Over(l)
		assert.Empty(t, over, "%s: %s", name, msg)
		assert.LessOrEqual(t, m.Cost, l.MaxCost/2, "%s leaves room under the cost limit", name)
	}
}

// TestAttacksAreRefused replays the operations that once exhausted the
// server; each is refused by the measure, which stays cheap to take.
func TestAttacksAreRefused(t *testing.T) {
	s := schema(t)
	l := cost.Limits{}.WithDefaults()

	t.Run("nested relationships", func(t *testing.T) {
		m := measure(t, s, costtest.NestedRelationships(6), nil)
		over, _ := m.Over(l)
		assert.Equal(t, "cost", over)
	})

	t.Run("doubling fragments", func(t *testing.T) {
		const levels = 30
		m := measure(t, s, costtest.DoublingFragments(levels), nil)
		// Each level doubles the one below and adds viewer and role: the
		// exact count proves every fragment was measured once.
		want := 2
		for i := 0; i < levels; i++ {
			want = 2*want + 2
		}
		assert.Equal(t, want, m.Fields)
		over, _ := m.Over(l)
		assert.Equal(t, "fields", over)
	})

	t.Run("alias bomb", func(t *testing.T) {
		m := measure(t, s, costtest.AliasedSearches(1000), nil)
		over, _ := m.Over(l)
		assert.Equal(t, "fields", over)
		few := measure(t, s, `{ a: search(text: "a", first: 500) { id } b: search(text: "b", first: 500) { id } }`, nil)
		assert.Equal(t, 2*(1+500), few.Cost)
	})

	t.Run("fewer aliases, each costly", func(t *testing.T) {
		m := measure(t, s, costtest.AliasedSearches(150), nil)
		over, _ := m.Over(l)
		assert.Equal(t, "cost", over)
	})

	t.Run("measuring stops at the limit", func(t *testing.T) {
		doc, errs := gqlparser.LoadQuery(s, introspection.Query)
		require.Empty(t, errs)
		m := cost.Operation(s, doc, doc.Operations[0], nil, cost.Limits{MaxCost: 100})
		assert.True(t, m.Partial)
		assert.Greater(t, m.Cost, 100)
		assert.Less(t, m.Cost, 200, "counting stopped soon after the limit")
	})

	t.Run("deep nesting", func(t *testing.T) {
		inner := "id"
		for i := 0; i < 20; i++ {
			inner = "... on Network { parts { " + inner + " } }"
		}
		m := measure(t, s, `{ node(id: "network:ganhri") { `+inner+` } }`, nil)
		over, _ := m.Over(l)
		assert.Equal(t, "depth", over)
	})

	t.Run("huge first", func(t *testing.T) {
		m := measure(t, s, `{ actions(first: 2000000000000) { edges { node { id } } } }`, nil)
		over, _ := m.Over(l)
		assert.Equal(t, "cost", over)
	})
}

// BenchmarkMeasure measures the operations of the attack tests: each must
// take microseconds, however much work it asks for.
func BenchmarkMeasure(b *testing.B) {
	s := schema(b)
	for name, q := range map[string]string{
		"introspection":      introspection.Query,
		"doubling fragments": costtest.DoublingFragments(30),
		"default query":      graphiql.DefaultQuery,
	} {
		doc, errs := gqlparser.LoadQuery(s, q)
		require.Empty(b, errs)
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				cost.Operation(s, doc, doc.Operations[0], nil, cost.Limits{})
			}
		})
	}
}

// TestLongNamesAreRefusedBeforeParsing: a document naming a field, an
// alias or a variable with more than MaxNameLength characters is refused
// by one pass of the lexer; long strings are not names.
func TestLongNamesAreRefusedBeforeParsing(t *testing.T) {
	e := &cost.Extension{}
	long := strings.Repeat("x", cost.MaxNameLength+1)
	for _, q := range []string{"{ " + long + " }", "{ " + long + ": objectives { id } }", "query($" + long + ": Int) { __typename }"} {
		err := e.MutateOperationParameters(context.Background(), &graphql.RawParams{Query: q})
		require.NotNil(t, err, "%.40s", q)
		assert.Equal(t, "GRAPHQL_PARSE_FAILED", err.Extensions["code"])
		assert.Less(t, len(err.Message), 200)
	}
	fine := `{ search(text: "` + strings.Repeat("y", 10_000) + `") { id } ` + strings.Repeat("x", cost.MaxNameLength) + ` }`
	assert.Nil(t, e.MutateOperationParameters(context.Background(), &graphql.RawParams{Query: fine}))
}
