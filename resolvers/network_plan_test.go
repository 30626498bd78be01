package resolvers_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"marrakechgraph/storetest"
)

const regionalPlanQuery = `query($s: SituationInput!) { activationPlan(situation: $s) {
  notes
  nhriAccreditation { status referenceYear citations { quote } }
  recommendations { channel { id } reasons citations { quote } }
  notApplicable { channel { id } reason }
} }`

type regionalPlan struct {
	ActivationPlan struct {
		Notes             []string
		NhriAccreditation *struct {
			Status        string
			ReferenceYear int
			Citations     []struct{ Quote string }
		}
		Recommendations []struct {
			Channel   struct{ ID string }
			Reasons   []string
			Citations []struct{ Quote string }
		}
		NotApplicable []struct {
			Channel struct{ ID string }
			Reason  string
		}
	}
}

func (p regionalPlan) recommended() map[string]string {
	out := map[string]string{}
	for _, r := range p.ActivationPlan.Recommendations {
		out[r.Channel.ID] = strings.Join(r.Reasons, " ")
	}
	return out
}

func (p regionalPlan) excluded() map[string]string {
	out := map[string]string{}
	for _, e := range p.ActivationPlan.NotApplicable {
		out[e.Channel.ID] = e.Reason
	}
	return out
}

// The GAP passages that make a regional network a channel for the NHRIs of
// its region.
const (
	goal15      = "In situations where NHRIs are under threat, GANHRI, in collaboration with regional networks and UN partners, provides an effective and appropriate response that ensures their protection."
	o2Responses = "responses from GANHRI, regional networks and partners in support of NHRIs under threat"
)

// memberOnly are the seed's channels that presuppose an NHRI member of
// GANHRI.
var memberOnly = []string{
	"network:ganhri", "network:sca", "network:apf", "network:ennhri", "network:nanhri", "network:rindhca",
	"mechanism:high-level-country-missions", "mechanism:peer-nhri-public-support", "mechanism:nhri-hosting",
}

func TestPlansAndRegionalNetworks(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		c := newClient(t, backend.ReadOnlySeeded(t))
		plan := func(s map[string]any) regionalPlan {
			var p regionalPlan
			mustPost(t, c, regionalPlanQuery, map[string]any{"s": s}, &p)
			return p
		}

		t.Run("Africa: Kenya's NHRI gets NANHRI", func(t *testing.T) {
			p := plan(map[string]any{"country": "KE", "threats": []string{"threat-type:smear-campaigns"}})
			assert.Empty(t, p.ActivationPlan.Notes)
			if assert.NotNil(t, p.ActivationPlan.NhriAccreditation) {
				assert.Equal(t, "A", p.ActivationPlan.NhriAccreditation.Status)
				assert.Equal(t, 2019, p.ActivationPlan.NhriAccreditation.ReferenceYear)
				assert.NotEmpty(t, p.ActivationPlan.NhriAccreditation.Citations)
			}
			rec := p.recommended()
			assert.Contains(t, rec["network:nanhri"], "The regional network of Africa, where Kenya is")
			var quotes []string
			for _, r := range p.ActivationPlan.Recommendations {
				if r.Channel.ID == "network:nanhri" {
					for _, q := range r.Citations {
						quotes = append(quotes, q.Quote)
					}
				}
			}
			assert.Contains(t, quotes, goal15)
			assert.Contains(t, quotes, o2Responses)
			ex := p.excluded()
			for _, id := range []string{"network:apf", "network:ennhri", "network:rindhca"} {
				assert.Contains(t, ex[id], "belongs to another regional network", id)
				assert.NotContains(t, ex[id], "annot be assessed", id)
			}
		})

		t.Run("Europe: an ENNHRI member gets ENNHRI, the others are not applicable", func(t *testing.T) {
			p := plan(map[string]any{"nhri": "nhri:pl-polish-commissioner-for-human-rights", "threats": []string{"threat-type:legal-restrictions-on-independence"}})
			rec := p.recommended()
			assert.Contains(t, rec["network:ennhri"], "is a recorded member")
			ex := p.excluded()
			for _, id := range []string{"network:apf", "network:rindhca", "network:nanhri"} {
				assert.Equal(t, "Not applicable: Polish Commissioner for Human Rights belongs to another regional network, European Network of National Human Rights Institutions.", ex[id], id)
			}
		})

		t.Run("Tonga: no accredited NHRI recorded", func(t *testing.T) {
			p := plan(map[string]any{"country": "TO", "threats": []string{"threat-type:smear-campaigns"}})
			assert.Nil(t, p.ActivationPlan.NhriAccreditation)
			if assert.NotEmpty(t, p.ActivationPlan.Notes) {
				assert.True(t, strings.HasPrefix(p.ActivationPlan.Notes[0], "No accredited NHRI is recorded for Tonga"), p.ActivationPlan.Notes[0])
			}
			rec, ex := p.recommended(), p.excluded()
			for _, id := range memberOnly {
				assert.NotContains(t, rec, id)
				assert.Equal(t, "Not applicable: it presupposes an NHRI that is a member of GANHRI, and no accredited NHRI is recorded for Tonga.", ex[id], id)
			}
		})
	})
}
