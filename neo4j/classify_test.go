package neo4j

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/kg"
)

func TestClassify(t *testing.T) {
	live := context.Background()
	stmt := func(err error) error { return fmt.Errorf("stmtFind: %w", err) }
	for name, tc := range map[string]struct {
		err  error
		code kg.Code
	}{
		"connectivity":        {&neo4j.ConnectivityError{Inner: errors.New("dial tcp: connection refused")}, kg.CodeUnavailable},
		"retries exhausted":   {&neo4j.TransactionExecutionLimit{Cause: "timeout", Errors: []error{errors.New("leader switch")}}, kg.CodeUnavailable},
		"database down":       {&neo4j.Neo4jError{Code: "Neo.TransientError.General.DatabaseUnavailable", Msg: "down"}, kg.CodeUnavailable},
		"constraint":          {&neo4j.Neo4jError{Code: "Neo.ClientError.Schema.ConstraintValidationFailed", Msg: "dup"}, kg.CodeConflict},
		"syntax is internal":  {&neo4j.Neo4jError{Code: "Neo.ClientError.Statement.SyntaxError", Msg: "bad"}, kg.CodeInternal},
		"domain error passes": {kg.Errorf(kg.CodeNotFound, "node x does not exist"), kg.CodeNotFound},

		// Errors met with a live server stopped and started under load.
		"connectivity inside a statement": {stmt(&neo4j.ConnectivityError{Inner: io.EOF}), kg.CodeUnavailable},
		"connection reset in a result":    {stmt(&net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}), kg.CodeUnavailable},
		"end of stream in a result":       {stmt(io.EOF), kg.CodeUnavailable},
		"broken pipe":                     {stmt(syscall.EPIPE), kg.CodeUnavailable},
		"read time-out":                   {stmt(errors.New("Timeout while reading from connection [server-side timeout hint: 30s, user-provided context deadline: N/A]: EOF")), kg.CodeUnavailable},
		"routing table":                   {&neo4j.ConnectivityError{Inner: errors.New("Unable to retrieve routing table from 127.0.0.1:7687: EOF")}, kg.CodeUnavailable},
		"routing table, bare":             {errors.New("Unable to retrieve routing table, no router provided"), kg.CodeUnavailable},
		"commit lost":                     {&neo4j.ConnectivityError{Inner: errors.New("Connection lost during commit: EOF")}, kg.CodeUnavailable},
		"pool closed":                     {&neo4j.UsageError{Message: "Pool closed"}, kg.CodeUnavailable},
		"other usage error":               {&neo4j.UsageError{Message: "Session already has a pending transaction"}, kg.CodeInternal},
		"transaction terminated":          {&neo4j.Neo4jError{Code: "Neo.TransientError.Transaction.Terminated", Msg: "shutdown"}, kg.CodeUnavailable},
		"not a leader":                    {&neo4j.Neo4jError{Code: "Neo.ClientError.Cluster.NotALeader", Msg: "follower"}, kg.CodeUnavailable},
		"driver's own deadline":           {fmt.Errorf("acquire: %w", context.DeadlineExceeded), kg.CodeUnavailable},
		"mapping error is internal":       {errors.New("find: expected one row, got 2"), kg.CodeInternal},
	} {
		t.Run(name, func(t *testing.T) {
			err := classify(live, tc.err)
			assert.Equal(t, tc.code, kg.ErrorCode(err))
			if tc.code != kg.CodeInternal {
				assert.NotContains(t, kg.ClientMessage(err), "tcp", "driver details stay out of client messages")
			}
			assert.ErrorContains(t, err, tc.err.Error(), "the cause is kept for the logs")
			assert.ErrorIs(t, err, tc.err, "the driver's error stays in the chain")
		})
	}

	// The caller's own cancellation or deadline: UNAVAILABLE (never a 500
	// from the key check), and still the context's error for errors.Is.
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	err := classify(cancelled, &neo4j.ConnectivityError{Inner: errors.New("closed")})
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, kg.CodeUnavailable, kg.ErrorCode(err))
	var connectivity *neo4j.ConnectivityError
	assert.ErrorAs(t, err, &connectivity, "callers can errors.As the driver's error")

	// Callers can errors.As the driver's own types, whatever the code.
	var nerr *neo4j.Neo4jError
	for _, cause := range []error{
		&neo4j.Neo4jError{Code: "Neo.TransientError.General.DatabaseUnavailable", Msg: "down"},
		&neo4j.Neo4jError{Code: "Neo.ClientError.Schema.ConstraintValidationFailed", Msg: "dup"},
		&neo4j.Neo4jError{Code: "Neo.TransientError.General.OutOfMemoryError", Msg: "No space left on device"},
		fmt.Errorf("stmtFind: %w", &neo4j.Neo4jError{Code: "Neo.ClientError.Statement.SyntaxError", Msg: "bad"}),
	} {
		if assert.ErrorAs(t, classify(live, cause), &nerr, "%v", cause) {
			assert.NotEmpty(t, nerr.Code)
		}
	}
	expired, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()
	err = classify(expired, context.DeadlineExceeded)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, kg.CodeUnavailable, kg.ErrorCode(err))
	assert.NoError(t, classify(live, nil))
}

// A connection lost inside a statement must stay a connectivity error to
// the driver, which decides by the error's type whether to retry.
func TestStatementErrorKeepsRetries(t *testing.T) {
	st := Statement{Name: "stmtFind"}
	for _, cause := range []error{
		&neo4j.ConnectivityError{Inner: io.EOF},
		io.EOF,
		&net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET},
	} {
		err := statementError(st, cause)
		assert.True(t, neo4j.IsRetryable(err), "%v is retried", err)
		assert.True(t, neo4j.IsConnectivityError(err), "%v", err)
		assert.ErrorContains(t, err, "stmtFind")
	}
	transient := statementError(st, &neo4j.Neo4jError{Code: "Neo.TransientError.Transaction.DeadlockDetected", Msg: "deadlock"})
	assert.True(t, neo4j.IsRetryable(transient), "a deadlock is retried")
	syntax := statementError(st, &neo4j.Neo4jError{Code: "Neo.ClientError.Statement.SyntaxError", Msg: "bad"})
	assert.False(t, neo4j.IsRetryable(syntax))
	assert.ErrorContains(t, syntax, "stmtFind")
}

// The driver's retry back-off doubles from about 2 s with ±20% jitter and
// is checked only before it sleeps: the worst case of a call against a
// stopped server is the last attempt starting within the retry window,
// plus one connection acquisition. It must stay well under the call
// timeout, so that an outage answers UNAVAILABLE from the driver, fast.
func TestRetryWindowBoundsACall(t *testing.T) {
	var c config.Config
	configure(&c)
	assert.Equal(t, MaxRetryTime, c.MaxTransactionRetryTime)
	assert.Equal(t, AcquisitionTimeout, c.ConnectionAcquisitionTimeout)
	assert.Equal(t, SocketConnectTimeout, c.SocketConnectTimeout)

	elapsed, delay := time.Duration(0), time.Second
	for elapsed <= c.MaxTransactionRetryTime {
		delay = delay * 2 * 12 / 10 // the jitter's upper end
		elapsed += delay
	}
	worst := elapsed + c.ConnectionAcquisitionTimeout
	assert.Less(t, worst, 15*time.Second, "a call against a stopped server gives up within %v", worst)
	assert.Less(t, 2*worst, 30*time.Second, "two such calls of one request")
	assert.Less(t, 2*DefaultCallTimeout, 60*time.Second, "two calls that time out stay under the HTTP write timeout")
}

// unreachableStore is a Store on a driver pointed at addr, as Open makes
// it, without Open's connectivity check.
func unreachableStore(t *testing.T, addr string, callTimeout time.Duration) *Store {
	t.Helper()
	driver, err := neo4j.NewDriverWithContext("bolt://"+addr, neo4j.BasicAuth("neo4j", "password", ""), configure)
	require.NoError(t, err)
	t.Cleanup(func() { driver.Close(context.Background()) })
	return &Store{driver: driver, callTimeout: callTimeout, now: time.Now}
}

// A stopped server (connection refused): the driver's retries end within
// the retry window and the call answers UNAVAILABLE, not after the 30 s
// that a 15 s MaxTransactionRetryTime took.
func TestStoppedServerAnswersUnavailableFast(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out the driver's retry window")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	s := unreachableStore(t, addr, time.Minute)

	start := time.Now()
	_, err = s.Nodes(context.Background(), []string{"mechanism:ohchr"})
	took := time.Since(start)
	require.Error(t, err)
	assert.Equal(t, kg.CodeUnavailable, kg.ErrorCode(err), "%v", err)
	assert.Less(t, took, 15*time.Second)
	t.Logf("refused connections: UNAVAILABLE after %v (%v)", took.Round(time.Millisecond), err)
}

// A server that accepts connections and never answers (a database still
// starting, a host that hangs): a call without a deadline of its own ends
// at the store's call timeout, UNAVAILABLE, instead of waiting for ever.
func TestSilentServerAnswersUnavailableAtCallTimeout(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	go func() {
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	s := unreachableStore(t, l.Addr().String(), 2*time.Second)

	start := time.Now()
	_, err = s.Nodes(context.Background(), []string{"mechanism:ohchr"})
	took := time.Since(start)
	require.Error(t, err)
	assert.Equal(t, kg.CodeUnavailable, kg.ErrorCode(err), "%v", err)
	assert.Less(t, took, 2*time.Second+AcquisitionTimeout, "bounded by the call timeout")
	t.Logf("silent server: UNAVAILABLE after %v (%v)", took.Round(time.Millisecond), err)
}

// Statements run within the call's deadline whatever context the work
// passes them.
func TestBoundedTxRunsWithinTheCallDeadline(t *testing.T) {
	bounded, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	rec := &recordingTx{}
	_, _ = boundedTx{rec, bounded}.Run(context.Background(), "RETURN 1", nil)
	assert.Equal(t, bounded, rec.ctx)
}

type recordingTx struct {
	neo4j.ManagedTransaction
	ctx context.Context
}

func (r *recordingTx) Run(ctx context.Context, _ string, _ map[string]any) (neo4j.ResultWithContext, error) {
	r.ctx = ctx
	return nil, errors.New("not sent")
}
