package kg

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Current is what a backend holds, before a change set, of the nodes and
// edges the change set refers to (see ChangeSet.Refs).
type Current struct {
	// Nodes maps each existing referenced node ID to its node.
	Nodes map[string]*Node
	// Edges maps each existing referenced edge key to its edge.
	Edges map[EdgeKey]*Edge
	// Touching lists, for each node to delete, every edge that touches it.
	Touching map[string][]Edge
}

// Refs returns what a backend must look up to reduce cs: the IDs of nodes put,
// deleted or used as edge ends; the keys of edges put or deleted; and the
// nodes to delete, whose touching edges are needed too.
func (cs ChangeSet) Refs() (nodeIDs []string, edgeKeys []EdgeKey, deleting []string) {
	seen := map[string]bool{}
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			nodeIDs = append(nodeIDs, id)
		}
	}
	for _, n := range cs.PutNodes {
		add(n.ID)
	}
	for _, e := range cs.PutEdges {
		add(e.From)
		add(e.To)
		edgeKeys = append(edgeKeys, e.Key())
	}
	edgeKeys = append(edgeKeys, cs.DeleteEdges...)
	for _, id := range cs.DeleteNodes {
		add(id)
	}
	return nodeIDs, edgeKeys, slices.Clone(cs.DeleteNodes)
}

// Plan is a validated change set reduced to the writes that change
// something, with their audit entries (Seq left for the backend to assign).
type Writes struct {
	PutNodes    []Node
	PutEdges    []Edge
	DeleteEdges []EdgeKey
	DeleteNodes []string
	Entries     []AuditEntry
	Result      ApplyResult
}

// Empty reports whether nothing is written.
func (p *Writes) Empty() bool {
	return len(p.PutNodes)+len(p.PutEdges)+len(p.DeleteEdges)+len(p.DeleteNodes) == 0
}

// Reduce validates cs against the current state and computes the writes
// and audit entries. Every backend applies changes through it, so that
// validation, idempotence and auditing are the same everywhere.
func Reduce(cs ChangeSet, cur Current, now time.Time) (*Writes, error) {
	if strings.TrimSpace(cs.Actor) == "" {
		return nil, Errorf(CodeBadUserInput, "a change needs an actor")
	}
	p := &Writes{}
	entry := func(op Op, subject string, edge *EdgeKey, before, after any) {
		p.Entries = append(p.Entries, AuditEntry{
			At: now.UTC(), Actor: cs.Actor, Reason: cs.Reason, Op: op, Subject: subject,
			Edge: edge, Before: toJSON(before), After: toJSON(after),
		})
	}

	deleting := map[string]bool{}
	for _, id := range cs.DeleteNodes {
		if deleting[id] {
			return nil, Errorf(CodeBadUserInput, "node %s is deleted twice in one change", id)
		}
		deleting[id] = true
		if cur.Nodes[id] == nil {
			return nil, Errorf(CodeNotFound, "node %s does not exist", id)
		}
	}

	// Nodes.
	final := map[string]Kind{} // kind of every node that exists after the change
	for id, n := range cur.Nodes {
		if n != nil && !deleting[id] {
			final[id] = n.Kind
		}
	}
	putIDs := map[string]bool{}
	for i := range cs.PutNodes {
		n := cs.PutNodes[i]
		if err := n.Validate(); err != nil {
			return nil, err
		}
		if putIDs[n.ID] {
			return nil, Errorf(CodeBadUserInput, "node %s is put twice in one change", n.ID)
		}
		putIDs[n.ID] = true
		if deleting[n.ID] {
			return nil, Errorf(CodeBadUserInput, "node %s is both put and deleted in one change", n.ID)
		}
		old := cur.Nodes[n.ID]
		switch {
		case old == nil:
			entry(OpCreate, n.ID, nil, nil, n)
			p.Result.Created++
		case old.Equal(&n):
			p.Result.Unchanged++
			continue
		default:
			entry(OpUpdate, n.ID, nil, old, n)
			p.Result.Updated++
		}
		p.PutNodes = append(p.PutNodes, *n.Clone())
		final[n.ID] = n.Kind
	}

	// Edges to delete explicitly, then edges that touch deleted nodes.
	deletedEdges := map[EdgeKey]bool{}
	for _, k := range cs.DeleteEdges {
		if deletedEdges[k] {
			return nil, Errorf(CodeBadUserInput, "relationship %s is deleted twice in one change", k)
		}
		old := cur.Edges[k]
		if old == nil {
			return nil, Errorf(CodeNotFound, "relationship %s does not exist", k)
		}
		deletedEdges[k] = true
		key := k
		entry(OpDelete, k.From, &key, old, nil)
		p.DeleteEdges = append(p.DeleteEdges, k)
		p.Result.Deleted++
	}
	for _, id := range cs.DeleteNodes {
		for _, e := range cur.Touching[id] {
			k := e.Key()
			if deletedEdges[k] {
				continue
			}
			deletedEdges[k] = true
			entry(OpDelete, k.From, &k, e, nil)
			p.DeleteEdges = append(p.DeleteEdges, k)
			p.Result.Deleted++
		}
		entry(OpDelete, id, nil, cur.Nodes[id], nil)
		p.DeleteNodes = append(p.DeleteNodes, id)
		p.Result.Deleted++
	}

	// Edges to put.
	putKeys := map[EdgeKey]bool{}
	for _, e := range cs.PutEdges {
		if err := e.Validate(); err != nil {
			return nil, err
		}
		k := e.Key()
		if putKeys[k] {
			return nil, Errorf(CodeBadUserInput, "relationship %s is put twice in one change", k)
		}
		putKeys[k] = true
		if deletedEdges[k] {
			return nil, Errorf(CodeBadUserInput, "relationship %s is both put and deleted in one change", k)
		}
		fromKind, ok := final[e.From]
		if !ok {
			return nil, Errorf(CodeNotFound, "relationship %s: node %s does not exist", k, e.From)
		}
		toKind, ok := final[e.To]
		if !ok {
			return nil, Errorf(CodeNotFound, "relationship %s: node %s does not exist", k, e.To)
		}
		if err := e.Type.ValidateEndpoints(fromKind, toKind); err != nil {
			return nil, fmt.Errorf("relationship %s: %w", k, err)
		}
		if len(e.Citations) == 0 && !fromKind.Sensitive() && !toKind.Sensitive() {
			return nil, Errorf(CodeBadUserInput, "relationship %s has no citation", k)
		}
		old := cur.Edges[k]
		switch {
		case old == nil:
			entry(OpCreate, k.From, &k, nil, e)
			p.Result.Created++
		case old.Equal(e):
			p.Result.Unchanged++
			continue
		default:
			entry(OpUpdate, k.From, &k, old, e)
			p.Result.Updated++
		}
		p.PutEdges = append(p.PutEdges, e.Clone())
	}
	p.Result.Entries = p.Entries
	return p, nil
}

func toJSON(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case *Node:
		if x == nil {
			return ""
		}
	case *Edge:
		if x == nil {
			return ""
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		// Nodes and edges hold only JSON-safe values (Props.Validate).
		panic(fmt.Sprintf("kg: audit value not serialisable: %v", err))
	}
	return string(b)
}
