package threatlog

import (
	"context"
	"slices"
	"strings"
	"time"

	"marrakechgraph/kg"
)

// Incident is the typed view of a threat incident, bound to the GraphQL
// type ThreatIncident: an accessor per property and a method per
// relationship, read through the context's graph (kg.WithGraph).
type Incident struct{ n *kg.Node }

// IncidentOf is the view of an incident's node.
func IncidentOf(n *kg.Node) Incident { return Incident{n} }

// ID is the incident's identifier.
func (i Incident) ID() string { return i.n.ID }

// Node is the node the view reads.
func (i Incident) Node() *kg.Node { return i.n }

// IsNode marks the view as a GraphQL Node (kg.Identified).
func (Incident) IsNode() {}

// Summary is what happened, in Head Office's words.
func (i Incident) Summary() string { return i.n.Props.String(PropSummary) }

// OccurredOn is when it happened, or nil when not known.
func (i Incident) OccurredOn() *kg.Date {
	s := i.n.Props.String(PropOccurredOn)
	if s == "" {
		return nil
	}
	d := kg.Date(s)
	return &d
}

// ReportedAt is when it was reported.
func (i Incident) ReportedAt() kg.DateTime { return instant(i.reported()) }

// ReportedBy is who reported it.
func (i Incident) ReportedBy() string { return i.n.Props.String(PropReportedBy) }

// Targets are whom it is directed against.
func (i Incident) Targets() []kg.ThreatTarget {
	ts := i.n.Props.Strings(PropTargets)
	out := make([]kg.ThreatTarget, len(ts))
	for j, t := range ts {
		out[j] = kg.ThreatTarget(t)
	}
	return out
}

// ReprisalForUNCooperation is whether it is a reprisal for cooperation
// with the UN.
func (i Incident) ReprisalForUNCooperation() bool { b, _ := i.n.Props.Bool(PropReprisal); return b }

// ConsentToShare is whether the victims consent to it being shared.
func (i Incident) ConsentToShare() bool { b, _ := i.n.Props.Bool(PropConsent); return b }

// Year is the year it occurred, or, undated, was reported.
func (i Incident) Year() int { y, _ := i.n.Props.Int(kg.PropYear); return int(y) }

// Month is the month ("YYYY-MM") the incident occurred, or, undated, was
// reported: the month its Year belongs to.
func (i Incident) Month() string {
	s := i.n.Props.String(PropOccurredOn)
	if s == "" {
		s = i.reported()
	}
	if len(s) < 7 {
		return ""
	}
	return s[:7]
}

// Status is where it stands.
func (i Incident) Status() Status { return Status(i.n.Props.String(PropStatus)) }

// NHRI is the institution threatened.
func (i Incident) NHRI(ctx context.Context) (kg.NHRI, error) {
	var nhri kg.NHRI
	ns, err := kg.Related(ctx, i.n.ID, kg.Outgoing, []kg.RelType{kg.RelConcerns}, kg.KindNHRI)
	if err != nil {
		return nhri, err
	}
	if len(ns) == 0 {
		return nhri, kg.Errorf(kg.CodeInternal, "incident %s has no NHRI", i.n.ID)
	}
	nhri, _ = kg.ViewAs[kg.NHRI](ns[0])
	return nhri, nil
}

// Threats are the kinds of threat.
func (i Incident) Threats(ctx context.Context) ([]kg.ThreatType, error) {
	ns, err := kg.Related(ctx, i.n.ID, kg.Outgoing, []kg.RelType{kg.RelOfType}, kg.KindThreatType)
	return kg.Views[kg.ThreatType](ns), err
}

// Perpetrators are the kinds of actor behind it.
func (i Incident) Perpetrators(ctx context.Context) ([]kg.PerpetratorType, error) {
	ns, err := kg.Related(ctx, i.n.ID, kg.Outgoing, []kg.RelType{kg.RelAttributedTo}, kg.KindPerpetratorType)
	return kg.Views[kg.PerpetratorType](ns), err
}

// Responses are the responses recorded, oldest first.
func (i Incident) Responses(ctx context.Context) ([]Response, error) {
	ns, err := kg.Related(ctx, i.n.ID, kg.Incoming, []kg.RelType{kg.RelRespondsTo}, kg.KindResponse)
	if err != nil {
		return nil, err
	}
	out := make([]Response, len(ns))
	for j, n := range ns {
		out[j] = Response{n}
	}
	slices.SortFunc(out, func(a, b Response) int { return strings.Compare(a.recorded(), b.recorded()) })
	return out, nil
}

// IncidentsOf returns the incidents that concern an NHRI, the newest
// first, read through the operation's graph (kg.Graph).
func IncidentsOf(ctx context.Context, nhriID string) ([]Incident, error) {
	ns, err := kg.Related(ctx, nhriID, kg.Incoming, []kg.RelType{kg.RelConcerns}, kg.KindThreatIncident)
	if err != nil {
		return nil, err
	}
	out := make([]Incident, len(ns))
	for i, n := range ns {
		out[i] = Incident{n}
	}
	slices.SortFunc(out, NewestFirst)
	return out, nil
}

// NewestFirst orders incidents by report, the newest first.
func NewestFirst(a, b Incident) int { return strings.Compare(b.reported(), a.reported()) }

// reported is when the incident was reported, as stored (StampLayout,
// which sorts as text).
func (i Incident) reported() string { return i.n.Props.String(PropReportedAt) }

// Response is the typed view of a response to an incident, bound to the
// GraphQL type Response.
type Response struct{ n *kg.Node }

// ResponseOf is the view of a response's node.
func ResponseOf(n *kg.Node) Response { return Response{n} }

// ID is the response's identifier.
func (r Response) ID() string { return r.n.ID }

// IsNode marks the view as a GraphQL Node (kg.Identified).
func (Response) IsNode() {}

// ActivatedOn is when the channel was activated.
func (r Response) ActivatedOn() kg.Date { return kg.Date(r.n.Props.String(PropActivatedOn)) }

// ActivatedBy is who recorded the activation.
func (r Response) ActivatedBy() string { return r.n.Props.String(PropActivatedBy) }

// Outcome is what came of it, or nil when not known yet.
func (r Response) Outcome() *string {
	s := r.n.Props.String(PropOutcome)
	if s == "" {
		return nil
	}
	return &s
}

// RecordedAt is when it was recorded.
func (r Response) RecordedAt() kg.DateTime { return instant(r.recorded()) }

// recorded is when the response was recorded, as stored (StampLayout).
func (r Response) recorded() string { return r.n.Props.String(PropRecordedAt) }

// Incident is the incident it answers.
func (r Response) Incident(ctx context.Context) (Incident, error) {
	ns, err := kg.Related(ctx, r.n.ID, kg.Outgoing, []kg.RelType{kg.RelRespondsTo}, kg.KindThreatIncident)
	if err != nil {
		return Incident{}, err
	}
	if len(ns) == 0 {
		return Incident{}, kg.Errorf(kg.CodeInternal, "response %s has no incident", r.n.ID)
	}
	return Incident{ns[0]}, nil
}

// Channel is the network, mechanism or NHRI activated.
func (r Response) Channel(ctx context.Context) (kg.Entity, error) {
	ns, err := kg.Related(ctx, r.n.ID, kg.Outgoing, []kg.RelType{kg.RelActivated})
	if err != nil {
		return nil, err
	}
	if len(ns) == 0 {
		return nil, kg.Errorf(kg.CodeInternal, "response %s has no channel", r.n.ID)
	}
	return kg.View(ns[0]), nil
}

// instant reads a stored fixed-width stamp (StampLayout); a stamp that
// does not parse, which the log never writes, reads as the zero time.
func instant(stamp string) kg.DateTime {
	t, _ := time.Parse(StampLayout, stamp)
	return kg.DateTime(t)
}

// IncidentConnection is a page of incidents, as the schema shows it.
type (
	IncidentConnection = kg.Connection[Incident]
	IncidentEdge       = kg.PageEdge[Incident]
)

// Connect is the connection of a page of incidents (List, with err).
func Connect(p *kg.Page, err error) (*IncidentConnection, error) {
	return kg.NewConnection(p, err, IncidentOf)
}
