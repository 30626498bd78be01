package httpapi

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// exactEnums refuses an operation whose variables hold an enum value that
// is not one of the enum's values as written ("un" for UN), wherever it is
// in a list or an input object. GraphQL's enum values are case-sensitive,
// but the validation of variables compares them without case, and the
// schema's enums decode to the strings the graph records.
type exactEnums struct{ schema *ast.Schema }

var (
	_ graphql.HandlerExtension        = &exactEnums{}
	_ graphql.OperationContextMutator = &exactEnums{}
)

// ExtensionName names the extension for gqlgen.
func (*exactEnums) ExtensionName() string { return "exactEnums" }

// Validate keeps the schema whose enums it checks.
func (e *exactEnums) Validate(s graphql.ExecutableSchema) error {
	e.schema = s.Schema()
	return nil
}

// MutateOperationContext checks the operation's variables.
func (e *exactEnums) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	for _, def := range oc.Operation.VariableDefinitions {
		if v, ok := oc.Variables[def.Variable]; ok {
			if err := e.check(def.Type, v, ast.Path{ast.PathName("variable"), ast.PathName(def.Variable)}); err != nil {
				return err
			}
		}
	}
	return nil
}

// check checks the enum values in v, a value of type t at path.
func (e *exactEnums) check(t *ast.Type, v any, path ast.Path) *gqlerror.Error {
	if v == nil {
		return nil
	}
	if t.Elem != nil {
		list, ok := v.([]any)
		if !ok {
			return e.check(t.Elem, v, path)
		}
		for i, item := range list {
			if err := e.check(t.Elem, item, append(path, ast.PathIndex(i))); err != nil {
				return err
			}
		}
		return nil
	}
	def := e.schema.Types[t.NamedType]
	switch {
	case def == nil:
	case def.Kind == ast.Enum:
		if s, _ := v.(string); def.EnumValues.ForName(s) == nil {
			return gqlerror.ErrorPathf(path, "%s is not a valid %s", s, def.Name)
		}
	case def.Kind == ast.InputObject:
		fields, _ := v.(map[string]any)
		for _, f := range def.Fields {
			if fv, ok := fields[f.Name]; ok {
				if err := e.check(f.Type, fv, append(path, ast.PathName(f.Name))); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
