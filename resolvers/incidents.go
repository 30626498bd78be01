package resolvers

import (
	"context"
	"strings"
	"time"

	"marrakechgraph/graph/model"
	"marrakechgraph/kg"
	"marrakechgraph/threatlog"
)

// incident is the view of an incident a threat log operation returns.
func incident(n *kg.Node, err error) (*threatlog.Incident, error) {
	if err != nil {
		return nil, err
	}
	i := threatlog.IncidentOf(n)
	return &i, nil
}

// response is the view of a response a threat log operation returns.
func response(n *kg.Node, err error) (*threatlog.Response, error) {
	if err != nil {
		return nil, err
	}
	r := threatlog.ResponseOf(n)
	return &r, nil
}

// incidents reads a page of the threat log, once its arguments checked out
// (err is the check's).
func (r *Resolver) incidents(ctx context.Context, f threatlog.Filter, orders []threatlog.Order, p threatlog.Paging, err error) (*threatlog.IncidentConnection, error) {
	if err != nil {
		return nil, err
	}
	return threatlog.Connect(r.threatLog.Page(ctx, f, orders, p))
}

// incidentOrder is the threat log's order for the orderBy argument of
// Query.threatIncidents: newest report first when omitted.
func incidentOrder(in []*model.ThreatIncidentOrder) []threatlog.Order {
	out := make([]threatlog.Order, len(in))
	for i, o := range in {
		field := map[model.ThreatIncidentOrderField]string{
			model.ThreatIncidentOrderFieldOccurredOn: threatlog.PropOccurredOn,
			model.ThreatIncidentOrderFieldReportedAt: threatlog.PropReportedAt,
			model.ThreatIncidentOrderFieldStatus:     threatlog.PropStatus,
		}[o.Field]
		out[i] = threatlog.Order{Field: field, Desc: o.Direction == model.OrderDirectionDesc}
	}
	return out
}

// incidentArgs checks the arguments of Query.threatIncidents: the page
// and the filter.
func (r *Resolver) incidentArgs(ctx context.Context, pg paging, f *model.ThreatIncidentFilter) (threatlog.Filter, threatlog.Paging, error) {
	var q kg.FindQuery
	if err := pg.apply(&q, defaultPageSize); err != nil {
		return threatlog.Filter{}, threatlog.Paging{}, err
	}
	p := threatlog.Paging{First: q.First, After: q.After, Last: q.Last, Before: q.Before}
	if f == nil {
		return threatlog.Filter{}, p, nil
	}
	out, err := r.incidentFilter(ctx, f)
	return out, p, err
}

// incidentFilter checks the threat log's filter arguments.
func (r *Resolver) incidentFilter(ctx context.Context, f *model.ThreatIncidentFilter) (threatlog.Filter, error) {
	var out threatlog.Filter
	if f.Nhri != nil {
		if err := r.checkRef(ctx, "filter.nhri", *f.Nhri, kg.KindNHRI); err != nil {
			return out, err
		}
		out.NHRI = *f.Nhri
	}
	if f.Country != nil {
		code := strings.ToUpper(strings.TrimSpace(*f.Country))
		if !countryCodeRE.MatchString(code) {
			return out, kg.Errorf(kg.CodeBadUserInput, "filter.country: %q is not an ISO 3166-1 alpha-2 code", *f.Country)
		}
		out.Country = code
	}
	if f.Region != nil {
		region, err := regionArg("filter.region", *f.Region)
		if err != nil {
			return out, err
		}
		out.Region = region
	}
	if f.Threat != nil {
		if err := r.checkRef(ctx, "filter.threat", *f.Threat, kg.KindThreatType); err != nil {
			return out, err
		}
		out.Threat = *f.Threat
	}
	if f.Status != nil {
		out.Status = *f.Status
	}
	if f.Year != nil {
		if *f.Year < 1900 || *f.Year > 9999 {
			return out, kg.Errorf(kg.CodeBadUserInput, "filter.year: %d is not a plausible year", *f.Year)
		}
		out.Year = *f.Year
	}
	out.ReprisalForUNCooperation = f.ReprisalForUNCooperation
	if f.OccurredFrom != nil {
		out.OccurredFrom = *f.OccurredFrom
	}
	if f.OccurredTo != nil {
		out.OccurredTo = *f.OccurredTo
	}
	if f.ReportedFrom != nil {
		out.ReportedFrom = time.Time(*f.ReportedFrom)
	}
	if f.ReportedTo != nil {
		out.ReportedTo = time.Time(*f.ReportedTo)
	}
	if f.Not != nil {
		not, err := r.incidentFilter(ctx, f.Not)
		if err != nil {
			return out, err
		}
		out.Not = &not
	}
	if f.Or != nil {
		out.Or = []threatlog.Filter{}
		if len(f.Or) > kg.MaxConditions {
			return out, kg.Errorf(kg.CodeBadUserInput, "filter.or: at most %d filters, got %d", kg.MaxConditions, len(f.Or))
		}
	}
	for _, of := range f.Or {
		o, err := r.incidentFilter(ctx, of)
		if err != nil {
			return out, err
		}
		out.Or = append(out.Or, o)
	}
	return out, nil
}
