package auth

import "context"

// Viewer is a caller as it sees itself: whether it has a key, the key's
// role and name, and what it may do.
type Viewer struct{ p Principal }

// ViewerOf is the view of the caller of a request.
func ViewerOf(ctx context.Context) *Viewer { return &Viewer{FromContext(ctx)} }

// Authenticated reports whether the request carried a valid API key.
func (v *Viewer) Authenticated() bool { return v.p.KeyID != "" }

// Role is the key's role; nil for a public caller.
func (v *Viewer) Role() *Role {
	if !v.Authenticated() {
		return nil
	}
	return &v.p.Role
}

// Name is the key's name; nil for a public caller.
func (v *Viewer) Name() *string {
	if !v.Authenticated() {
		return nil
	}
	return &v.p.Name
}

// Permissions are what the caller may do, in the order of Permissions.
func (v *Viewer) Permissions() []Permission {
	out := []Permission{}
	for _, p := range Permissions {
		if v.p.Role.Can(p) {
			out = append(out, p)
		}
	}
	return out
}

// NewKey is a key just created, with the token for its holder, shown this
// once: only a hash is stored.
type NewKey struct {
	Key   KeyInfo
	Token string
}

// Issue creates a key, as Create does, and returns it with its token.
func (k *Keys) Issue(ctx context.Context, role Role, name, actor string) (*NewKey, error) {
	info, token, err := k.Create(ctx, role, name, actor)
	if err != nil {
		return nil, err
	}
	return &NewKey{Key: info, Token: token}, nil
}
