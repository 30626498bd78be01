package httpapi_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/auth"
	"marrakechgraph/storetest"
)

// fullAnswer is an answer of /query with its errors' paths.
type fullAnswer struct {
	Data   map[string]json.RawMessage
	Errors []struct {
		Message    string
		Path       []any
		Extensions map[string]any
	}
}

func parseAnswer(t *testing.T, a answer) fullAnswer {
	t.Helper()
	var out fullAnswer
	require.NoError(t, json.Unmarshal([]byte(a.body), &out), a.body)
	return out
}

// TestRefusalsStayLocal: a field the caller may not read is null with its
// own error, and the public rest of the answer is served; such an answer is
// never kept by the answer cache.
func TestRefusalsStayLocal(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		srv, ps := newServerOn(t, backend)
		tokens := roleTokens(t, ps.Store)

		mixed := `{ graphStats { totalNodes } threatIncidents(first: 1) { totalCount } }`
		for _, c := range []struct {
			role auth.Role
			code string
		}{{auth.RolePublic, "UNAUTHENTICATED"}, {auth.RoleAnalyst, "FORBIDDEN"}} {
			a := ask(t, srv, http.MethodPost, mixed, nil, bearer(tokens[c.role])...)
			assert.Equal(t, http.StatusOK, a.status, a.body)
			r := parseAnswer(t, a)
			require.Len(t, r.Errors, 1, "one error, for the refused field: %s", a.body)
			assert.Equal(t, c.code, r.Errors[0].Extensions["code"], "%s", c.role)
			assert.Equal(t, []any{"threatIncidents"}, r.Errors[0].Path)
			assert.Equal(t, "null", string(r.Data["threatIncidents"]))
			var stats struct{ TotalNodes int }
			require.NoError(t, json.Unmarshal(r.Data["graphStats"], &stats), a.body)
			assert.Positive(t, stats.TotalNodes, "the public part survives for %s", c.role)
		}

		// Headoffice reads both.
		r := parseAnswer(t, ask(t, srv, http.MethodPost, mixed, nil, bearer(tokens[auth.RoleHeadOffice])...))
		assert.Empty(t, r.Errors)
		assert.Contains(t, string(r.Data["threatIncidents"]), `"totalCount"`)

		// A protected field inside a public object nulls only itself.
		nested := `{ nhris(first: 2) { edges { node { id name threatIncidents { id } } } } viewer { authenticated } }`
		a := ask(t, srv, http.MethodPost, nested, nil)
		r = parseAnswer(t, a)
		require.Len(t, r.Errors, 2, a.body)
		var paths [][]any
		for _, e := range r.Errors {
			assert.Equal(t, "UNAUTHENTICATED", e.Extensions["code"])
			paths = append(paths, e.Path)
		}
		assert.ElementsMatch(t, [][]any{
			{"nhris", "edges", float64(0), "node", "threatIncidents"},
			{"nhris", "edges", float64(1), "node", "threatIncidents"},
		}, paths)
		var page struct {
			Edges []struct {
				Node struct {
					ID, Name        string
					ThreatIncidents []any
				}
			}
		}
		require.NoError(t, json.Unmarshal(r.Data["nhris"], &page), a.body)
		require.Len(t, page.Edges, 2)
		for _, e := range page.Edges {
			assert.NotEmpty(t, e.Node.Name)
			assert.Nil(t, e.Node.ThreatIncidents)
		}
		assert.JSONEq(t, `{"authenticated": false}`, string(r.Data["viewer"]))

		// A refused mutation nulls its own field only.
		a = ask(t, srv, http.MethodPost, `mutation { createAPIKey(name: "x", role: ANALYST) { token } }`, nil)
		r = parseAnswer(t, a)
		require.Len(t, r.Errors, 1, a.body)
		assert.Equal(t, "UNAUTHENTICATED", r.Errors[0].Extensions["code"])
		assert.Equal(t, "null", string(r.Data["createAPIKey"]), a.body)

		// Neither the refused answer nor the allowed one is ever kept.
		admin := tokens[auth.RoleAdmin]
		before := cacheHits(t, srv, admin)
		for range 3 {
			for _, role := range []auth.Role{auth.RolePublic, auth.RoleHeadOffice} {
				a := ask(t, srv, http.MethodPost, mixed, nil, bearer(tokens[role])...)
				assert.Empty(t, a.header.Get("ETag"), "an answer with a protected field is not kept")
			}
		}
		assert.Equal(t, before, cacheHits(t, srv, admin), "no answer holding a protected field is served from the cache")
	})
}
