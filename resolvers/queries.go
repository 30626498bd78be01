package resolvers

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"marrakechgraph/graph/model"
	"marrakechgraph/kg"
)

// actionQuery turns the arguments of Query.actions into a store query.
func (r *Resolver) actionQuery(ctx context.Context, first *int, after *string, f *model.ActionFilter, order *model.ActionOrder) (kg.FindQuery, error) {
	q := kg.FindQuery{Kind: kg.KindAction, OrderBy: kg.PropSeq}
	if err := r.pageArgs(&q, first, after); err != nil {
		return q, err
	}
	if order != nil {
		field := map[model.ActionOrderField]string{
			model.ActionOrderFieldNumber: kg.PropSeq, model.ActionOrderFieldName: kg.OrderByName, model.ActionOrderFieldID: kg.OrderByID,
		}[order.Field]
		q.OrderBy, q.Desc = orderOf(field, order.Direction)
	}
	if f != nil {
		if err := r.actionFilter(ctx, &q, f); err != nil {
			return q, err
		}
		if err := conditions(ctx, &q, f.Not, f.Or, r.actionFilter, func(f *model.ActionFilter) bool { return f.Not != nil || f.Or != nil }); err != nil {
			return q, err
		}
	}
	return q, q.Validate()
}

// actionFilter adds the fields of an action filter but its `not` and `or` to q.
func (r *Resolver) actionFilter(ctx context.Context, q *kg.FindQuery, f *model.ActionFilter) error {
	if f.Objective != nil {
		if err := r.checkRef(ctx, "filter.objective", *f.Objective, kg.KindObjective); err != nil {
			return err
		}
		q.Related = append(q.Related, kg.RelFilter{Types: []kg.RelType{kg.RelUnderObjective}, Direction: kg.Outgoing, IDs: []string{*f.Objective}})
	}
	if f.Commitment != nil {
		if err := r.checkRef(ctx, "filter.commitment", *f.Commitment, kg.KindCommitment); err != nil {
			return err
		}
		q.Related = append(q.Related, kg.RelFilter{Types: []kg.RelType{kg.RelImplements}, Direction: kg.Outgoing, IDs: []string{*f.Commitment}})
	}
	if f.Pillar != nil {
		cs, err := kg.FindAll(ctx, r.Store, kg.FindQuery{Kind: kg.KindCommitment, OrderBy: kg.OrderByID, Props: propIs(kg.PropPillar, f.Pillar)})
		if err != nil {
			return err
		}
		ids := make([]string, len(cs))
		for i, c := range cs {
			ids[i] = c.ID
		}
		q.Related = append(q.Related, kg.RelFilter{Types: []kg.RelType{kg.RelImplements}, Direction: kg.Outgoing, IDs: ids})
	}
	if f.Partner != nil {
		if err := r.checkChannel(ctx, "filter.partner", *f.Partner); err != nil {
			return err
		}
		q.Related = append(q.Related, kg.RelFilter{Types: kg.ChannelRelTypes, Direction: kg.Outgoing, IDs: []string{*f.Partner}})
	}
	if f.RiskGroup != nil {
		if err := r.checkRef(ctx, "filter.riskGroup", *f.RiskGroup, kg.KindRiskGroup); err != nil {
			return err
		}
		q.Related = append(q.Related, kg.RelFilter{Types: []kg.RelType{kg.RelTargets}, Direction: kg.Outgoing, IDs: []string{*f.RiskGroup}})
	}
	if f.Text != nil {
		q.Text = *f.Text
	}
	return nil
}

// mechanismQuery turns the arguments of Query.mechanisms into a store query.
func (r *Resolver) mechanismQuery(ctx context.Context, first *int, after *string, f *model.MechanismFilter, order *model.MechanismOrder) (kg.FindQuery, error) {
	q := kg.FindQuery{Kind: kg.KindMechanism, OrderBy: kg.OrderByName}
	if err := r.pageArgs(&q, first, after); err != nil {
		return q, err
	}
	if order != nil {
		field := map[model.MechanismOrderField]string{
			model.MechanismOrderFieldName: kg.OrderByName, model.MechanismOrderFieldID: kg.OrderByID,
			model.MechanismOrderFieldCategory: kg.PropCategory, model.MechanismOrderFieldRegion: kg.PropRegion,
		}[order.Field]
		q.OrderBy, q.Desc = orderOf(field, order.Direction)
	}
	if f != nil {
		if err := r.mechanismFilter(ctx, &q, f); err != nil {
			return q, err
		}
		if err := conditions(ctx, &q, f.Not, f.Or, r.mechanismFilter, func(f *model.MechanismFilter) bool { return f.Not != nil || f.Or != nil }); err != nil {
			return q, err
		}
	}
	return q, q.Validate()
}

// mechanismFilter adds the fields of a mechanism filter but its `not` and `or` to q.
func (r *Resolver) mechanismFilter(ctx context.Context, q *kg.FindQuery, f *model.MechanismFilter) error {
	if len(f.Category) > 0 {
		vals := make([]any, len(f.Category))
		for i, c := range f.Category {
			vals[i] = c
		}
		q.Props = append(q.Props, kg.PropFilter{Key: kg.PropCategory, Values: vals})
	}
	if f.Region != nil {
		region, err := regionArg("filter.region", kg.Region(strings.ReplaceAll(*f.Region, "_", "-")))
		if err != nil {
			return err
		}
		q.Props = append(q.Props, kg.PropFilter{Key: kg.PropRegion, Values: []any{region}})
	}
	if f.Action != nil {
		if err := r.checkRef(ctx, "filter.action", *f.Action, kg.KindAction); err != nil {
			return err
		}
		q.Related = append(q.Related, kg.RelFilter{Types: kg.ChannelRelTypes, Direction: kg.Incoming, IDs: []string{*f.Action}})
	}
	if f.Text != nil {
		q.Text = *f.Text
	}
	return nil
}

var countryCodeRE = regexp.MustCompile(`^[A-Z]{2}$`)

// nhriQuery turns the arguments of Query.nhris into a store query.
func (r *Resolver) nhriQuery(ctx context.Context, first *int, after *string, f *model.NHRIFilter, order *model.NHRIOrder) (kg.FindQuery, error) {
	q := kg.FindQuery{Kind: kg.KindNHRI, OrderBy: kg.OrderByName}
	if err := r.pageArgs(&q, first, after); err != nil {
		return q, err
	}
	if order != nil {
		field := map[model.NHRIOrderField]string{
			model.NHRIOrderFieldName: kg.OrderByName, model.NHRIOrderFieldID: kg.OrderByID,
			model.NHRIOrderFieldCountry: kg.PropCountry, model.NHRIOrderFieldAccreditationYear: kg.PropAccreditationYear,
			model.NHRIOrderFieldAccreditationStatus: kg.PropAccreditationStatus,
		}[order.Field]
		q.OrderBy, q.Desc = orderOf(field, order.Direction)
	}
	if f != nil {
		if err := r.nhriFilter(ctx, &q, f); err != nil {
			return q, err
		}
		if err := conditions(ctx, &q, f.Not, f.Or, r.nhriFilter, func(f *model.NHRIFilter) bool { return f.Not != nil || f.Or != nil }); err != nil {
			return q, err
		}
	}
	return q, q.Validate()
}

// nhriFilter adds the fields of an NHRI filter but its `not` and `or` to q.
func (r *Resolver) nhriFilter(ctx context.Context, q *kg.FindQuery, f *model.NHRIFilter) error {
	if f.Country != nil {
		code := strings.ToUpper(strings.TrimSpace(*f.Country))
		if !countryCodeRE.MatchString(code) {
			return kg.Errorf(kg.CodeBadUserInput, "filter.country: %q is not an ISO 3166-1 alpha-2 code", *f.Country)
		}
		q.Props = append(q.Props, kg.PropFilter{Key: kg.PropCountry, Values: []any{code}})
	}
	if f.Region != nil {
		region, err := regionArg("filter.region", *f.Region)
		if err != nil {
			return err
		}
		rf, err := r.inRegion(ctx, region)
		if err != nil {
			return err
		}
		q.Related = append(q.Related, rf)
	}
	if f.AccreditationStatus != nil {
		q.Props = append(q.Props, kg.PropFilter{Key: kg.PropAccreditationStatus, Values: []any{*f.AccreditationStatus}})
	}
	if f.Network != nil {
		if err := r.checkRef(ctx, "filter.network", *f.Network, kg.KindNetwork); err != nil {
			return err
		}
		q.Related = append(q.Related, kg.RelFilter{Types: []kg.RelType{kg.RelMemberOf}, Direction: kg.Outgoing, IDs: []string{*f.Network}})
	}
	if f.Text != nil {
		q.Text = *f.Text
	}
	return nil
}

// pageArgs checks `first` and `after` and sets them on q.
func (r *Resolver) pageArgs(q *kg.FindQuery, first *int, after *string) error {
	n, err := pageSize(first, defaultPageSize)
	if err != nil {
		return err
	}
	q.First = n
	if after != nil {
		q.After = *after
	}
	return nil
}

// regionArg checks a region argument and returns the region as the graph
// records it.
func regionArg(arg string, r kg.Region) (string, error) {
	region, ok := kg.CanonicalRegion(string(r))
	if !ok {
		return "", kg.Errorf(kg.CodeBadUserInput, "%s: unknown region %q (one of %s)", arg, r, strings.Join(kg.Regions, ", "))
	}
	return region, nil
}

// inRegion is the filter that keeps the NHRIs of a region: those located
// in a country of the region, read in one store call.
func (r *Resolver) inRegion(ctx context.Context, region string) (kg.RelFilter, error) {
	cs, err := kg.FindAll(ctx, r.Store, kg.FindQuery{Kind: kg.KindCountry, OrderBy: kg.OrderByID, Props: []kg.PropFilter{{Key: kg.PropRegion, Values: []any{region}}}})
	if err != nil {
		return kg.RelFilter{}, err
	}
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return kg.RelFilter{Types: []kg.RelType{kg.RelLocatedIn}, Direction: kg.Outgoing, IDs: ids}, nil
}

// checkChannel verifies that an ID names a network, mechanism or NHRI.
func (r *Resolver) checkChannel(ctx context.Context, arg, id string) error {
	n, err := r.node(ctx, id)
	if err != nil {
		return err
	}
	if n == nil || (n.Kind != kg.KindMechanism && n.Kind != kg.KindNetwork && n.Kind != kg.KindNHRI) {
		return kg.Errorf(kg.CodeBadUserInput, "%s: no network, mechanism or NHRI has the ID %q", arg, id)
	}
	return nil
}

// regionEnum names a recorded region as the schema's Region enum does.
var regionEnum = map[kg.Region]string{
	kg.RegionAfrica: "AFRICA", kg.RegionAmericas: "AMERICAS", kg.RegionAsiaPacific: "ASIA_PACIFIC", kg.RegionEurope: "EUROPE",
}

// countryQuery turns the arguments of Query.countries into a store query.
func (r *Resolver) countryQuery(ctx context.Context, first *int, after *string, f *model.CountryFilter, order *model.CountryOrder) (kg.FindQuery, error) {
	q := kg.FindQuery{Kind: kg.KindCountry, OrderBy: kg.OrderByName}
	n, err := pageSize(first, countryPageSize)
	if err != nil {
		return q, err
	}
	q.First = n
	if after != nil {
		q.After = *after
	}
	if order != nil {
		field := map[model.CountryOrderField]string{
			model.CountryOrderFieldName: kg.OrderByName, model.CountryOrderFieldID: kg.OrderByID,
			model.CountryOrderFieldCode: kg.PropCode, model.CountryOrderFieldRegion: kg.PropRegion,
		}[order.Field]
		q.OrderBy, q.Desc = orderOf(field, order.Direction)
	}
	if f != nil {
		if err := r.countryFilter(ctx, &q, f); err != nil {
			return q, err
		}
		if err := conditions(ctx, &q, f.Not, f.Or, r.countryFilter, func(f *model.CountryFilter) bool { return f.Not != nil || f.Or != nil }); err != nil {
			return q, err
		}
	}
	return q, q.Validate()
}

// countryFilter adds the fields of a country filter but its `not` and `or` to q.
func (r *Resolver) countryFilter(ctx context.Context, q *kg.FindQuery, f *model.CountryFilter) error {
	if f.Region != nil {
		region, err := regionArg("filter.region", *f.Region)
		if err != nil {
			return err
		}
		q.Props = append(q.Props, kg.PropFilter{Key: kg.PropRegion, Values: []any{region}})
	}
	if f.MemberOf != nil {
		n, err := r.node(ctx, *f.MemberOf)
		if err != nil {
			return err
		}
		if n == nil || (n.Kind != kg.KindMechanism && n.Kind != kg.KindNetwork && n.Kind != kg.KindInstrument) {
			return kg.Errorf(kg.CodeBadUserInput, "filter.memberOf: no organisation, network or treaty has the ID %q", *f.MemberOf)
		}
		q.Related = append(q.Related, kg.RelFilter{Types: membershipRelTypes, Direction: kg.Outgoing, IDs: []string{*f.MemberOf}})
	}
	if f.NhriAccreditation != nil {
		q.Props = append(q.Props, kg.PropFilter{Key: kg.PropNHRIAccreditation, Values: []any{*f.NhriAccreditation}})
	}
	if f.Text != nil {
		q.Text = *f.Text
	}
	return nil
}

// membershipRelTypes join a country to the organisations, networks and
// treaties it is a member State of or party to.
var membershipRelTypes = []kg.RelType{kg.RelMemberStateOf, kg.RelPartyTo}

// conditions adds a filter's `not` and `or` to q (kg.FindQuery.Not, Any):
// each is a filter of the same list, which apply turns into a condition,
// and which may not nest a `not` or an `or` of its own.
func conditions[F any](ctx context.Context, q *kg.FindQuery, not *F, or []*F, apply func(context.Context, *kg.FindQuery, *F) error, nests func(*F) bool) error {
	condition := func(arg string, f *F) (kg.Condition, error) {
		if nests(f) {
			return kg.Condition{}, kg.Errorf(kg.CodeBadUserInput, "%s: a filter in `not` or `or` takes no `not` or `or` of its own", arg)
		}
		c := kg.FindQuery{Kind: q.Kind}
		if err := apply(ctx, &c, f); err != nil {
			return kg.Condition{}, err
		}
		if len(c.Props) == 0 && len(c.Related) == 0 && c.Text == "" {
			return kg.Condition{}, kg.Errorf(kg.CodeBadUserInput, "%s: an empty filter", arg)
		}
		return kg.Condition{Props: c.Props, Related: c.Related, Text: c.Text}, nil
	}
	if not != nil {
		c, err := condition("filter.not", not)
		if err != nil {
			return err
		}
		q.Not = append(q.Not, c)
	}
	if or != nil && len(or) == 0 {
		return kg.Errorf(kg.CodeBadUserInput, "filter.or: give at least one filter")
	}
	if len(or) > kg.MaxConditions {
		return kg.Errorf(kg.CodeBadUserInput, "filter.or: at most %d filters, got %d", kg.MaxConditions, len(or))
	}
	for i, f := range or {
		c, err := condition(fmt.Sprintf("filter.or[%d]", i), f)
		if err != nil {
			return err
		}
		q.Any = append(q.Any, c)
	}
	return nil
}
