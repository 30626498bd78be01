package kg

import (
	"cmp"
	"slices"
)

// GraphStats is what anyone may see of a Stats: the counts of every kind
// and relationship type but the sensitive ones, sorted by name.
type GraphStats struct {
	Nodes, Relationships           []Count
	TotalNodes, TotalRelationships int
}

// Count is the number of nodes of a kind or relationships of a type.
type Count struct {
	Key   string
	Count int
}

// PublicStats is the public view of the stats a store returned (with err).
func PublicStats(st *Stats, err error) (*GraphStats, error) {
	if err != nil {
		return nil, err
	}
	out := &GraphStats{Nodes: []Count{}, Relationships: []Count{}}
	for k, c := range st.Nodes {
		if !k.Sensitive() {
			out.Nodes = append(out.Nodes, Count{Key: string(k), Count: c})
			out.TotalNodes += c
		}
	}
	for t, c := range st.Edges {
		if !t.Sensitive() {
			out.Relationships = append(out.Relationships, Count{Key: string(t), Count: c})
			out.TotalRelationships += c
		}
	}
	byKey := func(a, b Count) int { return cmp.Compare(a.Key, b.Key) }
	slices.SortFunc(out.Nodes, byKey)
	slices.SortFunc(out.Relationships, byKey)
	return out, nil
}
