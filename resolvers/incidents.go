package resolvers

import (
	"context"
	"strings"
	"time"

	"marrakechgraph/graph/model"
	"marrakechgraph/kg"
	"marrakechgraph/threatlog"
)

func targets(ts []model.ThreatTarget) []threatlog.Target {
	out := make([]threatlog.Target, len(ts))
	for i, t := range ts {
		out[i] = threatlog.Target(t)
	}
	return out
}

// stamp turns a stored fixed-width time into RFC 3339.
func stamp(s string) string {
	t, err := time.Parse(threatlog.StampLayout, s)
	if err != nil {
		return s
	}
	return t.Format(time.RFC3339Nano)
}

func toIncident(n *kg.Node) *model.ThreatIncident {
	m := &model.ThreatIncident{
		ID: n.ID, Summary: n.Props.String(threatlog.PropSummary),
		ReportedAt: stamp(n.Props.String(threatlog.PropReportedAt)), ReportedBy: n.Props.String(threatlog.PropReportedBy),
		Status: model.IncidentStatus(n.Props.String(threatlog.PropStatus)), Targets: []model.ThreatTarget{},
	}
	if d := n.Props.String(threatlog.PropOccurredOn); d != "" {
		date := kg.Date(d)
		m.OccurredOn = &date
	}
	for _, t := range n.Props.Strings(threatlog.PropTargets) {
		m.Targets = append(m.Targets, model.ThreatTarget(t))
	}
	m.ReprisalForUNCooperation, _ = n.Props.Bool(threatlog.PropReprisal)
	m.ConsentToShare, _ = n.Props.Bool(threatlog.PropConsent)
	return m
}

func toResponse(n *kg.Node) *model.Response {
	m := &model.Response{
		ID: n.ID, ActivatedOn: kg.Date(n.Props.String(threatlog.PropActivatedOn)),
		ActivatedBy: n.Props.String(threatlog.PropActivatedBy), RecordedAt: stamp(n.Props.String(threatlog.PropRecordedAt)),
	}
	m.Outcome = optString(n.Props.String(threatlog.PropOutcome))
	return m
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
		out.Status = threatlog.Status(*f.Status)
	}
	if f.Year != nil {
		if *f.Year < 1900 || *f.Year > 9999 {
			return out, kg.Errorf(kg.CodeBadUserInput, "filter.year: %d is not a plausible year", *f.Year)
		}
		out.Year = *f.Year
	}
	out.ReprisalForUNCooperation = f.ReprisalForUNCooperation
	return out, nil
}
