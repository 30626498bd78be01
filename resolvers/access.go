package resolvers

import (
	"context"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"marrakechgraph/auth"
	"marrakechgraph/graph/model"
	"marrakechgraph/kg"
	"marrakechgraph/threatlog"
)

// requires enforces the schema's @requires directive.
func requires(ctx context.Context, _ any, next graphql.Resolver, permission auth.Permission) (any, error) {
	if err := auth.Require(ctx, permission); err != nil {
		return nil, err
	}
	return next(ctx)
}

// entityHistory reads the audit history of an entity of the knowledge
// graph; incidents, responses and keys have none here.
func (r *Resolver) entityHistory(ctx context.Context, id string) ([]kg.AuditEntry, error) {
	kind, ok := kg.KindOfID(id)
	if !ok || kind.Sensitive() {
		return nil, kg.Errorf(kg.CodeBadUserInput, "history takes the ID of an entity of the knowledge graph; incidents carry their own history")
	}
	return r.Store.History(ctx, id)
}

// nodeView is the view of the node an ID names, or nil. A caller without
// the role gets nil for an incident or a response without any lookup: the
// answer cannot tell whether it exists.
func (r *Resolver) nodeView(ctx context.Context, id string) (kg.Identified, error) {
	kind, ok := kg.KindOfID(id)
	if !ok {
		return nil, nil
	}
	incidental := kind == kg.KindThreatIncident || kind == kg.KindResponse
	if kind == kg.KindAPIKey || (incidental && !auth.Allowed(ctx, auth.ReadIncidents)) {
		return nil, nil
	}
	n, err := r.loadersFor(ctx).Node(ctx, id)
	if err != nil || n == nil || n.Kind != kind {
		return nil, err
	}
	switch kind {
	case kg.KindThreatIncident:
		return threatlog.IncidentOf(n), nil
	case kg.KindResponse:
		return threatlog.ResponseOf(n), nil
	}
	return kg.View(n), nil
}

// auditEntries shows the entries a history read returned (with err).
func auditEntries(es []kg.AuditEntry, err error) ([]*model.AuditEntry, error) {
	if err != nil {
		return nil, err
	}
	out := make([]*model.AuditEntry, len(es))
	for i, e := range es {
		m := &model.AuditEntry{
			// The position within this history, not the store's global
			// sequence: gaps in that would show how much else was written
			// meanwhile, incidents included.
			Seq: strconv.Itoa(i + 1), At: kg.DateTime(e.At), Actor: e.Actor, Reason: e.Reason,
			Op: model.AuditOp(e.Op), Before: optional(e.Before), After: optional(e.After),
		}
		if e.Edge != nil {
			m.Relationship = &model.AuditedRelationship{Type: e.Edge.Type, From: e.Edge.From, To: e.Edge.To}
		}
		out[i] = m
	}
	return out, nil
}

// optional is nil for an empty string.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
