package httpapi

import (
	"context"
	"net/http"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"marrakechgraph/auth"
	"marrakechgraph/kg"
)

// Close codes of the graphql-transport-ws protocol and of RFC 6455 that
// the API closes subscription connections with. A client such as
// graphql-ws does not reconnect after 4401; after 4403 it may try once,
// and its revoked key then meets 4401.
const (
	// closeUnauthorized: connection_init carried a wrong, unknown or
	// malformed key (no key at all is the public role, and accepted).
	closeUnauthorized = 4401
	// closeForbidden: the connection's key was revoked while it was open;
	// an error message for the operation precedes the close.
	closeForbidden = 4403
	// closeTryAgainLater: the key could not be checked (store unreachable).
	closeTryAgainLater = 1013
	// closeInternalError: the key could not be checked for another reason.
	closeInternalError = 1011
)

// websocketInit authenticates a subscription connection from the
// connection_init payload: {"Authorization": "Bearer <token>"}. Without it
// the connection is public; a wrong key closes it with 4401 Unauthorized.
func websocketInit(keys Keys) transport.WebsocketInitFunc {
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
			return refuseInit(ctx, kg.Errorf(kg.CodeUnauthenticated, "use Authorization: Bearer <API key>"))
		}
		p, err := keys.Verify(ctx, strings.TrimSpace(token))
		if err != nil {
			return refuseInit(ctx, err)
		}
		return auth.WithPrincipal(ctx, p), nil, nil
	}
}

// refuseInit ends a connection whose key was refused, with the close code
// that tells the client whether to try again.
func refuseInit(ctx context.Context, err error) (context.Context, *transport.InitPayload, error) {
	code, reason := closeInternalError, "Internal Server Error"
	switch kg.ErrorCode(err) {
	case kg.CodeUnauthenticated:
		code, reason = closeUnauthorized, "Unauthorized"
	case kg.CodeUnavailable:
		code, reason = closeTryAgainLater, "Try Again Later"
	}
	ctx = transport.WithWebsocketCloseCode(ctx, code)
	ctx = transport.AppendCloseReason(ctx, reason)
	return ctx, nil, err
}

type longLivedKey struct{}

// wsSession is one websocket connection, reachable from the contexts of
// its operations so that it can be closed with a protocol close code.
type wsSession struct {
	mu   sync.Mutex
	conn transport.WebsocketConn
}

type wsSessionKey struct{}

// closeWith closes the connection with code and reason; later closes of
// the transport find the close handshake under way and leave it be.
func (s *wsSession) closeWith(code int, reason string) {
	s.mu.Lock()
	conn := s.conn
	s.mu.Unlock()
	if conn != nil {
		_ = conn.WriteClose(code, reason)
	}
}

// withWebsocketSessions gives every upgrade request a wsSession, filled in
// by sessionWebsockets when the connection is accepted.
func withWebsocketSessions(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" {
			r = r.WithContext(context.WithValue(r.Context(), wsSessionKey{}, &wsSession{}))
		}
		next.ServeHTTP(w, r)
	})
}

// sessionWebsockets accepts websockets as its Implementation does and
// records each connection in the request's wsSession.
type sessionWebsockets struct {
	transport.WebsocketImplementation
}

func (i sessionWebsockets) Accept(w http.ResponseWriter, r *http.Request, o transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	conn, err := i.WebsocketImplementation.Accept(w, r, o)
	if err != nil {
		return nil, err
	}
	if s, ok := r.Context().Value(wsSessionKey{}).(*wsSession); ok {
		s.mu.Lock()
		s.conn = conn
		s.mu.Unlock()
	}
	return conn, nil
}

// recheckKeys refuses, on a long-lived connection, every operation whose
// key has been revoked since the connection was opened, and ends with an
// error a subscription that stopped because its key was revoked. Either
// way the client gets an error message for the operation, then the
// connection closes with 4403 Forbidden.
type recheckKeys struct{ keys Keys }

var (
	_ graphql.HandlerExtension     = recheckKeys{}
	_ graphql.OperationInterceptor = recheckKeys{}
)

func (recheckKeys) ExtensionName() string                   { return "RecheckKeys" }
func (recheckKeys) Validate(graphql.ExecutableSchema) error { return nil }

func (e recheckKeys) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if long, _ := ctx.Value(longLivedKey{}).(bool); !long {
		return next(ctx)
	}
	if err := e.keys.Recheck(ctx, auth.FromContext(ctx)); err != nil {
		return func(ctx context.Context) *graphql.Response {
			endOperation(ctx, err)
			return nil
		}
	}
	rh := next(ctx)
	if op := graphql.GetOperationContext(ctx); op.Operation == nil || op.Operation.Operation != ast.Subscription {
		return rh
	}
	return func(ctx context.Context) *graphql.Response {
		resp := rh(ctx)
		if resp == nil && ctx.Err() == nil {
			// The stream ended without the client asking: the resolver
			// stops at once when the key is revoked.
			if err := e.keys.Recheck(context.WithoutCancel(ctx), auth.FromContext(ctx)); err != nil {
				endOperation(ctx, err)
			}
		}
		return resp
	}
}

// endOperation makes the transport answer the operation with an error
// message for err and, for a revoked key, closes the connection with 4403
// once that message is sent (the transport cancels the operation's context
// right after).
func endOperation(ctx context.Context, err error) {
	code := kg.ErrorCode(err)
	msg := kg.ClientMessage(err)
	if code == kg.CodeInternal {
		msg = "internal error"
	}
	transport.AddSubscriptionError(ctx, &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": string(code)}})
	if code != kg.CodeUnauthenticated {
		return
	}
	s, ok := ctx.Value(wsSessionKey{}).(*wsSession)
	if !ok {
		return
	}
	go func() {
		<-ctx.Done()
		s.closeWith(closeForbidden, "Forbidden")
	}()
}
