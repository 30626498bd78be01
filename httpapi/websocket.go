package httpapi

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"marrakechgraph/auth"
	"marrakechgraph/kg"
)

// websocketInit authenticates a subscription connection from the
// connection_init payload: {"Authorization": "Bearer <token>"}. Without it
// the connection is public; a bad key closes it.
func websocketInit(keys *auth.Keys) transport.WebsocketInitFunc {
	return func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		header := payload.Authorization()
		if header == "" {
			if v, ok := payload["authorization"].(string); ok {
				header = v
			}
		}
		ctx = context.WithValue(ctx, longLivedKey{}, true)
		if header == "" {
			// A key sent on the upgrade request itself was checked by
			// authenticate and is already in ctx.
			return ctx, nil, nil
		}
		scheme, token, _ := strings.Cut(header, " ")
		if !strings.EqualFold(scheme, "Bearer") {
			return ctx, nil, kg.Errorf(kg.CodeUnauthenticated, "use Authorization: Bearer <API key>")
		}
		p, err := keys.Verify(ctx, strings.TrimSpace(token))
		if err != nil {
			return ctx, nil, kg.Errorf(kg.CodeUnauthenticated, "invalid or revoked API key")
		}
		return auth.WithPrincipal(ctx, p), nil, nil
	}
}

type longLivedKey struct{}

// recheckKeys refuses, on a long-lived connection, every operation whose
// key has been revoked since the connection was opened.
type recheckKeys struct{ keys *auth.Keys }

var (
	_ graphql.HandlerExtension     = recheckKeys{}
	_ graphql.OperationInterceptor = recheckKeys{}
)

func (recheckKeys) ExtensionName() string                   { return "RecheckKeys" }
func (recheckKeys) Validate(graphql.ExecutableSchema) error { return nil }

func (e recheckKeys) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if long, _ := ctx.Value(longLivedKey{}).(bool); long {
		if err := e.keys.Recheck(ctx, auth.FromContext(ctx)); err != nil {
			resp := graphql.ErrorResponse(ctx, "%s", kg.ClientMessage(err))
			resp.Errors[0].Extensions = map[string]any{"code": string(kg.ErrorCode(err))}
			return graphql.OneShot(resp)
		}
	}
	return next(ctx)
}
