package resolvers

import (
	"context"

	"marrakechgraph/graph/model"
	"marrakechgraph/kg"
)

// eligibility reads a channel's eligibility from its properties and its
// COVERS and OUTSIDE_OF edges; nil when none is recorded.
func (r *Resolver) eligibility(ctx context.Context, id string) (*model.Eligibility, error) {
	n, err := r.loadersFor(ctx).nodes.Load(ctx, id)
	if err != nil || n == nil {
		return nil, err
	}
	actsIn := n.Props.String(kg.PropActsIn)
	if actsIn == "" {
		return nil, nil
	}
	covers, err := r.related(ctx, id, kg.Outgoing, []kg.RelType{kg.RelCovers})
	if err != nil {
		return nil, err
	}
	outside, err := r.related(ctx, id, kg.Outgoing, []kg.RelType{kg.RelOutsideOf})
	if err != nil {
		return nil, err
	}
	e := &model.Eligibility{
		ActsIn: model.Reach(actsIn), Covers: convertAll(covers, toEntity), OutsideOf: convertAll(outside, toEntity),
		Serves: []model.Beneficiary{}, Triggers: []model.Trigger{}, Remedies: []model.Remedy{},
		HowToActivate: optString(n.Props.String(kg.PropHowToActivate)),
		ContactPage:   optString(n.Props.String(kg.PropContactPage)),
	}
	for _, s := range n.Props.Strings(kg.PropServes) {
		e.Serves = append(e.Serves, model.Beneficiary(s))
	}
	for _, t := range n.Props.Strings(kg.PropTriggers) {
		e.Triggers = append(e.Triggers, model.Trigger(t))
	}
	for _, m := range n.Props.Strings(kg.PropRemedies) {
		e.Remedies = append(e.Remedies, model.Remedy(m))
	}
	if c, ok := n.Props.Bool(kg.PropRequiresConsent); ok {
		e.RequiresConsent = &c
	}
	return e, nil
}
