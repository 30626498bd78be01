package kg

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Current is what a backend holds, before a change set, of the nodes and
// edges the change set refers to (see ChangeSet.Refs). A backend reads it
// inside the transaction that writes the change set, once no other write
// can change it, so that the change set's expectations hold when it is
// written.
type Current struct {
	// Nodes maps each existing referenced node ID to its node, and the ID
	// of the node each Touching edge leaves from to its node.
	Nodes map[string]*Node
	// Edges maps each existing referenced edge key to its edge.
	Edges map[EdgeKey]*Edge
	// Touching lists, for each node to delete, every edge that touches it.
	Touching map[string][]Edge
}

// Refs returns what a backend must look up to reduce cs: the IDs of nodes put,
// deleted, expected, used as edge ends or left by an edge to delete; the
// keys of edges put or deleted; and the nodes to delete, whose touching
// edges, and the nodes those leave from, are needed too.
func (cs ChangeSet) Refs() (nodeIDs []string, edgeKeys []EdgeKey, deleting []string) {
	seen := map[string]bool{}
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			nodeIDs = append(nodeIDs, id)
		}
	}
	for _, x := range cs.Expect {
		add(x.ID)
	}
	for _, n := range cs.PutNodes {
		add(n.ID)
	}
	for _, e := range cs.PutEdges {
		add(e.From)
		add(e.To)
		edgeKeys = append(edgeKeys, e.Key())
	}
	for _, k := range cs.DeleteEdges {
		add(k.From)
	}
	edgeKeys = append(edgeKeys, cs.DeleteEdges...)
	for _, id := range cs.DeleteNodes {
		add(id)
	}
	return nodeIDs, edgeKeys, slices.Clone(cs.DeleteNodes)
}

// Writes is a validated change set reduced to the writes that change
// something, with their audit entries (Seq left for the backend to assign).
// PutNodes carry their new versions; they include the nodes whose only
// change is a relationship leaving them, with their version raised.
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

// Reduce validates cs against the current state and computes the writes,
// the new node versions and the audit entries. Every backend applies
// changes through it, so that validation, preconditions, versions,
// idempotence and auditing are the same everywhere.
func Reduce(cs ChangeSet, cur Current, now time.Time) (*Writes, error) {
	if strings.TrimSpace(cs.Actor) == "" {
		return nil, Errorf(CodeBadUserInput, "a change needs an actor")
	}
	if err := checkExpectations(cs.Expect, cur.Nodes); err != nil {
		return nil, err
	}
	p := &Writes{Result: ApplyResult{Versions: map[string]int64{}}}
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
	for _, id := range cs.DeleteNodes {
		for _, e := range cur.Touching[id] {
			if e.To == id && e.Type.Sensitive() && !deleting[e.From] {
				return nil, Errorf(CodeConflict, "node %s cannot be deleted: records of the threat log refer to it", id)
			}
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
	written := map[string]bool{} // nodes put with a change, at their new version
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
			n.Version = 1
			entry(OpCreate, n.ID, nil, nil, n)
			p.Result.Created++
		case old.Equal(&n):
			p.Result.Unchanged++
			p.Result.Versions[n.ID] = old.CurrentVersion()
			continue
		default:
			n.Version = old.CurrentVersion() + 1
			entry(OpUpdate, n.ID, nil, old, n)
			p.Result.Updated++
		}
		p.PutNodes = append(p.PutNodes, *n.Clone())
		p.Result.Versions[n.ID] = n.Version
		written[n.ID] = true
		final[n.ID] = n.Kind
	}

	// Nodes whose outgoing relationships change, in the order first met.
	var leaving []string
	isLeaving := map[string]bool{}
	changedFrom := func(id string) {
		if !isLeaving[id] {
			isLeaving[id] = true
			leaving = append(leaving, id)
		}
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
		changedFrom(k.From)
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
			changedFrom(k.From)
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
		changedFrom(k.From)
	}

	// A node whose outgoing relationships changed is at a new version even
	// when the node itself did not change: it is written again with the
	// version raised, without an audit entry of its own (the relationships'
	// entries are in its history).
	for _, id := range leaving {
		if written[id] || deleting[id] {
			continue
		}
		old := cur.Nodes[id]
		if old == nil {
			return nil, fmt.Errorf("kg: reduce: the backend did not read node %s, which a changed relationship leaves", id)
		}
		n := old.Clone()
		n.Version = old.CurrentVersion() + 1
		p.PutNodes = append(p.PutNodes, *n)
		p.Result.Versions[id] = n.Version
	}
	p.Result.Entries = p.Entries
	return p, nil
}

// checkExpectations checks a change set's preconditions against the
// current nodes.
func checkExpectations(expect []Expectation, nodes map[string]*Node) error {
	seen := map[string]bool{}
	for _, x := range expect {
		if x.ID == "" || x.Version < 0 {
			return Errorf(CodeBadUserInput, "an expectation needs a node ID and a version of 0 or more, got %q at %d", x.ID, x.Version)
		}
		if seen[x.ID] {
			return Errorf(CodeBadUserInput, "node %s is expected twice in one change", x.ID)
		}
		seen[x.ID] = true
		n := nodes[x.ID]
		switch {
		case x.Version == 0 && n != nil:
			return Errorf(CodeConflict, "node %s exists already", x.ID)
		case x.Version == 0:
		case n == nil:
			return Errorf(CodeConflict, "node %s no longer exists (version %d was expected)", x.ID, x.Version)
		case n.CurrentVersion() != x.Version:
			return Errorf(CodeConflict, "node %s is at version %d, not %d: it changed since it was read", x.ID, n.CurrentVersion(), x.Version)
		}
	}
	return nil
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
