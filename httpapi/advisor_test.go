package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/auth"
	"marrakechgraph/storetest"
)

// TestActivationPlansInEveryRegion imports one NHRI per region, as an
// editor would from the accreditation chart, and drafts a plan for each,
// and for NHRIs of the seed in three regions:
// ranked, explained, cited, with the regional bodies that cannot act there
// excluded by the country's memberships, not by its region.
func TestActivationPlansInEveryRegion(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		srv, ps := newServerOn(t, backend)
		tokens := roleTokens(t, ps.Store)
		csv := "region,country,institution,acronym,status,year\n" +
			"Africa,KE,Kenya National Commission on Human Rights,KNCHR,A,2019\n" +
			"Americas,MX,Comisión Nacional de los Derechos Humanos,CNDH,A,2022\n" +
			"Asia-Pacific,PH,Commission on Human Rights of the Philippines,CHRP,A,2017\n" +
			"Europe,BY,Test institution of Belarus,TIB,B,2020\n" +
			"Europe,FR,Commission nationale consultative des droits de l'homme,CNCDH,A,2019\n"
		r := call(t, srv, tokens[auth.RoleEditor], `mutation($csv: String!) { importNHRIs(csv: $csv, source: "test chart", asOf: "2026-06-30") { applied nhris errors { row message } } }`,
			map[string]any{"csv": csv})
		require.Empty(t, r.Errors)
		var imp struct {
			Applied bool
			Nhris   []string
		}
		require.NoError(t, json.Unmarshal(r.Data["importNHRIs"], &imp))
		require.True(t, imp.Applied)

		type plan struct {
			Country         struct{ Code string }
			Nhri            struct{ ID string }
			Recommendations []struct {
				Rank      int
				Channel   struct{ ID string }
				Score     float64
				Reasons   []string
				Citations []struct{ Quote string }
			}
			NotApplicable []struct {
				Channel struct{ ID string }
				Reason  string
			}
		}
		cases := map[string]struct {
			code            string
			mustRecommend   []string
			mustExcludeWith map[string]string
		}{
			"nhri:ke-knchr": {"KE", []string{"mechanism:un-sr-hrds", "mechanism:achpr", "mechanism:eu-delegations", "network:nanhri"}, map[string]string{"mechanism:iachr": "not a member State", "mechanism:coe": "not a member State", "network:ennhri": "belongs to another regional network"}},
			"nhri:mx-cndh":  {"MX", []string{"mechanism:iachr", "network:rindhca"}, map[string]string{"mechanism:coe": "not a member State", "network:nanhri": "belongs to another regional network"}},
			"nhri:ph-chrp":  {"PH", []string{"mechanism:un-sr-hrds", "network:apf"}, map[string]string{"mechanism:iachr": "not a member State", "mechanism:osce": "not a member State"}},
			"nhri:by-tib":   {"BY", []string{"mechanism:osce", "mechanism:eu-delegations", "network:ennhri"}, map[string]string{"mechanism:coe": "Belarus is not a member State of Council of Europe"}},
			"nhri:fr-cncdh": {"FR", []string{"mechanism:coe", "mechanism:osce"}, map[string]string{"mechanism:iachr": "not a member State", "mechanism:eu-delegations": "France is one"}},
			// NHRIs of the seed, named as members on their networks' own pages.
			"nhri:au-ahrc": {"AU", []string{"network:apf"}, map[string]string{"network:ennhri": "Australian Human Rights Commission belongs to another regional network, Asia Pacific Forum."}},
			"nhri:de-german-institute-for-human-rights": {"DE", []string{"network:ennhri", "mechanism:coe"}, map[string]string{"mechanism:eu-delegations": "Germany is one"}},
			"nhri:bo-defensor-del-pueblo-de-bolivia":    {"BO", []string{"network:rindhca", "mechanism:iachr"}, map[string]string{"mechanism:achpr": "not a member State"}},
		}
		for id, tc := range cases {
			t.Run(id, func(t *testing.T) {
				r := call(t, srv, "", `query($id: ID!) { activationPlan(situation: {nhri: $id, threats: ["threat-type:arbitrary-arrest-detention"], urgent: true}) {
				country { code } nhri { id } recommendations { rank channel { id } score reasons citations { quote } } notApplicable { channel { id } reason } } }`,
					map[string]any{"id": id})
				require.Empty(t, r.Errors)
				var p plan
				require.NoError(t, json.Unmarshal(r.Data["activationPlan"], &p))
				assert.Equal(t, tc.code, p.Country.Code, "the country comes from the NHRI")
				assert.Equal(t, id, p.Nhri.ID)
				require.NotEmpty(t, p.Recommendations)
				got := map[string]bool{}
				for i, rec := range p.Recommendations {
					assert.Equal(t, i+1, rec.Rank)
					assert.NotEmpty(t, rec.Reasons)
					assert.NotEmpty(t, rec.Citations, "%s is cited", rec.Channel.ID)
					got[rec.Channel.ID] = true
				}
				for _, want := range tc.mustRecommend {
					assert.True(t, got[want], "%s recommended for %s", want, id)
				}
				reasons := map[string]string{}
				for _, e := range p.NotApplicable {
					reasons[e.Channel.ID] = e.Reason
				}
				for ch, words := range tc.mustExcludeWith {
					assert.True(t, strings.Contains(reasons[ch], words), "%s excluded for %s with %q; got %q", ch, id, words, reasons[ch])
				}
			})
		}
	})
}
