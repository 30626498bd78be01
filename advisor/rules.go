package advisor

import (
	"fmt"
	"slices"
	"strings"

	"marrakechgraph/kg"
)

// verdict is what one rule says of one channel: it excludes the channel
// (Exclude holds the reason), or it adds to the channel's score, reasons
// and citations.
type verdict struct {
	Exclude   string
	Score     float64
	Reasons   []string
	Citations []kg.Citation
}

func excluded(format string, args ...any) verdict {
	return verdict{Exclude: fmt.Sprintf(format, args...)}
}

// facts are what every rule reads: the input, the country's and NHRI's
// memberships by organisation ID, and the triggers the situation raises.
type facts struct {
	in     Input
	member map[string]Membership
	active []Trigger
	// memberNHRI: an accredited NHRI is recorded for the country, or the
	// situation's NHRI (or, when it names none, an NHRI of the country) has
	// a status in the NHRI directory or is a recorded member of a network.
	memberNHRI bool
}

func newFacts(in Input) facts {
	member := map[string]Membership{}
	for _, m := range in.Memberships {
		member[m.Of.ID] = m
	}
	return facts{in: in, member: member, active: activeTriggers(in), memberNHRI: in.hasMemberNHRI()}
}

// A rule decides one concern of one channel.
type rule struct {
	name   string
	decide func(f facts, ch Channel) verdict
}

// rules are applied in order; the first to exclude a channel gives the
// reason it is not applicable.
var rules = []rule{
	{"member NHRI", needsMemberNHRI},
	{"where", actsWhere},
	{"whom", servesTargets},
	{"trigger", actsOn},
	{"remedies", canOffer},
	{"consent", consent},
}

// assess decides one channel: ok is false when it has no eligibility data.
func assess(f facts, ch Channel) (*Recommendation, *Exclusion, bool) {
	if ch.Eligibility == nil {
		return nil, nil, false
	}
	rec := &Recommendation{Channel: ch.View, Score: weightEligible, Citations: slices.Clone(ch.node().Citations)}
	for _, r := range rules {
		v := r.decide(f, ch)
		if v.Exclude != "" {
			return nil, &Exclusion{Channel: ch.View, Reason: v.Exclude}, true
		}
		rec.Score += v.Score
		rec.Reasons = append(rec.Reasons, v.Reasons...)
		rec.Citations = append(rec.Citations, v.Citations...)
	}
	rec.RequiresConsent, rec.ConsentCitations = consentOf(ch)
	var why string
	rec.Specificity, why = specificity(f, ch)
	rec.Reasons = append(rec.Reasons, why)
	rec.HowToActivate = howToActivate(ch.Eligibility)
	rec.Citations = dedupe(rec.Citations)
	return rec, nil, true
}

// presupposesMemberNHRI tells whether a channel acts only for an NHRI that
// is a member of GANHRI and its networks: GANHRI and its bodies, the
// regional networks, and GANHRI's own channels (missions, peer support,
// hosting).
func presupposesMemberNHRI(ch Channel) bool {
	switch v := ch.View.(type) {
	case kg.Network:
		return true
	case kg.Mechanism:
		return v.Category() == CategoryGANHRI
	}
	return false
}

// needsMemberNHRI: where no accredited NHRI is recorded for the country,
// and the NHRI directory records no accredited NHRI of it and none that is
// a network member, a channel that presupposes a member NHRI is not
// applicable.
func needsMemberNHRI(f facts, ch Channel) verdict {
	if f.memberNHRI || !presupposesMemberNHRI(ch) {
		return verdict{}
	}
	return excluded("Not applicable: it presupposes an NHRI that is a member of GANHRI, and no accredited NHRI is recorded for %s.", f.in.Country.Name())
}

// actsWhere: a channel acts only where its reach (kg.PropActsIn) takes it.
func actsWhere(f facts, ch Channel) verdict {
	switch actsIn := ch.Eligibility.ActsIn(); actsIn {
	case ActsGlobal:
		return verdict{Reasons: []string{"Acts in every country."}}
	case ActsCovered:
		return actsCovered(f, ch)
	case ActsMembers:
		return actsForMembers(f, ch)
	case ActsOutside:
		return actsOutside(f, ch)
	case ActsRegion:
		return actsInRegion(f, ch)
	default:
		return excluded("Its reach %q is not one the advisor knows.", actsIn)
	}
}

// coversCountry returns the channel's COVERS edge to the country itself,
// if it acts there on its own (CoversCountries).
func (ch Channel) coversCountry(id string) (CountryCover, bool) {
	for _, cc := range ch.CoversCountries {
		if cc.Country.ID == id {
			return cc, true
		}
	}
	return CountryCover{}, false
}

// actsCovered: a channel that COVERS organisations and treaties acts in
// their member States and States parties.
func actsCovered(f facts, ch Channel) verdict {
	country := f.in.Country.Name()
	if cc, ok := ch.coversCountry(f.in.Country.ID()); ok {
		return verdict{
			Reasons:   []string{fmt.Sprintf("Still acts in %s, though %s is not a member State or State party of %s: the cited decisions show it acting there.", country, country, names(ch.Covers))},
			Citations: cc.Citations,
			Score:     weightRegionalMatch,
		}
	}
	var v verdict
	var of []*kg.Node
	for _, c := range ch.Covers {
		if m, ok := f.member[c.ID]; ok {
			of = append(of, m.Of)
			v.Citations = append(v.Citations, m.Citations...)
		}
	}
	if len(of) == 0 {
		return notCovered(f, ch)
	}
	v.Citations = append(v.Citations, ch.CoverCitations...)
	v.Reasons = []string{fmt.Sprintf("Can act in %s, a member State or State party of %s.", country, names(of))}
	v.Score = weightRegionalMatch
	return v
}

// notCovered says why a COVERED channel does not act in a country that is
// a member of none of the organisations it covers: it cannot, or the
// recorded lists cannot tell.
func notCovered(f facts, ch Channel) verdict {
	country := f.in.Country.Name()
	var known, unknown, unsettled, left []*kg.Node
	for _, c := range ch.Covers {
		switch {
		case f.in.formerMember(c):
			left = append(left, c)
		case f.in.Recorded[c.ID] == 0:
			unknown = append(unknown, c)
		case f.in.unconfirmed(c):
			unsettled = append(unsettled, c)
		default:
			known = append(known, c)
		}
	}
	switch {
	case len(unsettled) > 0:
		return excluded("Cannot be assessed: the recorded lists do not settle whether %s is a member State or State party of %s; check before relying on this.", country, names(unsettled))
	case len(unknown) > 0:
		return excluded("Cannot be assessed: the member States or States parties of %s are not recorded yet; check whether %s is one before relying on this.", names(unknown), country)
	case len(left) > 0:
		return excluded("Cannot act in %s: %s has left %s, and no decision of the channel's own is recorded that shows it still acting there.", country, country, names(left))
	case len(known) == 0:
		return excluded("Cannot be assessed: where it can act is not recorded.")
	}
	return excluded("Cannot act in %s: %s is not a member State or State party of %s.", country, country, names(known))
}

// actsForMembers: an organisation acts in its own member States, a network
// for its own member NHRIs.
func actsForMembers(f facts, ch Channel) verdict {
	n := ch.node()
	m, ok := f.member[n.ID]
	switch {
	case !ok && n.Kind == kg.KindNetwork:
		return notNetworkMember(f, n)
	case !ok:
		return notMemberState(f, n)
	}
	v := verdict{Citations: m.Citations, Score: weightRegionalMatch}
	if f.in.NHRI != nil && m.ByNHRI {
		v.Reasons = []string{fmt.Sprintf("Acts for its members; %s is one.", f.in.NHRI.Name())}
	} else {
		v.Reasons = []string{fmt.Sprintf("Acts in its member States; %s is one.", f.in.Country.Name())}
	}
	return v
}

// notMemberState says why an organisation does not act in a country whose
// membership is not recorded.
func notMemberState(f facts, n *kg.Node) verdict {
	country := f.in.Country.Name()
	switch {
	case f.in.formerMember(n):
		return excluded("Cannot act in %s: %s has left %s.", country, country, n.Name)
	case f.in.Recorded[n.ID] == 0:
		return excluded("Cannot be assessed: the member States of %s are not recorded yet; check whether %s is one before relying on this.", n.Name, country)
	case f.in.unconfirmed(n):
		return excluded("Cannot be assessed: the recorded lists do not settle whether %s is a member State of %s; check before relying on this.", country, n.Name)
	}
	return excluded("Cannot act in %s: %s is not a member State of %s.", country, country, n.Name)
}

// notNetworkMember says why a network does not act for the situation's
// NHRI (or, when the situation names none, which NHRIs of the country it
// would act for).
func notNetworkMember(f facts, n *kg.Node) verdict {
	switch {
	case f.in.NHRI == nil:
		var members []string
		for _, m := range f.in.CountryNHRIs {
			if slices.ContainsFunc(m.Networks, func(nw *kg.Node) bool { return nw.ID == n.ID }) {
				members = append(members, fmt.Sprintf("%s (%s)", m.NHRI.Name(), m.NHRI.ID()))
			}
		}
		if len(members) == 0 {
			return excluded("Acts only for its member NHRIs: name the NHRI to check whether it is one.")
		}
		verb := "are members"
		if len(members) == 1 {
			verb = "is one"
		}
		return excluded("Acts only for its member NHRIs: %s, recorded in %s, %s; name the NHRI in the situation to include this channel.", joinWords(members), f.in.Country.Name(), verb)
	case f.in.Recorded[n.ID] == 0:
		return excluded("Cannot be assessed: the member NHRIs of %s are not recorded yet; check whether %s is one before relying on this.", n.Name, f.in.NHRI.Name())
	}
	return excluded("Cannot be assessed: %s is not among the member NHRIs of %s recorded so far (%d, from the network's own pages, which may be incomplete); check whether it is a member before relying on this.", f.in.NHRI.Name(), n.Name, f.in.Recorded[n.ID])
}

// weightRecordedMember is what a recorded membership of the regional
// network adds to the region's own match (weightRegionalMatch).
const weightRecordedMember = 0.5

// actsInRegion: a regional network acts for the NHRIs of its region, as
// the GAP has GANHRI answer NHRIs under threat with the regional networks.
// A recorded membership strengthens it; the absence of one does not
// exclude it. An NHRI belongs to one regional network: the others are not
// applicable.
func actsInRegion(f facts, ch Channel) verdict {
	n := ch.node()
	region := ch.region()
	if v, ok := recordedMember(f, ch); ok {
		return v
	}
	if who, other := f.otherNetwork(n); other != nil {
		return excluded("Not applicable: %s belongs to another regional network, %s.", who, other.Name)
	}
	country := f.in.Country.Name()
	switch here := string(f.in.Country.Region()); {
	case region == "":
		return excluded("Cannot be assessed: the region of %s is not recorded.", n.Name)
	case here == "":
		return excluded("Cannot be assessed: the region of %s is not recorded.", country)
	case here != region:
		return excluded("Not applicable: an NHRI of %s, in %s, belongs to another regional network; %s is the network of %s.", country, here, n.Name, region)
	}
	who := "the NHRIs of " + country
	if f.in.NHRI != nil {
		who = f.in.NHRI.Name()
	}
	return verdict{Score: weightRegionalMatch, Reasons: []string{fmt.Sprintf(
		"The regional network of %s, where %s is: GANHRI answers NHRIs under threat in collaboration with the regional networks. No membership of %s is recorded (the network's own pages may be incomplete).",
		region, country, who)}}
}

// recordedMember: the situation's NHRI, or an NHRI recorded in the country
// when the situation names none, is a recorded member of the network.
func recordedMember(f facts, ch Channel) (verdict, bool) {
	n := ch.node()
	v := verdict{Score: weightRegionalMatch + weightRecordedMember}
	if m, ok := f.member[n.ID]; ok && m.ByNHRI && f.in.NHRI != nil {
		v.Citations = m.Citations
		v.Reasons = []string{fmt.Sprintf("The regional network of %s, and %s is a recorded member.", ch.region(), f.in.NHRI.Name())}
		return v, true
	}
	if f.in.NHRI != nil {
		return verdict{}, false
	}
	var members []string
	for _, c := range f.in.CountryNHRIs {
		if slices.ContainsFunc(c.Networks, func(nw *kg.Node) bool { return nw.ID == n.ID }) {
			members = append(members, fmt.Sprintf("%s (%s)", c.NHRI.Name(), c.NHRI.ID()))
		}
	}
	if len(members) == 0 {
		return verdict{}, false
	}
	verb := "are recorded members"
	if len(members) == 1 {
		verb = "is a recorded member"
	}
	v.Reasons = []string{fmt.Sprintf("The regional network of the NHRIs of %s: %s %s.", f.in.Country.Name(), joinWords(members), verb)}
	return v, true
}

// otherNetwork is the other regional network the situation's NHRI (or,
// when it names none, every NHRI recorded in the country) is recorded as a
// member of, with whom it names.
func (f facts) otherNetwork(n *kg.Node) (string, *kg.Node) {
	regional := func(nw *kg.Node) bool {
		v, ok := kg.View(nw).(kg.Network)
		if !ok || nw.ID == n.ID {
			return false
		}
		e := v.Eligibility()
		return e != nil && e.ActsIn() == ActsRegion
	}
	if f.in.NHRI != nil {
		for _, m := range f.in.Memberships {
			if m.ByNHRI && regional(m.Of) {
				return f.in.NHRI.Name(), m.Of
			}
		}
		return "", nil
	}
	var other *kg.Node
	for _, c := range f.in.CountryNHRIs {
		i := slices.IndexFunc(c.Networks, regional)
		if i < 0 {
			return "", nil // an NHRI of the country not recorded elsewhere
		}
		other = c.Networks[i]
	}
	if other == nil {
		return "", nil
	}
	return "every NHRI recorded in " + f.in.Country.Name(), other
}

// actsOutside: a channel that stays OUTSIDE_OF organisations acts only in
// countries that are member States of none of them.
func actsOutside(f facts, ch Channel) verdict {
	country := f.in.Country.Name()
	var within, unknown []*kg.Node
	for _, o := range ch.OutsideOf {
		if _, ok := f.member[o.ID]; ok {
			within = append(within, o)
		} else if f.in.Recorded[o.ID] == 0 || f.in.unconfirmed(o) {
			unknown = append(unknown, o)
		}
	}
	switch {
	case len(within) > 0:
		return excluded("Acts only outside the member States of %s; %s is one.", names(within), country)
	case len(ch.OutsideOf) == 0:
		return excluded("Cannot be assessed: where it can act is not recorded.")
	case len(unknown) > 0:
		return excluded("Cannot be assessed: the recorded lists do not settle whether %s is a member State of %s; check before relying on this.", country, names(unknown))
	}
	return verdict{
		Citations: ch.OutsideCitations,
		Reasons:   []string{fmt.Sprintf("Acts only outside the member States of %s, and %s is not one.", names(ch.OutsideOf), country)},
	}
}

// targetWords are the words reasons use for whom a threat targets.
var targetWords = map[Target]string{
	TargetInstitution:    "the institution itself",
	TargetMembersOrStaff: "its members and staff as individual defenders",
}

// servesTargets: a channel must serve at least one of those the threat
// targets; each one it serves adds to its score.
func servesTargets(f facts, ch Channel) verdict {
	serves := ch.Eligibility.Serves()
	var served, unserved []string
	for _, t := range f.in.Situation.Targets {
		if slices.Contains(serves, string(t)) {
			served = append(served, targetWords[t])
		} else {
			unserved = append(unserved, targetWords[t])
		}
	}
	if len(served) == 0 {
		return excluded("Does not serve %s.", joinWords(unserved))
	}
	return verdict{Reasons: []string{"Serves " + joinWords(served) + "."}, Score: weightTarget * float64(len(served))}
}

// actsOn: a channel must act on at least one trigger the situation raises;
// each one adds to its score, reprisals most, the catch-all least.
func actsOn(f facts, ch Channel) verdict {
	var v verdict
	var matched, acts []string
	for _, t := range ch.Eligibility.Triggers() {
		acts = append(acts, Triggers[Trigger(t)])
		if !slices.Contains(f.active, Trigger(t)) {
			continue
		}
		matched = append(matched, Triggers[Trigger(t)])
		v.Score += triggerWeight(Trigger(t))
	}
	if len(matched) == 0 {
		return excluded("Acts on %s, which this situation does not involve.", joinWords(acts))
	}
	v.Reasons = []string{"Acts on " + joinWords(matched) + "."}
	return v
}

func triggerWeight(t Trigger) float64 {
	switch t {
	case TriggerAnyThreat:
		return weightAnyThreat
	case TriggerReprisal:
		return weightReprisal
	}
	return weightTrigger
}

// canOffer: what a channel can do is listed; in an urgent situation, a
// channel with an urgent remedy scores more.
func canOffer(f facts, ch Channel) verdict {
	var v verdict
	remedies := ch.Eligibility.Remedies()
	if f.in.Situation.Urgent {
		var urgent []string
		for _, r := range remedies {
			if slices.Contains(urgentRemedies, r) {
				urgent = append(urgent, Remedies[r])
			}
		}
		if len(urgent) > 0 {
			v.Score = weightUrgentRemedy
			v.Reasons = append(v.Reasons, "Answers urgent cases with "+joinWords(urgent)+".")
		}
	}
	if len(remedies) > 0 {
		var words []string
		for _, r := range remedies {
			if w, ok := Remedies[r]; ok {
				words = append(words, w)
			}
		}
		v.Reasons = append(v.Reasons, "Can offer "+joinWords(words)+".")
	}
	return v
}

// consentOf is whether a channel needs the victims' informed consent, and
// the citations that say so (those recorded for requiresConsent).
func consentOf(ch Channel) (Consent, []kg.Citation) {
	needs := ch.Eligibility.RequiresConsent()
	if needs == nil {
		return ConsentNotRecorded, nil
	}
	var cites []kg.Citation
	for _, c := range ch.node().Citations {
		if strings.Contains(c.Section, kg.PropRequiresConsent) {
			cites = append(cites, c)
		}
	}
	if *needs {
		return ConsentRequired, cites
	}
	return ConsentNotRequired, cites
}

// obtainConsent is what Head Office is told where consent is not settled.
const obtainConsent = "obtain the victims' informed consent before sharing any detail that identifies them."

// consent: a channel that requires the victims' informed consent is not
// applicable when they refuse it; where its need is not recorded, the plan
// says so and asks Head Office to obtain consent first.
func consent(f facts, ch Channel) verdict {
	given := f.in.Situation.ConsentToShare
	refused := given != nil && !*given
	need, cites := consentOf(ch)
	switch {
	case need == ConsentRequired && refused:
		return excluded("Needs the victims' informed consent, which they have refused: their case cannot be submitted to it.")
	case need == ConsentRequired && given != nil:
		return verdict{Reasons: []string{"Needs the victims' informed consent, which they have given."}, Citations: cites}
	case need == ConsentRequired:
		return verdict{Reasons: []string{"Needs the victims' informed consent before a case is submitted: " + obtainConsent}, Citations: cites}
	case need == ConsentNotRequired && refused:
		return verdict{Reasons: []string{"Does not need the victims' consent, which they have refused: share nothing that identifies them."}, Citations: cites}
	case need == ConsentNotRequired:
		return verdict{Reasons: []string{"Does not need the victims' informed consent."}, Citations: cites}
	case refused:
		return verdict{Reasons: []string{"Whether it needs the victims' informed consent is not recorded, and they have refused it: share nothing that identifies them."}}
	case given != nil:
		return verdict{Reasons: []string{"Whether it needs the victims' informed consent is not recorded; they have given it."}}
	}
	return verdict{Reasons: []string{"Whether it needs the victims' informed consent is not recorded: " + obtainConsent}}
}

// specificity is how closely a recommended channel fits the situation,
// with the reason that says why it ranks before equally scored channels.
func specificity(f facts, ch Channel) (Specificity, string) {
	n := ch.node()
	actsIn := ch.Eligibility.ActsIn()
	m, member := f.member[n.ID]
	switch {
	case member && m.ByNHRI && f.in.NHRI != nil:
		return SpecificNHRI, fmt.Sprintf("Specific to %s: it acts for its own members, and %s is one.", f.in.NHRI.Name(), f.in.NHRI.Name())
	case member && actsIn == ActsMembers:
		return SpecificRegion, fmt.Sprintf("Specific to the region: %s is one of its member States.", f.in.Country.Name())
	case actsIn == ActsRegion:
		// The rules admitted it, so the country is in the network's region.
		return SpecificRegion, fmt.Sprintf("Specific to the region: it is the regional network of %s, where %s is.", ch.region(), f.in.Country.Name())
	case actsIn == ActsCovered:
		if _, ok := ch.coversCountry(f.in.Country.ID()); ok {
			return SpecificRegion, fmt.Sprintf("Specific to the region: it still acts in %s.", f.in.Country.Name())
		}
		for _, c := range ch.Covers {
			if _, ok := f.member[c.ID]; ok {
				return SpecificRegion, fmt.Sprintf("Specific to the region: it acts through %s, of which %s is a member State or State party.", c.Name, f.in.Country.Name())
			}
		}
	}
	var kinds []string
	for _, t := range ch.Eligibility.Triggers() {
		if Trigger(t) != TriggerAnyThreat && slices.Contains(f.active, Trigger(t)) {
			kinds = append(kinds, Triggers[Trigger(t)])
		}
	}
	if len(kinds) > 0 {
		return SpecificThreat, "Specific to this kind of threat: it acts on " + joinWords(kinds) + "."
	}
	return SpecificGeneral, "General: not specific to this NHRI, its region or this kind of threat."
}

// howToActivate is the recorded procedure and contact page, or a pointer
// to Head Office when none is recorded.
func howToActivate(e *kg.Eligibility) string {
	var how string
	if h := e.HowToActivate(); h != nil {
		how = strings.TrimSpace(*h)
	}
	if page := e.ContactPage(); page != nil {
		how = strings.TrimSpace(how + " " + *page)
	}
	if how == "" {
		return "No procedure is recorded; contact GANHRI Head Office."
	}
	return how
}

// region is the region of a regional channel, or "".
func (c Channel) region() string {
	var r *kg.Region
	switch v := c.View.(type) {
	case kg.Network:
		r = v.Region()
	case kg.Mechanism:
		r = v.Region()
	}
	if r == nil {
		return ""
	}
	return string(*r)
}
