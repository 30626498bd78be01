package httpapi_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/auth"
	"marrakechgraph/kg"
	"marrakechgraph/storetest"
)

func TestExports(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		srv, ps := newServerOn(t, backend)
		tokens := roleTokens(t, ps.Store)
		reportOne(t, srv, tokens[auth.RoleHeadOffice], "Quuxville office raided")
		stats, err := ps.Store.Stats(context.Background())
		require.NoError(t, err)
		var nodes, edges int
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

		get := func(name string) (*http.Response, string) {
			res, err := http.Get(srv.URL + "/export/" + name)
			require.NoError(t, err)
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			return res, string(b)
		}

		res, body := get("graph.json")
		assert.Equal(t, http.StatusOK, res.StatusCode)
		var g struct {
			Nodes []struct {
				ID        string
				Citations []kg.Citation
			}
			Relationships []kg.Edge
		}
		require.NoError(t, json.Unmarshal([]byte(body), &g))
		assert.Len(t, g.Nodes, nodes, "every public node")
		assert.Len(t, g.Relationships, edges, "every public relationship")
		for _, n := range g.Nodes {
			assert.NotEmpty(t, n.Citations, n.ID)
		}
		for _, secret := range []string{"incident:", "Quuxville", "apikey:", "CONCERNS", "secretSha256"} {
			assert.NotContains(t, body, secret, "the export holds no sensitive data")
		}

		res, body = get("nodes.csv")
		assert.Equal(t, http.StatusOK, res.StatusCode)
		assert.Contains(t, res.Header.Get("Content-Type"), "text/csv")
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		require.NoError(t, err)
		assert.Equal(t, []string{"id", "kind", "name", "acronym", "description", "properties", "citations"}, rows[0])
		assert.Len(t, rows, nodes+1)

		res, body = get("relationships.csv")
		assert.Equal(t, http.StatusOK, res.StatusCode)
		rows, err = csv.NewReader(strings.NewReader(body)).ReadAll()
		require.NoError(t, err)
		assert.Len(t, rows, edges+1)
		assert.NotContains(t, body, "incident:")

		res, _ = get("incidents.csv")
		assert.Equal(t, http.StatusNotFound, res.StatusCode)
	})
}
