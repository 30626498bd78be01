package cost_test

import (
	"sort"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"marrakechgraph/graph"
)

func schema(t testing.TB) *ast.Schema {
	t.Helper()
	return graph.NewExecutableSchema(graph.Config{}).Schema()
}

// TestEveryObjectListIsSized: a list of objects without @listSize would be
// costed with a guess; every one in the schema must say its size.
func TestEveryObjectListIsSized(t *testing.T) {
	s := schema(t)
	var missing []string
	for name, def := range s.Types {
		if len(name) > 1 && name[:2] == "__" || (def.Kind != ast.Object && def.Kind != ast.Interface) {
			continue
		}
		for _, f := range def.Fields {
			if len(f.Name) > 1 && f.Name[:2] == "__" {
				continue
			}
			inner := f.Type
			for inner.Elem != nil {
				inner = inner.Elem
			}
			k := s.Types[inner.NamedType].Kind
			if f.Type.Elem == nil || k == ast.Scalar || k == ast.Enum {
				continue
			}
			if f.Directives.ForName("listSize") == nil {
				missing = append(missing, name+"."+f.Name+": "+f.Type.String())
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("no @listSize on %s", m)
	}
}
