package neo4j

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// Every statement the backend can send goes through Neo4j's own Cypher front
// end: the parser and semantic analysis of npm @neo4j-cypher/language-support,
// run by tools/cypher-lint.mjs. That file says what is checked and how. Any
// diagnostic fails the test unless it is listed here.

// acceptedCypherDeprecation accepts one diagnostic: a deprecation that the
// backend keeps on purpose. Only deprecations belong here, each with its
// reason; a syntax or schema error is fixed, never accepted.
type acceptedCypherDeprecation struct {
	Statement string // Statement.Name
	Message   string // the diagnostic's message, exactly
	Reason    string // why the backend keeps the deprecated form
}

// acceptedCypherDeprecations is the allowlist. It is empty: the statements use
// no deprecated Cypher. An entry that no longer matches a diagnostic fails the
// test, so the list cannot go stale.
var acceptedCypherDeprecations = []acceptedCypherDeprecation{}

func TestCypherStatementsPassNeo4jFrontEnd(t *testing.T) {
	stmts := Statements()
	if len(stmts) == 0 {
		t.Fatal("Statements() is empty: nothing would be checked")
	}
	seen := map[string]bool{}
	for _, s := range stmts {
		if s.Name == "" || seen[s.Name] {
			t.Fatalf("statement names must be unique and non-empty; %q is not", s.Name)
		}
		seen[s.Name] = true
	}

	diags := runCypherLint(t, stmts, DatabaseSchema())

	used := make([]bool, len(acceptedCypherDeprecations))
	failed := map[string][]cypherDiagnostic{}
	for _, d := range diags {
		i := slices.IndexFunc(acceptedCypherDeprecations, func(a acceptedCypherDeprecation) bool {
			return a.Statement == d.Statement && a.Message == d.Message
		})
		if i >= 0 && strings.TrimSpace(acceptedCypherDeprecations[i].Reason) != "" {
			used[i] = true
			t.Logf("accepted deprecation in %q: %s (%s)", d.Statement, d.Message, acceptedCypherDeprecations[i].Reason)
			continue
		}
		failed[d.Statement] = append(failed[d.Statement], d)
	}
	for _, s := range stmts {
		ds := failed[s.Name]
		if len(ds) == 0 {
			continue
		}
		var b strings.Builder
		for _, d := range ds {
			fmt.Fprintf(&b, "\n  %d:%d %s: %s", d.Line, d.Column, d.Severity, d.Message)
		}
		t.Errorf("statement %q (params %v):%s\n--- cypher:\n%s", s.Name, s.Params, b.String(), s.Cypher)
	}
	for name := range failed {
		if !seen[name] {
			t.Errorf("diagnostic for unknown statement %q: %v", name, failed[name])
		}
	}
	for i, a := range acceptedCypherDeprecations {
		if strings.TrimSpace(a.Reason) == "" {
			t.Errorf("allowlist entry %d (%q) has no reason", i, a.Statement)
		} else if !used[i] {
			t.Errorf("allowlist entry %d no longer matches any diagnostic, remove it: %+v", i, a)
		}
	}
	t.Logf("checked %d Cypher statements with Neo4j's Cypher front end: %d diagnostics", len(stmts), len(diags))
}

// TestCypherLintCatchesMistakes shows that the check can fail: each broken
// statement, checked against the real schema, must draw a diagnostic that
// names the mistake. A correct statement must draw none.
func TestCypherLintCatchesMistakes(t *testing.T) {
	schema := DatabaseSchema()
	if !slices.Contains(schema.Labels, "Entity") || !slices.Contains(schema.PropertyKeys, "id") ||
		!slices.Contains(schema.PropertyKeys, "name") || len(schema.RelationshipTypes) == 0 {
		t.Fatalf("the cases below assume label Entity, property keys id and name, and a relationship type: %+v", schema)
	}
	rel := schema.RelationshipTypes[0]
	for _, bad := range []string{"Entitty", "NOT_A_REL_TYPE", "nmae"} {
		if slices.Contains(schema.Labels, bad) || slices.Contains(schema.RelationshipTypes, bad) || slices.Contains(schema.PropertyKeys, bad) {
			t.Fatalf("%s is in the schema; pick another misspelling", bad)
		}
	}

	cases := []struct {
		stmt Statement
		want string // a diagnostic's message contains this
	}{
		{Statement{Name: "misspelt label", Cypher: "MATCH (n:Entitty) RETURN n.id AS id"}, "Entitty"},
		{Statement{Name: "misspelt label in a write", Params: []string{"id"}, Cypher: "MERGE (n:Entitty {id: $id}) RETURN n.id AS id"}, "Entitty"},
		{Statement{Name: "undefined variable", Cypher: "MATCH (n:Entity) RETURN m"}, "Variable `m` not defined"},
		{Statement{Name: "unknown function", Cypher: "MATCH (n:Entity) RETURN toLowr(n.name) AS name"}, "toLowr"},
		{Statement{Name: "plugin function absent from Neo4j 5 Community", Cypher: "RETURN apoc.text.clean('x') AS x"}, "apoc.text.clean"},
		{Statement{Name: "unknown procedure", Cypher: "CALL db.awaitIndexs(300)"}, "db.awaitIndexs"},
		{Statement{Name: "unknown relationship type", Cypher: "MATCH (n:Entity)-[:NOT_A_REL_TYPE]->(m:Entity) RETURN m.id AS id"}, "NOT_A_REL_TYPE"},
		{Statement{Name: "unknown relationship type in a write", Params: []string{"a", "b"}, Cypher: "MATCH (a:Entity {id: $a}) MATCH (b:Entity {id: $b}) MERGE (a)-[:NOT_A_REL_TYPE]->(b)"}, "NOT_A_REL_TYPE"},
		{Statement{Name: "misspelt property in a write", Params: []string{"id", "name"}, Cypher: "MATCH (n:Entity {id: $id}) SET n.nmae = $name"}, "nmae"},
		{Statement{Name: "missing parameter", Cypher: "MATCH (n:Entity) WHERE n.id = $missing RETURN n"}, "$missing"},
		{Statement{Name: "declared parameter not used", Params: []string{"id", "unused"}, Cypher: "MATCH (n:Entity {id: $id}) RETURN n"}, "$unused"},
		{Statement{Name: "syntax error", Cypher: "MATCH (n:Entity RETURN n"}, "Invalid input"},
		{Statement{Name: "removed syntax", Cypher: "MATCH (n:Entity) WHERE exists(n.name) RETURN n"}, "no longer supported"},
		{Statement{Name: "two statements in one", Cypher: "MATCH (n:Entity) RETURN n; MATCH (m:Entity) RETURN m"}, "statements in one"},
		{Statement{Name: "Cypher version prefix", Cypher: "CYPHER 25 MATCH (n:Entity) RETURN n"}, "CYPHER 25"},
		{Statement{Name: "deprecated function", Cypher: "MATCH (n:Entity) RETURN id(n) AS i"}, "deprecated"},
	}
	control := Statement{Name: "correct statement", Params: []string{"ids", "from"}, Cypher: `UNWIND $ids AS id
MATCH (n:Entity {id: id})-[r:` + rel + `]->(m:Entity {id: $from})
RETURN n {.id, .name, label: labels(n)[0]} AS node, toLower(m.name) AS name, type(r) AS type`}

	stmts := []Statement{control}
	for _, c := range cases {
		stmts = append(stmts, c.stmt)
	}
	byStatement := map[string][]cypherDiagnostic{}
	for _, d := range runCypherLint(t, stmts, schema) {
		byStatement[d.Statement] = append(byStatement[d.Statement], d)
	}

	if ds := byStatement[control.Name]; len(ds) > 0 {
		t.Errorf("a correct statement drew diagnostics: %+v", ds)
	}
	for _, c := range cases {
		t.Run(c.stmt.Name, func(t *testing.T) {
			ds := byStatement[c.stmt.Name]
			for _, d := range ds {
				t.Logf("%d:%d %s: %s", d.Line, d.Column, d.Severity, d.Message)
			}
			if !slices.ContainsFunc(ds, func(d cypherDiagnostic) bool { return strings.Contains(d.Message, c.want) }) {
				t.Errorf("no diagnostic mentions %q for:\n%s", c.want, c.stmt.Cypher)
			}
		})
	}
}

// cypherDiagnostic is one line of tools/cypher-lint.mjs's output.
type cypherDiagnostic struct {
	Statement string `json:"statement"`
	Severity  string `json:"severity"`
	Message   string `json:"message"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
}

// cypherLintInput is tools/cypher-lint.mjs's input document.
type cypherLintInput struct {
	Schema struct {
		Labels            []string `json:"labels"`
		RelationshipTypes []string `json:"relationshipTypes"`
		PropertyKeys      []string `json:"propertyKeys"`
	} `json:"schema"`
	Statements []cypherLintStatement `json:"statements"`
}

type cypherLintStatement struct {
	Name   string   `json:"name"`
	Cypher string   `json:"cypher"`
	Params []string `json:"params"`
}

// cypherLinter returns the repository root and the node binary, or skips the
// test where they are missing; in CI (CI=true) they must be there.
func cypherLinter(t *testing.T) (root, node string) {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	missing := func(format string, args ...any) {
		t.Helper()
		if os.Getenv("CI") == "true" {
			t.Fatalf(format, args...)
		}
		t.Skipf(format, args...)
	}
	node, err = exec.LookPath("node")
	if err != nil {
		missing("node is not installed (Node 20 or later runs tools/cypher-lint.mjs): %v", err)
	}
	pkg := filepath.Join(root, "node_modules", "@neo4j-cypher", "language-support", "package.json")
	if _, err := os.Stat(pkg); err != nil {
		missing("@neo4j-cypher/language-support is not installed, run `npm ci` at the repository root: %v", err)
	}
	return root, node
}

// runCypherLint checks stmts against schema with tools/cypher-lint.mjs and
// returns its diagnostics.
func runCypherLint(t *testing.T, stmts []Statement, schema Schema) []cypherDiagnostic {
	t.Helper()
	root, node := cypherLinter(t)

	var in cypherLintInput
	in.Schema.Labels = nonNil(schema.Labels)
	in.Schema.RelationshipTypes = nonNil(schema.RelationshipTypes)
	in.Schema.PropertyKeys = nonNil(schema.PropertyKeys)
	for _, s := range stmts {
		in.Statements = append(in.Statements, cypherLintStatement{Name: s.Name, Cypher: s.Cypher, Params: nonNil(s.Params)})
	}
	doc, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "statements.json")
	if err := os.WriteFile(path, doc, 0o600); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join("tools", "cypher-lint.mjs"), path)
	cmd.Dir = root
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			t.Fatalf("tools/cypher-lint.mjs failed (exit %d):\n%s", exit.ExitCode(), stderr.String())
		}
		t.Fatalf("running tools/cypher-lint.mjs: %v\n%s", err, stderr.String())
	}

	var diags []cypherDiagnostic
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var d cypherDiagnostic
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&d); err != nil || d.Statement == "" || d.Message == "" {
			t.Fatalf("tools/cypher-lint.mjs printed a line that is not a diagnostic (%v): %s", err, line)
		}
		diags = append(diags, d)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return diags
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
