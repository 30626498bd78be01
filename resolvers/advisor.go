package resolvers

import (
	"context"

	"marrakechgraph/advisor"
	"marrakechgraph/graph/model"
)

// plan drafts an activation plan and converts it for the schema.
func (r *Resolver) plan(ctx context.Context, where advisor.Where, sit advisor.Situation) (*model.ActivationPlan, error) {
	plan, err := r.advisor.Plan(ctx, where, sit)
	if err != nil {
		return nil, err
	}
	out := &model.ActivationPlan{Country: toCountry(plan.Country), Recommendations: []*model.Recommendation{},
		Considerations: []*model.Consideration{}, NotApplicable: []*model.Exclusion{}}
	if plan.NHRI != nil {
		out.Nhri = toNHRI(plan.NHRI)
	}
	out.NhriAccreditation = toAccreditation(*plan.Country)
	out.Notes = append([]string{}, plan.Notes...)
	for _, rec := range plan.Recommendations {
		out.Recommendations = append(out.Recommendations, &model.Recommendation{
			Rank: rec.Rank, Channel: toEntity(rec.Channel), Score: rec.Score, Reasons: rec.Reasons,
			Citations: citations(rec.Citations), HowToActivate: rec.HowToActivate,
			RequiresConsent: model.ConsentRequirement(rec.RequiresConsent), ConsentCitations: citations(rec.ConsentCitations),
			Specificity: model.Specificity(advisor.Specificities[rec.Specificity]),
		})
	}
	for _, c := range plan.Considerations {
		out.Considerations = append(out.Considerations, &model.Consideration{
			Channel: toEntity(c.Channel), Risk: c.Risk, Reasons: c.Reasons,
			Citations: citations(c.Citations), HowToActivate: c.HowToActivate,
		})
	}
	for _, ex := range plan.NotApplicable {
		out.NotApplicable = append(out.NotApplicable, &model.Exclusion{Channel: toEntity(ex.Channel), Reason: ex.Reason})
	}
	return out, nil
}
