package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/auth"
	"marrakechgraph/storetest"
)

// operation is one thing a client can ask, with the permission it needs.
type operation struct {
	name  string
	query string
	vars  map[string]any
	needs auth.Permission
}

// accessOperations lists every operation the access matrix checks.
func accessOperations(revokable string) []operation {
	return []operation{
		{"read the knowledge graph", `{ commitments { id supportChannels { channel { id } } } }`, nil, auth.ReadGraph},
		{"search", `{ search(text: "reprisals") { id } }`, nil, auth.ReadGraph},
		{"viewer", `{ viewer { authenticated permissions } }`, nil, auth.ReadGraph},
		{"history of an entity", `{ history(id: "commitment:early-warning") { seq actor op } }`, nil, auth.ReadHistory},
		{"list API keys", `{ apiKeys { id role } }`, nil, auth.ManageKeys},
		{"create an API key", `mutation { createAPIKey(name: "matrix", role: ANALYST) { token key { id } } }`, nil, auth.ManageKeys},
		{"revoke an API key", `mutation($id: ID!) { revokeAPIKey(id: $id) { id revokedAt } }`, map[string]any{"id": revokable}, auth.ManageKeys},
		{"import the NHRI directory", `mutation($csv: String!) { importNHRIs(csv: $csv, source: "GANHRI chart", asOf: "2026-06-30") { applied rows errors { row message } } }`,
			map[string]any{"csv": "region,country,institution,acronym,status,year\nAfrica,KE,Kenya National Commission on Human Rights,KNCHR,A,2019\n"}, auth.WriteGraph},
		{"activation plan", `{ activationPlan(situation: {country: "KE", urgent: true}) { country { code } recommendations { rank } notApplicable { reason } } }`, nil, auth.ReadGraph},
	}
}

type gqlResult struct {
	status int
	Data   map[string]json.RawMessage
	Errors []struct {
		Message    string
		Extensions map[string]any
	}
}

func call(t *testing.T, srv *httptest.Server, token, query string, vars map[string]any) gqlResult {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/query", strings.NewReader(string(body)))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	r := gqlResult{status: res.StatusCode}
	require.NoError(t, json.Unmarshal(b, &r), string(b))
	return r
}

// TestAccessMatrix runs every operation as every role: allowed ones answer
// with data, the others with UNAUTHENTICATED (no key) or FORBIDDEN (a key
// with too small a role), and no data.
func TestAccessMatrix(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		srv, ps := newServerOn(t, backend)
		keys := &auth.Keys{Store: ps.Store}
		ctx := context.Background()
		tokens := map[auth.Role]string{auth.RolePublic: ""}
		for _, role := range auth.KeyRoles {
			_, token, err := keys.Create(ctx, role, "matrix "+string(role), "test")
			require.NoError(t, err)
			tokens[role] = token
		}
		roles := append([]auth.Role{auth.RolePublic}, auth.KeyRoles...)
		var matrix strings.Builder
		for _, role := range roles {
			victim, _, err := keys.Create(ctx, auth.RoleAnalyst, "to revoke", "test")
			require.NoError(t, err)
			for _, op := range accessOperations(victim.ID) {
				r := call(t, srv, tokens[role], op.query, op.vars)
				allowed := role.Can(op.needs)
				mark := "deny"
				if allowed {
					mark = "allow"
					require.Empty(t, r.Errors, "%s as %s: %+v", op.name, role, r.Errors)
					require.NotEmpty(t, r.Data)
				} else {
					require.NotEmpty(t, r.Errors, "%s as %s must be refused", op.name, role)
					want := "FORBIDDEN"
					if role == auth.RolePublic {
						want = "UNAUTHENTICATED"
					}
					assert.Equal(t, want, r.Errors[0].Extensions["code"], "%s as %s", op.name, role)
					for field, v := range r.Data {
						assert.Equal(t, "null", string(v), "%s as %s leaks %s", op.name, role, field)
					}
				}
				matrix.WriteString(string(role) + " / " + op.name + ": " + mark + "\n")
			}
		}
		t.Logf("access matrix:\n%s", matrix.String())
	})
}

func TestBadKeysAreRefused(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		srv, ps := newServerOn(t, backend)
		keys := &auth.Keys{Store: ps.Store}
		info, token, err := keys.Create(context.Background(), auth.RoleHeadOffice, "desk", "test")
		require.NoError(t, err)
		_, err = keys.Revoke(context.Background(), info.ID, "test")
		require.NoError(t, err)

		for name, header := range map[string]string{
			"revoked key":  "Bearer " + token,
			"garbage":      "Bearer not-a-key",
			"basic auth":   "Basic dXNlcjpwYXNz",
			"empty bearer": "Bearer ",
		} {
			t.Run(name, func(t *testing.T) {
				req, _ := http.NewRequest(http.MethodPost, srv.URL+"/query", strings.NewReader(`{"query":"{ objectives { id } }"}`))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", header)
				res, err := http.DefaultClient.Do(req)
				require.NoError(t, err)
				defer res.Body.Close()
				assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "a bad key is never served as public")
				assert.NotEmpty(t, res.Header.Get("WWW-Authenticate"))
				b, _ := io.ReadAll(res.Body)
				assert.Contains(t, string(b), "UNAUTHENTICATED")
				assert.NotContains(t, string(b), "objectives")
			})
		}
	})
}
