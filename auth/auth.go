// Package auth decides who may do what: roles and their permissions, the
// caller's principal carried in a request's context, and API keys, stored
// in the graph's store as hashes only.
package auth

import (
	"context"

	"marrakechgraph/kg"
)

// Role is what an API key allows. A caller without a key is RolePublic.
type Role string

// The roles, from least to most trusted.
const (
	RolePublic     Role = "public"
	RoleAnalyst    Role = "analyst"
	RoleEditor     Role = "editor"
	RoleHeadOffice Role = "headoffice"
	RoleAdmin      Role = "admin"
)

// KeyRoles are the roles an API key can have.
var KeyRoles = []Role{RoleAnalyst, RoleEditor, RoleHeadOffice, RoleAdmin}

// Valid reports whether r is a role a key can have.
func (r Role) Valid() bool {
	for _, k := range KeyRoles {
		if k == r {
			return true
		}
	}
	return false
}

// Permission is one thing a caller may do.
type Permission string

// Permissions.
const (
	// ReadGraph: the knowledge graph and activation plans.
	ReadGraph Permission = "READ_GRAPH"
	// ReadHistory: the audit history of the knowledge graph.
	ReadHistory Permission = "READ_HISTORY"
	// WriteGraph: changes to the knowledge graph and imports.
	WriteGraph Permission = "WRITE_GRAPH"
	// ReadIncidents: the threat log, its statistics and alerts.
	ReadIncidents Permission = "READ_INCIDENTS"
	// WriteIncidents: reporting threats and recording responses.
	WriteIncidents Permission = "WRITE_INCIDENTS"
	// ManageKeys: creating, listing and revoking API keys.
	ManageKeys Permission = "MANAGE_KEYS"
)

// Permissions are every permission, in the order the schema lists them.
var Permissions = []Permission{ReadGraph, ReadHistory, WriteGraph, ReadIncidents, WriteIncidents, ManageKeys}

var grants = map[Role][]Permission{
	RolePublic:     {ReadGraph},
	RoleAnalyst:    {ReadGraph, ReadHistory},
	RoleEditor:     {ReadGraph, ReadHistory, WriteGraph},
	RoleHeadOffice: {ReadGraph, ReadHistory, ReadIncidents, WriteIncidents},
	RoleAdmin:      {ReadGraph, ReadHistory, WriteGraph, ReadIncidents, WriteIncidents, ManageKeys},
}

// Can reports whether the role has a permission.
func (r Role) Can(p Permission) bool {
	for _, g := range grants[r] {
		if g == p {
			return true
		}
	}
	return false
}

// Principal is who makes a request.
type Principal struct {
	// KeyID identifies the API key; empty for a public caller.
	KeyID string
	// Name is the key's name, for the audit log.
	Name string
	Role Role
}

// Public is the principal of a caller without a key.
var Public = Principal{Role: RolePublic}

// Actor names the principal in the audit log.
func (p Principal) Actor() string {
	if p.KeyID == "" {
		return "public"
	}
	return p.Name + " (" + p.KeyID + ")"
}

type principalKey struct{}

// WithPrincipal attaches a principal to a context.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the request's principal; Public when none is attached.
func FromContext(ctx context.Context) Principal {
	if p, ok := ctx.Value(principalKey{}).(Principal); ok {
		return p
	}
	return Public
}

// Require checks that the request's principal has a permission: a public
// caller gets UNAUTHENTICATED, a key with too small a role FORBIDDEN.
func Require(ctx context.Context, perm Permission) error {
	p := FromContext(ctx)
	if p.Role.Can(perm) {
		return nil
	}
	if p.KeyID == "" {
		return kg.Errorf(kg.CodeUnauthenticated, "this needs an API key (Authorization: Bearer <key>)")
	}
	return kg.Errorf(kg.CodeForbidden, "the %s role does not allow this", p.Role)
}

// Allowed reports whether the request's principal has a permission.
func Allowed(ctx context.Context, perm Permission) bool {
	return FromContext(ctx).Role.Can(perm)
}
