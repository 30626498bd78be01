package httpapi_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGraphQLOverHTTPAudit runs graphql-http's audit suite for the GraphQL
// over HTTP specification against the API: every requirement and every
// recommendation must pass (only optional notices may remain).
func TestGraphQLOverHTTPAudit(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Node audit suite")
	}
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	script := filepath.Join(root, "tools", "graphql-http-audit.mjs")
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(root, "node_modules", "graphql-http", "package.json"))
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("node and the npm packages are required in CI (run npm ci): %v", err)
		}
		t.Skipf("node or node_modules/graphql-http missing (run npm ci): %v", err)
	}

	srv, _ := newServer(t)
	cmd := exec.Command(node, script, srv.URL+"/query")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, stderr.String())

	counts := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var r struct{ ID, Name, Status, Reason string }
		require.NoError(t, json.Unmarshal(sc.Bytes(), &r), sc.Text())
		counts[r.Status]++
		assert.Contains(t, []string{"ok", "notice"}, r.Status, "%s %s: %s", r.ID, r.Name, r.Reason)
	}
	t.Logf("GraphQL over HTTP audit: %v", counts)
	assert.Greater(t, counts["ok"], 50, "the suite ran its audits")
}
