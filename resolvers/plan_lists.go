package resolvers

import (
	"context"

	"marrakechgraph/graph/model"
	"marrakechgraph/kg"
)

// listArgs is how the arguments of one of the plan's shorter lists
// (objectives, commitments, networks...) become a store query, for the
// plain list and for its connection alike.
type listArgs[F, O any] struct {
	kind kg.Kind
	// order is the order when orderBy is omitted.
	order string
	// key is the store's order key and the direction of one orderBy key.
	key func(*O) (kg.Order, model.OrderDirection)
	// filter adds the fields of a filter but its `not` and `or` to q.
	filter func(context.Context, *kg.FindQuery, *F) error
	// bools are the filter's `not` and `or`.
	bools func(*F) (*F, []*F)
}

// query turns the arguments into a store query: a page when pg is given,
// every node otherwise (kg.FindAll pages through them).
func (a listArgs[F, O]) query(ctx context.Context, pg *paging, f *F, order []*O, more ...kg.PropFilter) (kg.FindQuery, error) {
	q := kg.FindQuery{Kind: a.kind, OrderBy: a.order, Props: more, First: kg.MaxPageSize}
	if pg != nil {
		q.First = 0
		if err := pg.apply(&q, defaultPageSize); err != nil {
			return q, err
		}
	}
	q.Orders = orderKeys(order, a.key)
	if f != nil {
		if err := a.filter(ctx, &q, f); err != nil {
			return q, err
		}
		not, or := a.bools(f)
		nests := func(f *F) bool { not, or := a.bools(f); return not != nil || or != nil }
		if err := conditions(ctx, &q, not, or, a.filter, nests); err != nil {
			return q, err
		}
	}
	return q, q.Validate()
}

// all reads every node of a query that checked out (err is the check's),
// as views.
func all[T kg.Entity](ctx context.Context, s kg.Finder, q kg.FindQuery, err error) ([]*T, error) {
	if err != nil {
		return nil, err
	}
	ns, err := kg.FindAll(ctx, s, q)
	if err != nil {
		return nil, err
	}
	return refs(kg.Views[T](ns)), nil
}

// valuesOf is the filter that keeps the nodes whose property key is one of
// vs (for a list, one of whose elements is); none when vs is empty.
func valuesOf[V any](key string, vs []V) []kg.PropFilter {
	if len(vs) == 0 {
		return nil
	}
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return []kg.PropFilter{{Key: key, Values: out}}
}

// relatedTo is the filter that keeps the nodes joined to the entity id by
// a relationship of one of types in direction dir, once id is checked to
// name an entity of one of kinds; none when id is nil.
func (r *Resolver) relatedTo(ctx context.Context, arg string, id *string, dir kg.Direction, types []kg.RelType, kinds ...kg.Kind) ([]kg.RelFilter, error) {
	if id == nil {
		return nil, nil
	}
	if err := r.checkRef(ctx, arg, *id, kinds...); err != nil {
		return nil, err
	}
	return []kg.RelFilter{{Types: types, Direction: dir, IDs: []string{*id}}}, nil
}

// filters gathers the property and relationship filters of one filter,
// each given with the error of its check, and its text, into q.
func filters(q *kg.FindQuery, text *string, props []kg.PropFilter, related ...relatedOrErr) error {
	for _, r := range related {
		if r.err != nil {
			return r.err
		}
		q.Related = append(q.Related, r.fs...)
	}
	q.Props = append(q.Props, props...)
	if text != nil {
		q.Text = *text
	}
	return nil
}

// relatedOrErr is a relationship filter with the error of its check.
type relatedOrErr struct {
	fs  []kg.RelFilter
	err error
}

func rel(fs []kg.RelFilter, err error) relatedOrErr { return relatedOrErr{fs, err} }

// byCount orders by the number of relationships of types in direction dir.
func byCount(dir kg.Direction, types ...kg.RelType) kg.Order {
	return kg.Order{Count: &kg.RelCount{Types: types, Direction: dir}}
}

// The store order of each order field of the shorter lists.
var (
	objectiveOrders = map[model.ObjectiveOrderField]kg.Order{
		model.ObjectiveOrderFieldNumber: {By: kg.PropNumber}, model.ObjectiveOrderFieldName: {By: kg.OrderByName}, model.ObjectiveOrderFieldID: {By: kg.OrderByID},
		model.ObjectiveOrderFieldActionCount: byCount(kg.Incoming, kg.RelUnderObjective),
	}
	commitmentOrders = map[model.CommitmentOrderField]kg.Order{
		model.CommitmentOrderFieldNumber: {By: kg.PropSeq}, model.CommitmentOrderFieldName: {By: kg.OrderByName}, model.CommitmentOrderFieldID: {By: kg.OrderByID},
		model.CommitmentOrderFieldPillar:          {By: kg.PropPillar},
		model.CommitmentOrderFieldActionCount:     byCount(kg.Incoming, kg.RelImplements),
		model.CommitmentOrderFieldAdvancedByCount: byCount(kg.Incoming, kg.RelAdvances),
	}
	networkOrders = map[model.NetworkOrderField]kg.Order{
		model.NetworkOrderFieldName: {By: kg.OrderByName}, model.NetworkOrderFieldID: {By: kg.OrderByID},
		model.NetworkOrderFieldScope: {By: kg.PropScope}, model.NetworkOrderFieldRegion: {By: kg.PropRegion},
		model.NetworkOrderFieldMemberCount: byCount(kg.Incoming, kg.RelMemberOf),
		model.NetworkOrderFieldActionCount: byCount(kg.Incoming, kg.ChannelRelTypes...),
	}
	instrumentOrders = map[model.InstrumentOrderField]kg.Order{
		model.InstrumentOrderFieldName: {By: kg.OrderByName}, model.InstrumentOrderFieldID: {By: kg.OrderByID},
		model.InstrumentOrderFieldType: {By: kg.PropType}, model.InstrumentOrderFieldYear: {By: kg.PropYear},
		model.InstrumentOrderFieldPromotedByCount: byCount(kg.Incoming, kg.RelPromotes),
	}
	riskGroupOrders = map[model.RiskGroupOrderField]kg.Order{
		model.RiskGroupOrderFieldPlan: {By: kg.PropSeq}, model.RiskGroupOrderFieldName: {By: kg.OrderByName}, model.RiskGroupOrderFieldID: {By: kg.OrderByID},
		model.RiskGroupOrderFieldActionCount: byCount(kg.Incoming, kg.RelTargets),
	}
	threatTypeOrders = map[model.ThreatTypeOrderField]kg.Order{
		model.ThreatTypeOrderFieldName: {By: kg.OrderByName}, model.ThreatTypeOrderFieldID: {By: kg.OrderByID},
		model.ThreatTypeOrderFieldActionCount:      byCount(kg.Incoming, kg.RelAddresses),
		model.ThreatTypeOrderFieldPerpetratorCount: byCount(kg.Outgoing, kg.RelPerpetratedBy),
	}
	perpetratorTypeOrders = map[model.PerpetratorTypeOrderField]kg.Order{
		model.PerpetratorTypeOrderFieldName: {By: kg.OrderByName}, model.PerpetratorTypeOrderFieldID: {By: kg.OrderByID},
		model.PerpetratorTypeOrderFieldSector:          {By: kg.PropSector},
		model.PerpetratorTypeOrderFieldThreatTypeCount: byCount(kg.Incoming, kg.RelPerpetratedBy),
	}
	sdgTargetOrders = map[model.SDGTargetOrderField]kg.Order{
		model.SDGTargetOrderFieldCode: {By: kg.PropCode}, model.SDGTargetOrderFieldName: {By: kg.OrderByName}, model.SDGTargetOrderFieldID: {By: kg.OrderByID},
		model.SDGTargetOrderFieldServedByCount: byCount(kg.Incoming, kg.RelServes),
	}
	strategicGoalOrders = map[model.StrategicGoalOrderField]kg.Order{
		model.StrategicGoalOrderFieldCode: {By: kg.PropCode}, model.StrategicGoalOrderFieldName: {By: kg.OrderByName}, model.StrategicGoalOrderFieldID: {By: kg.OrderByID},
		model.StrategicGoalOrderFieldServedByCount: byCount(kg.Incoming, kg.RelServes),
	}
	surveyOrders = map[model.SurveyOrderField]kg.Order{
		model.SurveyOrderFieldName: {By: kg.OrderByName}, model.SurveyOrderFieldID: {By: kg.OrderByID},
		model.SurveyOrderFieldRespondents: {By: kg.PropRespondents},
	}
)

func (r *Resolver) objectiveArgs() listArgs[model.ObjectiveFilter, model.ObjectiveOrder] {
	return listArgs[model.ObjectiveFilter, model.ObjectiveOrder]{
		kind: kg.KindObjective, order: kg.PropNumber,
		key: func(o *model.ObjectiveOrder) (kg.Order, model.OrderDirection) {
			return objectiveOrders[o.Field], o.Direction
		},
		filter: func(_ context.Context, q *kg.FindQuery, f *model.ObjectiveFilter) error {
			return filters(q, f.Text, nil)
		},
		bools: func(f *model.ObjectiveFilter) (*model.ObjectiveFilter, []*model.ObjectiveFilter) { return f.Not, f.Or },
	}
}

func (r *Resolver) commitmentArgs() listArgs[model.CommitmentFilter, model.CommitmentOrder] {
	return listArgs[model.CommitmentFilter, model.CommitmentOrder]{
		kind: kg.KindCommitment, order: kg.PropSeq,
		key: func(o *model.CommitmentOrder) (kg.Order, model.OrderDirection) {
			return commitmentOrders[o.Field], o.Direction
		},
		filter: func(_ context.Context, q *kg.FindQuery, f *model.CommitmentFilter) error {
			return filters(q, f.Text, valuesOf(kg.PropPillar, f.Pillar))
		},
		bools: func(f *model.CommitmentFilter) (*model.CommitmentFilter, []*model.CommitmentFilter) {
			return f.Not, f.Or
		},
	}
}

func (r *Resolver) networkArgs() listArgs[model.NetworkFilter, model.NetworkOrder] {
	return listArgs[model.NetworkFilter, model.NetworkOrder]{
		kind: kg.KindNetwork, order: kg.OrderByName,
		key: func(o *model.NetworkOrder) (kg.Order, model.OrderDirection) {
			return networkOrders[o.Field], o.Direction
		},
		filter: func(ctx context.Context, q *kg.FindQuery, f *model.NetworkFilter) error {
			props := valuesOf(kg.PropScope, f.Scope)
			if f.Region != nil {
				region, err := regionArg("filter.region", *f.Region)
				if err != nil {
					return err
				}
				props = append(props, kg.PropFilter{Key: kg.PropRegion, Values: []any{region}})
			}
			return filters(q, f.Text, props,
				rel(r.relatedTo(ctx, "filter.member", f.Member, kg.Incoming, []kg.RelType{kg.RelMemberOf}, kg.KindNHRI)),
				rel(r.relatedTo(ctx, "filter.partOf", f.PartOf, kg.Outgoing, []kg.RelType{kg.RelPartOf}, kg.KindNetwork)))
		},
		bools: func(f *model.NetworkFilter) (*model.NetworkFilter, []*model.NetworkFilter) { return f.Not, f.Or },
	}
}

func (r *Resolver) instrumentArgs() listArgs[model.InstrumentFilter, model.InstrumentOrder] {
	return listArgs[model.InstrumentFilter, model.InstrumentOrder]{
		kind: kg.KindInstrument, order: kg.OrderByName,
		key: func(o *model.InstrumentOrder) (kg.Order, model.OrderDirection) {
			return instrumentOrders[o.Field], o.Direction
		},
		filter: func(ctx context.Context, q *kg.FindQuery, f *model.InstrumentFilter) error {
			years := make([]int64, len(f.Year))
			for i, y := range f.Year {
				years[i] = int64(y)
			}
			return filters(q, f.Text, append(valuesOf(kg.PropType, f.Type), valuesOf(kg.PropYear, years)...),
				rel(r.relatedTo(ctx, "filter.issuedBy", f.IssuedBy, kg.Outgoing, []kg.RelType{kg.RelIssuedBy})))
		},
		bools: func(f *model.InstrumentFilter) (*model.InstrumentFilter, []*model.InstrumentFilter) {
			return f.Not, f.Or
		},
	}
}

func (r *Resolver) riskGroupArgs() listArgs[model.RiskGroupFilter, model.RiskGroupOrder] {
	return listArgs[model.RiskGroupFilter, model.RiskGroupOrder]{
		kind: kg.KindRiskGroup, order: kg.PropSeq,
		key: func(o *model.RiskGroupOrder) (kg.Order, model.OrderDirection) {
			return riskGroupOrders[o.Field], o.Direction
		},
		filter: func(_ context.Context, q *kg.FindQuery, f *model.RiskGroupFilter) error {
			return filters(q, f.Text, nil)
		},
		bools: func(f *model.RiskGroupFilter) (*model.RiskGroupFilter, []*model.RiskGroupFilter) { return f.Not, f.Or },
	}
}

func (r *Resolver) threatTypeArgs() listArgs[model.ThreatTypeFilter, model.ThreatTypeOrder] {
	return listArgs[model.ThreatTypeFilter, model.ThreatTypeOrder]{
		kind: kg.KindThreatType, order: kg.OrderByName,
		key: func(o *model.ThreatTypeOrder) (kg.Order, model.OrderDirection) {
			return threatTypeOrders[o.Field], o.Direction
		},
		filter: func(ctx context.Context, q *kg.FindQuery, f *model.ThreatTypeFilter) error {
			return filters(q, f.Text, valuesOf(kg.PropAgainst, f.Against),
				rel(r.relatedTo(ctx, "filter.perpetrator", f.Perpetrator, kg.Outgoing, []kg.RelType{kg.RelPerpetratedBy}, kg.KindPerpetratorType)))
		},
		bools: func(f *model.ThreatTypeFilter) (*model.ThreatTypeFilter, []*model.ThreatTypeFilter) {
			return f.Not, f.Or
		},
	}
}

func (r *Resolver) perpetratorTypeArgs() listArgs[model.PerpetratorTypeFilter, model.PerpetratorTypeOrder] {
	return listArgs[model.PerpetratorTypeFilter, model.PerpetratorTypeOrder]{
		kind: kg.KindPerpetratorType, order: kg.OrderByName,
		key: func(o *model.PerpetratorTypeOrder) (kg.Order, model.OrderDirection) {
			return perpetratorTypeOrders[o.Field], o.Direction
		},
		filter: func(ctx context.Context, q *kg.FindQuery, f *model.PerpetratorTypeFilter) error {
			return filters(q, f.Text, valuesOf(kg.PropSector, f.Sector),
				rel(r.relatedTo(ctx, "filter.threatType", f.ThreatType, kg.Incoming, []kg.RelType{kg.RelPerpetratedBy}, kg.KindThreatType)))
		},
		bools: func(f *model.PerpetratorTypeFilter) (*model.PerpetratorTypeFilter, []*model.PerpetratorTypeFilter) {
			return f.Not, f.Or
		},
	}
}

func (r *Resolver) sdgTargetArgs() listArgs[model.SDGTargetFilter, model.SDGTargetOrder] {
	return listArgs[model.SDGTargetFilter, model.SDGTargetOrder]{
		kind: kg.KindSDGTarget, order: kg.PropCode,
		key: func(o *model.SDGTargetOrder) (kg.Order, model.OrderDirection) {
			return sdgTargetOrders[o.Field], o.Direction
		},
		filter: func(ctx context.Context, q *kg.FindQuery, f *model.SDGTargetFilter) error {
			return filters(q, f.Text, valuesOf(kg.PropType, f.Level),
				rel(r.relatedTo(ctx, "filter.servedBy", f.ServedBy, kg.Incoming, []kg.RelType{kg.RelServes}, kg.KindAction, kg.KindInstrument)))
		},
		bools: func(f *model.SDGTargetFilter) (*model.SDGTargetFilter, []*model.SDGTargetFilter) { return f.Not, f.Or },
	}
}

func (r *Resolver) strategicGoalArgs() listArgs[model.StrategicGoalFilter, model.StrategicGoalOrder] {
	return listArgs[model.StrategicGoalFilter, model.StrategicGoalOrder]{
		kind: kg.KindStrategicGoal, order: kg.PropCode,
		key: func(o *model.StrategicGoalOrder) (kg.Order, model.OrderDirection) {
			return strategicGoalOrders[o.Field], o.Direction
		},
		filter: func(ctx context.Context, q *kg.FindQuery, f *model.StrategicGoalFilter) error {
			return filters(q, f.Text, nil,
				rel(r.relatedTo(ctx, "filter.servedBy", f.ServedBy, kg.Incoming, []kg.RelType{kg.RelServes}, kg.KindAction, kg.KindInstrument)))
		},
		bools: func(f *model.StrategicGoalFilter) (*model.StrategicGoalFilter, []*model.StrategicGoalFilter) {
			return f.Not, f.Or
		},
	}
}

func (r *Resolver) surveyArgs() listArgs[model.SurveyFilter, model.SurveyOrder] {
	return listArgs[model.SurveyFilter, model.SurveyOrder]{
		kind: kg.KindSurvey, order: kg.OrderByName,
		key: func(o *model.SurveyOrder) (kg.Order, model.OrderDirection) { return surveyOrders[o.Field], o.Direction },
		filter: func(_ context.Context, q *kg.FindQuery, f *model.SurveyFilter) error {
			return filters(q, f.Text, nil)
		},
		bools: func(f *model.SurveyFilter) (*model.SurveyFilter, []*model.SurveyFilter) { return f.Not, f.Or },
	}
}
