package cost

import (
	"slices"
	"sort"

	"github.com/vektah/gqlparser/v2/ast"
)

// introspection counts the answer to __schema and __type exactly: the
// schema is known in advance, so each list holds what the schema holds.
// Fragments are counted once per schema element they apply to.
type introspection struct {
	w     *walker
	types []string // every named type, sorted
	memo  map[string]int
}

func newIntrospection(w *walker) *introspection {
	in := &introspection{w: w, memo: map[string]int{}}
	for name := range w.schema.Types {
		in.types = append(in.types, name)
	}
	sort.Strings(in.types)
	return in
}

// element is one object of the introspection answer.
type element struct {
	// typename is the introspection type: __Schema, __Type, __Field,
	// __InputValue, __EnumValue or __Directive.
	typename string
	// key identifies the element within its type, for the fragment memo.
	key   string
	typ   *ast.Type // __Type: a named type or a wrapper
	field *ast.FieldDefinition
	arg   *ast.ArgumentDefinition
	dir   *ast.DirectiveDefinition
}

func (in *introspection) root(f *ast.Field) int {
	if f.Name == "__schema" {
		return add(1, in.set(f.SelectionSet, element{typename: "__Schema", key: "schema"}))
	}
	name, _ := f.ArgumentMap(in.w.vars)["name"].(string)
	if in.w.schema.Types[name] == nil {
		return 1
	}
	return add(1, in.set(f.SelectionSet, namedType(name)))
}

func namedType(name string) element {
	return element{typename: "__Type", key: name, typ: ast.NamedType(name, nil)}
}

func typeRef(t *ast.Type) element {
	return element{typename: "__Type", key: t.String(), typ: t}
}

func (in *introspection) set(set ast.SelectionSet, e element) int {
	total := 0
	for _, sel := range set {
		if in.w.stopped {
			return total
		}
		switch sel := sel.(type) {
		case *ast.Field:
			total = add(total, in.field(sel, e))
		case *ast.InlineFragment:
			if sel.TypeCondition == "" || sel.TypeCondition == e.typename {
				total = add(total, in.set(sel.SelectionSet, e))
			}
		case *ast.FragmentSpread:
			total = add(total, in.spread(sel.Name, e))
		}
		if total > in.w.stopAt {
			in.w.stopped = true
		}
	}
	return total
}

func (in *introspection) spread(name string, e element) int {
	key := name + "\x00" + e.typename + "\x00" + e.key
	if v, ok := in.memo[key]; ok {
		in.w.step()
		return v
	}
	def := in.w.doc.Fragments.ForName(name)
	if def == nil || (def.TypeCondition != e.typename) {
		return 0
	}
	v := in.set(def.SelectionSet, e)
	if !in.w.stopped {
		in.memo[key] = v
	}
	return v
}

func (in *introspection) field(f *ast.Field, e element) int {
	if in.w.step() {
		return 0
	}
	kids, object := in.children(f, e)
	if !object {
		return 1
	}
	total := 1
	for _, k := range kids {
		total = add(total, in.set(f.SelectionSet, k))
		if in.w.stopped {
			break
		}
	}
	return total
}

// children returns the elements a field of e holds, and whether the field
// holds objects (false for scalars, enums and lists of them).
func (in *introspection) children(f *ast.Field, e element) ([]element, bool) {
	s := in.w.schema
	switch e.typename {
	case "__Schema":
		switch f.Name {
		case "types":
			out := make([]element, 0, len(in.types))
			for _, name := range in.types {
				out = append(out, namedType(name))
			}
			return out, true
		case "queryType":
			return definitionType(s.Query), true
		case "mutationType":
			return definitionType(s.Mutation), true
		case "subscriptionType":
			return definitionType(s.Subscription), true
		case "directives":
			names := make([]string, 0, len(s.Directives))
			for name := range s.Directives {
				names = append(names, name)
			}
			sort.Strings(names)
			out := make([]element, 0, len(names))
			for _, name := range names {
				out = append(out, element{typename: "__Directive", key: name, dir: s.Directives[name]})
			}
			return out, true
		}
	case "__Type":
		t := e.typ
		if f.Name == "ofType" {
			if t.NonNull {
				inner := *t
				inner.NonNull = false
				return []element{typeRef(&inner)}, true
			}
			if t.Elem != nil {
				return []element{typeRef(t.Elem)}, true
			}
			return nil, true
		}
		if t.NonNull || t.Elem != nil {
			// Wrappers have only kind and ofType.
			return nil, f.SelectionSet != nil
		}
		def := s.Types[t.NamedType]
		if def == nil {
			return nil, f.SelectionSet != nil
		}
		// Each list belongs to some kinds of type; others answer null.
		holds := map[string][]ast.DefinitionKind{
			"fields": {ast.Object, ast.Interface}, "interfaces": {ast.Object, ast.Interface},
			"inputFields": {ast.InputObject}, "possibleTypes": {ast.Interface, ast.Union}, "enumValues": {ast.Enum},
		}
		if kinds, ok := holds[f.Name]; ok && !slices.Contains(kinds, def.Kind) {
			return nil, true
		}
		switch f.Name {
		case "fields":
			return fieldElements(def, def.Fields, "__Field"), true
		case "inputFields":
			return fieldElements(def, def.Fields, "__InputValue"), true
		case "interfaces":
			out := make([]element, 0, len(def.Interfaces))
			for _, name := range def.Interfaces {
				out = append(out, namedType(name))
			}
			return out, true
		case "possibleTypes":
			var out []element
			for _, p := range s.GetPossibleTypes(def) {
				out = append(out, namedType(p.Name))
			}
			return out, true
		case "enumValues":
			out := make([]element, 0, len(def.EnumValues))
			for _, v := range def.EnumValues {
				out = append(out, element{typename: "__EnumValue", key: def.Name + "." + v.Name})
			}
			return out, true
		}
	case "__Field":
		switch f.Name {
		case "args":
			return argElements(e.key, e.field.Arguments), true
		case "type":
			return []element{typeRef(e.field.Type)}, true
		}
	case "__InputValue":
		if f.Name == "type" {
			if e.arg != nil {
				return []element{typeRef(e.arg.Type)}, true
			}
			return []element{typeRef(e.field.Type)}, true
		}
	case "__Directive":
		if f.Name == "args" {
			return argElements("@"+e.dir.Name, e.dir.Arguments), true
		}
	}
	// A scalar, or an object this model does not know: an object field
	// with a selection counts as one item.
	if f.SelectionSet != nil {
		return []element{{typename: "?", key: f.Name}}, true
	}
	return nil, false
}

func definitionType(d *ast.Definition) []element {
	if d == nil {
		return nil
	}
	return []element{namedType(d.Name)}
}

func fieldElements(owner *ast.Definition, fields ast.FieldList, typename string) []element {
	out := make([]element, 0, len(fields))
	for _, fd := range fields {
		if len(fd.Name) > 1 && fd.Name[:2] == "__" {
			continue
		}
		out = append(out, element{typename: typename, key: owner.Name + "." + fd.Name, field: fd})
	}
	return out
}

func argElements(owner string, args ast.ArgumentDefinitionList) []element {
	out := make([]element, 0, len(args))
	for _, a := range args {
		out = append(out, element{typename: "__InputValue", key: owner + "(" + a.Name + ")", arg: a})
	}
	return out
}
