package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exampleClient is the partner client of examples/: a copy of its sources
// in a folder of its own, sharing the example's installed packages.
type exampleClient struct {
	dir string
	npm string
	env []string
}

// newExampleClient copies examples/partner-client (without node_modules or
// generated code) to a temporary folder, as a partner would copy it, and
// links its packages. It skips, or fails under CI=true, when Node or the
// example's packages are missing.
func newExampleClient(t *testing.T, url string) *exampleClient {
	t.Helper()
	src, err := filepath.Abs(filepath.Join("examples", "partner-client"))
	require.NoError(t, err)
	npm, err := exec.LookPath("npm")
	if err == nil {
		_, err = exec.LookPath("node")
	}
	if err == nil {
		_, err = os.Stat(filepath.Join(src, "node_modules", "@graphql-codegen", "cli", "package.json"))
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("node, npm and the example's packages are required in CI (npm ci --prefix examples/partner-client): %v", err)
		}
		t.Skipf("node, npm or the example's packages missing (npm ci --prefix examples/partner-client): %v", err)
	}
	dir := t.TempDir()
	for _, f := range []string{"package.json", "package-lock.json", "codegen.ts", "tsconfig.json", "README.md"} {
		copyFile(t, filepath.Join(src, f), filepath.Join(dir, f))
	}
	sources, err := filepath.Glob(filepath.Join(src, "src", "*.ts"))
	require.NoError(t, err)
	require.NotEmpty(t, sources)
	require.NoError(t, os.Mkdir(filepath.Join(dir, "src"), 0o755))
	for _, f := range sources {
		copyFile(t, f, filepath.Join(dir, "src", filepath.Base(f)))
	}
	require.NoError(t, os.Symlink(filepath.Join(src, "node_modules"), filepath.Join(dir, "node_modules")))
	return &exampleClient{dir: dir, npm: npm, env: append(os.Environ(), "MARRAKECH_GRAPH_URL="+url, "MARRAKECH_GRAPH_KEY=")}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(to, b, 0o644))
}

// run runs an npm script of the client with extra environment, returning
// its output and error.
func (c *exampleClient) run(t *testing.T, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(c.npm, append([]string{"run", "--silent"}, args...)...)
	cmd.Dir = c.dir
	cmd.Env = append(append([]string{}, c.env...), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// exampleSummary is what the client prints with --json.
type exampleSummary struct {
	Chart []struct {
		Commitment string
		Channels   int
		ByRole     map[string]int
	}
	Plan struct {
		Country         string
		NHRI            *string
		Recommendations []struct {
			Rank    int
			Channel string
		}
		NotApplicable int
	}
	Dashboard struct {
		TotalNodes *int
		Incidents  *struct {
			TotalCount int
			Latest     []string
		}
		Errors []struct{ Code, Path string }
	}
}

// TestExampleClient builds and starts the server, generates the example
// client's types from the server's schema with GraphQL Code Generator,
// type-checks the client (and checks that the types hold it to the schema:
// a protected field is nullable), then runs it without a key and with a
// headoffice key and compares what it read with the server's own answers.
func TestExampleClient(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the server, runs Node")
	}
	bin := buildServer(t)
	env := []string{"DATA_DIR=" + t.TempDir()}
	_, token := createKeyOn(t, bin, env, "headoffice", "example client")
	srv := startServer(t, bin, env...)
	srv.waitReady(t, 60*time.Second)
	client := newExampleClient(t, srv.base+"/query")

	start := time.Now()
	out, err := client.run(t, nil, "codegen")
	require.NoError(t, err, "codegen:\n%s", out)
	t.Logf("codegen against the server's schema: %v", time.Since(start).Round(time.Millisecond))
	generated, err := os.ReadFile(filepath.Join(client.dir, "src", "gql", "graphql.ts"))
	require.NoError(t, err)
	assert.Contains(t, string(generated), "export type DashboardQuery = ")

	start = time.Now()
	out, err = client.run(t, nil, "typecheck")
	require.NoError(t, err, "tsc:\n%s", out)
	t.Logf("tsc --noEmit: %v", time.Since(start).Round(time.Millisecond))

	// The generated types hold a client to the schema: reading a protected
	// field without a null check does not compile; a public one does.
	probe := filepath.Join(client.dir, "src", "probe.ts")
	require.NoError(t, os.WriteFile(probe, []byte(`import type { DashboardQuery } from './gql/graphql';
declare const d: DashboardQuery;
export const nodes: number = d.graphStats.totalNodes;
export const incidents: number = d.threatIncidents.totalCount;
`), 0o644))
	out, err = client.run(t, nil, "typecheck")
	require.Error(t, err, "a protected field read without a null check must not compile")
	assert.Contains(t, out, "src/probe.ts(4,")
	assert.Contains(t, out, "'d.threatIncidents' is possibly 'null'")
	assert.NotContains(t, out, "src/probe.ts(3,")
	require.NoError(t, os.Remove(probe))

	// The server's own answers, to compare with.
	want := data(t, srv.base, "", `{ commitments { id supportChannels { channel { id } } } graphStats { totalNodes } }`, nil)
	plan := data(t, srv.base, "", `query($s: SituationInput!) { activationPlan(situation: $s) { recommendations { rank channel { id } } notApplicable { reason } } }`,
		map[string]any{"s": map[string]any{"nhri": "nhri:gt", "threats": []string{"threat-type:smear-campaigns"},
			"targets": []string{"MEMBERS_OR_STAFF"}, "urgent": true, "consentToShare": true}})
	totalNodes := int(want["graphStats"].(map[string]any)["totalNodes"].(float64))

	summary := func(env ...string) exampleSummary {
		t.Helper()
		out, err := client.run(t, env, "start", "--", "--json")
		require.NoError(t, err, "client:\n%s", out)
		var s exampleSummary
		require.NoError(t, json.Unmarshal([]byte(out), &s), out)
		return s
	}

	// Without a key: the public part, and one local error.
	s := summary()
	commitments := want["commitments"].([]any)
	require.Len(t, s.Chart, len(commitments))
	for i, c := range commitments {
		c := c.(map[string]any)
		assert.Equal(t, c["id"], s.Chart[i].Commitment)
		assert.Equal(t, len(c["supportChannels"].([]any)), s.Chart[i].Channels, "%s", c["id"])
		sum := 0
		for _, n := range s.Chart[i].ByRole {
			sum += n
		}
		assert.Equal(t, s.Chart[i].Channels, sum, "every channel has a role")
	}
	assert.Equal(t, "GT", s.Plan.Country)
	require.NotNil(t, s.Plan.NHRI)
	assert.Equal(t, "nhri:gt", *s.Plan.NHRI)
	recs := plan["activationPlan"].(map[string]any)["recommendations"].([]any)
	require.Len(t, s.Plan.Recommendations, len(recs))
	require.NotEmpty(t, recs)
	for i, r := range recs {
		r := r.(map[string]any)
		assert.Equal(t, int(r["rank"].(float64)), s.Plan.Recommendations[i].Rank)
		assert.Equal(t, r["channel"].(map[string]any)["id"], s.Plan.Recommendations[i].Channel)
	}
	assert.Len(t, plan["activationPlan"].(map[string]any)["notApplicable"], s.Plan.NotApplicable)
	require.NotNil(t, s.Dashboard.TotalNodes, "the public part of the dashboard survives")
	assert.Equal(t, totalNodes, *s.Dashboard.TotalNodes)
	assert.Nil(t, s.Dashboard.Incidents)
	require.Len(t, s.Dashboard.Errors, 1)
	assert.Equal(t, "UNAUTHENTICATED", s.Dashboard.Errors[0].Code)
	assert.Equal(t, "threatIncidents", s.Dashboard.Errors[0].Path)

	// With a headoffice key: the threat log too.
	data(t, srv.base, token, `mutation { reportThreat(input: {nhri: "nhri:gt", threats: ["threat-type:smear-campaigns"],
		targets: [INSTITUTION], reprisalForUNCooperation: false, consentToShare: true, summary: "Example incident."}) { id } }`, nil)
	s = summary("MARRAKECH_GRAPH_KEY=" + token)
	assert.Empty(t, s.Dashboard.Errors)
	require.NotNil(t, s.Dashboard.TotalNodes)
	require.NotNil(t, s.Dashboard.Incidents, "a headoffice key reads the threat log")
	assert.Equal(t, 1, s.Dashboard.Incidents.TotalCount)
	require.Len(t, s.Dashboard.Incidents.Latest, 1)
	assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`, s.Dashboard.Incidents.Latest[0])

	// The report a person reads.
	out, err = client.run(t, nil, "start")
	require.NoError(t, err, "client:\n%s", out)
	assert.Contains(t, out, "Channels per Marrakech commitment")
	assert.Contains(t, out, "Activation plan for ")
	assert.Contains(t, out, "threatIncidents: not shown (UNAUTHENTICATED)")
	assert.False(t, strings.Contains(out, "undefined"), "%s", out)
}
