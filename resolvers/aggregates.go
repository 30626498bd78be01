package resolvers

import (
	"context"

	"marrakechgraph/graph/model"
	"marrakechgraph/kg"
)

// The groups of each aggregate query: what the store counts by.
var (
	actionGroups = map[model.ActionGroupBy]kg.GroupBy{
		model.ActionGroupByObjective:  {Rel: &kg.RelGroup{Types: []kg.RelType{kg.RelUnderObjective}, Direction: kg.Outgoing, Kinds: []kg.Kind{kg.KindObjective}}},
		model.ActionGroupByCommitment: {Rel: &kg.RelGroup{Types: []kg.RelType{kg.RelImplements}, Direction: kg.Outgoing, Kinds: []kg.Kind{kg.KindCommitment}}},
		model.ActionGroupByPillar: {Prop: kg.PropPillar,
			Rel: &kg.RelGroup{Types: []kg.RelType{kg.RelImplements}, Direction: kg.Outgoing, Kinds: []kg.Kind{kg.KindCommitment}}},
		model.ActionGroupByPartner:   {Rel: &kg.RelGroup{Types: kg.ChannelRelTypes, Direction: kg.Outgoing, Kinds: kg.ChannelKinds()}},
		model.ActionGroupByRiskGroup: {Rel: &kg.RelGroup{Types: []kg.RelType{kg.RelTargets}, Direction: kg.Outgoing, Kinds: []kg.Kind{kg.KindRiskGroup}}},
	}
	mechanismGroups = map[model.MechanismGroupBy]kg.GroupBy{
		model.MechanismGroupByCategory:   {Prop: kg.PropCategory},
		model.MechanismGroupByRegion:     {Prop: kg.PropRegion},
		model.MechanismGroupByObjective:  {Rel: channelActions(&kg.RelGroup{Types: []kg.RelType{kg.RelUnderObjective}, Direction: kg.Outgoing, Kinds: []kg.Kind{kg.KindObjective}})},
		model.MechanismGroupByCommitment: {Rel: channelActions(&kg.RelGroup{Types: kg.CommitmentRelTypes, Direction: kg.Outgoing, Kinds: []kg.Kind{kg.KindCommitment}})},
		model.MechanismGroupByAction:     {Rel: channelActions(nil)},
	}
	nhriGroups = map[model.NHRIGroupBy]kg.GroupBy{
		model.NHRIGroupByRegion:              {Prop: kg.PropRegion, Rel: &kg.RelGroup{Types: []kg.RelType{kg.RelLocatedIn}, Direction: kg.Outgoing, Kinds: []kg.Kind{kg.KindCountry}}},
		model.NHRIGroupByAccreditationStatus: {Prop: kg.PropAccreditationStatus},
		model.NHRIGroupByAccreditationYear:   {Prop: kg.PropAccreditationYear},
		model.NHRIGroupByCountry:             {Prop: kg.PropCountry},
		model.NHRIGroupByNetwork:             {Rel: &kg.RelGroup{Types: []kg.RelType{kg.RelMemberOf}, Direction: kg.Outgoing, Kinds: []kg.Kind{kg.KindNetwork}}},
	}
	countryGroups = map[model.CountryGroupBy]kg.GroupBy{
		model.CountryGroupByRegion:            {Prop: kg.PropRegion},
		model.CountryGroupByMembership:        {Rel: &kg.RelGroup{Types: membershipRelTypes, Direction: kg.Outgoing}},
		model.CountryGroupByNhriAccreditation: {Prop: kg.PropNHRIAccreditation},
	}
	commitmentGroups = map[model.CommitmentGroupBy]kg.GroupBy{model.CommitmentGroupByPillar: {Prop: kg.PropPillar}}
	networkGroups    = map[model.NetworkGroupBy]kg.GroupBy{
		model.NetworkGroupByScope: {Prop: kg.PropScope}, model.NetworkGroupByRegion: {Prop: kg.PropRegion},
	}
	instrumentGroups = map[model.InstrumentGroupBy]kg.GroupBy{
		model.InstrumentGroupByType: {Prop: kg.PropType}, model.InstrumentGroupByYear: {Prop: kg.PropYear},
		model.InstrumentGroupByIssuer: {Rel: &kg.RelGroup{Types: []kg.RelType{kg.RelIssuedBy}, Direction: kg.Outgoing}},
	}
	threatTypeGroups = map[model.ThreatTypeGroupBy]kg.GroupBy{
		model.ThreatTypeGroupByAgainst:     {Prop: kg.PropAgainst},
		model.ThreatTypeGroupByPerpetrator: {Rel: &kg.RelGroup{Types: []kg.RelType{kg.RelPerpetratedBy}, Direction: kg.Outgoing, Kinds: []kg.Kind{kg.KindPerpetratorType}}},
	}
	perpetratorTypeGroups = map[model.PerpetratorTypeGroupBy]kg.GroupBy{model.PerpetratorTypeGroupBySector: {Prop: kg.PropSector}}
	sdgTargetGroups       = map[model.SDGTargetGroupBy]kg.GroupBy{model.SDGTargetGroupByLevel: {Prop: kg.PropType}}
	supportChannelGroups  = map[model.SupportChannelGroupBy]kg.GroupBy{
		model.SupportChannelGroupByCommitment: mechanismGroups[model.MechanismGroupByCommitment],
		model.SupportChannelGroupByObjective:  mechanismGroups[model.MechanismGroupByObjective],
	}
)

// regionKeys writes the keys of an aggregate by region (read with err) as
// the schema's Region enum names them.
func regionKeys(a *kg.Aggregate, err error) (*kg.Aggregate, error) {
	if err != nil {
		return nil, err
	}
	for _, g := range a.Groups {
		if g.Key == nil {
			continue
		}
		if name, ok := regionEnum[kg.Region(*g.Key)]; ok {
			g.Key = &name
		}
	}
	return a, nil
}

// channelActions groups a support channel by the actions that reach it,
// then, with then, by what those actions lead to.
func channelActions(then *kg.RelGroup) *kg.RelGroup {
	return &kg.RelGroup{Types: kg.ChannelRelTypes, Direction: kg.Incoming, Kinds: []kg.Kind{kg.KindAction}, Then: then}
}

// aggregate counts what a list's query (checked with err) keeps, grouped
// by; the entities of groups by related entities are read in one batch.
func (r *Resolver) aggregate(ctx context.Context, q kg.CountQuery, err error) (*kg.Aggregate, error) {
	if err != nil {
		return nil, err
	}
	if q.By.Prop == "" && q.By.Rel == nil {
		return nil, kg.Errorf(kg.CodeBadUserInput, "groupBy: unknown value")
	}
	c, err := r.Store.Count(ctx, q)
	if err != nil {
		return nil, err
	}
	if q.By.Rel == nil || q.By.Prop != "" {
		return kg.NewAggregate(c, nil, nil)
	}
	var ids []string
	for _, g := range c.Groups {
		if id, ok := g.Key.(string); ok {
			ids = append(ids, id)
		}
	}
	entities := map[string]kg.Entity{}
	if len(ids) > 0 {
		ns, err := r.Store.Nodes(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, n := range ns {
			if n == nil {
				continue
			}
			if v := kg.View(n); v != nil {
				entities[n.ID] = v
			}
		}
	}
	return kg.NewAggregate(c, nil, entities)
}
