// Package cost bounds the work of a GraphQL operation before it runs. It
// measures a validated operation three ways, each in time linear in the
// document (fragments are measured once, however often they are spread):
//
//   - cost: an upper bound on the number of fields in the answer, where a
//     list field multiplies its selection by the most items it can hold
//     (the schema says how many with @listSize; introspection is counted
//     exactly against the schema, which is known in advance);
//   - depth: how deeply fields nest;
//   - fields: how many field selections the operation has once every
//     fragment is expanded (aliases included).
//
// An operation over any limit is refused before a resolver runs.
package cost

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Limits bound an operation. Zero values take the defaults.
type Limits struct {
	// MaxCost bounds the number of fields the answer can hold.
	MaxCost int
	// MaxDepth bounds how deeply fields nest.
	MaxDepth int
	// MaxFields bounds the field selections, fragments expanded.
	MaxFields int
}

// Defaults: every example of the README and a full introspection (GraphiQL's
// schema query) fit well within them.
const (
	DefaultMaxCost   = 50_000
	DefaultMaxDepth  = 20
	DefaultMaxFields = 1_000
)

// WithDefaults fills zero limits with the defaults.
func (l Limits) WithDefaults() Limits {
	if l.MaxCost <= 0 {
		l.MaxCost = DefaultMaxCost
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxFields <= 0 {
		l.MaxFields = DefaultMaxFields
	}
	return l
}

// Measure is what an operation asks for.
type Measure struct {
	// Cost is an upper bound on the fields of the answer. Measuring stops
	// once it passes the limit: the cost of a refused operation may then be
	// only what was counted until then (Partial).
	Cost int
	// Partial says that measuring stopped at the limit, so the operation
	// costs at least Cost.
	Partial bool
	// Depth is the deepest nesting of fields.
	Depth int
	// Fields counts the field selections with every fragment expanded.
	Fields int
}

// Saturated is the largest figure a measure reports.
const Saturated = math.MaxInt64 / 4

// Over names the first limit the measure exceeds, with a message for the
// client, or returns "" when it fits.
func (m Measure) Over(l Limits) (limit string, message string) {
	switch {
	case m.Fields > l.MaxFields:
		return "fields", fmt.Sprintf("operation selects %s fields once fragments are expanded, over the limit of %d", figure(m.Fields), l.MaxFields)
	case m.Depth > l.MaxDepth:
		return "depth", fmt.Sprintf("operation nests fields %s deep, over the limit of %d", figure(m.Depth), l.MaxDepth)
	case m.Cost > l.MaxCost:
		least := ""
		if m.Partial {
			least = "at least "
		}
		return "cost", fmt.Sprintf("operation has complexity %s%s (an answer of up to that many fields), over the limit of %d", least, figure(m.Cost), l.MaxCost)
	}
	return "", ""
}

func figure(n int) string {
	if n >= Saturated {
		return "beyond " + strconv.Itoa(Saturated)
	}
	return strconv.Itoa(n)
}

// Operation measures a validated operation of doc. Variables give the
// values of slicing arguments passed as variables. The cost is not
// measured (it stays 0) when the operation is already over the depth or
// field limit, and measuring stops once the cost passes its limit, so that
// measuring is bounded by the limits too.
func Operation(schema *ast.Schema, doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any, l Limits) Measure {
	l = l.WithDefaults()
	s := shape{frags: map[string]shapeOf{}, doc: doc}
	sh := s.set(op.SelectionSet, 0)
	m := Measure{Depth: sh.depth, Fields: sh.fields}
	if m.Fields > l.MaxFields || m.Depth > l.MaxDepth {
		return m
	}
	w := &walker{schema: schema, doc: doc, vars: vars, stopAt: l.MaxCost, memo: map[string]int{}}
	m.Cost = w.set(op.SelectionSet, nil)
	if w.stopped {
		m.Partial = true
		m.Cost = max(m.Cost, l.MaxCost+1)
	}
	return m
}

// shape counts fields and depth without the schema, each fragment once.
type shape struct {
	doc    *ast.QueryDocument
	frags  map[string]shapeOf
	active map[string]bool
}

type shapeOf struct{ fields, depth int }

func (s *shape) set(set ast.SelectionSet, guard int) shapeOf {
	var out shapeOf
	for _, sel := range set {
		var sub shapeOf
		switch sel := sel.(type) {
		case *ast.Field:
			child := s.set(sel.SelectionSet, guard)
			sub = shapeOf{fields: add(1, child.fields), depth: add(1, child.depth)}
		case *ast.InlineFragment:
			sub = s.set(sel.SelectionSet, guard)
		case *ast.FragmentSpread:
			sub = s.spread(sel.Name)
		}
		out.fields = add(out.fields, sub.fields)
		out.depth = max(out.depth, sub.depth)
	}
	return out
}

func (s *shape) spread(name string) shapeOf {
	if v, ok := s.frags[name]; ok {
		return v
	}
	if s.active == nil {
		s.active = map[string]bool{}
	}
	def := s.doc.Fragments.ForName(name)
	if def == nil || s.active[name] {
		// Validation refuses unknown fragments and cycles; count nothing.
		return shapeOf{}
	}
	s.active[name] = true
	v := s.set(def.SelectionSet, 0)
	delete(s.active, name)
	s.frags[name] = v
	return v
}

// walker computes the cost of the typed operation.
type walker struct {
	schema  *ast.Schema
	doc     *ast.QueryDocument
	vars    map[string]any
	stopAt  int
	spent   int
	stopped bool
	memo    map[string]int
	active  map[string]bool
	intro   *introspection
}

// step accounts for one unit of measuring work and reports whether to stop.
func (w *walker) step() bool {
	w.spent++
	if w.spent > w.stopAt {
		w.stopped = true
	}
	return w.stopped
}

// set returns the cost of a selection set; sized gives the size of fields
// of this level that a parent sized (a connection's edges).
func (w *walker) set(set ast.SelectionSet, sized map[string]int) int {
	total := 0
	for _, sel := range set {
		if w.stopped {
			return total
		}
		switch sel := sel.(type) {
		case *ast.Field:
			total = add(total, w.field(sel, sized))
		case *ast.InlineFragment:
			total = add(total, w.set(sel.SelectionSet, sized))
		case *ast.FragmentSpread:
			total = add(total, w.spread(sel.Name, sized))
		}
		if total > w.stopAt {
			w.stopped = true
		}
	}
	return total
}

func (w *walker) spread(name string, sized map[string]int) int {
	key := name + sizedKey(sized)
	if v, ok := w.memo[key]; ok {
		w.step()
		return v
	}
	if w.active == nil {
		w.active = map[string]bool{}
	}
	def := w.doc.Fragments.ForName(name)
	if def == nil || w.active[key] {
		return 0
	}
	w.active[key] = true
	v := w.set(def.SelectionSet, sized)
	delete(w.active, key)
	if !w.stopped {
		w.memo[key] = v
	}
	return v
}

func sizedKey(sized map[string]int) string {
	if len(sized) == 0 {
		return ""
	}
	keys := make([]string, 0, len(sized))
	for k := range sized {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "|%s=%d", k, sized[k])
	}
	return b.String()
}

func (w *walker) field(f *ast.Field, sized map[string]int) int {
	if w.step() {
		return 0
	}
	if f.Name == "__typename" {
		return 1
	}
	if f.Name == "__schema" || f.Name == "__type" {
		if w.intro == nil {
			w.intro = newIntrospection(w)
		}
		return w.intro.root(f)
	}
	if f.Definition == nil {
		// Validation refuses unknown fields; an unvalidated one costs 1.
		return 1
	}
	size, childSized := w.sizes(f, sized)
	child := w.set(f.SelectionSet, childSized)
	return add(1, mul(size, child))
}

// sizes returns how many items field f can hold and the sizes it gives to
// fields of its own result.
func (w *walker) sizes(f *ast.Field, sized map[string]int) (int, map[string]int) {
	if n, ok := sized[f.Name]; ok {
		return n, nil
	}
	d := f.Definition.Directives.ForName("listSize")
	if d == nil {
		if f.Definition.Type.Elem != nil {
			return DefaultListSize, nil
		}
		return 1, nil
	}
	ls := parseListSize(d)
	n := ls.assumed
	args := f.ArgumentMap(w.vars)
	for _, name := range ls.slicing {
		if v, ok := args[name]; ok && v != nil {
			n = clamp(toInt(v))
			break
		}
	}
	if len(ls.sizedFields) > 0 {
		child := make(map[string]int, len(ls.sizedFields))
		for _, name := range ls.sizedFields {
			child[name] = n
		}
		return 1, child
	}
	return n, nil
}

// DefaultListSize is the size assumed for a list field that the schema
// does not size with @listSize.
const DefaultListSize = 100

type listSize struct {
	assumed     int
	slicing     []string
	sizedFields []string
}

func parseListSize(d *ast.Directive) listSize {
	ls := listSize{assumed: DefaultListSize}
	for _, a := range d.Arguments {
		switch a.Name {
		case "assumedSize":
			if n, err := strconv.Atoi(a.Value.Raw); err == nil {
				ls.assumed = n
			}
		case "slicingArguments":
			ls.slicing = stringList(a.Value)
		case "sizedFields":
			ls.sizedFields = stringList(a.Value)
		}
	}
	return ls
}

func stringList(v *ast.Value) []string {
	if v.Kind != ast.ListValue {
		return []string{v.Raw}
	}
	out := make([]string, 0, len(v.Children))
	for _, c := range v.Children {
		out = append(out, c.Value.Raw)
	}
	return out
}

func toInt(v any) int {
	switch v := v.(type) {
	case int:
		return v
	case int32:
		return int(v)
	case int64:
		if v > Saturated {
			return Saturated
		}
		return int(v)
	case float64:
		if v > float64(Saturated) {
			return Saturated
		}
		return int(v)
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return toInt(n)
		}
		if f, err := v.Float64(); err == nil {
			return toInt(f)
		}
	case string:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return toInt(n)
		}
	}
	return 0
}

func clamp(n int) int {
	if n < 0 {
		return 0
	}
	return min(n, Saturated)
}

// add and mul saturate at Saturated rather than overflow.
func add(a, b int) int {
	if a > Saturated-b {
		return Saturated
	}
	return a + b
}

func mul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > Saturated/b {
		return Saturated
	}
	return a * b
}
