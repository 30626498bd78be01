package httpapi

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"

	"marrakechgraph/embedded/embeddedtest"
	"marrakechgraph/graph"
	"marrakechgraph/kg"
)

// TestExportColumnsAreSchemaFields: every kind is spelled as the EntityKind
// enum spells it, every relationship type as RelationType does, and every property column of the seeded graph names the
// field (or the path of fields) that shows it on the kind's GraphQL type;
// the few properties the schema does not show are listed here.
func TestExportColumnsAreSchemaFields(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	enum := schema.Types["EntityKind"]
	require.NotNil(t, enum)
	var enumValues []string
	for _, v := range enum.EnumValues {
		enumValues = append(enumValues, v.Name)
	}
	var spelled []string
	for _, k := range kg.PublicKinds() {
		spelled = append(spelled, kindName(k))
	}
	assert.ElementsMatch(t, enumValues, spelled)

	relEnum := schema.Types["RelationType"]
	require.NotNil(t, relEnum)
	for _, r := range kg.RelTypes() {
		if !r.Type.Sensitive() {
			assert.NotNil(t, relEnum.EnumValues.ForName(string(r.Type)), "a relationship's type %s is spelled as RelationType spells it", r.Type)
		}
	}

	g, err := publicGraph(context.Background(), embeddedtest.Seeded(t))
	require.NoError(t, err)
	byKind := map[string]kg.Kind{}
	for _, k := range kg.PublicKinds() {
		byKind[kindName(k)] = k
	}
	notShown := map[string]bool{}
	for _, n := range g.Nodes {
		typ := schema.Types[string(byKind[n.Kind])]
		require.NotNil(t, typ, "the GraphQL type of %s", n.Kind)
		for col := range n.Props {
			if !hasFieldPath(schema, typ, col) {
				notShown[string(byKind[n.Kind])+"."+col] = true
			}
		}
	}
	var names []string
	for k := range notShown {
		names = append(names, k)
	}
	sort.Strings(names)
	assert.Equal(t, []string{
		"Instrument.unconfirmed", "Mechanism.formerMembers", "Objective.order",
		"PerpetratorType.order", "RiskGroup.order", "StrategicGoal.order", "ThreatType.order", "ThreatType.raises",
	}, names, "properties the schema does not show")
}

// hasFieldPath reports whether path ("a.b") names fields from typ down; a
// list of RegionCount is indexed by region.
func hasFieldPath(schema *ast.Schema, typ *ast.Definition, path string) bool {
	first, rest, nested := strings.Cut(path, ".")
	f := typ.Fields.ForName(first)
	if f == nil {
		return false
	}
	if !nested {
		return true
	}
	inner := schema.Types[f.Type.Name()]
	if inner == nil {
		return false
	}
	if inner.Name == "RegionCount" {
		return true
	}
	return hasFieldPath(schema, inner, rest)
}
