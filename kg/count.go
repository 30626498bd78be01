package kg

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
)

// DatePart is the part of a date a count groups by.
type DatePart string

// Date parts.
const (
	// Month groups "YYYY-MM-DD…" values by "YYYY-MM".
	Month DatePart = "MONTH"
	// Year groups "YYYY-MM-DD…" values by "YYYY".
	Year DatePart = "YEAR"
)

// GroupBy says what a Count groups the matching nodes by: a property
// (Prop), a date property's month or year (Prop and Part), the nodes at
// the other end of a relationship (Rel), or a property of those nodes (Rel
// and Prop, and Part for a date).
type GroupBy struct {
	// Prop groups by the value of this property: a string, integer or
	// boolean is one group; a list puts the node in the group of each of
	// its distinct elements. A node lacking the property, or holding an
	// empty list, counts in the group with no key.
	Prop string
	// Part, with Prop, groups by the month or year of a date-valued
	// property ("YYYY-MM-DD", possibly followed by a time). A value that
	// is no such date counts in the group with no key.
	Part DatePart
	// Rel groups by the IDs of the nodes joined by edges that match it. A
	// node with several such neighbours counts once in the group of each;
	// a node with none counts in the group with no key. With Prop, the
	// groups are those of the neighbours' values of Prop instead, each
	// node counted once in each distinct group of its neighbours.
	Rel *RelGroup
}

// RelGroup names the edges a count follows to group nodes by their
// neighbours.
type RelGroup struct {
	// Types of the edges to follow; at least one, none of them sensitive
	// (the threat log counts its own records).
	Types []RelType
	// Direction of the edges, seen from the counted node.
	Direction Direction
	// Kinds of neighbours to group by (to go on from, with Then); empty
	// means every kind.
	Kinds []Kind
	// Then, when set, goes one step further: the nodes are grouped by the
	// nodes that edges matching Then join to the neighbours. An edge is
	// never followed twice on one way. Then has no Then of its own.
	Then *RelGroup
}

// CountQuery counts the nodes of a kind that match a query's filters,
// grouped. Filter's Kind, Props, Related, Text, Not and Any select the
// nodes, as they do for Find; its order and page are ignored.
type CountQuery struct {
	Filter FindQuery
	// Kinds, when set, counts the nodes of these kinds instead of
	// Filter.Kind's alone (which is then ignored).
	Kinds []Kind
	By    GroupBy
}

// CountedKinds returns the kinds a count counts, each once.
func (q CountQuery) CountedKinds() []Kind {
	if len(q.Kinds) > 0 {
		ks := slices.Clone(q.Kinds)
		slices.Sort(ks)
		return slices.Compact(ks)
	}
	return []Kind{q.Filter.Kind}
}

// Counts is what a Count returns.
type Counts struct {
	// Total is the number of matching nodes, each counted once.
	Total int
	// Groups are the non-empty groups, ordered by key as CompareValues
	// orders them: the group with no key (Key nil) comes last.
	Groups []GroupCount
}

// GroupCount is the number of matching nodes in one group.
type GroupCount struct {
	// Key is the group's value: a string (a property's value, a month,
	// a year, a neighbour's ID), an int64 or a bool; nil for the nodes
	// that have none.
	Key   any
	Count int
}

// Validate checks the count's arguments.
func (q CountQuery) Validate() error {
	f := q.Filter
	f.First, f.After = 1, ""
	if f.OrderBy == "" {
		f.OrderBy = OrderByID
	}
	for _, k := range q.CountedKinds() {
		f.Kind = k
		if err := f.Validate(); err != nil {
			return err
		}
	}
	by := q.By
	if by.Prop == "" && by.Rel == nil {
		return Errorf(CodeBadUserInput, "count: nothing to group by")
	}
	if by.Prop != "" && !propKeyRE.MatchString(by.Prop) {
		return Errorf(CodeBadUserInput, "count: cannot group by %q", by.Prop)
	}
	if by.Part != "" && by.Part != Month && by.Part != Year {
		return Errorf(CodeBadUserInput, "count: unknown date part %q", by.Part)
	}
	if by.Part != "" && by.Prop == "" {
		return Errorf(CodeBadUserInput, "count: a date part needs a property")
	}
	if by.Rel != nil {
		if by.Rel.Then != nil && by.Rel.Then.Then != nil {
			return Errorf(CodeBadUserInput, "count: a group goes at most two steps from the nodes counted")
		}
		for rg := by.Rel; rg != nil; rg = rg.Then {
			if err := rg.validate(); err != nil {
				return err
			}
		}
	}
	return nil
}

func (rg *RelGroup) validate() error {
	if len(rg.Types) == 0 {
		return Errorf(CodeBadUserInput, "count: grouping by a relationship needs its types")
	}
	for _, t := range rg.Types {
		if !t.Valid() {
			return Errorf(CodeBadUserInput, "count: unknown relationship type %q", t)
		}
		if t.Sensitive() {
			return Errorf(CodeBadUserInput, "count: cannot group by the sensitive relationship %s", t)
		}
	}
	if !rg.Direction.Valid() {
		return Errorf(CodeBadUserInput, "count: unknown direction %q", rg.Direction)
	}
	for _, k := range rg.Kinds {
		if !k.Valid() {
			return Errorf(CodeBadUserInput, "count: unknown kind %q", k)
		}
	}
	return nil
}

// datePrefixRE matches a value that starts with a date.
var datePrefixRE = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}`)

// PropGroupKeys returns the distinct group keys of a property value (nil
// for the group with no key) under a date part ("" for none).
func PropGroupKeys(v any, part DatePart) []any {
	var keys []any
	add := func(k any) {
		if part != "" {
			s, ok := k.(string)
			switch {
			case !ok || !datePrefixRE.MatchString(s):
				k = nil
			case part == Month:
				k = s[:7]
			default:
				k = s[:4]
			}
		}
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	switch x := v.(type) {
	case string, int64, bool:
		add(x)
	case []string:
		for _, s := range x {
			add(s)
		}
	}
	if len(keys) == 0 {
		keys = append(keys, nil)
	}
	return keys
}

// Tally counts group keys; Counts returns them in a Counts.
type Tally struct {
	total  int
	groups map[any]int
}

// Add counts one node in the groups of keys (distinct; nil is the group
// with no key).
func (t *Tally) Add(keys []any) {
	if t.groups == nil {
		t.groups = map[any]int{}
	}
	t.total++
	for _, k := range keys {
		t.groups[k]++
	}
}

// Counts returns the tally, groups ordered by key.
func (t *Tally) Counts() *Counts {
	out := &Counts{Total: t.total, Groups: []GroupCount{}}
	for k, c := range t.groups {
		out.Groups = append(out.Groups, GroupCount{Key: k, Count: c})
	}
	SortGroups(out.Groups)
	return out
}

// SortGroups orders groups by key, the group with no key last.
func SortGroups(gs []GroupCount) {
	slices.SortFunc(gs, func(a, b GroupCount) int {
		if r := CompareValues(a.Key, b.Key); r != 0 {
			return r
		}
		return cmp.Compare(b.Count, a.Count)
	})
}

// Aggregate is a count as the schema shows it: the total and the groups,
// each group's key written as a string.
type Aggregate struct {
	TotalCount int
	Groups     []*AggregateGroup
}

// AggregateGroup is a group of an Aggregate.
type AggregateGroup struct {
	// Key is the group's value, nil for the group without one.
	Key *string
	// Entity is the entity the group stands for, when the count groups by
	// neighbours.
	Entity Entity
	Count  int
}

// NewAggregate shows counts (read with err) as an Aggregate. entities, when
// the count grouped by neighbours, maps their IDs to their views.
func NewAggregate(c *Counts, err error, entities map[string]Entity) (*Aggregate, error) {
	if err != nil {
		return nil, err
	}
	out := &Aggregate{TotalCount: c.Total, Groups: make([]*AggregateGroup, len(c.Groups))}
	for i, g := range c.Groups {
		ag := &AggregateGroup{Count: g.Count}
		if g.Key != nil {
			s := fmt.Sprint(g.Key)
			ag.Key = &s
			if entities != nil {
				ag.Entity = entities[s]
			}
		}
		out.Groups[i] = ag
	}
	return out, nil
}
