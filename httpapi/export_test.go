package httpapi_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/auth"
	"marrakechgraph/kg"
	"marrakechgraph/storetest"
)

// publicCounts is how many public nodes and relationships the store holds.
func publicCounts(t *testing.T, s kg.Store) (nodes, edges int) {
	t.Helper()
	stats, err := s.Stats(context.Background())
	require.NoError(t, err)
	for k, n := range stats.Nodes {
		if !k.Sensitive() {
			nodes += n
		}
	}
	for typ, n := range stats.Edges {
		if !typ.Sensitive() {
			edges += n
		}
	}
	return nodes, edges
}

// getExport downloads /export/name with the given request headers.
func getExport(t *testing.T, base, name string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/export/"+name, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, string(b)
}

var secrets = []string{"incident:", "Quuxville", "apikey:", "CONCERNS", "secretSha256", "response:"}

func TestExports(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		srv, ps := newServerOn(t, backend)
		tokens := roleTokens(t, ps.Store)
		reportOne(t, srv, tokens[auth.RoleHeadOffice], "Quuxville office raided")
		nodes, edges := publicCounts(t, ps.Store)
		get := func(name string) (*http.Response, string) { return getExport(t, srv.URL, name) }

		res, body := get("graph.json")
		assert.Equal(t, http.StatusOK, res.StatusCode)
		var g struct {
			Nodes []struct {
				ID         string
				Kind       string
				Properties map[string]any
				Citations  []kg.Citation
			}
			Relationships []kg.Edge
		}
		require.NoError(t, json.Unmarshal([]byte(body), &g))
		assert.Len(t, g.Nodes, nodes, "every public node")
		assert.Len(t, g.Relationships, edges, "every public relationship")
		kinds := map[string]bool{}
		for _, n := range g.Nodes {
			assert.NotEmpty(t, n.Citations, n.ID)
			kinds[n.Kind] = true
			assert.NotContains(t, n.Properties, "seq", "%s: properties are named like the schema's fields", n.ID)
			if n.Kind == "ACTION" {
				assert.Contains(t, n.Properties, "number", n.ID)
			}
		}
		assert.True(t, kinds["SDG_TARGET"] && kinds["RISK_GROUP"] && kinds["NHRI"], "kinds as the schema's enum spells them: %v", kinds)
		assert.False(t, kinds["SDGTarget"])
		for _, name := range []string{"graph.json", "nodes.csv", "relationships.csv", "graph.graphml", "graph.graphology.json"} {
			_, body := get(name)
			for _, secret := range secrets {
				assert.NotContains(t, body, secret, "%s holds no sensitive data", name)
			}
		}

		res, body = get("nodes.csv")
		assert.Equal(t, http.StatusOK, res.StatusCode)
		assert.Contains(t, res.Header.Get("Content-Type"), "text/csv")
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		require.NoError(t, err)
		header := rows[0]
		assert.Equal(t, []string{"id", "kind", "name", "acronym", "description"}, header[:5])
		assert.Equal(t, "citations", header[len(header)-1])
		for _, col := range []string{"number", "pillar", "category", "level", "country.code", "eligibility.actsIn", "text"} {
			assert.Contains(t, header, col, "a column per property, named like the schema's field")
		}
		assert.NotContains(t, header, "seq")
		assert.NotContains(t, header, "properties")
		assert.Len(t, rows, nodes+1)
		number := indexOf(header, "number")
		for _, row := range rows[1:] {
			if row[1] == "ACTION" {
				assert.NotEmpty(t, row[number], "%s has its number in the number column", row[0])
			}
		}

		res, body = get("relationships.csv")
		assert.Equal(t, http.StatusOK, res.StatusCode)
		rows, err = csv.NewReader(strings.NewReader(body)).ReadAll()
		require.NoError(t, err)
		assert.Len(t, rows, edges+1)

		res, _ = get("incidents.csv")
		assert.Equal(t, http.StatusNotFound, res.StatusCode)
	})
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// TestExportsRevalidate: every export carries a strong ETag and a short
// public Cache-Control; a client that names the ETag it holds gets 304 with
// no body until the graph changes, then the new file under a new ETag.
func TestExportsRevalidate(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		srv, ps := newServerOn(t, backend)
		names := []string{"graph.json", "nodes.csv", "relationships.csv", "graph.graphml", "graph.graphology.json"}
		etags := map[string]string{}
		for _, name := range names {
			res, body := getExport(t, srv.URL, name)
			require.Equal(t, http.StatusOK, res.StatusCode, name)
			etag := res.Header.Get("ETag")
			assert.Regexp(t, `^"[0-9a-f]{32}"$`, etag, name)
			assert.Equal(t, "public, max-age=60, must-revalidate", res.Header.Get("Cache-Control"), name)
			etags[name] = etag

			again, body2 := getExport(t, srv.URL, name)
			assert.Equal(t, etag, again.Header.Get("ETag"), "%s: same graph, same ETag", name)
			assert.Equal(t, body, body2)

			res, body = getExport(t, srv.URL, name, "If-None-Match", etag)
			assert.Equal(t, http.StatusNotModified, res.StatusCode, name)
			assert.Empty(t, body)
			assert.Equal(t, etag, res.Header.Get("ETag"))
		}
		for a, ea := range etags {
			for b, eb := range etags {
				if a != b {
					assert.NotEqual(t, ea, eb, "%s and %s", a, b)
				}
			}
		}

		_, err := ps.Store.Apply(context.Background(), kg.ChangeSet{Actor: "editor", Reason: "test", PutNodes: []kg.Node{{
			ID: "risk-group:etag-test", Kind: kg.KindRiskGroup, Name: "ETag test group",
			Citations: []kg.Citation{{Document: "d", Section: "s", Quote: "q"}},
		}}})
		require.NoError(t, err)
		for _, name := range names {
			res, body := getExport(t, srv.URL, name, "If-None-Match", etags[name])
			if name == "relationships.csv" {
				assert.Equal(t, http.StatusNotModified, res.StatusCode, "a new node without relationships leaves relationships.csv as it was")
				continue
			}
			assert.Equal(t, http.StatusOK, res.StatusCode, "%s after a change", name)
			assert.NotEqual(t, etags[name], res.Header.Get("ETag"), name)
			assert.Contains(t, body, "risk-group:etag-test", name)
		}
	})
}

// TestGraphFilesLoadInGraphTools: the GraphML export validates against the
// GraphML 1.0 XML Schema (xmllint) and loads with graphology-graphml's
// parser; the graphology export loads with Graph.from and graph.import;
// each holds as many nodes and edges as the store's public graph, with
// attributes typed and named like the schema's fields.
func TestGraphFilesLoadInGraphTools(t *testing.T) {
	if testing.Short() {
		t.Skip("runs xmllint and Node")
	}
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("xmllint is required in CI (apt-get install libxml2-utils): %v", err)
		}
		t.Skipf("xmllint missing (apt-get install libxml2-utils): %v", err)
	}
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(root, "node_modules", "graphology-graphml", "package.json"))
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("node and the npm packages are required in CI (run npm ci): %v", err)
		}
		t.Skipf("node or node_modules/graphology-graphml missing (run npm ci): %v", err)
	}
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		srv, ps := newServerOn(t, backend)
		tokens := roleTokens(t, ps.Store)
		reportOne(t, srv, tokens[auth.RoleHeadOffice], "Quuxville office raided")
		nodes, edges := publicCounts(t, ps.Store)
		dir := t.TempDir()
		files := map[string]string{}
		for _, name := range []string{"graph.graphml", "graph.graphology.json"} {
			res, body := getExport(t, srv.URL, name)
			require.Equal(t, http.StatusOK, res.StatusCode, name)
			files[name] = filepath.Join(dir, name)
			require.NoError(t, os.WriteFile(files[name], []byte(body), 0o600))
		}
		res, _ := getExport(t, srv.URL, "graph.graphml")
		assert.Equal(t, "application/graphml+xml; charset=utf-8", res.Header.Get("Content-Type"))

		lint := exec.Command(xmllint, "--noout", "--nonet", "--schema", filepath.Join("testdata", "graphml", "graphml.xsd"), files["graph.graphml"])
		out, err := lint.CombinedOutput()
		require.NoError(t, err, "GraphML schema validation:\n%s", out)
		assert.Contains(t, string(out), "validates")

		const action = "action:o1-positive-narratives-workshops"
		cmd := exec.Command(node, filepath.Join(root, "tools", "graph-files-check.mjs"), files["graph.graphml"], files["graph.graphology.json"], action)
		cmd.Dir = root
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err = cmd.Output()
		require.NoError(t, err, stderr.String())
		type loaded struct {
			Order, Size int
			Type        string
			Node        map[string]any
			Edge        map[string]any
		}
		var got map[string]loaded
		require.NoError(t, json.Unmarshal(out, &got), string(out))
		require.Len(t, got, 3)
		for tool, g := range got {
			assert.Equal(t, nodes, g.Order, "%s: every public node", tool)
			assert.Equal(t, edges, g.Size, "%s: every public relationship", tool)
			assert.Equal(t, "directed", g.Type, tool)
			require.NotNil(t, g.Node, "%s: %s is in the graph", tool, action)
			assert.Equal(t, "ACTION", g.Node["kind"], tool)
			assert.IsType(t, float64(0), g.Node["number"], "%s: the action's number is a number", tool)
			assert.NotEmpty(t, g.Node["text"], tool)
			assert.NotContains(t, g.Node, "seq", tool)
			require.NotNil(t, g.Edge, "%s: the action's relationships", tool)
			assert.NotEmpty(t, g.Edge["type"], tool)
			assert.NotEmpty(t, g.Edge["citations"], tool)
			if tool == "graphml" {
				assert.Contains(t, g.Node["citations"], " | ", "citations as document | section | quote lines")
			} else {
				cs, ok := g.Node["citations"].([]any)
				require.True(t, ok, "%s: citations are a list", tool)
				assert.NotEmpty(t, cs)
			}
		}
	})
}
