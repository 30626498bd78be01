package neo4j

import (
	"context"
	"sync/atomic"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// RoundTrips counts what a Store has sent to the server since it was
// opened. Each statement is one round trip (BEGIN travels with a
// transaction's first RUN, and a statement's whole result comes with its
// RUN: sessions fetch everything at once), and each transaction one more,
// its COMMIT. Attempts that the driver retries are counted each time.
type RoundTrips struct {
	// Transactions begun, retried attempts included.
	Transactions int64
	// Statements run.
	Statements int64
}

// Total is the number of network round trips: one per statement, plus one
// per transaction to commit it. Opening a new pooled connection costs one
// or two more, once per connection, and is not counted.
func (r RoundTrips) Total() int64 { return r.Transactions + r.Statements }

// Sub returns the round trips made between two readings.
func (r RoundTrips) Sub(before RoundTrips) RoundTrips {
	return RoundTrips{Transactions: r.Transactions - before.Transactions, Statements: r.Statements - before.Statements}
}

// RoundTrips returns the counts so far; concurrent work goes on counting.
func (s *Store) RoundTrips() RoundTrips {
	return RoundTrips{Transactions: s.trips.transactions.Load(), Statements: s.trips.statements.Load()}
}

// tripCounter counts transactions and statements atomically.
type tripCounter struct {
	transactions, statements atomic.Int64
}

// count wraps the work of a managed transaction so that each attempt, and
// each statement it runs, is counted.
func (c *tripCounter) count(work neo4j.ManagedTransactionWork) neo4j.ManagedTransactionWork {
	return func(tx neo4j.ManagedTransaction) (any, error) {
		c.transactions.Add(1)
		return work(countedTx{ManagedTransaction: tx, c: c})
	}
}

// countedTx is a managed transaction that counts the statements it runs.
type countedTx struct {
	neo4j.ManagedTransaction
	c *tripCounter
}

func (t countedTx) Run(ctx context.Context, cypher string, params map[string]any) (neo4j.ResultWithContext, error) {
	t.c.statements.Add(1)
	return t.ManagedTransaction.Run(ctx, cypher, params)
}
