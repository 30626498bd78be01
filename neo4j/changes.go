package neo4j

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"marrakechgraph/kg"
)

var (
	// stmtLastSeq reads the last audit sequence number: the write lock's,
	// set by the transaction that wrote the entries.
	stmtLastSeq = Statement{Name: "changes: last sequence", Cypher: `OPTIONAL MATCH (l:WriteLock {id: 'graph'})
RETURN coalesce(l.seq, 0) AS seq`}

	// stmtChanges reads the audit log between two sequence numbers.
	stmtChanges = Statement{Name: "changes", Params: []string{"after", "upto", "limit"}, Cypher: `MATCH (a:AuditEntry)
WHERE a.seq > $after AND a.seq <= $upto
RETURN a
ORDER BY a.seq
LIMIT $limit`}
)

// Changes implements kg.Store. Apply holds the write lock from before it
// reads the last sequence number until its transaction commits, so entries
// commit in sequence order, and the lock's sequence number is written in
// the same transaction as the entries. Changes reads that number first and
// then only entries up to it: every one of them was committed before the
// read began, so the answer has no gap even while writers commit.
func (s *Store) Changes(ctx context.Context, after uint64, limit int) ([]kg.AuditEntry, error) {
	if err := kg.ValidateChangesLimit(limit); err != nil {
		return nil, err
	}
	v, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		upto, err := lastSeq(ctx, tx)
		if err != nil || upto <= after {
			return []*neo4j.Record(nil), err
		}
		return run(ctx, tx, stmtChanges, map[string]any{"after": int64(after), "upto": int64(upto), "limit": int64(limit)})
	})
	if err != nil {
		return nil, err
	}
	recs := v.([]*neo4j.Record)
	out := make([]kg.AuditEntry, 0, len(recs))
	for _, rec := range recs {
		a, _, err := neo4j.GetRecordValue[dbtype.Node](rec, "a")
		if err != nil {
			return nil, fmt.Errorf("neo4j: changes: %w", err)
		}
		e, err := auditFromDB(a)
		if err != nil {
			return nil, fmt.Errorf("neo4j: changes: %w", err)
		}
		if want := after + uint64(len(out)) + 1; e.Seq != want {
			return nil, fmt.Errorf("neo4j: changes: the audit log has entry %d where %d belongs", e.Seq, want)
		}
		out = append(out, e)
	}
	return out, nil
}

// LastSeq implements kg.Store.
func (s *Store) LastSeq(ctx context.Context) (uint64, error) {
	v, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return lastSeq(ctx, tx)
	})
	if err != nil {
		return 0, err
	}
	return v.(uint64), nil
}

func lastSeq(ctx context.Context, tx neo4j.ManagedTransaction) (uint64, error) {
	recs, err := run(ctx, tx, stmtLastSeq, nil)
	if err != nil {
		return 0, err
	}
	if len(recs) != 1 {
		return 0, fmt.Errorf("%s: returned %d rows", stmtLastSeq.Name, len(recs))
	}
	seq, _, err := neo4j.GetRecordValue[int64](recs[0], "seq")
	if err != nil {
		return 0, fmt.Errorf("%s: %w", stmtLastSeq.Name, err)
	}
	if seq < 0 {
		return 0, fmt.Errorf("%s: negative sequence %d", stmtLastSeq.Name, seq)
	}
	return uint64(seq), nil
}
