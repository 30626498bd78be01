package neo4j

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"marrakechgraph/kg"
)

// Apply implements kg.Store. The change set is reduced to its writes by kg.Reduce
// against the database's current state inside one managed write
// transaction, after taking the graph's write lock, so writers are
// serialised and the audit sequence has no gaps or repeats. The lock is
// taken before the state is read: Neo4j reads what is committed (read
// committed), so a state read before the lock could change before the
// write, and two writers expecting the same version could both pass; read
// after it, the state is the last writer's, and stays so until this
// transaction ends. The callback re-reads and re-reduces from scratch, so
// a retried transaction is safe. A change set that changes nothing writes
// nothing and takes no lock.
func (s *Store) Apply(ctx context.Context, cs kg.ChangeSet) (*kg.ApplyResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// A read first: a change set that changes nothing (reloading the seed)
	// needs no write transaction at all. A precondition that fails there
	// is checked again under the lock, which alone decides (a read may be
	// served by a cluster member that lags behind).
	v, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return reduce(ctx, tx, cs, s.now())
	})
	switch {
	case kg.ErrorCode(err) == kg.CodeConflict:
	case err != nil:
		return nil, err
	case v.(*kg.Writes).Empty():
		res := v.(*kg.Writes).Result
		return &res, nil
	}
	v, err = s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		recs, err := run(ctx, tx, stmtLock, nil)
		if err != nil {
			return nil, err
		}
		if len(recs) != 1 {
			return nil, fmt.Errorf("apply: lock returned %d rows", len(recs))
		}
		seq, _, err := neo4j.GetRecordValue[int64](recs[0], "seq")
		if err != nil {
			return nil, fmt.Errorf("apply: lock: %w", err)
		}
		p, err := reduce(ctx, tx, cs, s.now())
		if err != nil {
			return nil, err
		}
		for i := range p.Entries {
			seq++
			p.Entries[i].Seq = uint64(seq)
		}
		if err := writeAll(ctx, tx, p); err != nil {
			return nil, err
		}
		if _, err := run(ctx, tx, stmtSetSeq, map[string]any{"seq": seq}); err != nil {
			return nil, err
		}
		res := p.Result
		res.Entries = p.Entries
		return &res, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*kg.ApplyResult), nil
}

// reduce reads the state a change set refers to and reduces the change set
// to its writes.
func reduce(ctx context.Context, tx neo4j.ManagedTransaction, cs kg.ChangeSet, now time.Time) (*kg.Writes, error) {
	ids, keys, deleting := cs.Refs()
	edges := make([]any, len(keys))
	for i, k := range keys {
		edges[i] = map[string]any{"type": string(k.Type), "from": k.From, "to": k.To}
	}
	recs, err := run(ctx, tx, stmtCurrent, map[string]any{"ids": ids, "edges": edges, "deleting": deleting})
	if err != nil {
		return nil, err
	}
	if len(recs) != 1 {
		return nil, fmt.Errorf("apply: current state returned %d rows", len(recs))
	}
	cur, err := currentFromRecord(recs[0], deleting)
	if err != nil {
		return nil, err
	}
	return kg.Reduce(cs, cur, now)
}

// currentFromRecord reads the row of stmtCurrent.
func currentFromRecord(rec *neo4j.Record, deleting []string) (kg.Current, error) {
	cur := kg.Current{Nodes: map[string]*kg.Node{}, Edges: map[kg.EdgeKey]*kg.Edge{}, Touching: map[string][]kg.Edge{}}
	for _, key := range []string{"nodes", "sources"} {
		nodes, _, err := neo4j.GetRecordValue[[]any](rec, key)
		if err != nil {
			return cur, fmt.Errorf("apply: current %s: %w", key, err)
		}
		for _, v := range nodes {
			dn, ok := v.(dbtype.Node)
			if !ok {
				return cur, fmt.Errorf("apply: current %s hold %T", key, v)
			}
			n, err := nodeFromDB(dn)
			if err != nil {
				return cur, fmt.Errorf("apply: current %s: %w", key, err)
			}
			cur.Nodes[n.ID] = n
		}
	}
	edgeMaps := func(key string) ([]kg.Edge, error) {
		raw, _, err := neo4j.GetRecordValue[[]any](rec, key)
		if err != nil {
			return nil, fmt.Errorf("apply: current %s: %w", key, err)
		}
		out := make([]kg.Edge, 0, len(raw))
		for _, v := range raw {
			m, ok := v.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("apply: %s hold %T", key, v)
			}
			e, err := edgeFromMap(m)
			if err != nil {
				return nil, fmt.Errorf("apply: current %s: %w", key, err)
			}
			out = append(out, e)
		}
		return out, nil
	}
	es, err := edgeMaps("edges")
	if err != nil {
		return cur, err
	}
	for i := range es {
		cur.Edges[es[i].Key()] = &es[i]
	}
	touching, err := edgeMaps("touching")
	if err != nil {
		return cur, err
	}
	for _, id := range deleting {
		for _, e := range touching {
			if e.From == id || e.To == id {
				cur.Touching[id] = append(cur.Touching[id], e)
			}
		}
	}
	return cur, nil
}

// writeAll sends the writes: edge and node deletions, node and edge
// puts grouped by kind and type (a few round trips, not one per item), and
// the audit entries.
func writeAll(ctx context.Context, tx neo4j.ManagedTransaction, p *kg.Writes) error {
	if len(p.DeleteEdges) > 0 {
		rows := make([]any, len(p.DeleteEdges))
		for i, k := range p.DeleteEdges {
			rows[i] = map[string]any{"type": string(k.Type), "from": k.From, "to": k.To}
		}
		if _, err := run(ctx, tx, stmtDeleteEdges, map[string]any{"rows": rows}); err != nil {
			return err
		}
	}
	if len(p.DeleteNodes) > 0 {
		if _, err := run(ctx, tx, stmtDeleteNodes, map[string]any{"ids": p.DeleteNodes}); err != nil {
			return err
		}
	}
	nodeRows := map[kg.Kind][]any{}
	for i := range p.PutNodes {
		props, err := nodeProps(&p.PutNodes[i])
		if err != nil {
			return err
		}
		k := p.PutNodes[i].Kind
		nodeRows[k] = append(nodeRows[k], map[string]any{"id": p.PutNodes[i].ID, "props": props})
	}
	for _, k := range kg.Kinds() {
		if rows := nodeRows[k.Kind]; len(rows) > 0 {
			if _, err := run(ctx, tx, putNodeStatements[k.Kind], map[string]any{"rows": rows}); err != nil {
				return err
			}
		}
	}
	edgeRows := map[kg.RelType][]any{}
	for _, e := range p.PutEdges {
		cits, err := citationsJSON(e.Citations)
		if err != nil {
			return err
		}
		edgeRows[e.Type] = append(edgeRows[e.Type], map[string]any{"from": e.From, "to": e.To, "citations": cits})
	}
	for _, r := range kg.RelTypes() {
		if rows := edgeRows[r.Type]; len(rows) > 0 {
			if _, err := run(ctx, tx, putEdgeStatements[r.Type], map[string]any{"rows": rows}); err != nil {
				return err
			}
		}
	}
	if len(p.Entries) > 0 {
		entries := make([]any, len(p.Entries))
		for i, e := range p.Entries {
			entries[i] = auditEntryProps(e)
		}
		if _, err := run(ctx, tx, stmtAudit, map[string]any{"entries": entries}); err != nil {
			return err
		}
	}
	return nil
}
