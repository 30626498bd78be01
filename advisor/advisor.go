// Package advisor drafts activation plans: for an NHRI (or a country) and a
// situation, which support channels can act, ranked by how well their
// eligibility matches, each with the rules it matched in plain words and
// the citations behind them; and which cannot act, and why.
//
// Advise is pure: it works on data gathered beforehand (Gather reads it from
// any kg.Store; Advisor.Plan does both), so it behaves the same on every
// backend and is tested with tables of situations.
//
// Each channel is decided by small rules, one concern each, applied in
// this order (rules.go; one table test each in rules_test.go). The first
// rule to exclude a channel gives the reason it is not applicable; a
// channel no rule excludes is recommended, scored by what every rule added:
//
//   - member NHRI (needsMemberNHRI): where no accredited NHRI is recorded
//     for the country and no NHRI of it is a recorded network member, a
//     channel that presupposes a member NHRI of GANHRI (a network, or one
//     of GANHRI's own channels) is not applicable; the plan's first note
//     says so.
//   - where (actsWhere): it acts only where its reach takes it: every
//     country, the States of the organisations and treaties it covers, its
//     own member States or member NHRIs, outside some organisations, or
//     (a regional network, actsInRegion) for the NHRIs of its region, a
//     recorded member more, an NHRI of another network or region not at
//     all; where the recorded lists cannot tell, it "cannot be assessed".
//   - whom (servesTargets): it serves at least one of those the threat
//     targets (the institution, its members and staff).
//   - trigger (actsOn): it acts on at least one kind of situation raised
//     by the situation or its threat types.
//   - remedies (canOffer): what it can do is named; urgent remedies count
//     in urgent cases.
//   - consent (consent): whether a channel needs the victims' informed
//     consent is REQUIRED, NOT_REQUIRED or NOT_RECORDED, cited. When the
//     victims refuse consent, a channel that requires it is not applicable;
//     when its need is not recorded, the plan says so and tells Head Office
//     to obtain informed consent before sharing identifying details.
//
// Recommendations are ordered by score; equal scores by specificity (a
// channel that acts for this NHRI, then one that acts in this region, then
// one that acts on this kind of threat, then a general one), which the
// reasons state. Channels equal on both share a rank: no tie is broken by
// name. A channel whose only answer is a review of the NHRI itself (the
// SCA's special review of accreditation) is never a remedy: it is reported
// apart, as a consideration for Head Office, with its risk.
package advisor

import (
	"cmp"
	"slices"
	"strings"

	"marrakechgraph/kg"
)

// Target is whom a threat is directed against (the domain's ThreatTarget).
type Target = kg.ThreatTarget

// Targets.
const (
	TargetInstitution    = kg.TargetInstitution
	TargetMembersOrStaff = kg.TargetMembersOrStaff
)

// Trigger is a kind of situation a channel acts on.
type Trigger string

// Triggers.
const (
	// TriggerReprisal: reprisals for cooperation with the UN.
	TriggerReprisal Trigger = "REPRISAL_UN_COOPERATION"
	// TriggerUrgent: an urgent risk of irreparable harm.
	TriggerUrgent Trigger = "URGENT_RISK"
	// TriggerIndependence: threats to the NHRI's independence.
	TriggerIndependence Trigger = "THREAT_TO_INDEPENDENCE"
	// TriggerLegalBasis: threats to the NHRI's legal basis or mandate.
	TriggerLegalBasis Trigger = "THREAT_TO_LEGAL_BASIS"
	// TriggerFunding: funding needs (budget cuts, emergency costs).
	TriggerFunding Trigger = "FUNDING_NEED"
	// TriggerAnyThreat: any threat or attack.
	TriggerAnyThreat Trigger = "ANY_THREAT"
)

// Triggers lists every trigger, with the words reasons use for it.
var Triggers = map[Trigger]string{
	TriggerReprisal:     "reprisals for cooperation with the UN",
	TriggerUrgent:       "urgent risks of irreparable harm",
	TriggerIndependence: "threats to an NHRI's independence",
	TriggerLegalBasis:   "threats to an NHRI's legal basis or mandate",
	TriggerFunding:      "funding needs",
	TriggerAnyThreat:    "threats and attacks of any kind",
}

// Beneficiaries a channel serves.
const (
	ServesInstitution    = "INSTITUTION"
	ServesMembersOrStaff = "MEMBERS_OR_STAFF"
	ServesCSO            = "CSO"
)

// Where a channel acts.
const (
	// ActsGlobal: in every country.
	ActsGlobal = "GLOBAL"
	// ActsCovered: in the member States or States parties of the
	// organisations and treaties it COVERS.
	ActsCovered = "COVERED"
	// ActsMembers: in its own member States (an organisation such as the
	// Council of Europe), or for its own member NHRIs (a network).
	ActsMembers = "MEMBERS"
	// ActsOutside: in every country that is not a member State of the
	// organisations it stays OUTSIDE_OF (the EU's missions act in
	// non-EU countries).
	ActsOutside = "OUTSIDE"
	// ActsRegion: for the NHRIs of the region (kg.PropRegion) of a regional
	// network; a recorded membership (MEMBER_OF) strengthens it, the
	// absence of one does not exclude it.
	ActsRegion = "REGION"
)

// CategoryGANHRI is the category (kg.PropCategory) of GANHRI's own channels.
const CategoryGANHRI = "GANHRI"

// Reaches lists every value of kg.PropActsIn.
var Reaches = []string{ActsGlobal, ActsCovered, ActsMembers, ActsOutside, ActsRegion}

// Remedies a channel can offer, with the words reasons use for them.
var Remedies = map[string]string{
	"URGENT_APPEAL":          "urgent appeals",
	"PUBLIC_STATEMENT":       "public statements",
	"COUNTRY_MISSION":        "country missions",
	"PRECAUTIONARY_MEASURES": "precautionary measures",
	"EMERGENCY_GRANT":        "emergency grants",
	"RELOCATION":             "temporary relocation",
	"ACCREDITATION_REVIEW":   "a review of the NHRI's accreditation",
	"PEER_SUPPORT":           "support from peer institutions",
	"ADVOCACY":               "advocacy with the authorities and partners",
	"TRIAL_MONITORING":       "monitoring of trials and visits to detained defenders",
}

// urgentRemedies answer an urgent risk.
var urgentRemedies = []string{"URGENT_APPEAL", "PRECAUTIONARY_MEASURES", "EMERGENCY_GRANT", "RELOCATION"}

// reviews are the remedies that review the NHRI itself rather than
// answer the threat, with the risk they carry for it. A channel that offers
// one is a consideration, never a recommendation.
var reviews = map[string]string{
	"ACCREDITATION_REVIEW": "A review of the NHRI itself, not a remedy: a special review of its accreditation can end in the suspension of its status or a recommendation to remove it.",
}

// Consent is whether a channel needs the victims' informed consent.
type Consent string

// Consent values.
const (
	// ConsentRequired: its cited source says the victims' informed
	// consent is needed before their case is submitted.
	ConsentRequired Consent = "REQUIRED"
	// ConsentNotRequired: its cited source says consent is not needed.
	ConsentNotRequired Consent = "NOT_REQUIRED"
	// ConsentNotRecorded: no source on the question is recorded. Never
	// read as "not required".
	ConsentNotRecorded Consent = "NOT_RECORDED"
)

// Specificity is how closely a channel fits the situation, apart from its
// score: it orders channels of equal score.
type Specificity int

// Specificities, from the most general to the most specific.
const (
	// SpecificGeneral: a channel that acts everywhere on any threat.
	SpecificGeneral Specificity = iota
	// SpecificThreat: it acts on this kind of threat.
	SpecificThreat
	// SpecificRegion: it acts in this region, through a regional system
	// the country belongs to.
	SpecificRegion
	// SpecificNHRI: it acts for this NHRI, a recorded member.
	SpecificNHRI
)

// Situation is what Head Office knows of a threat.
type Situation struct {
	Threats                  []string
	Targets                  []kg.ThreatTarget
	ReprisalForUNCooperation bool
	Urgent                   bool
	ConsentToShare           *bool
}

// Channel is a support channel with its eligibility and what it covers.
type Channel struct {
	// View is the mechanism or network, as a plan shows it: its COVERS and
	// OUTSIDE_OF relationships, read for the plan, are part of it.
	View kg.Channel
	// Eligibility is what the channel records of where, for whom and on
	// what it acts; nil when nothing is recorded.
	Eligibility *kg.Eligibility
	// Covers are the organisations and treaties whose member States or
	// States parties the channel can act in (when it acts in COVERED).
	Covers []*kg.Node
	// CoverCitations back the COVERS edges to organisations and treaties.
	CoverCitations []kg.Citation
	// CoversCountries are the countries the channel acts in on their own,
	// beyond the organisations it covers (a State that left one of them),
	// each with the citations of its COVERS edge.
	CoversCountries []CountryCover
	// OutsideOf are the organisations in whose member States the channel
	// does not act (when it acts OUTSIDE).
	OutsideOf []*kg.Node
	// OutsideCitations back the OUTSIDE_OF edges.
	OutsideCitations []kg.Citation
}

// NewChannel returns a mechanism or network as a channel, with what it
// covers and stays outside of from reach, its COVERS and OUTSIDE_OF
// neighbours; ok is false for a node of another kind.
func NewChannel(n *kg.Node, reach []kg.Neighbor) (ch Channel, ok bool) {
	view, ok := kg.ChannelOf(n, reach)
	if !ok {
		return ch, false
	}
	ch = Channel{View: view, Eligibility: view.Eligibility()}
	for _, nb := range reach {
		switch {
		case nb.Edge.Type == kg.RelOutsideOf:
			ch.OutsideOf = append(ch.OutsideOf, nb.Node)
			ch.OutsideCitations = append(ch.OutsideCitations, nb.Edge.Citations...)
		case nb.Edge.Type != kg.RelCovers:
		case nb.Node.Kind == kg.KindCountry:
			ch.CoversCountries = append(ch.CoversCountries, CountryCover{Country: nb.Node, Citations: nb.Edge.Citations})
		default:
			ch.Covers = append(ch.Covers, nb.Node)
			ch.CoverCitations = append(ch.CoverCitations, nb.Edge.Citations...)
		}
	}
	return ch, true
}

// node is the channel's node.
func (c Channel) node() *kg.Node { return c.View.Node() }

// CountryCover is a country a channel acts in on its own.
type CountryCover struct {
	Country   *kg.Node
	Citations []kg.Citation
}

// Membership is a country's membership of an organisation or treaty, or
// the NHRI's membership of a network.
type Membership struct {
	Of        *kg.Node
	Citations []kg.Citation
	// ByNHRI is set when the NHRI, not its country, is the member.
	ByNHRI bool
}

// CountryNHRI is an NHRI recorded in the country of a situation that names
// no NHRI, with the networks it is a member of.
type CountryNHRI struct {
	NHRI     kg.NHRI
	Networks []*kg.Node
}

// Input is everything Advise needs.
type Input struct {
	Country kg.Country
	// NHRI is nil when the situation names none.
	NHRI *kg.NHRI
	// CountryNHRIs are the NHRIs recorded in the country, when the
	// situation names none.
	CountryNHRIs []CountryNHRI
	Memberships  []Membership
	Threats      []kg.ThreatType
	Channels     []Channel
	Situation    Situation
	// Recorded counts, for each organisation or treaty a channel covers
	// (and each channel that acts for its own members), the members the
	// data records: with none, a channel's reach cannot be judged.
	Recorded map[string]int
}

// Recommendation is a channel that can act, with why.
type Recommendation struct {
	Rank          int
	Channel       kg.Entity
	Score         float64
	Reasons       []string
	Citations     []kg.Citation
	HowToActivate string
	// RequiresConsent is whether the victims' informed consent is needed;
	// ConsentCitations are the passages that say so.
	RequiresConsent  Consent
	ConsentCitations []kg.Citation
	// Specificity orders channels of equal score.
	Specificity Specificity
}

// Consideration is a channel that reviews the NHRI itself: Head Office
// weighs it, with its risk; it is never a remedy.
type Consideration struct {
	Channel       kg.Entity
	Risk          string
	Reasons       []string
	Citations     []kg.Citation
	HowToActivate string
}

// Exclusion is a channel that cannot act, with why.
type Exclusion struct {
	Channel kg.Entity
	Reason  string
}

// Plan is an activation plan.
type Plan struct {
	Country kg.Country
	NHRI    *kg.NHRI
	// NHRIAccreditation is the country's recorded NHRI accreditation, nil
	// when none is recorded.
	NHRIAccreditation *kg.Accreditation
	// Notes are what Head Office must read before the recommendations.
	Notes           []string
	Recommendations []Recommendation
	// Considerations are the review channels that could act, apart from
	// the recommendations.
	Considerations []Consideration
	NotApplicable  []Exclusion
}

// Weights of the score. A channel that can act scores at least 1; each
// specific trigger it acts on adds 1, reprisals for cooperation with the UN
// 2.5 (the one situation with a mandate of its own across the UN system),
// the catch-all half; serving the targets, urgent remedies in urgent cases
// and a regional system the country belongs to add half each. Refused
// consent does not lower a score: it excludes the channels that need it.
const (
	weightEligible      = 1.0
	weightTrigger       = 1.0
	weightReprisal      = 2.5
	weightAnyThreat     = 0.5
	weightTarget        = 0.5
	weightUrgentRemedy  = 0.5
	weightRegionalMatch = 0.5
)

func names(ns []*kg.Node) string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.Name
	}
	return joinWords(out)
}

func joinWords(ws []string) string {
	switch len(ws) {
	case 0:
		return ""
	case 1:
		return ws[0]
	}
	return strings.Join(ws[:len(ws)-1], ", ") + " and " + ws[len(ws)-1]
}

// activeTriggers are the triggers a situation raises.
func activeTriggers(in Input) []Trigger {
	set := map[Trigger]bool{TriggerAnyThreat: true}
	if in.Situation.ReprisalForUNCooperation {
		set[TriggerReprisal] = true
	}
	if in.Situation.Urgent {
		set[TriggerUrgent] = true
	}
	for _, t := range in.Threats {
		for _, r := range t.Raises() {
			if _, ok := Triggers[Trigger(r)]; ok {
				set[Trigger(r)] = true
			}
		}
	}
	var out []Trigger
	for t := range set {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// Advise ranks the channels for a situation. Channels without eligibility
// data are left out of both lists.
func Advise(in Input) (*Plan, error) {
	if in.Country == (kg.Country{}) {
		return nil, kg.Errorf(kg.CodeBadUserInput, "an activation plan needs a country or an NHRI")
	}
	if len(in.Situation.Targets) == 0 {
		in.Situation.Targets = []Target{TargetInstitution, TargetMembersOrStaff}
	}
	f := newFacts(in)
	plan := &Plan{Country: in.Country, NHRI: in.NHRI}
	if plan.NHRIAccreditation = in.Country.NHRIAccreditation(); plan.NHRIAccreditation == nil {
		plan.Notes = append(plan.Notes, noAccreditedNHRI(in.Country, f.memberNHRI))
	}
	for _, ch := range in.Channels {
		rec, excl, ok := assess(f, ch)
		switch {
		case !ok:
			continue
		case excl != nil:
			plan.NotApplicable = append(plan.NotApplicable, *excl)
		case reviewRisk(ch) != "":
			plan.Considerations = append(plan.Considerations, Consideration{
				Channel: rec.Channel, Risk: reviewRisk(ch), Reasons: rec.Reasons,
				Citations: rec.Citations, HowToActivate: rec.HowToActivate,
			})
		default:
			plan.Recommendations = append(plan.Recommendations, *rec)
		}
	}
	rank(plan.Recommendations)
	slices.SortStableFunc(plan.NotApplicable, func(a, b Exclusion) int { return strings.Compare(a.Channel.Name(), b.Channel.Name()) })
	return plan, nil
}

// rank orders recommendations by specificity (the channels that act for
// this NHRI first, then those of its region, then those made for this kind
// of threat, then general ones), then by score, and numbers them; channels
// equal on both share a rank and keep the catalogue's order, which is no
// ranking.
func rank(recs []Recommendation) {
	order := func(a, b Recommendation) int {
		if c := cmp.Compare(b.Specificity, a.Specificity); c != 0 {
			return c
		}
		return cmp.Compare(b.Score, a.Score)
	}
	slices.SortStableFunc(recs, order)
	for i := range recs {
		if i > 0 && order(recs[i-1], recs[i]) == 0 {
			recs[i].Rank = recs[i-1].Rank
		} else {
			recs[i].Rank = i + 1
		}
	}
}

// reviewRisk is the risk of a channel that reviews the NHRI itself, or ""
// for a channel that offers no review.
func reviewRisk(ch Channel) string {
	var risks []string
	for _, r := range ch.Eligibility.Remedies() {
		if risk, ok := reviews[r]; ok {
			risks = append(risks, risk)
		}
	}
	return strings.Join(risks, " ")
}

// unconfirmed tells whether the recorded lists leave the country's
// membership of org open (kg.PropUnconfirmed).
func (in Input) unconfirmed(org *kg.Node) bool {
	o, ok := kg.View(org).(kg.Organisation)
	return ok && slices.Contains(o.Unconfirmed(), in.Country.Code())
}

// formerMember tells whether the country has left org (kg.PropFormerMembers).
func (in Input) formerMember(org *kg.Node) bool {
	o, ok := kg.View(org).(kg.Organisation)
	return ok && slices.Contains(o.FormerMembers(), in.Country.Code())
}

func dedupe(cs []kg.Citation) []kg.Citation {
	var out []kg.Citation
	for _, c := range cs {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// noAccreditedNHRI is the note of a plan for a country with no accredited
// NHRI recorded.
func noAccreditedNHRI(country kg.Country, memberNHRI bool) string {
	note := "No accredited NHRI is recorded for " + country.Name() + ": the UN SDG Global Database (indicator 16.a.1) lists no GANHRI A or B status for it. " +
		"That does not say no institution exists; check with GANHRI Head Office."
	if memberNHRI {
		return note + " The NHRI directory records an accredited NHRI of " + country.Name() + ", or one that is a member of a network, so channels for member NHRIs are kept."
	}
	return note + " Channels that presuppose a member NHRI of GANHRI are not applicable."
}

// hasMemberNHRI tells whether an accredited NHRI is recorded for the
// country, or the situation's NHRI (or, when it names none, an NHRI of the
// country) has an accreditation status in the NHRI directory or is a
// recorded member of a network.
func (in Input) hasMemberNHRI() bool {
	if in.Country.NHRIAccreditation() != nil {
		return true
	}
	if in.NHRI != nil {
		return in.NHRI.AccreditationStatus() != nil || slices.ContainsFunc(in.Memberships, func(m Membership) bool { return m.ByNHRI })
	}
	return slices.ContainsFunc(in.CountryNHRIs, func(c CountryNHRI) bool {
		return c.NHRI.AccreditationStatus() != nil || len(c.Networks) > 0
	})
}
