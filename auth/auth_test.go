package auth_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/auth"
	"marrakechgraph/embedded"
	"marrakechgraph/kg"
	"marrakechgraph/storetest"
)

func TestRolePermissions(t *testing.T) {
	want := map[auth.Role][]auth.Permission{
		auth.RolePublic:     {auth.ReadGraph},
		auth.RoleAnalyst:    {auth.ReadGraph, auth.ReadHistory},
		auth.RoleEditor:     {auth.ReadGraph, auth.ReadHistory, auth.WriteGraph},
		auth.RoleHeadOffice: {auth.ReadGraph, auth.ReadHistory, auth.ReadIncidents, auth.WriteIncidents},
		auth.RoleAdmin:      {auth.ReadGraph, auth.ReadHistory, auth.WriteGraph, auth.ReadIncidents, auth.WriteIncidents, auth.ManageKeys},
	}
	all := []auth.Permission{auth.ReadGraph, auth.ReadHistory, auth.WriteGraph, auth.ReadIncidents, auth.WriteIncidents, auth.ManageKeys}
	for role, perms := range want {
		for _, p := range all {
			assert.Equal(t, contains(perms, p), role.Can(p), "%s can %s", role, p)
		}
	}
	assert.False(t, auth.RolePublic.Valid(), "no key has the public role")
	assert.False(t, auth.Role("root").Valid())
}

func contains(ps []auth.Permission, p auth.Permission) bool {
	for _, q := range ps {
		if q == p {
			return true
		}
	}
	return false
}

func TestRequire(t *testing.T) {
	ctx := context.Background()
	assert.NoError(t, auth.Require(ctx, auth.ReadGraph))
	assert.Equal(t, kg.CodeUnauthenticated, kg.ErrorCode(auth.Require(ctx, auth.ReadIncidents)))
	editor := auth.WithPrincipal(ctx, auth.Principal{KeyID: "apikey:1", Name: "ed", Role: auth.RoleEditor})
	assert.NoError(t, auth.Require(editor, auth.WriteGraph))
	assert.Equal(t, kg.CodeForbidden, kg.ErrorCode(auth.Require(editor, auth.ReadIncidents)))
}

func TestKeysLifecycle(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		// The embedded store is opened here, so that its file can be read.
		var s kg.Store
		dir := t.TempDir()
		if backend.Name == storetest.Embedded.Name {
			bs, err := embedded.Open(dir)
			require.NoError(t, err)
			s = bs
		} else {
			s = backend.Open(t)
		}
		keysLifecycle(t, s, dir, backend.Name == storetest.Embedded.Name)
	})
}

// keysLifecycle creates, verifies, lists and revokes a key on s; onDisk
// is whether s is the embedded store in dir.
func keysLifecycle(t *testing.T, s kg.Store, dir string, onDisk bool) {
	ctx := context.Background()
	keys := &auth.Keys{Store: s}

	info, token, err := keys.Create(ctx, auth.RoleHeadOffice, "Head Office desk", "cli")
	require.NoError(t, err)
	assert.Regexp(t, `^mgk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$`, token)
	assert.True(t, strings.HasPrefix(info.ID, "apikey:"))

	p, err := keys.Verify(ctx, token)
	require.NoError(t, err)
	assert.Equal(t, auth.Principal{KeyID: info.ID, Name: "Head Office desk", Role: auth.RoleHeadOffice}, p)

	for name, bad := range map[string]string{
		"empty":        "",
		"malformed":    "not-a-key",
		"wrong secret": token[:len(token)-4] + "AAAA",
		"unknown id":   "mgk_000000000000_" + token[len(token)-43:],
	} {
		_, err := keys.Verify(ctx, bad)
		assert.Equal(t, kg.CodeUnauthenticated, kg.ErrorCode(err), name)
		assert.Equal(t, "invalid or revoked API key", kg.ClientMessage(err), name)
	}

	list, err := keys.List(ctx)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Nil(t, list[0].RevokedAt)

	revoked, err := keys.Revoke(ctx, info.ID, "admin")
	require.NoError(t, err)
	require.NotNil(t, revoked.RevokedAt)
	_, err = keys.Verify(ctx, token)
	assert.Equal(t, kg.CodeUnauthenticated, kg.ErrorCode(err), "a revoked key no longer works")

	h, err := s.History(ctx, info.ID)
	require.NoError(t, err)
	require.Len(t, h, 2, "creation and revocation are audited")
	assert.Equal(t, "revoke API key", h[1].Reason)

	_, err = keys.Revoke(ctx, "apikey:ffffffffffff", "admin")
	assert.Equal(t, kg.CodeNotFound, kg.ErrorCode(err))
	_, _, err = keys.Create(ctx, auth.Role("root"), "x", "cli")
	assert.Equal(t, kg.CodeBadUserInput, kg.ErrorCode(err))
	_, _, err = keys.Create(ctx, auth.RoleAdmin, "  ", "cli")
	assert.Equal(t, kg.CodeBadUserInput, kg.ErrorCode(err))

	// Only the hash is stored: the secret is in no property of the key and
	// in no entry of its history.
	secret := token[len(token)-43:]
	stored, err := s.Nodes(ctx, []string{info.ID})
	require.NoError(t, err)
	require.NotNil(t, stored[0])
	for k, v := range stored[0].Props {
		assert.NotContains(t, fmt.Sprint(v), secret, "property %s holds the secret", k)
	}
	h, err = s.History(ctx, info.ID)
	require.NoError(t, err)
	for _, e := range h {
		assert.NotContains(t, e.Before+e.After, secret, "the history holds the secret")
	}
	if !onDisk {
		return
	}
	// And it appears nowhere on disk.
	require.NoError(t, s.Close())
	db, err := os.ReadFile(filepath.Join(dir, embedded.FileName))
	require.NoError(t, err)
	assert.False(t, bytes.Contains(db, []byte(secret)), "the secret is not stored")
	assert.False(t, bytes.Contains(db, []byte(token)), "the token is not stored")
}
