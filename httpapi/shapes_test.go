package httpapi_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/auth"
	"marrakechgraph/storetest"
)

// TestAnswersKeepTheirShape pins the exact JSON of answers the services
// shape themselves: nulls where a dimension or a key is absent, empty lists
// rather than null, permissions in the schema's order.
func TestAnswersKeepTheirShape(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		srv, ps := newServerOn(t, backend)
		tokens := roleTokens(t, ps.Store)
		reportOne(t, srv, tokens[auth.RoleHeadOffice], "Offices searched without a warrant.")
		cases := []struct {
			name, role, query string
			vars              map[string]any
			want              string
		}{
			{"public viewer", "", `{ viewer { authenticated role name permissions } }`, nil,
				`{"authenticated":false,"role":null,"name":null,"permissions":["READ_GRAPH"]}`},
			{"head office viewer", string(auth.RoleHeadOffice), `{ viewer { authenticated role name permissions } }`, nil,
				`{"authenticated":true,"role":"HEADOFFICE","name":"test headoffice","permissions":["READ_GRAPH","READ_HISTORY","READ_INCIDENTS","WRITE_INCIDENTS"]}`},
			{"statistics by threat type", string(auth.RoleHeadOffice), `{ threatStats(groupBy: [THREAT_TYPE]) { region year threatType { id } count reprisals } }`, nil,
				`[{"region":null,"year":null,"threatType":{"id":"threat-type:smear-campaigns"},"count":1,"reprisals":0}]`},
			{"statistics by region and year", string(auth.RoleHeadOffice), `{ threatStats(groupBy: [REGION, YEAR]) { region year threatType { id } count } }`, nil,
				`[{"region":"AMERICAS","year":2026,"threatType":null,"count":1}]`},
			{"refused import", string(auth.RoleEditor), `mutation($csv: String!) { importNHRIs(csv: $csv, source: "GANHRI chart", asOf: "2026-06-30") { rows applied created updated unchanged errors { row column message } nhris } }`,
				map[string]any{"csv": "region,country,institution,acronym,status,year\nAfrica,KE,Kenya National Commission on Human Rights,KNCHR,Z,2019\n"},
				`{"rows":1,"applied":false,"created":0,"updated":0,"unchanged":0,"errors":[{"row":2,"column":"status","message":"\"Z\" is not an accreditation status (A or B)"}],"nhris":[]}`},
			{"new key", string(auth.RoleAdmin), `mutation { createAPIKey(name: "shape", role: ANALYST) { key { name role createdBy revokedAt } } }`, nil,
				`{"key":{"name":"shape","role":"ANALYST","createdBy":"test admin (`},
		}
		for _, c := range cases {
			r := call(t, srv, tokens[auth.Role(c.role)], c.query, c.vars)
			require.Empty(t, r.Errors, c.name)
			for _, v := range r.Data {
				if c.name == "new key" {
					assert.Contains(t, string(v), c.want, c.name)
					assert.Contains(t, string(v), `"revokedAt":null}}`, c.name)
					continue
				}
				assert.Equal(t, c.want, string(v), c.name)
			}
		}
	})
}
