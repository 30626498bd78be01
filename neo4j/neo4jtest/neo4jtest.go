// Package neo4jtest gives tests a real Neo4j server: the disposable
// database named by NEO4J_TEST_URI, held by one test process at a time, or a
// private server of their own, started by the launcher in tools/neo4j so
// that a test can stop and restart it.
//
// Without NEO4J_TEST_URI (or without Java and Maven for a private server)
// the tests that need one skip, naming what is missing; under CI=true they
// fail instead.
package neo4jtest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
)

// Target is a Neo4j database to connect to.
type Target struct {
	URI      string
	User     string
	Password string
	// Database is empty for the server's default database.
	Database string
}

// Env returns the environment variables that point the server at this
// target (STORE=neo4j and NEO4J_*), as "KEY=value" strings.
func (t Target) Env() []string {
	env := []string{"STORE=neo4j", "NEO4J_URI=" + t.URI, "NEO4J_USER=" + t.User, "NEO4J_PASSWORD=" + t.Password}
	if t.Database != "" {
		env = append(env, "NEO4J_DATABASE="+t.Database)
	}
	return env
}

// Missing stops a test that needs something this machine lacks: a skip
// with the reason, or, under CI=true, a failure.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (required when CI=true)", msg)
	}
	t.Skip(msg)
}

// Shared returns the disposable database named by NEO4J_TEST_URI,
// NEO4J_TEST_USER (default neo4j), NEO4J_TEST_PASSWORD and
// NEO4J_TEST_DATABASE, after taking it for this test process: test
// processes (go test runs packages side by side) take turns, so that one
// package's wipe never empties another's data. The turn lasts until the
// process ends. Tests that share it must not run in parallel.
//
// Every call counts as a use that may change the database (see Uses).
func Shared(t testing.TB) Target {
	t.Helper()
	uses.Add(1)
	uri := os.Getenv("NEO4J_TEST_URI")
	if uri == "" {
		Missing(t, "NEO4J_TEST_URI is not set: no Neo4j server to test against (tools/neo4j/start runs one; set NEO4J_TEST_URI, NEO4J_TEST_USER and NEO4J_TEST_PASSWORD to a disposable database)")
	}
	tg := Target{URI: uri, User: os.Getenv("NEO4J_TEST_USER"), Password: os.Getenv("NEO4J_TEST_PASSWORD"), Database: os.Getenv("NEO4J_TEST_DATABASE")}
	if tg.User == "" {
		tg.User = "neo4j"
	}
	if err := holdDatabase(tg); err != nil {
		t.Fatalf("take the shared test database: %v", err)
	}
	return tg
}

var uses atomic.Uint64

// Uses counts the calls of Shared in this process. A test helper that keeps
// data in the shared database between tests knows it is unchanged while
// the count is: whoever writes there took the database through Shared.
func Uses() uint64 { return uses.Load() }

var held sync.Map // lock file path → *os.File, kept open until the process ends

// holdDatabase takes an exclusive lock, shared by every test process on this
// machine, on the database; it returns at once when this process holds it.
func holdDatabase(tg Target) error {
	sum := sha256.Sum256([]byte(tg.URI + "\x00" + tg.Database))
	path := filepath.Join(os.TempDir(), "marrakechgraph-neo4j-test-"+hex.EncodeToString(sum[:8])+".lock")
	if _, ok := held.Load(path); ok {
		return nil
	}
	lockMu.Lock()
	defer lockMu.Unlock()
	if _, ok := held.Load(path); ok {
		return nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return fmt.Errorf("lock %s: %w", path, err)
	}
	held.Store(path, f)
	return nil
}

var lockMu sync.Mutex
