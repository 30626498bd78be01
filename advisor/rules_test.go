package advisor

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"marrakechgraph/kg"
)

// Each rule has its own table: an objection to a plan maps to one rule and
// to one row here.

var (
	ruleCite = []kg.Citation{{Document: "rule test", Section: "eligibility", Quote: "as modelled"}}
	memCite  = []kg.Citation{{Document: "official list", Section: "members", Quote: "Kenya"}}
	charterN = &kg.Node{ID: "instrument:charter", Kind: kg.KindInstrument, Name: "African Charter"}
	oasN     = &kg.Node{ID: "mechanism:oas", Kind: kg.KindMechanism, Name: "OAS"}
	euN      = &kg.Node{ID: "mechanism:eu", Kind: kg.KindMechanism, Name: "European Union"}
	kenyaN   = &kg.Node{ID: "country:ke", Kind: kg.KindCountry, Name: "Kenya", Props: kg.Props{kg.PropCode: "KE"}}
	kenya    = view[kg.Country](kenyaN)
	knchr    = &kg.Node{ID: "nhri:ke-knchr", Kind: kg.KindNHRI, Name: "KNCHR"}
)

// ch builds a channel with the given eligibility properties; it acts
// GLOBAL unless they say otherwise.
func ch(kind kg.Kind, props kg.Props) Channel {
	p := kg.Props{kg.PropActsIn: ActsGlobal}
	for k, v := range props {
		p[k] = v
	}
	return chOf(&kg.Node{ID: "mechanism:x", Kind: kind, Name: "X", Props: p, Citations: ruleCite})
}

// chOf is a mechanism or network node as a channel.
func chOf(n *kg.Node) Channel {
	c, _ := NewChannel(n, nil)
	return c
}

// view is the view of a node of T's kind.
func view[T kg.Entity](n *kg.Node) T {
	v, _ := kg.ViewAs[T](n)
	return v
}

// nhriOf is the view of an NHRI node, or nil.
func nhriOf(n *kg.Node) *kg.NHRI {
	if n == nil {
		return nil
	}
	v := view[kg.NHRI](n)
	return &v
}

// kenyaFacts are the facts of a situation in Kenya, with the given
// memberships and recorded member counts.
func kenyaFacts(sit Situation, recorded map[string]int, ms ...Membership) facts {
	return newFacts(Input{Country: kenya, Memberships: ms, Recorded: recorded, Situation: sit})
}

func TestRuleActsWhere(t *testing.T) {
	open := &kg.Node{ID: charterN.ID, Kind: charterN.Kind, Name: charterN.Name, Props: kg.Props{kg.PropUnconfirmed: []string{"KE"}}}
	network := &kg.Node{ID: "network:nanhri", Kind: kg.KindNetwork, Name: "NANHRI", Props: kg.Props{kg.PropActsIn: ActsMembers}}
	org := &kg.Node{ID: "mechanism:au", Kind: kg.KindMechanism, Name: "African Union", Props: kg.Props{kg.PropActsIn: ActsMembers}}
	openOrg := &kg.Node{ID: org.ID, Kind: org.Kind, Name: org.Name, Props: kg.Props{kg.PropActsIn: ActsMembers, kg.PropUnconfirmed: []string{"KE"}}}
	rec := map[string]int{charterN.ID: 54, oasN.ID: 35, euN.ID: 27, network.ID: 30, org.ID: 55}
	covered := func(covers ...*kg.Node) Channel {
		c := ch(kg.KindMechanism, kg.Props{kg.PropActsIn: ActsCovered})
		c.Covers, c.CoverCitations = covers, ruleCite
		return c
	}
	outside := func(of ...*kg.Node) Channel {
		c := ch(kg.KindMechanism, kg.Props{kg.PropActsIn: ActsOutside})
		c.OutsideOf, c.OutsideCitations = of, ruleCite
		return c
	}
	inCharter := Membership{Of: charterN, Citations: memCite}
	// Kenya has left the organisation; a channel may still act there.
	left := &kg.Node{ID: org.ID, Kind: org.Kind, Name: org.Name, Props: kg.Props{kg.PropActsIn: ActsMembers, kg.PropFormerMembers: []string{"KE"}}}
	leftCharter := &kg.Node{ID: charterN.ID, Kind: charterN.Kind, Name: charterN.Name, Props: kg.Props{kg.PropFormerMembers: []string{"KE"}}}
	stillActs := covered(leftCharter)
	stillActs.CoversCountries = []CountryCover{{Country: kenyaN, Citations: memCite}}
	elsewhere := covered(leftCharter)
	elsewhere.CoversCountries = []CountryCover{{Country: &kg.Node{ID: "country:ni", Kind: kg.KindCountry, Name: "Nicaragua"}, Citations: memCite}}
	cases := []struct {
		name     string
		ch       Channel
		nhri     *kg.Node
		country  []CountryNHRI
		members  []Membership
		recorded map[string]int
		reason   string // the reason given when it acts
		exclude  string // the reason given when it does not
		score    float64
		cites    []kg.Citation
	}{
		{name: "global acts everywhere", ch: ch(kg.KindMechanism, kg.Props{kg.PropActsIn: ActsGlobal}), reason: "Acts in every country."},
		{name: "covered: the country is a party", ch: covered(oasN, charterN), members: []Membership{inCharter},
			reason: "Can act in Kenya, a member State or State party of African Charter.", score: weightRegionalMatch,
			cites: append(append([]kg.Citation{}, memCite...), ruleCite...)},
		{name: "covered: the country is not a party", ch: covered(oasN),
			exclude: "Cannot act in Kenya: Kenya is not a member State or State party of OAS."},
		{name: "covered: no members recorded", ch: covered(charterN), recorded: map[string]int{},
			exclude: "Cannot be assessed: the member States or States parties of African Charter are not recorded yet; check whether Kenya is one before relying on this."},
		{name: "covered: membership left open by the lists", ch: covered(open),
			exclude: "Cannot be assessed: the recorded lists do not settle whether Kenya is a member State or State party of African Charter; check before relying on this."},
		{name: "covered: the country left, and the channel still acts there", ch: stillActs,
			reason: "Still acts in Kenya, though Kenya is not a member State or State party of African Charter: the cited decisions show it acting there.",
			score:  weightRegionalMatch, cites: memCite},
		{name: "covered: the country left, nothing shows the channel acting there", ch: elsewhere,
			exclude: "Cannot act in Kenya: Kenya has left African Charter, and no decision of the channel's own is recorded that shows it still acting there."},
		{name: "members: the country left", ch: chOf(left),
			exclude: "Cannot act in Kenya: Kenya has left African Union."},
		{name: "covered: covers nothing", ch: covered(),
			exclude: "Cannot be assessed: where it can act is not recorded."},
		{name: "members: a member State", ch: chOf(org), members: []Membership{{Of: org, Citations: memCite}},
			reason: "Acts in its member States; Kenya is one.", score: weightRegionalMatch, cites: memCite},
		{name: "members: not a member State", ch: chOf(org),
			exclude: "Cannot act in Kenya: Kenya is not a member State of African Union."},
		{name: "members: no member States recorded", ch: chOf(org), recorded: map[string]int{},
			exclude: "Cannot be assessed: the member States of African Union are not recorded yet; check whether Kenya is one before relying on this."},
		{name: "members: membership left open", ch: chOf(openOrg),
			exclude: "Cannot be assessed: the recorded lists do not settle whether Kenya is a member State of African Union; check before relying on this."},
		{name: "network: the NHRI is a member", ch: chOf(network), nhri: knchr, members: []Membership{{Of: network, Citations: memCite, ByNHRI: true}},
			reason: "Acts for its members; KNCHR is one.", score: weightRegionalMatch, cites: memCite},
		{name: "network: the NHRI is not among recorded members", ch: chOf(network), nhri: knchr,
			exclude: "Cannot be assessed: KNCHR is not among the member NHRIs of NANHRI recorded so far (30, from the network's own pages, which may be incomplete); check whether it is a member before relying on this."},
		{name: "network: no members recorded", ch: chOf(network), nhri: knchr, recorded: map[string]int{},
			exclude: "Cannot be assessed: the member NHRIs of NANHRI are not recorded yet; check whether KNCHR is one before relying on this."},
		{name: "network: no NHRI named, none recorded as member", ch: chOf(network),
			exclude: "Acts only for its member NHRIs: name the NHRI to check whether it is one."},
		{name: "network: no NHRI named, one recorded as member", ch: chOf(network),
			country: []CountryNHRI{{NHRI: view[kg.NHRI](knchr), Networks: []*kg.Node{network}}},
			exclude: "Acts only for its member NHRIs: KNCHR (nhri:ke-knchr), recorded in Kenya, is one; name the NHRI in the situation to include this channel."},
		{name: "network: no NHRI named, two recorded as members", ch: chOf(network),
			country: []CountryNHRI{{NHRI: view[kg.NHRI](knchr), Networks: []*kg.Node{network}}, {NHRI: view[kg.NHRI](&kg.Node{ID: "nhri:ke-y", Kind: kg.KindNHRI, Name: "Y"}), Networks: []*kg.Node{network}}},
			exclude: "Acts only for its member NHRIs: KNCHR (nhri:ke-knchr) and Y (nhri:ke-y), recorded in Kenya, are members; name the NHRI in the situation to include this channel."},
		{name: "outside: not a member of the EU", ch: outside(euN),
			reason: "Acts only outside the member States of European Union, and Kenya is not one.", cites: ruleCite},
		{name: "outside: a member of the EU", ch: outside(euN), members: []Membership{{Of: euN}},
			exclude: "Acts only outside the member States of European Union; Kenya is one."},
		{name: "outside: EU members not recorded", ch: outside(euN), recorded: map[string]int{},
			exclude: "Cannot be assessed: the recorded lists do not settle whether Kenya is a member State of European Union; check before relying on this."},
		{name: "outside: EU membership left open", ch: outside(&kg.Node{ID: euN.ID, Kind: kg.KindMechanism, Name: euN.Name, Props: kg.Props{kg.PropUnconfirmed: []string{"KE"}}}),
			exclude: "Cannot be assessed: the recorded lists do not settle whether Kenya is a member State of European Union; check before relying on this."},
		{name: "outside: of nothing", ch: outside(),
			exclude: "Cannot be assessed: where it can act is not recorded."},
		{name: "unknown reach", ch: ch(kg.KindMechanism, kg.Props{kg.PropActsIn: "MOON"}),
			exclude: `Its reach "MOON" is not one the advisor knows.`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := rec
			if c.recorded != nil {
				r = c.recorded
			}
			f := newFacts(Input{Country: kenya, NHRI: nhriOf(c.nhri), CountryNHRIs: c.country, Memberships: c.members, Recorded: r})
			v := actsWhere(f, c.ch)
			assert.Equal(t, c.exclude, v.Exclude)
			if c.exclude == "" {
				assert.Equal(t, []string{c.reason}, v.Reasons)
				assert.Equal(t, c.score, v.Score)
				assert.Equal(t, c.cites, v.Citations)
			}
		})
	}
}

func TestRuleServesTargets(t *testing.T) {
	both := []Target{TargetInstitution, TargetMembersOrStaff}
	cases := []struct {
		name    string
		serves  []string
		targets []Target
		reason  string
		exclude string
		score   float64
	}{
		{"serves the one target", []string{ServesMembersOrStaff}, []Target{TargetMembersOrStaff}, "Serves its members and staff as individual defenders.", "", weightTarget},
		{"serves both targets", []string{ServesInstitution, ServesMembersOrStaff}, both, "Serves the institution itself and its members and staff as individual defenders.", "", 2 * weightTarget},
		{"serves one of two", []string{ServesInstitution, ServesCSO}, both, "Serves the institution itself.", "", weightTarget},
		{"serves CSOs only", []string{ServesCSO}, both, "", "Does not serve the institution itself and its members and staff as individual defenders.", 0},
		{"serves nobody recorded", nil, []Target{TargetInstitution}, "", "Does not serve the institution itself.", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := servesTargets(kenyaFacts(Situation{Targets: c.targets}, nil), ch(kg.KindMechanism, kg.Props{kg.PropServes: c.serves}))
			assert.Equal(t, c.exclude, v.Exclude)
			assert.Equal(t, c.score, v.Score)
			if c.exclude == "" {
				assert.Equal(t, []string{c.reason}, v.Reasons)
			}
		})
	}
}

func TestRuleActsOn(t *testing.T) {
	budget := &kg.Node{ID: "threat-type:budget-cuts", Kind: kg.KindThreatType, Props: kg.Props{kg.PropRaises: []string{"FUNDING_NEED", "NOT_A_TRIGGER"}}}
	cases := []struct {
		name     string
		triggers []string
		sit      Situation
		threats  []kg.ThreatType
		reason   string
		exclude  string
		score    float64
	}{
		{"any threat is always raised", []string{"ANY_THREAT"}, Situation{}, nil, "Acts on threats and attacks of any kind.", "", weightAnyThreat},
		{"reprisal weighs most", []string{"REPRISAL_UN_COOPERATION"}, Situation{ReprisalForUNCooperation: true}, nil,
			"Acts on reprisals for cooperation with the UN.", "", weightReprisal},
		{"reprisal not raised", []string{"REPRISAL_UN_COOPERATION"}, Situation{}, nil,
			"", "Acts on reprisals for cooperation with the UN, which this situation does not involve.", 0},
		{"urgent and catch-all", []string{"URGENT_RISK", "ANY_THREAT"}, Situation{Urgent: true}, nil,
			"Acts on urgent risks of irreparable harm and threats and attacks of any kind.", "", weightTrigger + weightAnyThreat},
		{"a threat type raises its triggers", []string{"FUNDING_NEED"}, Situation{}, []kg.ThreatType{view[kg.ThreatType](budget)},
			"Acts on funding needs.", "", weightTrigger},
		{"specific triggers not raised", []string{"FUNDING_NEED", "THREAT_TO_INDEPENDENCE"}, Situation{Urgent: true}, nil,
			"", "Acts on funding needs and threats to an NHRI's independence, which this situation does not involve.", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFacts(Input{Country: kenya, Threats: c.threats, Situation: c.sit})
			v := actsOn(f, ch(kg.KindMechanism, kg.Props{kg.PropTriggers: c.triggers}))
			assert.Equal(t, c.exclude, v.Exclude)
			assert.Equal(t, c.score, v.Score)
			if c.exclude == "" {
				assert.Equal(t, []string{c.reason}, v.Reasons)
			}
		})
	}
}

func TestRuleCanOffer(t *testing.T) {
	cases := []struct {
		name     string
		remedies []string
		urgent   bool
		reasons  []string
		score    float64
	}{
		{"nothing recorded", nil, true, nil, 0},
		{"listed when not urgent", []string{"URGENT_APPEAL", "PUBLIC_STATEMENT"}, false,
			[]string{"Can offer urgent appeals and public statements."}, 0},
		{"urgent remedies count in urgent cases", []string{"URGENT_APPEAL", "PUBLIC_STATEMENT", "RELOCATION"}, true,
			[]string{"Answers urgent cases with urgent appeals and temporary relocation.", "Can offer urgent appeals, public statements and temporary relocation."}, weightUrgentRemedy},
		{"no urgent remedy in an urgent case", []string{"ADVOCACY"}, true,
			[]string{"Can offer advocacy with the authorities and partners."}, 0},
		{"unknown remedies are not named", []string{"ADVOCACY", "TELEPORT"}, false,
			[]string{"Can offer advocacy with the authorities and partners."}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := canOffer(kenyaFacts(Situation{Urgent: c.urgent}, nil), ch(kg.KindMechanism, kg.Props{kg.PropRemedies: c.remedies}))
			assert.Empty(t, v.Exclude, "what a channel can do never excludes it")
			assert.Equal(t, c.reasons, v.Reasons)
			assert.Equal(t, c.score, v.Score)
		})
	}
}

func TestRuleConsent(t *testing.T) {
	yes, no := true, false
	consentCite := kg.Citation{Document: "channel page", Section: "Eligibility > requiresConsent: true", Quote: "consent is a prerequisite"}
	other := kg.Citation{Document: "channel page", Section: "Eligibility > actsIn: GLOBAL", Quote: "global"}
	obtain := "obtain the victims' informed consent before sharing any detail that identifies them."
	cases := []struct {
		name    string
		props   kg.Props
		given   *bool
		exclude string
		reasons []string
		cited   bool
	}{
		{"required, refused: not applicable", kg.Props{kg.PropRequiresConsent: true}, &no,
			"Needs the victims' informed consent, which they have refused: their case cannot be submitted to it.", nil, false},
		{"required, given", kg.Props{kg.PropRequiresConsent: true}, &yes, "", []string{"Needs the victims' informed consent, which they have given."}, true},
		{"required, not asked", kg.Props{kg.PropRequiresConsent: true}, nil, "", []string{"Needs the victims' informed consent before a case is submitted: " + obtain}, true},
		{"not required", kg.Props{kg.PropRequiresConsent: false}, &yes, "", []string{"Does not need the victims' informed consent."}, true},
		{"not required, refused", kg.Props{kg.PropRequiresConsent: false}, &no, "",
			[]string{"Does not need the victims' consent, which they have refused: share nothing that identifies them."}, true},
		{"not recorded is not 'not required'", kg.Props{}, nil, "", []string{"Whether it needs the victims' informed consent is not recorded: " + obtain}, false},
		{"not recorded, refused", kg.Props{}, &no, "",
			[]string{"Whether it needs the victims' informed consent is not recorded, and they have refused it: share nothing that identifies them."}, false},
		{"not recorded, given", kg.Props{}, &yes, "", []string{"Whether it needs the victims' informed consent is not recorded; they have given it."}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			channel := ch(kg.KindMechanism, c.props)
			channel.node().Citations = []kg.Citation{other, consentCite}
			v := consent(kenyaFacts(Situation{ConsentToShare: c.given}, nil), channel)
			assert.Equal(t, c.exclude, v.Exclude)
			assert.Equal(t, c.reasons, v.Reasons)
			assert.Zero(t, v.Score, "consent never moves a score")
			if c.cited {
				assert.Equal(t, []kg.Citation{consentCite}, v.Citations, "only the passages on consent")
			} else {
				assert.Empty(t, v.Citations)
			}
		})
	}
}

func TestConsentOf(t *testing.T) {
	cite := kg.Citation{Document: "d", Section: "Eligibility > requiresConsent: true; howToActivate > Communications", Quote: "q"}
	cases := []struct {
		name  string
		props kg.Props
		want  Consent
		cites []kg.Citation
	}{
		{"required", kg.Props{kg.PropRequiresConsent: true}, ConsentRequired, []kg.Citation{cite}},
		{"not required", kg.Props{kg.PropRequiresConsent: false}, ConsentNotRequired, []kg.Citation{cite}},
		{"not recorded", kg.Props{}, ConsentNotRecorded, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			channel := ch(kg.KindMechanism, c.props)
			channel.node().Citations = []kg.Citation{ruleCite[0], cite}
			got, cites := consentOf(channel)
			assert.Equal(t, c.want, got)
			assert.Equal(t, c.cites, cites)
		})
	}
}

func TestSpecificity(t *testing.T) {
	network := &kg.Node{ID: "network:nanhri", Kind: kg.KindNetwork, Name: "NANHRI", Props: kg.Props{kg.PropActsIn: ActsMembers, kg.PropTriggers: []string{"ANY_THREAT"}}}
	org := &kg.Node{ID: "mechanism:au", Kind: kg.KindMechanism, Name: "African Union", Props: kg.Props{kg.PropActsIn: ActsMembers, kg.PropTriggers: []string{"ANY_THREAT"}}}
	covered := ch(kg.KindMechanism, kg.Props{kg.PropActsIn: ActsCovered, kg.PropTriggers: []string{"ANY_THREAT"}})
	covered.Covers = []*kg.Node{charterN}
	urgent := ch(kg.KindMechanism, kg.Props{kg.PropActsIn: ActsGlobal, kg.PropTriggers: []string{"ANY_THREAT", "URGENT_RISK", "FUNDING_NEED"}})
	general := ch(kg.KindMechanism, kg.Props{kg.PropActsIn: ActsGlobal, kg.PropTriggers: []string{"ANY_THREAT", "FUNDING_NEED"}})
	cases := []struct {
		name   string
		ch     Channel
		nhri   *kg.Node
		ms     []Membership
		want   Specificity
		reason string
	}{
		{"acts for this NHRI", chOf(network), knchr, []Membership{{Of: network, ByNHRI: true}}, SpecificNHRI,
			"Specific to KNCHR: it acts for its own members, and KNCHR is one."},
		{"acts in its member States", chOf(org), nil, []Membership{{Of: org}}, SpecificRegion,
			"Specific to the region: Kenya is one of its member States."},
		{"the regional network of the region", chOf(&kg.Node{ID: "network:nanhri", Kind: kg.KindNetwork, Name: "NANHRI",
			Props: kg.Props{kg.PropActsIn: ActsRegion, kg.PropRegion: "Africa", kg.PropTriggers: []string{"ANY_THREAT"}}}), nil, nil, SpecificRegion,
			"Specific to the region: it is the regional network of Africa, where Kenya is."},
		{"acts through a regional treaty", covered, nil, []Membership{{Of: charterN}}, SpecificRegion,
			"Specific to the region: it acts through African Charter, of which Kenya is a member State or State party."},
		{"acts on this kind of threat", urgent, nil, nil, SpecificThreat,
			"Specific to this kind of threat: it acts on urgent risks of irreparable harm."},
		{"general: the catch-all is not specific", general, nil, nil, SpecificGeneral,
			"General: not specific to this NHRI, its region or this kind of threat."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFacts(Input{Country: kenya, NHRI: nhriOf(c.nhri), Memberships: c.ms, Situation: Situation{Urgent: true}})
			got, reason := specificity(f, c.ch)
			assert.Equal(t, c.want, got)
			assert.Equal(t, c.reason, reason)
		})
	}
}

func TestRank(t *testing.T) {
	rec := func(name string, score float64, s Specificity) Recommendation {
		return Recommendation{Channel: view[kg.Mechanism](&kg.Node{Kind: kg.KindMechanism, Name: name}), Score: score, Specificity: s}
	}
	recs := []Recommendation{
		rec("A general", 2, SpecificGeneral),
		rec("B threat", 2, SpecificThreat),
		rec("C best score", 3, SpecificGeneral),
		rec("D network", 2, SpecificNHRI),
		rec("E general too", 2, SpecificGeneral),
		rec("F region", 2, SpecificRegion),
	}
	rank(recs)
	var got []string
	var ranks []int
	for _, r := range recs {
		got = append(got, r.Channel.Name())
		ranks = append(ranks, r.Rank)
	}
	assert.Equal(t, []string{"D network", "F region", "B threat", "C best score", "A general", "E general too"}, got,
		"specificity first, then score; full ties keep the catalogue's order")
	assert.Equal(t, []int{1, 2, 3, 4, 5, 5}, ranks, "full ties share a rank")
}

func TestReviewRisk(t *testing.T) {
	assert.Contains(t, reviewRisk(ch(kg.KindMechanism, kg.Props{kg.PropRemedies: []string{"ACCREDITATION_REVIEW"}})), "suspension of its status")
	assert.Empty(t, reviewRisk(ch(kg.KindMechanism, kg.Props{kg.PropRemedies: []string{"ADVOCACY", "PUBLIC_STATEMENT"}})))
}

func TestHowToActivate(t *testing.T) {
	cases := []struct {
		name  string
		props kg.Props
		want  string
	}{
		{"procedure and page", kg.Props{kg.PropHowToActivate: " Write to the secretariat. ", kg.PropContactPage: "https://example.org"}, "Write to the secretariat. https://example.org"},
		{"page only", kg.Props{kg.PropContactPage: "https://example.org"}, "https://example.org"},
		{"nothing recorded", kg.Props{}, "No procedure is recorded; contact GANHRI Head Office."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, howToActivate(ch(kg.KindMechanism, c.props).Eligibility))
		})
	}
}

// TestAssessComposesRules: the rules run in order, the first exclusion
// wins, and a recommendation sums what every rule gave.
func TestAssessComposesRules(t *testing.T) {
	props := func(serves, triggers string) kg.Props {
		return kg.Props{kg.PropActsIn: ActsCovered, kg.PropServes: []string{serves}, kg.PropTriggers: []string{triggers},
			kg.PropRemedies: []string{"URGENT_APPEAL"}, kg.PropRequiresConsent: true}
	}
	in := Membership{Of: charterN, Citations: memCite}
	sit := Situation{Targets: []Target{TargetMembersOrStaff}, Urgent: true}
	cases := []struct {
		name    string
		props   kg.Props
		covers  *kg.Node
		exclude string
		score   float64
	}{
		{"where excludes first", props(ServesCSO, "FUNDING_NEED"), oasN, "Cannot act in Kenya: Kenya is not a member State or State party of OAS.", 0},
		{"then whom", props(ServesCSO, "FUNDING_NEED"), charterN, "Does not serve its members and staff as individual defenders.", 0},
		{"then what triggers it", props(ServesMembersOrStaff, "FUNDING_NEED"), charterN, "Acts on funding needs, which this situation does not involve.", 0},
		{"recommended", props(ServesMembersOrStaff, "URGENT_RISK"), charterN, "",
			weightEligible + weightRegionalMatch + weightTarget + weightTrigger + weightUrgentRemedy},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			channel := ch(kg.KindMechanism, c.props)
			channel.Covers, channel.CoverCitations = []*kg.Node{c.covers}, ruleCite
			rec, excl, ok := assess(kenyaFacts(sit, map[string]int{charterN.ID: 54, oasN.ID: 35}, in), channel)
			assert.True(t, ok)
			if c.exclude != "" {
				assert.Nil(t, rec)
				assert.Equal(t, c.exclude, excl.Reason)
				return
			}
			assert.Nil(t, excl)
			assert.Equal(t, c.score, rec.Score)
			assert.Equal(t, ConsentRequired, rec.RequiresConsent)
			assert.Equal(t, SpecificRegion, rec.Specificity)
			assert.Equal(t, []string{
				"Can act in Kenya, a member State or State party of African Charter.",
				"Serves its members and staff as individual defenders.",
				"Acts on urgent risks of irreparable harm.",
				"Answers urgent cases with urgent appeals.",
				"Can offer urgent appeals.",
				"Needs the victims' informed consent before a case is submitted: obtain the victims' informed consent before sharing any detail that identifies them.",
				"Specific to the region: it acts through African Charter, of which Kenya is a member State or State party.",
			}, rec.Reasons)
			assert.Equal(t, []kg.Citation{ruleCite[0], memCite[0]}, rec.Citations, "deduplicated, the channel's own first")
			assert.Equal(t, "No procedure is recorded; contact GANHRI Head Office.", rec.HowToActivate)
		})
	}
	_, _, ok := assess(kenyaFacts(sit, nil), chOf(&kg.Node{ID: "mechanism:x", Kind: kg.KindMechanism, Name: "X", Citations: ruleCite}))
	assert.False(t, ok, "a channel without eligibility data takes no part")
}

func TestRuleActsInRegion(t *testing.T) {
	regional := func(id, name, region string) *kg.Node {
		return &kg.Node{ID: id, Kind: kg.KindNetwork, Name: name, Props: kg.Props{kg.PropActsIn: ActsRegion, kg.PropRegion: region}}
	}
	nanhri := regional("network:nanhri", "NANHRI", "Africa")
	ennhri := regional("network:ennhri", "ENNHRI", "Europe")
	africa := &kg.Node{ID: kenya.ID(), Kind: kg.KindCountry, Name: "Kenya", Props: kg.Props{kg.PropCode: "KE", kg.PropRegion: "Africa"}}
	noRegion := &kg.Node{ID: kenya.ID(), Kind: kg.KindCountry, Name: "Kenya", Props: kg.Props{kg.PropCode: "KE"}}
	other := &kg.Node{ID: "nhri:ke-y", Kind: kg.KindNHRI, Name: "Y"}
	cases := []struct {
		name    string
		ch      *kg.Node
		country *kg.Node
		nhri    *kg.Node
		members []Membership
		inCtry  []CountryNHRI
		reason  string
		exclude string
		score   float64
		cites   []kg.Citation
	}{
		{name: "the NHRI's region, membership not recorded", ch: nanhri, nhri: knchr,
			reason: "The regional network of Africa, where Kenya is: GANHRI answers NHRIs under threat in collaboration with the regional networks. No membership of KNCHR is recorded (the network's own pages may be incomplete).",
			score:  weightRegionalMatch},
		{name: "the NHRI is a recorded member", ch: nanhri, nhri: knchr, members: []Membership{{Of: nanhri, Citations: memCite, ByNHRI: true}},
			reason: "The regional network of Africa, and KNCHR is a recorded member.", score: weightRegionalMatch + weightRecordedMember, cites: memCite},
		{name: "a member recorded elsewhere: not applicable", ch: nanhri, nhri: knchr, members: []Membership{{Of: ennhri, Citations: memCite, ByNHRI: true}},
			exclude: "Not applicable: KNCHR belongs to another regional network, ENNHRI."},
		{name: "another region: not applicable", ch: ennhri, nhri: knchr,
			exclude: "Not applicable: an NHRI of Kenya, in Africa, belongs to another regional network; ENNHRI is the network of Europe."},
		{name: "a recorded member outside the region keeps its network", ch: ennhri, nhri: knchr, members: []Membership{{Of: ennhri, Citations: memCite, ByNHRI: true}},
			reason: "The regional network of Europe, and KNCHR is a recorded member.", score: weightRegionalMatch + weightRecordedMember, cites: memCite},
		{name: "no NHRI named, region matches", ch: nanhri,
			reason: "The regional network of Africa, where Kenya is: GANHRI answers NHRIs under threat in collaboration with the regional networks. No membership of the NHRIs of Kenya is recorded (the network's own pages may be incomplete).",
			score:  weightRegionalMatch},
		{name: "no NHRI named, one of the country's NHRIs a member", ch: nanhri, inCtry: []CountryNHRI{{NHRI: view[kg.NHRI](knchr), Networks: []*kg.Node{nanhri}}, {NHRI: view[kg.NHRI](other)}},
			reason: "The regional network of the NHRIs of Kenya: KNCHR (nhri:ke-knchr) is a recorded member.", score: weightRegionalMatch + weightRecordedMember},
		{name: "no NHRI named, every NHRI of the country in another network", ch: nanhri, inCtry: []CountryNHRI{{NHRI: view[kg.NHRI](knchr), Networks: []*kg.Node{ennhri}}},
			exclude: "Not applicable: every NHRI recorded in Kenya belongs to another regional network, ENNHRI."},
		{name: "no NHRI named, one NHRI of the country in no network", ch: nanhri, inCtry: []CountryNHRI{{NHRI: view[kg.NHRI](knchr), Networks: []*kg.Node{ennhri}}, {NHRI: view[kg.NHRI](other)}},
			reason: "The regional network of Africa, where Kenya is: GANHRI answers NHRIs under threat in collaboration with the regional networks. No membership of the NHRIs of Kenya is recorded (the network's own pages may be incomplete).",
			score:  weightRegionalMatch},
		{name: "the country's region not recorded", ch: nanhri, country: noRegion, nhri: knchr,
			exclude: "Cannot be assessed: the region of Kenya is not recorded."},
		{name: "the network's region not recorded", ch: regional("network:x", "X", ""), nhri: knchr,
			exclude: "Cannot be assessed: the region of X is not recorded."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			country := africa
			if c.country != nil {
				country = c.country
			}
			f := newFacts(Input{Country: view[kg.Country](country), NHRI: nhriOf(c.nhri), CountryNHRIs: c.inCtry, Memberships: c.members})
			v := actsWhere(f, chOf(c.ch))
			assert.Equal(t, c.exclude, v.Exclude)
			if c.exclude == "" {
				assert.Equal(t, []string{c.reason}, v.Reasons)
				assert.Equal(t, c.score, v.Score)
				assert.Equal(t, c.cites, v.Citations)
			}
		})
	}
}

func TestRuleNeedsMemberNHRI(t *testing.T) {
	accredited := &kg.Node{ID: "country:ke", Kind: kg.KindCountry, Name: "Kenya", Props: kg.Props{kg.PropCode: "KE", kg.PropNHRIAccreditation: "A"}}
	tonga := &kg.Node{ID: "country:to", Kind: kg.KindCountry, Name: "Tonga", Props: kg.Props{kg.PropCode: "TO"}}
	network := &kg.Node{ID: "network:apf", Kind: kg.KindNetwork, Name: "APF"}
	hosting := &kg.Node{ID: "mechanism:nhri-hosting", Kind: kg.KindMechanism, Name: "Hosting", Props: kg.Props{kg.PropCategory: CategoryGANHRI}}
	un := &kg.Node{ID: "mechanism:un-sr-hrds", Kind: kg.KindMechanism, Name: "SR", Props: kg.Props{kg.PropCategory: "UN"}}
	nhri := &kg.Node{ID: "nhri:to-x", Kind: kg.KindNHRI, Name: "X"}
	const notApplicable = "Not applicable: it presupposes an NHRI that is a member of GANHRI, and no accredited NHRI is recorded for Tonga."
	cases := []struct {
		name    string
		country *kg.Node
		ch      *kg.Node
		nhri    *kg.Node
		members []Membership
		inCtry  []CountryNHRI
		exclude string
	}{
		{name: "accredited: a network acts", country: accredited, ch: network},
		{name: "accredited: GANHRI's channels act", country: accredited, ch: hosting},
		{name: "no accreditation: a network does not", country: tonga, ch: network, exclude: notApplicable},
		{name: "no accreditation: GANHRI's channels do not", country: tonga, ch: hosting, exclude: notApplicable},
		{name: "no accreditation: a UN channel is not concerned", country: tonga, ch: un},
		{name: "no accreditation, but the NHRI is a recorded network member", country: tonga, ch: hosting, nhri: nhri,
			members: []Membership{{Of: network, ByNHRI: true}}},
		{name: "no accreditation, an NHRI of the country is a recorded network member", country: tonga, ch: network,
			inCtry: []CountryNHRI{{NHRI: view[kg.NHRI](nhri), Networks: []*kg.Node{network}}}},
		{name: "no accreditation for the country, but the NHRI's status is in the directory", country: tonga, ch: network,
			nhri: &kg.Node{ID: nhri.ID, Kind: kg.KindNHRI, Name: "X", Props: kg.Props{kg.PropAccreditationStatus: "B"}}},
		{name: "no accreditation for the country, an NHRI of it has a status in the directory", country: tonga, ch: network,
			inCtry: []CountryNHRI{{NHRI: view[kg.NHRI](&kg.Node{ID: nhri.ID, Kind: kg.KindNHRI, Name: "X", Props: kg.Props{kg.PropAccreditationStatus: "A"}})}}},
		{name: "no accreditation, the NHRI named has no status and no network", country: tonga, ch: hosting, nhri: nhri, exclude: notApplicable},
		{name: "no accreditation, an NHRI of the country in no network", country: tonga, ch: network,
			inCtry: []CountryNHRI{{NHRI: view[kg.NHRI](nhri)}}, exclude: notApplicable},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFacts(Input{Country: view[kg.Country](c.country), NHRI: nhriOf(c.nhri), Memberships: c.members, CountryNHRIs: c.inCtry})
			v := needsMemberNHRI(f, chOf(c.ch))
			assert.Equal(t, c.exclude, v.Exclude)
			assert.Zero(t, v.Score)
			assert.Empty(t, v.Reasons)
		})
	}
}
