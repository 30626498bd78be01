package resolvers

import (
	"context"

	"marrakechgraph/advisor"
)

// plan drafts an activation plan: the schema shows it as the advisor
// writes it, with the channels as Gather read them.
func (r *Resolver) plan(ctx context.Context, where advisor.Where, sit advisor.Situation) (*advisor.Plan, error) {
	in, err := advisor.Gather(ctx, r.Store, where, sit)
	if err != nil {
		return nil, err
	}
	return advisor.Advise(in)
}

// value is what an optional argument holds, or its zero value.
func value[T any](p *T) T {
	var v T
	if p != nil {
		v = *p
	}
	return v
}
