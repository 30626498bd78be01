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
func (r *Resolver) actionQuery(ctx context.Context, pg paging, f *model.ActionFilter, order []*model.ActionOrder) (kg.FindQuery, error) {
	q := kg.FindQuery{Kind: kg.KindAction, OrderBy: kg.PropSeq}
	if err := pg.apply(&q, defaultPageSize); err != nil {
		return q, err
	}
	q.Orders = orderKeys(order, func(o *model.ActionOrder) (kg.Order, model.OrderDirection) {
		return map[model.ActionOrderField]kg.Order{
			model.ActionOrderFieldNumber: {By: kg.PropSeq}, model.ActionOrderFieldName: {By: kg.OrderByName}, model.ActionOrderFieldID: {By: kg.OrderByID},
			model.ActionOrderFieldPartnerCount: {Count: &kg.RelCount{Types: kg.ChannelRelTypes, Direction: kg.Outgoing}},
		}[o.Field], o.Direction
	})
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
func (r *Resolver) mechanismQuery(ctx context.Context, pg paging, f *model.MechanismFilter, order []*model.MechanismOrder) (kg.FindQuery, error) {
	q := kg.FindQuery{Kind: kg.KindMechanism, OrderBy: kg.OrderByName}
	if err := pg.apply(&q, defaultPageSize); err != nil {
		return q, err
	}
	q.Orders = orderKeys(order, func(o *model.MechanismOrder) (kg.Order, model.OrderDirection) {
		return map[model.MechanismOrderField]kg.Order{
			model.MechanismOrderFieldName: {By: kg.OrderByName}, model.MechanismOrderFieldID: {By: kg.OrderByID},
			model.MechanismOrderFieldCategory: {By: kg.PropCategory}, model.MechanismOrderFieldRegion: {By: kg.PropRegion},
			model.MechanismOrderFieldActionCount: {Count: &kg.RelCount{Types: kg.ChannelRelTypes, Direction: kg.Incoming}},
			model.MechanismOrderFieldCommitmentCount: {Count: &kg.RelCount{Types: kg.ChannelRelTypes, Direction: kg.Incoming,
				Then: &kg.RelCount{Types: []kg.RelType{kg.RelImplements, kg.RelAdvances}, Direction: kg.Outgoing}}},
		}[o.Field], o.Direction
	})
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
func (r *Resolver) nhriQuery(ctx context.Context, pg paging, f *model.NHRIFilter, order []*model.NHRIOrder) (kg.FindQuery, error) {
	q := kg.FindQuery{Kind: kg.KindNHRI, OrderBy: kg.OrderByName}
	if err := pg.apply(&q, defaultPageSize); err != nil {
		return q, err
	}
	q.Orders = orderKeys(order, func(o *model.NHRIOrder) (kg.Order, model.OrderDirection) {
		return map[model.NHRIOrderField]kg.Order{
			model.NHRIOrderFieldName: {By: kg.OrderByName}, model.NHRIOrderFieldID: {By: kg.OrderByID},
			model.NHRIOrderFieldCountry: {By: kg.PropCountry}, model.NHRIOrderFieldAccreditationYear: {By: kg.PropAccreditationYear},
			model.NHRIOrderFieldAccreditationStatus: {By: kg.PropAccreditationStatus},
			model.NHRIOrderFieldNetworkCount:        {Count: &kg.RelCount{Types: []kg.RelType{kg.RelMemberOf}, Direction: kg.Outgoing}},
		}[o.Field], o.Direction
	})
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

// paging holds a list's paging arguments: first and after to read
// forward, last and before to read backward.
type paging struct {
	first  *int
	after  *string
	last   *int
	before *string
}

// apply sets the paging of q: forward, by def items unless first or last
// says otherwise. The store refuses first and last together.
func (pg paging) apply(q *kg.FindQuery, def int) error {
	if pg.last != nil {
		if *pg.last < 1 || *pg.last > kg.MaxPageSize {
			return kg.Errorf(kg.CodeBadUserInput, "last must be between 1 and %d, got %d", kg.MaxPageSize, *pg.last)
		}
		q.Last = *pg.last
	}
	if pg.first != nil || pg.last == nil {
		n, err := pageSize(pg.first, def)
		if err != nil {
			return err
		}
		q.First = n
	}
	if pg.after != nil {
		q.After = *pg.after
	}
	if pg.before != nil {
		q.Before = *pg.before
		if pg.last == nil {
			return kg.Errorf(kg.CodeBadUserInput, "before goes with last")
		}
	}
	return nil
}

// orderKeys turns an orderBy list into the keys of a store order, each
// field's key in the direction asked; nil when the list is empty, so that
// the list's own order holds.
func orderKeys[O any](in []*O, key func(*O) (kg.Order, model.OrderDirection)) []kg.Order {
	if len(in) == 0 {
		return nil
	}
	out := make([]kg.Order, len(in))
	for i, o := range in {
		k, dir := key(o)
		k.Desc = dir == model.OrderDirectionDesc
		out[i] = k
	}
	return out
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
func (r *Resolver) countryQuery(ctx context.Context, pg paging, f *model.CountryFilter, order []*model.CountryOrder) (kg.FindQuery, error) {
	q := kg.FindQuery{Kind: kg.KindCountry, OrderBy: kg.OrderByName}
	if err := pg.apply(&q, countryPageSize); err != nil {
		return q, err
	}
	q.Orders = orderKeys(order, func(o *model.CountryOrder) (kg.Order, model.OrderDirection) {
		return map[model.CountryOrderField]kg.Order{
			model.CountryOrderFieldName: {By: kg.OrderByName}, model.CountryOrderFieldID: {By: kg.OrderByID},
			model.CountryOrderFieldCode: {By: kg.PropCode}, model.CountryOrderFieldRegion: {By: kg.PropRegion},
			model.CountryOrderFieldNhriAccreditation: {By: kg.PropNHRIAccreditation},
			model.CountryOrderFieldMembershipCount:   {Count: &kg.RelCount{Types: membershipRelTypes, Direction: kg.Outgoing}},
		}[o.Field], o.Direction
	})
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
	nots, anys, err := notAndOr(not, or, nests, func(arg string, f *F) (kg.Condition, error) {
		c := kg.FindQuery{Kind: q.Kind}
		if err := apply(ctx, &c, f); err != nil {
			return kg.Condition{}, err
		}
		if len(c.Props) == 0 && len(c.Related) == 0 && c.Text == "" {
			return kg.Condition{}, kg.Errorf(kg.CodeBadUserInput, "%s: an empty filter", arg)
		}
		return kg.Condition{Props: c.Props, Related: c.Related, Text: c.Text}, nil
	})
	q.Not, q.Any = append(q.Not, nots...), append(q.Any, anys...)
	return err
}

// notAndOr checks a filter's `not` and `or`, one level deep (a filter they
// hold has no `not` or `or` of its own), `or` holding 1 to
// kg.MaxConditions filters, and turns each filter they hold into a
// condition, named by its argument (filter.not, filter.or[1]).
func notAndOr[F, C any](not *F, or []*F, nests func(*F) bool, condition func(arg string, f *F) (C, error)) (nots, anys []C, err error) {
	each := func(arg string, f *F) (C, error) {
		if nests(f) {
			var none C
			return none, kg.Errorf(kg.CodeBadUserInput, "%s: a filter in `not` or `or` takes no `not` or `or` of its own", arg)
		}
		return condition(arg, f)
	}
	if not != nil {
		c, err := each("filter.not", not)
		if err != nil {
			return nil, nil, err
		}
		nots = append(nots, c)
	}
	if or != nil && len(or) == 0 {
		return nil, nil, kg.Errorf(kg.CodeBadUserInput, "filter.or: give at least one filter")
	}
	if len(or) > kg.MaxConditions {
		return nil, nil, kg.Errorf(kg.CodeBadUserInput, "filter.or: at most %d filters, got %d", kg.MaxConditions, len(or))
	}
	for i, f := range or {
		c, err := each(fmt.Sprintf("filter.or[%d]", i), f)
		if err != nil {
			return nil, nil, err
		}
		anys = append(anys, c)
	}
	return nots, anys, nil
}
