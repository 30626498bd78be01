package resolvers

import (
	"sync"

	"github.com/vektah/gqlparser/v2/ast"

	"marrakechgraph/graph"
)

// unserved are the directives clients never see: @goField only steers code
// generation, and @defer, which the GraphQL parser declares for every
// schema, is not served (answers are never incremental), so an operation
// that uses it fails validation instead of answering in part.
var unserved = map[string]bool{"goField": true, "defer": true, "stream": true}

// servedSchema is the generated schema without the unserved directives:
// the one that validates operations and answers introspection. It is built
// once; the generated schema itself is left as it is.
var servedSchema = sync.OnceValue(func() *ast.Schema {
	return withoutDirectives(graph.NewExecutableSchema(graph.Config{}).Schema(), unserved)
})

// withoutDirectives returns a copy of s without the directives named in
// drop: neither their definitions nor their uses on fields and arguments.
// s is not changed; the types that used none of them are shared.
func withoutDirectives(s *ast.Schema, drop map[string]bool) *ast.Schema {
	out := *s
	out.Directives = make(map[string]*ast.DirectiveDefinition, len(s.Directives))
	for name, d := range s.Directives {
		if !drop[name] {
			out.Directives[name] = d
		}
	}
	renamed := map[*ast.Definition]*ast.Definition{}
	out.Types = make(map[string]*ast.Definition, len(s.Types))
	for name, t := range s.Types {
		out.Types[name] = t
		if !usesAny(t, drop) {
			continue
		}
		c := *t
		c.Fields = make(ast.FieldList, len(t.Fields))
		for i, f := range t.Fields {
			cf := *f
			cf.Directives = servedOnly(f.Directives, drop)
			cf.Arguments = make(ast.ArgumentDefinitionList, len(f.Arguments))
			for j, a := range f.Arguments {
				ca := *a
				ca.Directives = servedOnly(a.Directives, drop)
				cf.Arguments[j] = &ca
			}
			c.Fields[i] = &cf
		}
		c.Directives = servedOnly(t.Directives, drop)
		renamed[t] = &c
		out.Types[name] = &c
	}
	at := func(d *ast.Definition) *ast.Definition {
		if c, ok := renamed[d]; ok {
			return c
		}
		return d
	}
	out.Query, out.Mutation, out.Subscription = at(s.Query), at(s.Mutation), at(s.Subscription)
	remap := func(m map[string][]*ast.Definition) map[string][]*ast.Definition {
		r := make(map[string][]*ast.Definition, len(m))
		for k, ds := range m {
			r[k] = make([]*ast.Definition, len(ds))
			for i, d := range ds {
				r[k][i] = at(d)
			}
		}
		return r
	}
	out.PossibleTypes, out.Implements = remap(s.PossibleTypes), remap(s.Implements)
	return &out
}

// usesAny reports whether a type, its fields or their arguments use one of
// the directives.
func usesAny(t *ast.Definition, names map[string]bool) bool {
	has := func(l ast.DirectiveList) bool {
		for _, d := range l {
			if names[d.Name] {
				return true
			}
		}
		return false
	}
	if has(t.Directives) {
		return true
	}
	for _, f := range t.Fields {
		if has(f.Directives) {
			return true
		}
		for _, a := range f.Arguments {
			if has(a.Directives) {
				return true
			}
		}
	}
	return false
}

// servedOnly returns the directives of l not named in drop.
func servedOnly(l ast.DirectiveList, drop map[string]bool) ast.DirectiveList {
	var out ast.DirectiveList
	for _, d := range l {
		if !drop[d.Name] {
			out = append(out, d)
		}
	}
	return out
}
