package neo4j

import (
	"context"
	"sync/atomic"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// RoundTrips counts what a Store has sent to the server since it was
// opened. The driver (neo4j-go-driver v5) begins a managed transaction with
// a BEGIN it waits for, sends each statement's RUN and PULL together, and
// ends with a COMMIT it waits for; a session fetches a result whole (see
// Store.session), so a statement is one round trip however many records
// it returns. Attempts that the driver retries are counted each time.
type RoundTrips struct {
	// Transactions begun, retried attempts included.
	Transactions int64
	// Statements run.
	Statements int64
}

// Total is the number of network round trips: one per statement, plus two
// per transaction (BEGIN and COMMIT). Opening a new pooled connection
// costs one or two more, once per connection, and is not counted.
func (r RoundTrips) Total() int64 { return 2*r.Transactions + r.Statements }

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
