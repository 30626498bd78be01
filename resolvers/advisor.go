package resolvers

import (
	"context"

	"marrakechgraph/advisor"
)

// plan drafts an activation plan: the schema shows it as the advisor
// writes it, with the channels as Gather read them.
func (r *Resolver) plan(ctx context.Context, where advisor.Where, sit advisor.Situation) (*advisor.Plan, error) {
	return r.advisor.Plan(ctx, where, sit)
}

// value is what an optional argument holds, or its zero value.
func value[T any](p *T) T {
	var v T
	if p != nil {
		v = *p
	}
	return v
}
