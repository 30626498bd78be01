package kg

import "context"

// The views of the public kinds, one per kind, each with an accessor per
// property (keys in props.go) and a method per relationship of the GraphQL
// type of the same name. Enumerated values are the schema's enum values,
// as the seed records them.

// Network is GANHRI, a regional network of NHRIs, or one of GANHRI's bodies.
type Network struct {
	entity
	reach *[]Neighbor
}

// Scope is GLOBAL, REGIONAL or BODY.
func (v Network) Scope() string { return v.n.Props.String(PropScope) }

// Region is the region of a regional network, or nil.
func (v Network) Region() *Region { return optRegion(v.n) }

// PartOf are the networks and bodies it is part of.
func (v Network) PartOf(ctx context.Context) ([]Network, error) {
	return related[Network](ctx, v.n.ID, Outgoing, []RelType{RelPartOf}, KindNetwork)
}

// Parts are the networks and bodies that are part of it.
func (v Network) Parts(ctx context.Context) ([]Network, error) {
	return related[Network](ctx, v.n.ID, Incoming, []RelType{RelPartOf}, KindNetwork)
}

// Members are its member NHRIs.
func (v Network) Members(ctx context.Context) ([]NHRI, error) {
	return related[NHRI](ctx, v.n.ID, Incoming, []RelType{RelMemberOf}, KindNHRI)
}

// Actions are the actions that reach it as a support channel.
func (v Network) Actions(ctx context.Context) ([]Action, error) {
	return related[Action](ctx, v.n.ID, Incoming, ChannelRelTypes, KindAction)
}

// Eligibility is when, where and for whom it can act; nil when not recorded.
func (v Network) Eligibility() *Eligibility { return eligibilityOf(v.n, v.reach) }

// Organisation is an organisation or a treaty: what the lists of its
// member States or States parties leave open, beyond the MEMBER_STATE_OF
// and PARTY_TO relationships they record.
type Organisation interface {
	Entity
	// Unconfirmed lists the ISO 3166-1 codes of the States whose
	// membership the recorded lists do not settle either way.
	Unconfirmed() []string
	// FormerMembers lists the ISO 3166-1 codes of the States that left it.
	FormerMembers() []string
}

// Unconfirmed lists the States whose membership is not settled.
func (v Network) Unconfirmed() []string { return v.n.Props.Strings(PropUnconfirmed) }

// FormerMembers lists the States that left it.
func (v Network) FormerMembers() []string { return v.n.Props.Strings(PropFormerMembers) }

// NHRI is a national human rights institution.
type NHRI struct{ entity }

// Country is the institution's country.
func (v NHRI) Country(ctx context.Context) (Country, error) {
	c, ok, err := relatedOne[Country](ctx, v.n.ID, Outgoing, RelLocatedIn, KindCountry)
	if err == nil && !ok {
		err = Errorf(CodeInternal, "NHRI %s has no country", v.n.ID)
	}
	return c, err
}

// CountryCode is the ISO 3166-1 alpha-2 code of its country.
func (v NHRI) CountryCode() string { return v.n.Props.String(PropCountry) }

// AccreditationStatus is its status (A or B) in GANHRI's chart, or nil.
func (v NHRI) AccreditationStatus() *string { return v.n.Props.optString(PropAccreditationStatus) }

// AccreditationYear is the year of its last accreditation review, or nil.
func (v NHRI) AccreditationYear() *int { return v.n.Props.optInt(PropAccreditationYear) }

// AsOf is the date of the chart its accreditation comes from, or nil.
func (v NHRI) AsOf() *Date {
	s := v.n.Props.String(PropAsOf)
	if s == "" {
		return nil
	}
	d := Date(s)
	return &d
}

// Source is the chart its accreditation comes from, or nil.
func (v NHRI) Source() *string { return v.n.Props.optString(PropSource) }

// Networks are the networks it belongs to.
func (v NHRI) Networks(ctx context.Context) ([]Network, error) {
	return related[Network](ctx, v.n.ID, Outgoing, []RelType{RelMemberOf}, KindNetwork)
}

// Mechanism is a support channel: a UN or regional body or office, a fund,
// an NGO partner, or one of GANHRI's own channels.
type Mechanism struct {
	entity
	reach *[]Neighbor
}

// Category is UN, REGIONAL, FUND, NGO, GANHRI or NATIONAL.
func (v Mechanism) Category() string { return v.n.Props.String(PropCategory) }

// Region is the region of a regional channel, or nil.
func (v Mechanism) Region() *Region { return optRegion(v.n) }

// PartOf are the larger bodies it is part of.
func (v Mechanism) PartOf(ctx context.Context) ([]Mechanism, error) {
	return related[Mechanism](ctx, v.n.ID, Outgoing, []RelType{RelPartOf}, KindMechanism)
}

// Parts are the bodies that are part of it.
func (v Mechanism) Parts(ctx context.Context) ([]Mechanism, error) {
	return related[Mechanism](ctx, v.n.ID, Incoming, []RelType{RelPartOf}, KindMechanism)
}

// Actions are the actions that reach it as a support channel.
func (v Mechanism) Actions(ctx context.Context) ([]Action, error) {
	return related[Action](ctx, v.n.ID, Incoming, ChannelRelTypes, KindAction)
}

// Eligibility is when, where and for whom it can act; nil when not recorded.
func (v Mechanism) Eligibility() *Eligibility { return eligibilityOf(v.n, v.reach) }

// Unconfirmed lists the States whose membership is not settled.
func (v Mechanism) Unconfirmed() []string { return v.n.Props.Strings(PropUnconfirmed) }

// FormerMembers lists the States that left it.
func (v Mechanism) FormerMembers() []string { return v.n.Props.Strings(PropFormerMembers) }

// Instrument is a declaration, resolution, guideline, policy, plan, report,
// law or treaty.
type Instrument struct{ entity }

// Type is its sort (DECLARATION, RESOLUTION, TREATY...).
func (v Instrument) Type() string { return v.n.Props.String(PropType) }

// Symbol is its official document symbol, or nil.
func (v Instrument) Symbol() *string { return v.n.Props.optString(PropSymbol) }

// Year is its year of adoption or publication, or nil.
func (v Instrument) Year() *int { return v.n.Props.optInt(PropYear) }

// IssuedBy are the bodies or States that adopted or issued it.
func (v Instrument) IssuedBy(ctx context.Context) ([]Entity, error) {
	return related[Entity](ctx, v.n.ID, Outgoing, []RelType{RelIssuedBy})
}

// PromotedBy are the actions that promote or implement it.
func (v Instrument) PromotedBy(ctx context.Context) ([]Action, error) {
	return related[Action](ctx, v.n.ID, Incoming, []RelType{RelPromotes}, KindAction)
}

// Unconfirmed lists the States whose participation is not settled.
func (v Instrument) Unconfirmed() []string { return v.n.Props.Strings(PropUnconfirmed) }

// FormerMembers lists the States that left it.
func (v Instrument) FormerMembers() []string { return v.n.Props.Strings(PropFormerMembers) }

// Commitment is one of the seven priority action areas of the Marrakech
// Declaration.
type Commitment struct{ entity }

// Pillar is PROMOTION, PROTECTION or COOPERATION.
func (v Commitment) Pillar() string { return v.n.Props.String(PropPillar) }

// Number is its position in the Declaration.
func (v Commitment) Number() int { return v.n.Props.intOf(PropSeq) }

// Actions are the Objective 1 actions that implement it.
func (v Commitment) Actions(ctx context.Context) ([]Action, error) {
	return related[Action](ctx, v.n.ID, Incoming, []RelType{RelImplements}, KindAction)
}

// AdvancedBy are the actions of Objectives 2 and 3 that advance it.
func (v Commitment) AdvancedBy(ctx context.Context) ([]Action, error) {
	return related[Action](ctx, v.n.ID, Incoming, []RelType{RelAdvances}, KindAction)
}

// SupportChannels are the channels its actions reach (SupportChannels).
func (v Commitment) SupportChannels(ctx context.Context) ([]SupportChannel, error) {
	g, err := graphOf(ctx)
	if err != nil {
		return nil, err
	}
	return g.SupportChannelsOf(ctx, v.n.ID)
}

// Objective is one of the three objectives of the Global Action Plan.
type Objective struct{ entity }

// Number is its number in the plan.
func (v Objective) Number() int { return v.n.Props.intOf(PropNumber) }

// Actions are the actions proposed under it.
func (v Objective) Actions(ctx context.Context) ([]Action, error) {
	return related[Action](ctx, v.n.ID, Incoming, []RelType{RelUnderObjective}, KindAction)
}

// Action is a proposed action of the Global Action Plan.
type Action struct{ entity }

// Number is its position in the plan.
func (v Action) Number() int { return v.n.Props.intOf(PropSeq) }

// Text is its full text, verbatim.
func (v Action) Text() string { return v.n.Props.String(PropText) }

// Objective is the objective it is proposed under.
func (v Action) Objective(ctx context.Context) (Objective, error) {
	o, ok, err := relatedOne[Objective](ctx, v.n.ID, Outgoing, RelUnderObjective, KindObjective)
	if err == nil && !ok {
		err = Errorf(CodeInternal, "action %s has no objective", v.n.ID)
	}
	return o, err
}

// Commitment is the commitment it implements, or nil.
func (v Action) Commitment(ctx context.Context) (*Commitment, error) {
	c, ok, err := relatedOne[Commitment](ctx, v.n.ID, Outgoing, RelImplements, KindCommitment)
	if err != nil || !ok {
		return nil, err
	}
	return &c, nil
}

// Partners are the networks, mechanisms and partners it names.
func (v Action) Partners(ctx context.Context) ([]Entity, error) {
	return related[Entity](ctx, v.n.ID, Outgoing, ChannelRelTypes)
}

// RiskGroups are the groups at risk it focuses on.
func (v Action) RiskGroups(ctx context.Context) ([]RiskGroup, error) {
	return related[RiskGroup](ctx, v.n.ID, Outgoing, []RelType{RelTargets}, KindRiskGroup)
}

// Instruments are the instruments it promotes or implements.
func (v Action) Instruments(ctx context.Context) ([]Instrument, error) {
	return related[Instrument](ctx, v.n.ID, Outgoing, []RelType{RelPromotes}, KindInstrument)
}

// Serves are the SDG targets and strategic goals it serves.
func (v Action) Serves(ctx context.Context) ([]Entity, error) {
	return related[Entity](ctx, v.n.ID, Outgoing, []RelType{RelServes})
}

// Addresses are the threats it documents, reports or counters.
func (v Action) Addresses(ctx context.Context) ([]ThreatType, error) {
	return related[ThreatType](ctx, v.n.ID, Outgoing, []RelType{RelAddresses}, KindThreatType)
}

// RiskGroup is a group of human rights defenders most at risk.
type RiskGroup struct{ entity }

// Actions are the actions that focus on the group.
func (v RiskGroup) Actions(ctx context.Context) ([]Action, error) {
	return related[Action](ctx, v.n.ID, Incoming, []RelType{RelTargets}, KindAction)
}

// ThreatType is a kind of threat faced by NHRIs or human rights defenders.
type ThreatType struct{ entity }

// Against lists whom the threat is reported against (NHRI, HRD).
func (v ThreatType) Against() []string { return v.n.Props.Strings(PropAgainst) }

// Raises lists the triggers (Eligibility.Triggers) the threat raises.
func (v ThreatType) Raises() []string { return v.n.Props.Strings(PropRaises) }

// Perpetrators are the kinds of actor behind it.
func (v ThreatType) Perpetrators(ctx context.Context) ([]PerpetratorType, error) {
	return related[PerpetratorType](ctx, v.n.ID, Outgoing, []RelType{RelPerpetratedBy}, KindPerpetratorType)
}

// Actions are the actions that document, report or counter it.
func (v ThreatType) Actions(ctx context.Context) ([]Action, error) {
	return related[Action](ctx, v.n.ID, Incoming, []RelType{RelAddresses}, KindAction)
}

// PerpetratorType is a kind of actor behind threats.
type PerpetratorType struct{ entity }

// Sector is STATE or NON_STATE.
func (v PerpetratorType) Sector() string { return v.n.Props.String(PropSector) }

// ThreatTypes are the threats attributed to this kind of actor.
func (v PerpetratorType) ThreatTypes(ctx context.Context) ([]ThreatType, error) {
	return related[ThreatType](ctx, v.n.ID, Incoming, []RelType{RelPerpetratedBy}, KindThreatType)
}

// SDGTarget is a Sustainable Development Goal target or indicator.
type SDGTarget struct{ entity }

// Code is its code, such as 16.10.1.
func (v SDGTarget) Code() string { return v.n.Props.String(PropCode) }

// Level is TARGET or INDICATOR.
func (v SDGTarget) Level() string { return v.n.Props.String(PropType) }

// ServedBy are the actions and instruments that serve it.
func (v SDGTarget) ServedBy(ctx context.Context) ([]Entity, error) {
	return related[Entity](ctx, v.n.ID, Incoming, []RelType{RelServes})
}

// StrategicGoal is a goal of GANHRI's Strategic Plan 2020-2022.
type StrategicGoal struct{ entity }

// Code is its code, such as 1.5.
func (v StrategicGoal) Code() string { return v.n.Props.String(PropCode) }

// Text is its text, verbatim.
func (v StrategicGoal) Text() string { return v.n.Props.String(PropText) }

// ServedBy are the actions and instruments that serve it.
func (v StrategicGoal) ServedBy(ctx context.Context) ([]Entity, error) {
	return related[Entity](ctx, v.n.ID, Incoming, []RelType{RelServes})
}

// Country is a State, by its ISO 3166-1 alpha-2 code.
type Country struct{ entity }

// Code is its ISO 3166-1 alpha-2 code.
func (v Country) Code() string { return v.n.Props.String(PropCode) }

// Region is its region of the world.
func (v Country) Region() Region { return Region(v.n.Props.String(PropRegion)) }

// NHRIs are its national human rights institutions.
func (v Country) NHRIs(ctx context.Context) ([]NHRI, error) {
	return related[NHRI](ctx, v.n.ID, Incoming, []RelType{RelLocatedIn}, KindNHRI)
}

// MemberOf are the organisations it is a member State of and the treaties
// it is party to.
func (v Country) MemberOf(ctx context.Context) ([]Entity, error) {
	return related[Entity](ctx, v.n.ID, Outgoing, []RelType{RelMemberStateOf, RelPartyTo})
}

// NHRIAccreditation is its NHRI accreditation as recorded (Accreditation),
// or nil when none is recorded with a status of A or B.
func (v Country) NHRIAccreditation() *Accreditation {
	a, ok := CountryAccreditation(*v.n)
	if !ok || (a.Status != "A" && a.Status != "B") {
		return nil
	}
	return &a
}

// Survey is a consultation whose findings the plan reports.
type Survey struct{ entity }

// Period is when it was held, or nil.
func (v Survey) Period() *string { return v.n.Props.optString(PropPeriod) }

// Respondents is how many took part, or nil.
func (v Survey) Respondents() *int { return v.n.Props.optInt(PropRespondents) }

// RegionCount is a number of something in a region.
type RegionCount struct {
	Region Region
	Count  int
}

// RespondentsByRegion is how many took part, region by region, as recorded.
func (v Survey) RespondentsByRegion() []RegionCount {
	out := []RegionCount{}
	for _, r := range surveyRegions {
		if c, ok := v.n.Props.Int(r.key); ok {
			out = append(out, RegionCount{Region: Region(r.region), Count: int(c)})
		}
	}
	return out
}

// optRegion is a node's recorded region, or nil.
func optRegion(n *Node) *Region {
	s := n.Props.optString(PropRegion)
	if s == nil {
		return nil
	}
	r := Region(*s)
	return &r
}
