package httpapi_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/auth"
	"marrakechgraph/storetest"
)

// TestTimestampsHaveOnePrecision: every instant the API shows is a DateTime
// in UTC with exactly three fraction digits, whatever wrote it.
func TestTimestampsHaveOnePrecision(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		srv, ps := newServerOn(t, backend)
		tokens := roleTokens(t, ps.Store)
		admin, office := tokens[auth.RoleAdmin], tokens[auth.RoleHeadOffice]
		incident := reportOne(t, srv, office, "Website defaced.")
		r := call(t, srv, office, `mutation($id: ID!) { recordResponse(input: {incident: $id, channel: "mechanism:un-asg-reprisals", activatedOn: "2026-03-15"}) { id } }`,
			map[string]any{"id": incident})
		require.Empty(t, r.Errors)

		stamp := regexp.MustCompile(`"(createdAt|revokedAt|at|reportedAt|recordedAt)":"([^"]*)"`)
		valid := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
		seen := map[string]bool{}
		for _, q := range []struct {
			token, query string
			vars         map[string]any
		}{
			{admin, `mutation { createAPIKey(name: "stamped", role: ANALYST) { key { id createdAt } } }`, nil},
			{admin, `{ apiKeys { createdAt revokedAt } }`, nil},
			{office, `query($id: ID!) { node(id: $id) { ... on ThreatIncident { reportedAt history { at } responses { recordedAt } } } }`, map[string]any{"id": incident}},
			{office, `{ history(id: "commitment:early-warning") { at } }`, nil},
		} {
			r := call(t, srv, q.token, q.query, q.vars)
			require.Empty(t, r.Errors, q.query)
			for _, v := range r.Data {
				for _, m := range stamp.FindAllStringSubmatch(string(v), -1) {
					seen[m[1]] = true
					assert.Regexp(t, valid, m[2], "%s in %s", m[1], q.query)
				}
			}
		}
		r = call(t, srv, admin, `{ apiKeys { id } }`, nil)
		require.Empty(t, r.Errors)
		id := regexp.MustCompile(`apikey:[0-9a-f]+`).FindString(string(r.Data["apiKeys"]))
		r = call(t, srv, admin, `mutation($id: ID!) { revokeAPIKey(id: $id) { revokedAt } }`, map[string]any{"id": id})
		require.Empty(t, r.Errors)
		m := stamp.FindStringSubmatch(string(r.Data["revokeAPIKey"]))
		require.NotNil(t, m, "%s", r.Data["revokeAPIKey"])
		assert.Regexp(t, valid, m[2], "revokedAt")
		for _, f := range []string{"createdAt", "at", "reportedAt", "recordedAt"} {
			assert.True(t, seen[f], "%s was checked", f)
		}
	})
}
