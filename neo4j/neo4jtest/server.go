package neo4jtest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Server is a private Neo4j server of one test: Neo4j Community's engine
// and Bolt server, run by tools/neo4j/start on a free loopback port with
// its data in a temporary folder. Stop and Start take it down and bring it
// back on the same port with the same data, as an outage would.
type Server struct {
	Target
	t       testing.TB
	tools   string
	port    int
	data    string
	mu      sync.Mutex
	running bool
}

// Launch starts a private server and stops it when the test ends.
func Launch(t testing.TB) *Server {
	t.Helper()
	for _, tool := range []string{"java", "mvn"} {
		if _, err := exec.LookPath(tool); err != nil {
			Missing(t, "%s is not installed: cannot start a private Neo4j server (tools/neo4j needs Java 17 and Maven)", tool)
		}
	}
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	port, err := freePort()
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	s := &Server{
		Target: Target{URI: fmt.Sprintf("bolt://127.0.0.1:%d", port), User: "neo4j", Password: "private-test-password"},
		t:      t, tools: filepath.Join(root, "tools", "neo4j"), port: port, data: t.TempDir(),
	}
	t.Cleanup(s.Stop)
	s.Start()
	return s
}

// Start starts the server, or fails the test; it returns once Bolt accepts
// connections.
func (s *Server) Start() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running {
		return
	}
	out, err := s.script("start", "--port", strconv.Itoa(s.port), "--password", s.Password, "--data", s.data)
	if err != nil {
		s.t.Fatalf("start Neo4j: %v\n%s", err, out)
	}
	s.running = true
}

// Stop shuts the server down cleanly (SIGTERM) and waits until it has.
func (s *Server) Stop() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.running {
		return
	}
	if out, err := s.script("stop", "--data", s.data); err != nil {
		s.t.Errorf("stop Neo4j: %v\n%s", err, out)
	}
	s.running = false
}

// Log returns what the server has printed.
func (s *Server) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.data, "neo4j.log"))
	return string(b)
}

func (s *Server) script(name string, args ...string) (string, error) {
	cmd := exec.Command(filepath.Join(s.tools, name), args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return strings.TrimSpace(out.String()), err
}

// repoRoot finds the module's root folder from the test's working folder.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "tools", "neo4j", "start")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("tools/neo4j/start not found above the working folder")
		}
		dir = parent
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
