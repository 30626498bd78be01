package neo4j

import (
	"context"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/kg"
	"marrakechgraph/kg/kgtest"
	"marrakechgraph/neo4j/neo4jtest"
)

// testConfig returns the shared disposable test database (see
// neo4jtest.Shared); it is wiped before every test.
func testConfig(t *testing.T) Config {
	t.Helper()
	tg := neo4jtest.Shared(t)
	return Config{URI: tg.URI, User: tg.User, Password: tg.Password, Database: tg.Database}
}

// openWiped opens the test database after emptying it.
func openWiped(t *testing.T) *Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := Open(ctx, testConfig(t))
	require.NoError(t, err)
	require.NoError(t, s.Wipe(ctx), "wipe the test database")
	t.Cleanup(func() { s.Close() })
	return s
}

// TestNeo4j runs the Store conformance suite, and the backend's own checks,
// against the server named by NEO4J_TEST_URI; without it, it skips (and
// fails under CI=true).
func TestNeo4j(t *testing.T) {
	cfg := testConfig(t)
	t.Run("Conformance", func(t *testing.T) { conformance(t, cfg) })
	t.Run("OpenIsIdempotent", testOpenIsIdempotent)
	t.Run("NodesWithoutVersion", testNodesWithoutVersion)
}

// A database written before nodes had versions holds none: its nodes read
// as version 1, and the next change makes them version 2.
func testNodesWithoutVersion(t *testing.T) {
	s := openWiped(t)
	ctx := context.Background()
	n := kg.Node{ID: "action:x", Kind: kg.KindAction, Name: "X", Citations: []kg.Citation{{Document: "d", Section: "s", Quote: "q"}}}
	_, err := s.Apply(ctx, kg.ChangeSet{Actor: "test", PutNodes: []kg.Node{n}})
	require.NoError(t, err)
	n.Description = "Described."
	res, err := s.Apply(ctx, kg.ChangeSet{Actor: "test", PutNodes: []kg.Node{n}})
	require.NoError(t, err)
	require.Equal(t, int64(2), res.Versions[n.ID])
	_, err = neo4j.ExecuteQuery(ctx, s.driver, "MATCH (n:Entity {id: $id}) REMOVE n._version", map[string]any{"id": n.ID},
		neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(testConfig(t).Database))
	require.NoError(t, err, "remove the version, as an older database has none")

	got, err := s.Nodes(ctx, []string{n.ID})
	require.NoError(t, err)
	require.NotNil(t, got[0])
	assert.Equal(t, int64(1), got[0].Version)
	n.Name = "X, renamed"
	res, err = s.Apply(ctx, kg.ChangeSet{Actor: "test", Expect: []kg.Expectation{{ID: n.ID, Version: 1}}, PutNodes: []kg.Node{n}})
	require.NoError(t, err)
	assert.Equal(t, int64(2), res.Versions[n.ID])
	got, err = s.Nodes(ctx, []string{n.ID})
	require.NoError(t, err)
	assert.Equal(t, int64(2), got[0].Version)
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
