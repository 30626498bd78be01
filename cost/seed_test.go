package cost_test

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"
	"github.com/99designs/gqlgen/graphql/introspection"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"

	"marrakechgraph/apitest"
	"marrakechgraph/embedded/embeddedtest"
	"marrakechgraph/httpapi"
	"marrakechgraph/kg"
)

// TestSizesHoldForTheSeed asks every public entity of the seed for every
// list the schema sizes, and checks that no list is longer than its
// @listSize: on the dataset the API ships with, the cost of an operation is
// a true upper bound on its answer.
func TestSizesHoldForTheSeed(t *testing.T) {
	s := schema(t)
	store := embeddedtest.Seeded(t)
	c := client.New(httpapi.GraphQL(apitest.Options(store, httpapi.Options{Logger: slog.New(slog.DiscardHandler)})))
	longest := map[string]int{}

	var root strings.Builder
	selectLists(s, &root, s.Query, 0)
	var rootAnswer map[string]any
	require.NoError(t, c.Post("{ __typename "+root.String()+" }", &rootAnswer))
	record(rootAnswer, longest)

	ctx := context.Background()
	for _, kind := range kg.PublicKinds() {
		after := ""
		for {
			page, err := store.Find(ctx, kg.FindQuery{Kind: kind, First: kg.MaxPageSize, OrderBy: kg.OrderByID, After: after})
			require.NoError(t, err)
			for _, n := range page.Nodes {
				var typed struct {
					Node struct {
						Typename string `json:"__typename"`
					}
				}
				require.NoError(t, c.Post(`query($id: ID!) { node(id: $id) { __typename } }`, &typed, client.Var("id", n.ID)))
				def := s.Types[typed.Node.Typename]
				require.NotNil(t, def, n.ID)
				var b strings.Builder
				selectLists(s, &b, def, 0)
				var answer map[string]any
				require.NoError(t, c.Post(`query($id: ID!) { node(id: $id) { __typename ... on `+def.Name+` { `+b.String()+` } } }`, &answer, client.Var("id", n.ID)))
				record(answer, longest)
			}
			if !page.HasNextPage {
				break
			}
			after = page.Cursors[len(page.Cursors)-1]
		}
	}

	keys := make([]string, 0, len(longest))
	for k := range longest {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	require.NotEmpty(t, keys)
	for _, k := range keys {
		typeName, fieldName, _ := strings.Cut(k, ".")
		f := s.Types[typeName].Fields.ForName(fieldName)
		require.NotNil(t, f, k)
		size := assumedSize(f)
		t.Logf("%-40s longest %4d, sized %4d", k, longest[k], size)
		assert.LessOrEqual(t, longest[k], size, "%s holds more than its @listSize", k)
	}
}

// selectLists writes a selection of every list of objects of def that the
// public may read without arguments, with __typename in every object, and
// the same within objects that are not nodes of their own.
func selectLists(s *ast.Schema, b *strings.Builder, def *ast.Definition, depth int) {
	for _, f := range def.Fields {
		if strings.HasPrefix(f.Name, "__") || f.Directives.ForName("requires") != nil || requiredArgs(f) {
			continue
		}
		inner := f.Type
		for inner.Elem != nil {
			inner = inner.Elem
		}
		item := s.Types[inner.NamedType]
		if item.Kind == ast.Scalar || item.Kind == ast.Enum {
			continue
		}
		node := implementsNode(s, item)
		if f.Type.Elem == nil && (node || depth > 0) {
			continue
		}
		if def == s.Query && f.Type.Elem == nil {
			continue
		}
		fmt.Fprintf(b, " %s { __typename", f.Name)
		if !node && depth < 2 && (item.Kind == ast.Object) {
			selectLists(s, b, item, depth+1)
		}
		b.WriteString(" }")
	}
}

func requiredArgs(f *ast.FieldDefinition) bool {
	for _, a := range f.Arguments {
		if a.Type.NonNull && a.DefaultValue == nil {
			return true
		}
	}
	return false
}

func implementsNode(s *ast.Schema, def *ast.Definition) bool {
	if def.Name == "Node" || def.Name == "Entity" {
		return true
	}
	for _, i := range s.GetImplements(def) {
		if i.Name == "Node" {
			return true
		}
	}
	return false
}

// record notes the length of every list in v under "Type.field", the type
// being the __typename of the object that holds it.
func record(v any, longest map[string]int) {
	switch v := v.(type) {
	case map[string]any:
		typename, _ := v["__typename"].(string)
		for k, child := range v {
			if list, ok := child.([]any); ok && typename != "" {
				longest[typename+"."+k] = max(longest[typename+"."+k], len(list))
			}
			record(child, longest)
		}
	case []any:
		for _, item := range v {
			record(item, longest)
		}
	}
}

func assumedSize(f *ast.FieldDefinition) int {
	d := f.Directives.ForName("listSize")
	if d == nil {
		return 0
	}
	if a := d.Arguments.ForName("assumedSize"); a != nil {
		n, _ := strconv.Atoi(a.Value.Raw)
		return n
	}
	return 0
}

// TestIntrospectionIsCountedExactly runs a full introspection and counts
// the fields of its answer: the measured cost is that count, give or take
// the deprecated elements and the lists that the answer leaves null.
func TestIntrospectionIsCountedExactly(t *testing.T) {
	s := schema(t)
	c := client.New(httpapi.GraphQL(apitest.Options(embeddedtest.Seeded(t), httpapi.Options{Logger: slog.New(slog.DiscardHandler)})))
	var answer map[string]any
	require.NoError(t, c.Post(introspection.Query, &answer))
	fields := countFields(answer)
	m := measure(t, s, introspection.Query, nil)
	t.Logf("introspection: %d fields in the answer, cost %d", fields, m.Cost)
	assert.GreaterOrEqual(t, m.Cost, fields, "the cost bounds the answer")
	assert.LessOrEqual(t, m.Cost, fields*11/10, "the cost is close to the answer")
}

func countFields(v any) int {
	n := 0
	switch v := v.(type) {
	case map[string]any:
		for _, child := range v {
			n += 1 + countFields(child)
		}
	case []any:
		for _, item := range v {
			n += countFields(item)
		}
	}
	return n
}
