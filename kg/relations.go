package kg

import (
	"slices"
)

// RelType is a relationship type. Like Kind, the set is closed.
type RelType string

// The relationship types of the knowledge graph.
const (
	// RelUnderObjective: an Action is proposed under an Objective.
	RelUnderObjective RelType = "UNDER_OBJECTIVE"
	// RelImplements: an Action implements a Marrakech Commitment.
	RelImplements RelType = "IMPLEMENTS"
	// RelAdvances: an Action of Objective 2 or 3 serves a Marrakech
	// Commitment, as the GAP's own words show.
	RelAdvances RelType = "ADVANCES"
	// RelInCollaborationWith: an Action is carried out with, in cooperation
	// or in consultation with a partner.
	RelInCollaborationWith RelType = "IN_COLLABORATION_WITH"
	// RelEngages: an Action engages with a body or mechanism.
	RelEngages RelType = "ENGAGES"
	// RelReportsTo: an Action reports threats or information to a body.
	RelReportsTo RelType = "REPORTS_TO"
	// RelInformsOn: an Action compiles and disseminates information on how a
	// mechanism works and how to activate it.
	RelInformsOn RelType = "INFORMS_ON"
	// RelPromotes: an Action promotes or implements an Instrument.
	RelPromotes RelType = "PROMOTES"
	// RelTargets: an Action focuses on a group at risk.
	RelTargets RelType = "TARGETS"
	// RelServes: an Action serves an SDG target or a Strategic Plan goal.
	RelServes RelType = "SERVES"
	// RelDefinedIn: a Commitment, Objective or goal is set out in an Instrument.
	RelDefinedIn RelType = "DEFINED_IN"
	// RelIssuedBy: an Instrument was adopted or issued by a body.
	RelIssuedBy RelType = "ISSUED_BY"
	// RelCoordinatedBy: an Instrument's implementation is led by a body.
	RelCoordinatedBy RelType = "COORDINATED_BY"
	// RelPartOf: structural membership of one network, body or instrument in another.
	RelPartOf RelType = "PART_OF"
	// RelMemberOf: an NHRI belongs to a network.
	RelMemberOf RelType = "MEMBER_OF"
	// RelLocatedIn: an NHRI is the institution of a Country.
	RelLocatedIn RelType = "LOCATED_IN"
	// RelReferences: an Instrument refers to or builds on another.
	RelReferences RelType = "REFERENCES"
	// RelPerpetratedBy: a ThreatType is carried out by a PerpetratorType.
	RelPerpetratedBy RelType = "PERPETRATED_BY"
	// RelIdentified: a Survey or Instrument identified a threat, risk group,
	// perpetrator or priority.
	RelIdentified RelType = "IDENTIFIED"
	// RelAddresses: an Action documents, reports or counters a threat.
	RelAddresses RelType = "ADDRESSES"
	// RelStrengthens: an Action strengthens, reviews or relies on a channel.
	RelStrengthens RelType = "STRENGTHENS"
	// RelConsulted: a body was consulted in drawing up an Instrument.
	RelConsulted RelType = "CONSULTED"
	// RelFundedBy: an Instrument was funded by a body.
	RelFundedBy RelType = "FUNDED_BY"
	// RelMemberStateOf: a Country is a member or participating State of an
	// intergovernmental organisation.
	RelMemberStateOf RelType = "MEMBER_STATE_OF"
	// RelPartyTo: a Country is a State party to a treaty.
	RelPartyTo RelType = "PARTY_TO"
	// RelCovers: a support channel can act in the member States of an
	// organisation, the States parties to a treaty, or one country named
	// on its own (a State the channel still acts in after it left the
	// organisation).
	RelCovers RelType = "COVERS"
	// RelOutsideOf: a support channel acts only in States that are not
	// member States of an organisation (the EU's missions act in non-EU
	// countries).
	RelOutsideOf RelType = "OUTSIDE_OF"
	// RelConcerns: a ThreatIncident is against an NHRI, its members or staff.
	RelConcerns RelType = "CONCERNS"
	// RelOfType: a ThreatIncident is a threat of a ThreatType.
	RelOfType RelType = "OF_TYPE"
	// RelAttributedTo: a ThreatIncident is attributed to a kind of actor.
	RelAttributedTo RelType = "ATTRIBUTED_TO"
	// RelRespondsTo: a Response answers a ThreatIncident.
	RelRespondsTo RelType = "RESPONDS_TO"
	// RelActivated: a Response activated a support channel.
	RelActivated RelType = "ACTIVATED"
)

// RelInfo documents a relationship type and the kinds it may join.
type RelInfo struct {
	Type        RelType
	Description string
	From, To    []Kind
}

var (
	channelKinds = []Kind{KindMechanism, KindNetwork}
	bodyKinds    = []Kind{KindMechanism, KindNetwork, KindNHRI}
	allKinds     = PublicKinds()
)

var relTypes = []RelInfo{
	{RelUnderObjective, "The action is proposed under the objective.", []Kind{KindAction}, []Kind{KindObjective}},
	{RelImplements, "The action implements the Marrakech commitment (priority action area).", []Kind{KindAction}, []Kind{KindCommitment}},
	{RelAdvances, "The action, proposed under Objective 2 or 3, serves the Marrakech commitment: its own words do what the commitment's words say.", []Kind{KindAction}, []Kind{KindCommitment}},
	{RelInCollaborationWith, "The action is carried out with, in cooperation with, or in consultation with the partner.", []Kind{KindAction}, bodyKinds},
	{RelEngages, "The action engages with the body or mechanism.", []Kind{KindAction}, bodyKinds},
	{RelReportsTo, "The action reports threats, practices or data to the body or forum.", []Kind{KindAction}, bodyKinds},
	{RelInformsOn, "The action compiles and disseminates information on the mechanism and how to activate it.", []Kind{KindAction}, bodyKinds},
	{RelPromotes, "The action promotes, disseminates or implements the instrument.", []Kind{KindAction}, []Kind{KindInstrument}},
	{RelTargets, "The action focuses on the group at risk.", []Kind{KindAction}, []Kind{KindRiskGroup}},
	{RelServes, "The action serves the SDG target or Strategic Plan goal.", []Kind{KindAction, KindInstrument}, []Kind{KindSDGTarget, KindStrategicGoal}},
	{RelDefinedIn, "The entity is set out in the instrument.", allKinds, []Kind{KindInstrument}},
	{RelIssuedBy, "The instrument was adopted or issued by the body or State.", []Kind{KindInstrument}, append(slices.Clone(bodyKinds), KindCountry)},
	{RelCoordinatedBy, "The instrument's implementation is led and coordinated by the body.", []Kind{KindInstrument}, bodyKinds},
	{RelPartOf, "The entity is part of, or a member of, the larger one.", []Kind{KindNetwork, KindMechanism, KindInstrument, KindSDGTarget}, []Kind{KindNetwork, KindMechanism, KindInstrument, KindSDGTarget}},
	{RelMemberOf, "The NHRI is a member of the network.", []Kind{KindNHRI}, []Kind{KindNetwork}},
	{RelLocatedIn, "The NHRI is the national institution of the country.", []Kind{KindNHRI}, []Kind{KindCountry}},
	{RelReferences, "The instrument refers to or builds on the other one.", []Kind{KindInstrument, KindStrategicGoal}, []Kind{KindInstrument}},
	{RelPerpetratedBy, "The threat is carried out by this kind of actor.", []Kind{KindThreatType}, []Kind{KindPerpetratorType}},
	{RelIdentified, "The survey or instrument identified the threat, group at risk, perpetrator or priority.", []Kind{KindSurvey, KindInstrument}, []Kind{KindThreatType, KindRiskGroup, KindCommitment, KindPerpetratorType}},
	{RelAddresses, "The action documents, reports or counters the threat.", []Kind{KindAction}, []Kind{KindThreatType}},
	{RelStrengthens, "The action strengthens, reviews or relies on the channel.", []Kind{KindAction}, bodyKinds},
	{RelConsulted, "The body was consulted in drawing up the instrument.", []Kind{KindInstrument}, bodyKinds},
	{RelFundedBy, "The instrument was funded by the body.", []Kind{KindInstrument}, bodyKinds},
	{RelMemberStateOf, "The State is a member or participating State of the organisation.", []Kind{KindCountry}, []Kind{KindMechanism, KindNetwork}},
	{RelPartyTo, "The State is a party to the treaty.", []Kind{KindCountry}, []Kind{KindInstrument}},
	{RelCovers, "The channel can act in the member States of the organisation, the States parties to the treaty, or the country itself (a State it still acts in after leaving the organisation).", []Kind{KindMechanism, KindNetwork}, []Kind{KindMechanism, KindInstrument, KindCountry}},
	{RelOutsideOf, "The channel acts only in States that are not member States of the organisation.", []Kind{KindMechanism, KindNetwork}, []Kind{KindMechanism}},
	{RelConcerns, "The incident is against the NHRI, its members or staff.", []Kind{KindThreatIncident}, []Kind{KindNHRI}},
	{RelOfType, "The incident is a threat of this type.", []Kind{KindThreatIncident}, []Kind{KindThreatType}},
	{RelAttributedTo, "The incident is attributed to this kind of actor.", []Kind{KindThreatIncident}, []Kind{KindPerpetratorType}},
	{RelRespondsTo, "The response answers the incident.", []Kind{KindResponse}, []Kind{KindThreatIncident}},
	{RelActivated, "The response activated the support channel.", []Kind{KindResponse}, bodyKinds},
}

// RelTypes lists every relationship type, in a stable order.
func RelTypes() []RelInfo { return slices.Clone(relTypes) }

// Info returns the description of a relationship type.
func (t RelType) Info() (RelInfo, bool) {
	for _, ri := range relTypes {
		if ri.Type == t {
			return ri, true
		}
	}
	return RelInfo{}, false
}

// Sensitive reports whether edges of this type touch a sensitive kind.
func (t RelType) Sensitive() bool {
	ri, ok := t.Info()
	if !ok {
		return false
	}
	for _, k := range append(slices.Clone(ri.From), ri.To...) {
		if k.Sensitive() {
			return true
		}
	}
	return false
}

// Valid reports whether t is one of the domain's relationship types.
func (t RelType) Valid() bool { _, ok := t.Info(); return ok }

// ValidateEndpoints checks that a relationship of this type may join nodes
// of these kinds.
func (t RelType) ValidateEndpoints(from, to Kind) error {
	ri, ok := t.Info()
	if !ok {
		return Errorf(CodeBadUserInput, "unknown relationship type %q", t)
	}
	if !slices.Contains(ri.From, from) || !slices.Contains(ri.To, to) {
		return Errorf(CodeBadUserInput, "a %s relationship cannot go from a %s to a %s", t, from, to)
	}
	return nil
}

// ChannelRelTypes are the relationships by which an action reaches a support
// channel: collaboration, engagement, reporting, information and strengthening.
var ChannelRelTypes = []RelType{RelInCollaborationWith, RelEngages, RelReportsTo, RelInformsOn, RelStrengthens}

// ChannelKinds are the kinds of node that count as support channels.
func ChannelKinds() []Kind { return slices.Clone(channelKinds) }
