package embedded

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"marrakechgraph/kg"
)

// Changes implements kg.Store. bbolt's sequence is part of the transaction
// that writes the entries, so the log has no gaps; entries past the last one
// the in-memory graph holds are not returned yet.
func (s *Store) Changes(ctx context.Context, after uint64, limit int) ([]kg.AuditEntry, error) {
	if err := kg.ValidateChangesLimit(limit); err != nil {
		return nil, err
	}
	var out []kg.AuditEntry
	err := s.read(ctx, "changes", func(*graph) error {
		upto := s.lastSeq
		if after >= upto {
			return nil
		}
		err := s.db.View(func(tx *bbolt.Tx) error {
			c := tx.Bucket(bucketAudit).Cursor()
			for k, v := c.Seek(seqKey(after + 1)); k != nil && len(out) < limit; k, v = c.Next() {
				seq := binary.BigEndian.Uint64(k)
				if seq > upto {
					break
				}
				var e kg.AuditEntry
				if err := json.Unmarshal(v, &e); err != nil {
					return fmt.Errorf("audit entry %d: %w", seq, err)
				}
				if e.Seq != seq || seq != after+uint64(len(out))+1 {
					return fmt.Errorf("audit entry %d is stored under sequence %d after %d entries from %d", e.Seq, seq, len(out), after)
				}
				out = append(out, e)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("embedded store: changes after %d: %w", after, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// LastSeq implements kg.Store.
func (s *Store) LastSeq(ctx context.Context) (uint64, error) {
	var last uint64
	err := s.read(ctx, "last sequence", func(*graph) error {
		last = s.lastSeq
		return nil
	})
	if err != nil {
		return 0, err
	}
	return last, nil
}
