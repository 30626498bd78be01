package resolvers

import (
	"context"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"marrakechgraph/auth"
	"marrakechgraph/graph/model"
	"marrakechgraph/kg"
)

// requires enforces the schema's @requires directive.
func requires(ctx context.Context, _ any, next graphql.Resolver, permission auth.Permission) (any, error) {
	if err := auth.Require(ctx, permission); err != nil {
		return nil, err
	}
	return next(ctx)
}

func auditEntries(es []kg.AuditEntry) []*model.AuditEntry {
	out := make([]*model.AuditEntry, len(es))
	for i, e := range es {
		m := &model.AuditEntry{
			// The position within this history, not the store's global
			// sequence: gaps in that would show how much else was written
			// meanwhile, incidents included.
			Seq: strconv.Itoa(i + 1), At: e.At.UTC().Format(time.RFC3339Nano), Actor: e.Actor, Reason: e.Reason,
			Op: model.AuditOp(e.Op), Before: optional(e.Before), After: optional(e.After),
		}
		if e.Edge != nil {
			m.Relationship = &model.AuditedRelationship{Type: e.Edge.Type, From: e.Edge.From, To: e.Edge.To}
		}
		out[i] = m
	}
	return out
}

// optional is nil for an empty string.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
