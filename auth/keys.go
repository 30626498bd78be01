package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"time"

	"marrakechgraph/kg"
)

// An API key reads "mgk_<id>_<secret>": the id (12 hex digits) names the
// key's node, apikey:<id>; the secret (32 random bytes, base64url) is never
// stored, only its SHA-256. With 256 random bits a plain hash is safe: there
// is no password to guess.
const keyPrefix = "mgk_"

var tokenRE = regexp.MustCompile(`^mgk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$`)

// Key properties.
const (
	propRole      = "role"
	propHash      = "secretSha256"
	propCreatedAt = "createdAt"
	propCreatedBy = "createdBy"
	propRevokedAt = "revokedAt"
)

// KeyInfo describes a key, without its secret: the typed view of an API
// key, bound to the GraphQL type APIKey.
type KeyInfo struct {
	ID        string
	Name      string
	Role      Role
	CreatedAt time.Time
	CreatedBy string
	RevokedAt *time.Time
}

// Store is what API keys need of a kg.Store.
type Store interface {
	Nodes(ctx context.Context, ids []string) ([]*kg.Node, error)
	kg.Finder
	Apply(ctx context.Context, cs kg.ChangeSet) (*kg.ApplyResult, error)
}

// IsNode marks a key as a GraphQL Node (kg.Identified).
func (KeyInfo) IsNode() {}

// Created is when the key was created.
func (k KeyInfo) Created() kg.DateTime { return kg.DateTime(k.CreatedAt) }

// Revoked is when the key was revoked, or nil while it works.
func (k KeyInfo) Revoked() *kg.DateTime {
	if k.RevokedAt == nil {
		return nil
	}
	t := kg.DateTime(*k.RevokedAt)
	return &t
}

// Keys creates, verifies and revokes API keys in a store.
type Keys struct {
	Store Store
	// Now stamps creations and revocations; nil means time.Now.
	Now func() time.Time
}

func (k *Keys) now() time.Time {
	if k.Now != nil {
		return k.Now().UTC()
	}
	return time.Now().UTC()
}

func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Create makes a new key and returns it with the token to hand to its
// holder, shown this once.
func (k *Keys) Create(ctx context.Context, role Role, name, actor string) (KeyInfo, string, error) {
	name = strings.TrimSpace(name)
	if !role.Valid() {
		return KeyInfo{}, "", kg.Errorf(kg.CodeBadUserInput, "role must be one of analyst, editor, headoffice, admin, not %q", role)
	}
	if name == "" || len(name) > 100 {
		return KeyInfo{}, "", kg.Errorf(kg.CodeBadUserInput, "a key needs a name of 1 to 100 characters")
	}
	idBytes := make([]byte, 6)
	secretBytes := make([]byte, 32)
	if _, err := rand.Read(idBytes); err != nil {
		return KeyInfo{}, "", fmt.Errorf("random key id: %w", err)
	}
	if _, err := rand.Read(secretBytes); err != nil {
		return KeyInfo{}, "", fmt.Errorf("random key secret: %w", err)
	}
	id := hex.EncodeToString(idBytes)
	secret := base64.RawURLEncoding.EncodeToString(secretBytes)
	info := KeyInfo{ID: "apikey:" + id, Name: name, Role: role, CreatedAt: k.now(), CreatedBy: actor}
	n := kg.Node{ID: info.ID, Kind: kg.KindAPIKey, Name: name, Props: kg.Props{
		propRole: string(role), propHash: hashSecret(secret),
		propCreatedAt: info.CreatedAt.Format(time.RFC3339), propCreatedBy: actor,
	}}
	res, err := k.Store.Apply(ctx, kg.ChangeSet{Actor: actor, Reason: "create API key", PutNodes: []kg.Node{n}})
	if err != nil {
		return KeyInfo{}, "", err
	}
	if res.Created != 1 {
		return KeyInfo{}, "", kg.Errorf(kg.CodeConflict, "key id collision; try again")
	}
	return info, keyPrefix + id + "_" + secret, nil
}

// Verify returns the principal of a token, or UNAUTHENTICATED for a token
// that is malformed, unknown, wrong or revoked (the message does not say
// which).
func (k *Keys) Verify(ctx context.Context, token string) (Principal, error) {
	bad := kg.Errorf(kg.CodeUnauthenticated, "invalid or revoked API key")
	m := tokenRE.FindStringSubmatch(token)
	if m == nil {
		return Principal{}, bad
	}
	nodes, err := k.Store.Nodes(ctx, []string{"apikey:" + m[1]})
	if err != nil {
		return Principal{}, err
	}
	n := nodes[0]
	want := hashSecret(m[2])
	if n == nil || n.Kind != kg.KindAPIKey {
		// Compare anyway, so an unknown id takes as long as a wrong secret.
		subtle.ConstantTimeCompare([]byte(want), []byte(strings.Repeat("0", len(want))))
		return Principal{}, bad
	}
	if subtle.ConstantTimeCompare([]byte(want), []byte(n.Props.String(propHash))) != 1 {
		return Principal{}, bad
	}
	if n.Props.String(propRevokedAt) != "" {
		return Principal{}, bad
	}
	role := Role(n.Props.String(propRole))
	if !role.Valid() {
		return Principal{}, bad
	}
	return Principal{KeyID: n.ID, Name: n.Name, Role: role}, nil
}

// Revoke makes a key unusable from now on; the key stays, with the time and
// author of its revocation, in the store and its audit log.
func (k *Keys) Revoke(ctx context.Context, id, actor string) (KeyInfo, error) {
	nodes, err := k.Store.Nodes(ctx, []string{id})
	if err != nil {
		return KeyInfo{}, err
	}
	n := nodes[0]
	if n == nil || n.Kind != kg.KindAPIKey {
		return KeyInfo{}, kg.Errorf(kg.CodeNotFound, "no API key has the ID %q", id)
	}
	if n.Props.String(propRevokedAt) == "" {
		n.Props[propRevokedAt] = k.now().Format(time.RFC3339)
		if _, err := k.Store.Apply(ctx, kg.ChangeSet{Actor: actor, Reason: "revoke API key", PutNodes: []kg.Node{*n}}); err != nil {
			return KeyInfo{}, err
		}
	}
	return keyInfo(n), nil
}

// List returns every key, newest first, without secrets.
func (k *Keys) List(ctx context.Context) ([]KeyInfo, error) {
	nodes, err := kg.FindAll(ctx, k.Store, kg.FindQuery{Kind: kg.KindAPIKey, OrderBy: propCreatedAt, Desc: true})
	if err != nil {
		return nil, err
	}
	out := make([]KeyInfo, len(nodes))
	for i, n := range nodes {
		out[i] = keyInfo(n)
	}
	return out, nil
}

func keyInfo(n *kg.Node) KeyInfo {
	info := KeyInfo{ID: n.ID, Name: n.Name, Role: Role(n.Props.String(propRole)), CreatedBy: n.Props.String(propCreatedBy)}
	info.CreatedAt, _ = time.Parse(time.RFC3339, n.Props.String(propCreatedAt))
	if s := n.Props.String(propRevokedAt); s != "" {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			info.RevokedAt = &t
		}
	}
	return info
}

// Recheck confirms that the principal's key still works: for long-lived
// connections, which verified it once and must stop as soon as it is
// revoked. A public principal always passes.
func (k *Keys) Recheck(ctx context.Context, p Principal) error {
	if p.KeyID == "" {
		return nil
	}
	nodes, err := k.Store.Nodes(ctx, []string{p.KeyID})
	if err != nil {
		return err
	}
	n := nodes[0]
	if n == nil || n.Kind != kg.KindAPIKey || n.Props.String(propRevokedAt) != "" || Role(n.Props.String(propRole)) != p.Role {
		return kg.Errorf(kg.CodeUnauthenticated, "invalid or revoked API key")
	}
	return nil
}
