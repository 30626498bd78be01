package neo4j

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/stretchr/testify/require"

	"marrakechgraph/kg"
	"marrakechgraph/kg/kgtest"
)

// testConfig returns the database the integration tests use, from
// NEO4J_TEST_URI, NEO4J_TEST_USER, NEO4J_TEST_PASSWORD and
// NEO4J_TEST_DATABASE. The database is wiped before every test: never point
// it at data you want to keep.
func testConfig(t *testing.T) Config {
	t.Helper()
	uri := os.Getenv("NEO4J_TEST_URI")
	if uri == "" {
		t.Skip("NEO4J_TEST_URI is not set: no Neo4j server to run the conformance suite against (set NEO4J_TEST_URI, NEO4J_TEST_USER, NEO4J_TEST_PASSWORD to a disposable database)")
	}
	user := os.Getenv("NEO4J_TEST_USER")
	if user == "" {
		user = "neo4j"
	}
	return Config{URI: uri, User: user, Password: os.Getenv("NEO4J_TEST_PASSWORD"), Database: os.Getenv("NEO4J_TEST_DATABASE")}
}

// openWiped opens the test database after emptying it.
func openWiped(t *testing.T) *Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := Open(ctx, testConfig(t))
	require.NoError(t, err)
	_, err = s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return run(ctx, tx, stmtWipe, nil)
	})
	require.NoError(t, err, "wipe the test database")
	t.Cleanup(func() { s.Close() })
	return s
}

// TestNeo4j runs the Store conformance suite, and the backend's own checks,
// against the server named by NEO4J_TEST_URI; it is the one test that skips
// without it.
func TestNeo4j(t *testing.T) {
	cfg := testConfig(t)
	t.Run("Conformance", func(t *testing.T) { conformance(t, cfg) })
	t.Run("OpenIsIdempotent", testOpenIsIdempotent)
}

func conformance(t *testing.T, cfg Config) {
	kgtest.Run(t, kgtest.Opener{
		New: func(t *testing.T) kg.Store { return openWiped(t) },
		Reopen: func(t *testing.T, s kg.Store) kg.Store {
			require.NoError(t, s.Close())
			re, err := Open(context.Background(), cfg)
			require.NoError(t, err)
			t.Cleanup(func() { re.Close() })
			return re
		},
		// One database serves every subtest, so they run one at a time.
		Serial: true,
	})
}

func testOpenIsIdempotent(t *testing.T) {
	s := openWiped(t)
	// Creating the constraints and indexes again changes nothing.
	again, err := Open(context.Background(), testConfig(t))
	require.NoError(t, err)
	defer again.Close()
	require.NoError(t, again.Ping(context.Background()))
	require.NoError(t, s.Ping(context.Background()))
}
