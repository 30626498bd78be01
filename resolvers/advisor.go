package resolvers

import (
	"context"

	"marrakechgraph/advisor"
	"marrakechgraph/threatlog"
)

// plan drafts an activation plan for a case that was made out (err is the
// making's): the schema shows it as the advisor writes it, with the
// channels as Gather read them.
func (r *Resolver) plan(ctx context.Context, c advisor.Case, err error) (*advisor.Plan, error) {
	if err != nil {
		return nil, err
	}
	return r.advisor.Plan(ctx, c.Where, c.Situation)
}

// caseOf is the case of an incident: its NHRI, threats, targets, whether it
// is a reprisal, and the victims' consent.
func caseOf(ctx context.Context, inc *threatlog.Incident, urgent bool) (advisor.Case, error) {
	nhri, err := inc.NHRI(ctx)
	if err != nil {
		return advisor.Case{}, err
	}
	threats, err := inc.Threats(ctx)
	if err != nil {
		return advisor.Case{}, err
	}
	consent := inc.ConsentToShare()
	c := advisor.Case{Where: advisor.Where{NHRI: nhri.ID()}, Situation: advisor.Situation{
		ReprisalForUNCooperation: inc.ReprisalForUNCooperation(), ConsentToShare: &consent, Urgent: urgent, Targets: inc.Targets(),
	}}
	for _, t := range threats {
		c.Threats = append(c.Threats, t.ID())
	}
	return c, nil
}

// value is what an optional argument holds, or its zero value.
func value[T any](p *T) T {
	var v T
	if p != nil {
		v = *p
	}
	return v
}
