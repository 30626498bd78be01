package advisor_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/advisor"
	"marrakechgraph/kg"
)

var cite = []kg.Citation{{Document: "test catalogue", Section: "eligibility", Quote: "as modelled for the test"}}

func node(id string, kind kg.Kind, name string, props kg.Props) *kg.Node {
	return &kg.Node{ID: id, Kind: kind, Name: name, Props: props, Citations: cite}
}

// Organisations and treaties that decide who can act where.
var (
	coe     = node("mechanism:coe", kg.KindMechanism, "Council of Europe", nil)
	osce    = node("mechanism:osce", kg.KindMechanism, "OSCE", nil)
	oas     = node("mechanism:oas", kg.KindMechanism, "Organization of American States", nil)
	eu      = node("mechanism:eu", kg.KindMechanism, "European Union", nil)
	charter = node("instrument:african-charter", kg.KindInstrument, "African Charter on Human and Peoples' Rights", nil)
)

// network builds a network channel.
func network(id, name, actsIn string, serves, triggers, remedies []string, consent bool) advisor.Channel {
	return asChannel(eligible(kg.KindNetwork, id, name, actsIn, serves, triggers, remedies, consent))
}

// channel builds a channel as the seed records one.
func channel(id, name, actsIn string, serves, triggers, remedies []string, consent bool, covers ...*kg.Node) advisor.Channel {
	c := asChannel(eligible(kg.KindMechanism, id, name, actsIn, serves, triggers, remedies, consent))
	c.Covers, c.CoverCitations = covers, cite
	return c
}

// eligible builds the node of a channel with its eligibility.
func eligible(kind kg.Kind, id, name, actsIn string, serves, triggers, remedies []string, consent bool) *kg.Node {
	return node(id, kind, name, kg.Props{
		kg.PropActsIn: actsIn, kg.PropServes: serves, kg.PropTriggers: triggers,
		kg.PropRemedies: remedies, kg.PropRequiresConsent: consent,
		kg.PropHowToActivate: "Write to the secretariat.", kg.PropContactPage: "https://example.org/" + id,
	})
}

// asChannel is a mechanism or network node as a channel.
func asChannel(n *kg.Node) advisor.Channel {
	c, _ := advisor.NewChannel(n, nil)
	return c
}

// view is the view of a node of T's kind.
func view[T kg.Entity](n *kg.Node) T {
	v, _ := kg.ViewAs[T](n)
	return v
}

// threat is the view of one of the threats.
func threat(key string) kg.ThreatType { return view[kg.ThreatType](threats[key]) }

// outside builds a channel that acts outside the member States of org.
func outside(id, name string, org *kg.Node) advisor.Channel {
	c := channel(id, name, advisor.ActsOutside, []string{advisor.ServesMembersOrStaff}, []string{"ANY_THREAT"}, []string{"ADVOCACY", "TRIAL_MONITORING"}, false)
	c.Covers, c.CoverCitations = nil, nil
	c.OutsideOf, c.OutsideCitations = []*kg.Node{org}, cite
	return c
}

var (
	inst, staff, cso = advisor.ServesInstitution, advisor.ServesMembersOrStaff, advisor.ServesCSO
	catalogue        = []advisor.Channel{
		channel("mechanism:un-asg-reprisals", "UN Assistant Secretary-General on reprisals", advisor.ActsGlobal,
			[]string{inst, staff}, []string{"REPRISAL_UN_COOPERATION"}, []string{"ADVOCACY", "PUBLIC_STATEMENT"}, true),
		channel("mechanism:un-sr-hrds", "UN Special Rapporteur on human rights defenders", advisor.ActsGlobal,
			[]string{staff}, []string{"ANY_THREAT", "URGENT_RISK"}, []string{"URGENT_APPEAL", "PUBLIC_STATEMENT", "COUNTRY_MISSION"}, true),
		channel("mechanism:iachr", "Inter-American Commission on Human Rights", advisor.ActsCovered,
			[]string{inst, staff}, []string{"URGENT_RISK", "ANY_THREAT"}, []string{"PRECAUTIONARY_MEASURES", "PUBLIC_STATEMENT"}, true, oas),
		channel("mechanism:achpr", "African Commission on Human and Peoples' Rights", advisor.ActsCovered,
			[]string{inst, staff}, []string{"URGENT_RISK", "ANY_THREAT"}, []string{"URGENT_APPEAL", "PUBLIC_STATEMENT"}, false, charter),
		channel("mechanism:coe", "Council of Europe Commissioner for Human Rights", advisor.ActsCovered,
			[]string{inst, staff}, []string{"THREAT_TO_INDEPENDENCE", "ANY_THREAT"}, []string{"PUBLIC_STATEMENT", "COUNTRY_MISSION"}, false, coe),
		channel("mechanism:osce", "OSCE/ODIHR", advisor.ActsCovered,
			[]string{staff}, []string{"ANY_THREAT"}, []string{"ADVOCACY"}, false, osce),
		// The Council of Europe itself, acting in its own member States.
		channel("mechanism:coe-self", "Council of Europe", advisor.ActsMembers,
			[]string{inst}, []string{"THREAT_TO_INDEPENDENCE"}, []string{"PUBLIC_STATEMENT"}, false),
		// A regional network acting for its own member NHRIs.
		network("network:ennhri", "ENNHRI", advisor.ActsMembers,
			[]string{inst, staff}, []string{"ANY_THREAT"}, []string{"PEER_SUPPORT"}, false),
		channel("mechanism:protectdefenders-eu", "ProtectDefenders.eu", advisor.ActsGlobal,
			[]string{staff}, []string{"URGENT_RISK"}, []string{"EMERGENCY_GRANT", "RELOCATION"}, true),
		channel("mechanism:lifeline", "Lifeline Embattled CSO Assistance Fund", advisor.ActsGlobal,
			[]string{cso}, []string{"URGENT_RISK", "FUNDING_NEED"}, []string{"EMERGENCY_GRANT"}, false),
		channel("network:sca", "GANHRI Sub-Committee on Accreditation", advisor.ActsGlobal,
			[]string{inst}, []string{"THREAT_TO_INDEPENDENCE", "THREAT_TO_LEGAL_BASIS"}, []string{"ACCREDITATION_REVIEW"}, false),
		channel("mechanism:nhri-hosting", "Hosting by a peer NHRI", advisor.ActsGlobal,
			[]string{staff}, []string{"URGENT_RISK"}, []string{"RELOCATION", "PEER_SUPPORT"}, false),
		// The EU's missions, acting outside the EU's member States.
		outside("mechanism:eu-delegations", "EU Delegations", eu),
		// A channel without eligibility data takes no part.
		asChannel(node("mechanism:unfpa", kg.KindMechanism, "UNFPA", nil)),
	}
	threats = map[string]*kg.Node{
		"arrest": node("threat-type:arbitrary-arrest-detention", kg.KindThreatType, "Arbitrary arrest and detention", kg.Props{kg.PropRaises: []string{"URGENT_RISK"}}),
		"budget": node("threat-type:budget-cuts", kg.KindThreatType, "Budget cuts", kg.Props{kg.PropRaises: []string{"FUNDING_NEED", "THREAT_TO_INDEPENDENCE"}}),
		"independence": node("threat-type:legal-restrictions-on-independence", kg.KindThreatType, "Legal restrictions on independence",
			kg.Props{kg.PropRaises: []string{"THREAT_TO_INDEPENDENCE", "THREAT_TO_LEGAL_BASIS"}}),
		"smear": node("threat-type:smear-campaigns", kg.KindThreatType, "Smear campaigns", nil),
	}
	// Every organisation has members recorded, except where a test says.
	recorded = map[string]int{coe.ID: 46, osce.ID: 57, oas.ID: 34, eu.ID: 27, charter.ID: 54, "mechanism:coe-self": 46, "network:ennhri": 40}
)

func country(code, name string, of ...*kg.Node) (kg.Country, []advisor.Membership) {
	var ms []advisor.Membership
	for _, o := range of {
		ms = append(ms, advisor.Membership{Of: o, Citations: []kg.Citation{{Document: "official list", Section: o.Name, Quote: name}}})
	}
	return view[kg.Country](node("country:"+strings.ToLower(code), kg.KindCountry, name, kg.Props{kg.PropCode: code, kg.PropNHRIAccreditation: "A"})), ms
}

type outcome struct {
	recommended []string          // channel IDs that must be recommended
	top         string            // the channel ranked first, when it matters
	excluded    map[string]string // channel ID → words its reason must contain
	before      [][2]string       // pairs: the first must outrank the second
	considered  []string          // channel IDs reported as considerations, never recommended
}

func TestAdvise(t *testing.T) {
	no := false
	cases := []struct {
		name     string
		country  []any // code, name, memberships...
		threats  []string
		sit      advisor.Situation
		recorded map[string]int
		want     outcome
	}{
		{
			name:    "Africa: Kenya, staff detained after briefing a treaty body",
			country: []any{"KE", "Kenya", charter},
			threats: []string{"arrest"},
			sit:     advisor.Situation{Targets: []advisor.Target{advisor.TargetMembersOrStaff}, ReprisalForUNCooperation: true, Urgent: true},
			want: outcome{
				recommended: []string{"mechanism:un-asg-reprisals", "mechanism:achpr", "mechanism:protectdefenders-eu", "mechanism:un-sr-hrds", "mechanism:nhri-hosting", "mechanism:eu-delegations"},
				excluded: map[string]string{
					"mechanism:iachr":    "Kenya is not a member State or State party of Organization of American States",
					"mechanism:coe":      "Kenya is not a member State",
					"mechanism:lifeline": "Does not serve its members and staff",
					"network:sca":        "Does not serve its members and staff",
				},
				before: [][2]string{{"mechanism:un-asg-reprisals", "mechanism:un-sr-hrds"}, {"mechanism:achpr", "mechanism:protectdefenders-eu"}},
			},
		},
		{
			name:    "Americas: Guatemala, budget cut and a law curbing independence",
			country: []any{"GT", "Guatemala", oas},
			threats: []string{"budget", "independence"},
			sit:     advisor.Situation{Targets: []advisor.Target{advisor.TargetInstitution}},
			want: outcome{
				recommended: []string{"mechanism:iachr"},
				considered:  []string{"network:sca"},
				top:         "mechanism:iachr",
				excluded: map[string]string{
					"mechanism:protectdefenders-eu": "Does not serve the institution itself",
					"mechanism:un-asg-reprisals":    "reprisals for cooperation with the UN, which this situation does not involve",
					"mechanism:achpr":               "Guatemala is not a member State or State party of African Charter",
				},
			},
		},
		{
			name:    "Asia-Pacific: the Philippines, smear campaign, no regional system",
			country: []any{"PH", "Philippines"},
			threats: []string{"smear"},
			sit:     advisor.Situation{},
			want: outcome{
				recommended: []string{"mechanism:un-sr-hrds"},
				excluded: map[string]string{
					"mechanism:iachr": "Philippines is not a member State",
					"mechanism:achpr": "Philippines is not a member State",
					"mechanism:coe":   "Philippines is not a member State",
					"mechanism:osce":  "Philippines is not a member State",
				},
			},
		},
		{
			name:    "Europe, outside its system: Belarus is in the OSCE but not the Council of Europe",
			country: []any{"BY", "Belarus", osce},
			threats: []string{"smear"},
			sit:     advisor.Situation{Targets: []advisor.Target{advisor.TargetMembersOrStaff}},
			want: outcome{
				recommended: []string{"mechanism:osce", "mechanism:un-sr-hrds"},
				excluded:    map[string]string{"mechanism:coe": "Belarus is not a member State or State party of Council of Europe"},
			},
		},
		{
			name:    "Europe, inside: Türkiye is in the Council of Europe and the OSCE",
			country: []any{"TR", "Türkiye", coe, osce},
			threats: []string{"independence"},
			sit:     advisor.Situation{Targets: []advisor.Target{advisor.TargetInstitution}},
			want: outcome{
				recommended: []string{"mechanism:coe"},
				considered:  []string{"network:sca"},
				excluded: map[string]string{
					"mechanism:osce":           "Does not serve the institution itself",
					"mechanism:eu-delegations": "Does not serve the institution itself",
				},
				before: [][2]string{{"mechanism:coe", "mechanism:iachr"}},
			},
		},
		{
			name:     "Africa, membership not recorded: the advisor says it cannot judge",
			country:  []any{"MA", "Morocco"},
			threats:  []string{"arrest"},
			sit:      advisor.Situation{Urgent: true},
			recorded: map[string]int{charter.ID: 0},
			want: outcome{
				excluded: map[string]string{"mechanism:achpr": "Cannot be assessed: the member States or States parties of African Charter on Human and Peoples' Rights are not recorded yet"},
			},
		},
		{
			name:    "Consent refused: every channel that requires it is not applicable, with the reason",
			country: []any{"MX", "Mexico", oas},
			threats: []string{"arrest"},
			sit:     advisor.Situation{Targets: []advisor.Target{advisor.TargetMembersOrStaff}, Urgent: true, ConsentToShare: &no},
			want: outcome{
				recommended: []string{"mechanism:nhri-hosting"},
				excluded: map[string]string{
					"mechanism:iachr":               "Needs the victims' informed consent, which they have refused",
					"mechanism:un-sr-hrds":          "Needs the victims' informed consent, which they have refused",
					"mechanism:protectdefenders-eu": "Needs the victims' informed consent, which they have refused",
				},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var of []*kg.Node
			for _, o := range tc.country[2:] {
				of = append(of, o.(*kg.Node))
			}
			c, ms := country(tc.country[0].(string), tc.country[1].(string), of...)
			in := advisor.Input{Country: c, Memberships: ms, Channels: catalogue, Situation: tc.sit, Recorded: map[string]int{}}
			for k, v := range recorded {
				in.Recorded[k] = v
			}
			for k, v := range tc.recorded {
				in.Recorded[k] = v
			}
			for _, th := range tc.threats {
				in.Threats = append(in.Threats, threat(th))
			}
			plan, err := advisor.Advise(in)
			require.NoError(t, err)

			rank := map[string]int{}
			for i, r := range plan.Recommendations {
				rank[r.Channel.ID()] = r.Rank
				assert.NotEmpty(t, r.Reasons)
				assert.NotEmpty(t, r.Citations)
				assert.NotEmpty(t, r.HowToActivate)
				assert.NotContains(t, r.Channel.(kg.Channel).Eligibility().Remedies(), "ACCREDITATION_REVIEW", "a review is never a remedy")
				if i == 0 {
					assert.Equal(t, 1, r.Rank)
					continue
				}
				prev := plan.Recommendations[i-1]
				assert.GreaterOrEqual(t, prev.Score, r.Score, "ranked by score")
				if prev.Score == r.Score {
					assert.GreaterOrEqual(t, prev.Specificity, r.Specificity, "equal scores ranked by specificity, not by name")
				}
				if prev.Score == r.Score && prev.Specificity == r.Specificity {
					assert.Equal(t, prev.Rank, r.Rank, "full ties share a rank")
				} else {
					assert.Equal(t, i+1, r.Rank)
				}
			}
			considered := map[string]bool{}
			for _, c := range plan.Considerations {
				considered[c.Channel.ID()] = true
				assert.NotEmpty(t, c.Risk)
				assert.NotEmpty(t, c.Citations)
				assert.NotContains(t, rank, c.Channel.ID(), "a consideration is never a recommendation")
			}
			for _, id := range tc.want.considered {
				assert.True(t, considered[id], "%s reported as a consideration", id)
			}
			reasons := map[string]string{}
			for _, e := range plan.NotApplicable {
				reasons[e.Channel.ID()] = e.Reason
				_, also := rank[e.Channel.ID()]
				assert.False(t, also, "%s is both recommended and excluded", e.Channel.ID())
			}
			assert.NotContains(t, rank, "mechanism:unfpa", "no eligibility data, no part in the plan")
			assert.NotContains(t, reasons, "mechanism:unfpa")
			for _, id := range tc.want.recommended {
				assert.Contains(t, rank, id, "%s recommended; exclusions: %v", id, reasons)
			}
			if tc.want.top != "" {
				require.NotEmpty(t, plan.Recommendations)
				assert.Equal(t, tc.want.top, plan.Recommendations[0].Channel.ID())
			}
			for id, words := range tc.want.excluded {
				assert.Contains(t, reasons[id], words, "reason for excluding %s", id)
			}
			for _, p := range tc.want.before {
				if r2, ok := rank[p[1]]; ok {
					assert.Less(t, rank[p[0]], r2, "%s before %s", p[0], p[1])
				}
			}
			t.Logf("%s: %s", c.Name(), summary(plan))
		})
	}
}

func summary(p *advisor.Plan) string {
	var parts []string
	for _, r := range p.Recommendations {
		parts = append(parts, r.Channel.ID())
	}
	return strings.Join(parts, " > ")
}

func TestAdviseExplains(t *testing.T) {
	c, ms := country("KE", "Kenya", charter)
	plan, err := advisor.Advise(advisor.Input{
		Country: c, Memberships: ms, Channels: catalogue, Recorded: recorded,
		Situation: advisor.Situation{Targets: []advisor.Target{advisor.TargetMembersOrStaff}, ReprisalForUNCooperation: true, Urgent: true},
		Threats:   []kg.ThreatType{threat("arrest")},
	})
	require.NoError(t, err)
	var achpr *advisor.Recommendation
	for i := range plan.Recommendations {
		if plan.Recommendations[i].Channel.ID() == "mechanism:achpr" {
			achpr = &plan.Recommendations[i]
		}
	}
	require.NotNil(t, achpr)
	all := strings.Join(achpr.Reasons, " ")
	assert.Contains(t, all, "Can act in Kenya, a member State or State party of African Charter on Human and Peoples' Rights.")
	assert.Contains(t, all, "Serves its members and staff as individual defenders.")
	assert.Contains(t, all, "Acts on urgent risks of irreparable harm and threats and attacks of any kind.")
	assert.Contains(t, all, "Answers urgent cases with urgent appeals.")
	assert.Contains(t, achpr.Citations, kg.Citation{Document: "official list", Section: charter.Name, Quote: "Kenya"}, "the membership is cited")
	assert.Equal(t, "Write to the secretariat. https://example.org/mechanism:achpr", achpr.HowToActivate)
	assert.InDelta(t, 1+0.5+0.5+1+0.5+0.5, achpr.Score, 1e-9, "eligible, regional system, one target, urgent trigger, catch-all, urgent remedy")
}

// TestActsOutside covers a channel that acts only outside an organisation's
// member States: the EU's missions act in non-EU countries.
func TestActsOutside(t *testing.T) {
	sit := advisor.Situation{Targets: []advisor.Target{advisor.TargetMembersOrStaff}}
	plan := func(code, name string, rec map[string]int, of ...*kg.Node) *advisor.Plan {
		c, ms := country(code, name, of...)
		p, err := advisor.Advise(advisor.Input{Country: c, Memberships: ms, Channels: catalogue, Recorded: rec, Situation: sit})
		require.NoError(t, err)
		return p
	}
	find := func(p *advisor.Plan) (string, bool) {
		for _, r := range p.Recommendations {
			if r.Channel.ID() == "mechanism:eu-delegations" {
				assert.Contains(t, r.Citations, cite[0], "the OUTSIDE_OF edge is cited")
				return strings.Join(r.Reasons, " "), true
			}
		}
		for _, e := range p.NotApplicable {
			if e.Channel.ID() == "mechanism:eu-delegations" {
				return e.Reason, false
			}
		}
		return "", false
	}

	reason, ok := find(plan("BY", "Belarus", recorded, osce))
	assert.True(t, ok, reason)
	assert.Contains(t, reason, "Acts only outside the member States of European Union, and Belarus is not one.")

	reason, ok = find(plan("FR", "France", recorded, coe, osce, eu))
	assert.False(t, ok)
	assert.Equal(t, "Acts only outside the member States of European Union; France is one.", reason)

	reason, ok = find(plan("BY", "Belarus", map[string]int{eu.ID: 0}, osce))
	assert.False(t, ok)
	assert.Contains(t, reason, "Cannot be assessed: the recorded lists do not settle whether Belarus is a member State of European Union")
}

// TestUnconfirmedMembership: where the recorded lists leave a State's
// membership open, a missing membership is not read as "not a member".
func TestUnconfirmedMembership(t *testing.T) {
	partial := node(charter.ID, charter.Kind, charter.Name, kg.Props{kg.PropUnconfirmed: []string{"CV", "MA"}})
	oasOpen := node(oas.ID, oas.Kind, oas.Name, kg.Props{kg.PropUnconfirmed: []string{"NI"}})
	var channels []advisor.Channel
	for _, c := range catalogue {
		switch c.View.ID() {
		case "mechanism:achpr":
			c.Covers = []*kg.Node{partial}
		case "mechanism:iachr":
			c.Covers = []*kg.Node{oasOpen}
		case "mechanism:coe-self":
			n := *c.View.Node()
			n.Props = n.Props.Clone()
			n.Props[kg.PropUnconfirmed] = []string{"XK"}
			c = asChannel(&n)
		}
		channels = append(channels, c)
	}
	excluded := func(code, name string) map[string]string {
		c, ms := country(code, name)
		p, err := advisor.Advise(advisor.Input{Country: c, Memberships: ms, Channels: channels, Recorded: recorded,
			Situation: advisor.Situation{Targets: []advisor.Target{advisor.TargetInstitution}}, Threats: []kg.ThreatType{threat("independence")}})
		require.NoError(t, err)
		out := map[string]string{}
		for _, e := range p.NotApplicable {
			out[e.Channel.ID()] = e.Reason
		}
		return out
	}

	cv := excluded("CV", "Cabo Verde")
	assert.Equal(t, "Cannot be assessed: the recorded lists do not settle whether Cabo Verde is a member State or State party of African Charter on Human and Peoples' Rights; check before relying on this.", cv["mechanism:achpr"])
	assert.Equal(t, "Cannot act in Cabo Verde: Cabo Verde is not a member State or State party of Organization of American States.", cv["mechanism:iachr"])

	ni := excluded("NI", "Nicaragua")
	assert.Contains(t, ni["mechanism:iachr"], "do not settle whether Nicaragua is a member State or State party of Organization of American States")
	assert.Equal(t, "Cannot act in Nicaragua: Nicaragua is not a member State or State party of African Charter on Human and Peoples' Rights.", ni["mechanism:achpr"])

	xk := excluded("XK", "Kosovo")
	assert.Equal(t, "Cannot be assessed: the recorded lists do not settle whether Kosovo is a member State of Council of Europe; check before relying on this.", xk["mechanism:coe-self"])
}

func TestAdviseNeedsAPlace(t *testing.T) {
	_, err := advisor.Advise(advisor.Input{})
	assert.Equal(t, kg.CodeBadUserInput, kg.ErrorCode(err))
}

// TestActsForMembers covers channels that act in their own member States or
// for their own member NHRIs.
func TestActsForMembers(t *testing.T) {
	byID := map[string]advisor.Channel{}
	for _, c := range catalogue {
		byID[c.View.ID()] = c
	}
	self := byID["mechanism:coe-self"]
	turkiye, ms := country("TR", "Türkiye", osce)
	ms = append(ms, advisor.Membership{Of: self.View.Node(), Citations: cite})
	nhri := node("nhri:tr-hreit", kg.KindNHRI, "Human Rights and Equality Institution of Türkiye", nil)
	ennhri := byID["network:ennhri"].View.Node()
	ms = append(ms, advisor.Membership{Of: ennhri, Citations: cite, ByNHRI: true})
	plan, err := advisor.Advise(advisor.Input{Country: turkiye, NHRI: nhriOf(nhri), Memberships: ms, Channels: catalogue, Recorded: recorded,
		Situation: advisor.Situation{Targets: []advisor.Target{advisor.TargetInstitution}}, Threats: []kg.ThreatType{threat("independence")}})
	require.NoError(t, err)
	reasons := map[string]string{}
	for _, r := range plan.Recommendations {
		reasons[r.Channel.ID()] = strings.Join(r.Reasons, " ")
	}
	assert.Contains(t, reasons["mechanism:coe-self"], "Acts in its member States; Türkiye is one.")
	assert.Contains(t, reasons["network:ennhri"], "Acts for its members; Human Rights and Equality Institution of Türkiye is one.")

	belarus, ms := country("BY", "Belarus", osce)
	plan, err = advisor.Advise(advisor.Input{Country: belarus, Memberships: ms, Channels: catalogue, Recorded: recorded,
		Situation: advisor.Situation{Targets: []advisor.Target{advisor.TargetInstitution}}, Threats: []kg.ThreatType{threat("independence")}})
	require.NoError(t, err)
	excluded := map[string]string{}
	for _, e := range plan.NotApplicable {
		excluded[e.Channel.ID()] = e.Reason
	}
	assert.Equal(t, "Cannot act in Belarus: Belarus is not a member State of Council of Europe.", excluded["mechanism:coe-self"])
	assert.Equal(t, "Acts only for its member NHRIs: name the NHRI to check whether it is one.", excluded["network:ennhri"])

	// A network's recorded members may be incomplete: an NHRI not among
	// them is not ruled out.
	other := node("nhri:by-x", kg.KindNHRI, "Example institution of Belarus", nil)
	plan, err = advisor.Advise(advisor.Input{Country: belarus, NHRI: nhriOf(other), Memberships: ms, Channels: catalogue, Recorded: recorded,
		Situation: advisor.Situation{Targets: []advisor.Target{advisor.TargetInstitution}}, Threats: []kg.ThreatType{threat("independence")}})
	require.NoError(t, err)
	for _, e := range plan.NotApplicable {
		excluded[e.Channel.ID()] = e.Reason
	}
	assert.Equal(t, "Cannot be assessed: Example institution of Belarus is not among the member NHRIs of ENNHRI recorded so far (40, from the network's own pages, which may be incomplete); check whether it is a member before relying on this.", excluded["network:ennhri"])

	// A situation that names only the country points to the country's
	// recorded NHRIs that are members.
	plan, err = advisor.Advise(advisor.Input{Country: turkiye, Memberships: ms, Channels: catalogue, Recorded: recorded,
		CountryNHRIs: []advisor.CountryNHRI{{NHRI: view[kg.NHRI](nhri), Networks: []*kg.Node{ennhri}}, {NHRI: view[kg.NHRI](node("nhri:tr-other", kg.KindNHRI, "Other", nil))}},
		Situation:    advisor.Situation{Targets: []advisor.Target{advisor.TargetInstitution}}, Threats: []kg.ThreatType{threat("independence")}})
	require.NoError(t, err)
	for _, e := range plan.NotApplicable {
		excluded[e.Channel.ID()] = e.Reason
	}
	assert.Equal(t, "Acts only for its member NHRIs: Human Rights and Equality Institution of Türkiye (nhri:tr-hreit), recorded in Türkiye, is one; name the NHRI in the situation to include this channel.", excluded["network:ennhri"])
}

// TestPlanNotesNoAccreditedNHRI: a plan for a country with no accredited
// NHRI recorded says so first, and shows the accreditation otherwise.
func TestPlanNotesNoAccreditedNHRI(t *testing.T) {
	sit := advisor.Situation{Threats: []string{"threat-type:smear-campaigns"}}
	tonga := node("country:to", kg.KindCountry, "Tonga", kg.Props{kg.PropCode: "TO"})
	plan, err := advisor.Advise(advisor.Input{Country: view[kg.Country](tonga), Channels: catalogue, Recorded: recorded, Situation: sit})
	require.NoError(t, err)
	assert.Nil(t, plan.NHRIAccreditation)
	require.Len(t, plan.Notes, 1)
	assert.True(t, strings.HasPrefix(plan.Notes[0], "No accredited NHRI is recorded for Tonga"))
	assert.Contains(t, plan.Notes[0], "Channels that presuppose a member NHRI of GANHRI are not applicable.")
	for _, r := range plan.Recommendations {
		assert.NotEqual(t, kg.KindNetwork, r.Channel.Node().Kind, "%s presupposes a member NHRI", r.Channel.ID())
		assert.NotEqual(t, "mechanism:nhri-hosting", r.Channel.ID())
	}

	kenya, ms := country("KE", "Kenya", charter)
	kenya.Node().Props[kg.PropNHRIAccreditationReferenceYear] = int64(2019)
	plan, err = advisor.Advise(advisor.Input{Country: kenya, Memberships: ms, Channels: catalogue, Recorded: recorded, Situation: sit})
	require.NoError(t, err)
	assert.Empty(t, plan.Notes)
	require.NotNil(t, plan.NHRIAccreditation)
	assert.Equal(t, kg.Accreditation{Status: "A", ReferenceYear: 2019}, *plan.NHRIAccreditation)
}

// nhriOf is the view of an NHRI node.
func nhriOf(n *kg.Node) *kg.NHRI {
	v := view[kg.NHRI](n)
	return &v
}
