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
				Rank        int
				Channel     struct{ ID string }
				Score       float64
				Specificity string
				Reasons     []string
				Citations   []struct{ Quote string }
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
			first           string // the channel that acts for this NHRI
		}{
			"nhri:ke-knchr": {"KE", []string{"mechanism:un-sr-hrds", "mechanism:achpr", "mechanism:eu-delegations", "network:nanhri"}, map[string]string{"mechanism:iachr": "not a member State", "mechanism:coe": "not a member State", "network:ennhri": "belongs to another regional network"}, ""},
			"nhri:mx-cndh":  {"MX", []string{"mechanism:iachr", "network:rindhca"}, map[string]string{"mechanism:coe": "not a member State", "network:nanhri": "belongs to another regional network"}, ""},
			"nhri:ph-chrp":  {"PH", []string{"mechanism:un-sr-hrds", "network:apf"}, map[string]string{"mechanism:iachr": "not a member State", "mechanism:osce": "not a member State"}, ""},
			"nhri:by-tib":   {"BY", []string{"mechanism:osce", "mechanism:eu-delegations", "network:ennhri"}, map[string]string{"mechanism:coe": "Belarus is not a member State of Council of Europe"}, ""},
			"nhri:fr-cncdh": {"FR", []string{"mechanism:coe", "mechanism:osce"}, map[string]string{"mechanism:iachr": "not a member State", "mechanism:eu-delegations": "France is one"}, ""},
			// NHRIs of the seed, named as members on their networks' own pages.
			"nhri:au-ahrc": {"AU", []string{"network:apf"}, map[string]string{"network:ennhri": "Australian Human Rights Commission belongs to another regional network, Asia Pacific Forum."}, "network:apf"},
			"nhri:de-german-institute-for-human-rights": {"DE", []string{"network:ennhri", "mechanism:coe"}, map[string]string{"mechanism:eu-delegations": "Germany is one"}, "network:ennhri"},
			"nhri:bo-defensor-del-pueblo-de-bolivia":    {"BO", []string{"network:rindhca", "mechanism:iachr"}, map[string]string{"mechanism:achpr": "not a member State"}, "network:rindhca"},
		}
		for id, tc := range cases {
			t.Run(id, func(t *testing.T) {
				r := call(t, srv, "", `query($id: ID!) { activationPlan(situation: {nhri: $id, threats: ["threat-type:arbitrary-arrest-detention"], urgent: true}) {
				country { code } nhri { id } recommendations { rank channel { id } score specificity reasons citations { quote } } notApplicable { channel { id } reason } } }`,
					map[string]any{"id": id})
				require.Empty(t, r.Errors)
				var p plan
				require.NoError(t, json.Unmarshal(r.Data["activationPlan"], &p))
				assert.Equal(t, tc.code, p.Country.Code, "the country comes from the NHRI")
				assert.Equal(t, id, p.Nhri.ID)
				require.NotEmpty(t, p.Recommendations)
				got := map[string]bool{}
				tier := map[string]int{"NHRI": 0, "REGION": 1, "THREAT": 2, "GENERAL": 3}
				for i, rec := range p.Recommendations {
					require.Contains(t, tier, rec.Specificity)
					if i > 0 {
						prev := p.Recommendations[i-1]
						require.LessOrEqual(t, tier[prev.Specificity], tier[rec.Specificity], "specificity first")
						if prev.Specificity == rec.Specificity {
							require.GreaterOrEqual(t, prev.Score, rec.Score, "then score")
						}
					}
					if i == 0 || rec.Score != p.Recommendations[i-1].Score || rec.Specificity != p.Recommendations[i-1].Specificity {
						assert.Equal(t, i+1, rec.Rank)
					} else {
						assert.Equal(t, p.Recommendations[i-1].Rank, rec.Rank, "full ties share a rank")
					}
					assert.NotEmpty(t, rec.Reasons)
					assert.NotEmpty(t, rec.Citations, "%s is cited", rec.Channel.ID)
					got[rec.Channel.ID] = true
				}
				if tc.first != "" {
					assert.Equal(t, tc.first, p.Recommendations[0].Channel.ID, "the channel that acts for %s comes first", id)
					assert.Equal(t, "NHRI", p.Recommendations[0].Specificity)
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

// TestPlanNicaragua: Nicaragua left the OAS on 19 November 2023, and the
// IACHR still acts there: the plan recommends it, says why, and cites the
// IACHR's own decisions rather than an OAS membership.
func TestPlanNicaragua(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		srv, _ := newServerOn(t, backend)
		r := call(t, srv, "", `{ activationPlan(situation: {country: "NI", threats: ["threat-type:arbitrary-arrest-detention"], targets: [MEMBERS_OR_STAFF], urgent: true}) {
			recommendations { channel { id } reasons citations { document quote } } } }`, nil)
		require.Empty(t, r.Errors)
		var p struct {
			Recommendations []struct {
				Channel   struct{ ID string }
				Reasons   []string
				Citations []struct{ Document, Quote string }
			}
		}
		require.NoError(t, json.Unmarshal(r.Data["activationPlan"], &p))
		var found bool
		for _, rec := range p.Recommendations {
			if rec.Channel.ID != "mechanism:iachr" {
				continue
			}
			found = true
			assert.Contains(t, rec.Reasons, "Still acts in Nicaragua, though Nicaragua is not a member State or State party of Organization of American States: the cited decisions show it acting there.")
			var quotes []string
			for _, c := range rec.Citations {
				quotes = append(quotes, c.Quote)
			}
			assert.Contains(t, quotes, "The IACHR Stresses Its Competent Jurisdiction Concerning Nicaragua")
		}
		assert.True(t, found, "the IACHR is recommended for Nicaragua: %+v", p.Recommendations)
	})
}

// TestConsentRefusedPlan: staff detained in Nigeria refuse to have their
// case shared. Every channel the seed records as requiring informed consent
// leaves the recommendations for notApplicable, with the reason; the
// channels whose need for consent is not recorded say so, and no plan reads
// "not recorded" as "not required".
func TestConsentRefusedPlan(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		srv, _ := newServerOn(t, backend)
		query := `query($consent: Boolean) { activationPlan(situation: {country: "NG", threats: ["threat-type:arbitrary-arrest-detention"],
			targets: [MEMBERS_OR_STAFF], urgent: true, reprisalForUNCooperation: true, consentToShare: $consent}) {
			recommendations { channel { id } reasons requiresConsent consentCitations { quote } }
			notApplicable { channel { id } reason } } }`
		type plan struct {
			Recommendations []struct {
				Channel          struct{ ID string }
				Reasons          []string
				RequiresConsent  string
				ConsentCitations []struct{ Quote string }
			}
			NotApplicable []struct {
				Channel struct{ ID string }
				Reason  string
			}
		}
		draft := func(consent any) plan {
			r := call(t, srv, "", query, map[string]any{"consent": consent})
			require.Empty(t, r.Errors)
			var p plan
			require.NoError(t, json.Unmarshal(r.Data["activationPlan"], &p))
			return p
		}

		// Not asked: the channels that require consent are recommended,
		// cited, and tell Head Office to obtain it first.
		required := map[string]bool{}
		for _, rec := range draft(nil).Recommendations {
			switch rec.RequiresConsent {
			case "REQUIRED":
				required[rec.Channel.ID] = true
				assert.NotEmpty(t, rec.ConsentCitations, "%s: consent is cited", rec.Channel.ID)
				assert.Contains(t, strings.Join(rec.Reasons, " "), "obtain the victims' informed consent before sharing any detail that identifies them")
			case "NOT_RECORDED":
				assert.Empty(t, rec.ConsentCitations)
				assert.Contains(t, strings.Join(rec.Reasons, " "), "Whether it needs the victims' informed consent is not recorded: obtain the victims' informed consent",
					"%s: not recorded is said, never read as not required", rec.Channel.ID)
			}
		}
		assert.True(t, required["mechanism:un-sr-hrds"], "the SR on HRDs needs consent: %v", required)
		assert.True(t, required["mechanism:un-asg-reprisals"], "the UN ASG needs consent: %v", required)

		// Refused: each of them is not applicable, with the reason.
		p := draft(false)
		for _, rec := range p.Recommendations {
			assert.NotEqual(t, "REQUIRED", rec.RequiresConsent, "%s recommended though consent is refused", rec.Channel.ID)
			assert.False(t, required[rec.Channel.ID], "%s recommended though consent is refused", rec.Channel.ID)
		}
		reasons := map[string]string{}
		for _, e := range p.NotApplicable {
			reasons[e.Channel.ID] = e.Reason
		}
		for id := range required {
			assert.Equal(t, "Needs the victims' informed consent, which they have refused: their case cannot be submitted to it.", reasons[id], id)
		}
	})
}
