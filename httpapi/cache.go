package httpapi

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"marrakechgraph/auth"
)

// perPrincipal keeps one caller's cached queries apart from another's, so
// that whether a query is in the cache (a persisted query found, or a
// faster parse) never tells one caller what another has asked.
type perPrincipal[T any] struct{ cache graphql.Cache[T] }

var _ graphql.Cache[string] = perPrincipal[string]{}

func scoped(ctx context.Context, key string) string {
	return auth.FromContext(ctx).KeyID + "\x00" + key
}

func (p perPrincipal[T]) Get(ctx context.Context, key string) (T, bool) {
	return p.cache.Get(ctx, scoped(ctx, key))
}

func (p perPrincipal[T]) Add(ctx context.Context, key string, value T) {
	p.cache.Add(ctx, scoped(ctx, key), value)
}
