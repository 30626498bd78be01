// Package httpapi serves Marrakech Graph over HTTP: the GraphQL endpoint
// (gqlgen, GET and POST, persisted queries, a query cache and limits on
// each operation's cost), health and readiness probes, CORS, request logging and the page
// mounted at the root (GraphiQL).
package httpapi

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	coderws "github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"

	"marrakechgraph/auth"
	"marrakechgraph/cost"
	"marrakechgraph/kg"
)

// Keys checks the API keys requests carry (auth.Keys).
type Keys interface {
	Verify(ctx context.Context, token string) (auth.Principal, error)
	Recheck(ctx context.Context, p auth.Principal) error
}

// Store is what the HTTP API reads of the store itself: the public graph
// it exports, whether the store can serve, and its version, which the
// answer cache keys on.
type Store interface {
	kg.Finder
	kg.NeighborReader
	Versioner
	Ping(ctx context.Context) error
}

// Options configure the HTTP API.
type Options struct {
	// Schema runs GraphQL operations: the resolvers over the services.
	Schema graphql.ExecutableSchema
	// Keys checks the API keys of requests and of subscriptions.
	Keys Keys
	// Store serves the exports and tells readiness.
	Store Store
	// Logger receives request logs and internal errors.
	Logger *slog.Logger
	// CORSOrigins are the origins allowed to call the API from a browser,
	// over HTTP and WebSockets; "*" allows any. Empty allows none
	// (same-origin only). Check them with CheckOrigins first: New allows
	// none of a list that does not pass.
	CORSOrigins []string
	// Root is served at "/" and below (GraphiQL); nil serves nothing there.
	Root http.Handler
	// Limits bound each operation's cost, depth and fields before it runs;
	// zero values take cost's defaults.
	Limits cost.Limits
	// RateLimits bound how often one client may call /query and /export;
	// zero values mean no limit.
	RateLimits RateLimits
	// RequestTimeout bounds the time of a request to /query (but for
	// subscriptions) or /export; 0 means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// MaxResponseBytes bounds an answer of /query; 0 means
	// DefaultMaxResponseBytes.
	MaxResponseBytes int
	// ResponseCacheBytes bounds the memory of the answer cache (answers of
	// the public graph kept for one store version); 0 means
	// respcache.DefaultMaxBytes, and a negative value turns it off.
	ResponseCacheBytes int64
	// PublicMaxAge is how long browsers and CDNs may keep the answer to a
	// persisted query asked by GET without a key; 0 means
	// DefaultPublicMaxAge.
	PublicMaxAge time.Duration
}

// Limits of the GraphQL endpoint.
const (
	maxBodyBytes = 1 << 20
	// DefaultRequestTimeout leaves the Neo4j driver's retries (at most 10 s)
	// room to finish within the request.
	DefaultRequestTimeout = 15 * time.Second
	// DefaultMaxResponseBytes is above the largest answer the default cost
	// limit lets through.
	DefaultMaxResponseBytes = 32 << 20
	queryCacheSize          = 1000
	persistedQueryCacheSz   = 1000
	readyTimeout            = 3 * time.Second
)

// New returns the API's HTTP handler.
func New(o Options) http.Handler {
	if o.Store == nil {
		panic("httpapi: Options.Store is required")
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	m := newMetrics()
	mux := http.NewServeMux()
	rl := newRateLimiter(o.RateLimits, m)
	mux.Handle("/query", graphQL(o, m, rl))
	// Metrics show when and how much the API is used, threat log included:
	// they are for operators, with an admin key (a Prometheus bearer token).
	mux.Handle("GET /metrics", authenticate(o.Keys, o.Logger, requirePermission(auth.ManageKeys, m.handler())))
	mux.Handle("GET /export/", rl.beforeAuth(exportWeight, rl.afterAuth(exportWeight, withDeadline(o.RequestTimeout, exportHandler(o.Store, o.Logger, publicMaxAge(o.PublicMaxAge))))))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		if err := o.Store.Ping(ctx); err != nil {
			o.Logger.Warn("not ready", "err", err)
			store := "unreachable"
			if kg.ErrorCode(err) == kg.CodeUnavailable {
				store = kg.ClientMessage(err)
			}
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "store": store})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	if o.Root != nil {
		mux.Handle("/", o.Root)
	}
	var h http.Handler = mux
	h = allowedOrigins(o).cors().Handler(h)
	h = noSniff(h)
	h = logRequests(o.Logger, m, h)
	return h
}

// GraphQL returns the GraphQL endpoint alone.
func GraphQL(o Options) http.Handler {
	m := newMetrics()
	return graphQL(o, m, newRateLimiter(o.RateLimits, m))
}

func graphQL(o Options, m *metrics, rl *rateLimiter) http.Handler {
	if o.Schema == nil || o.Keys == nil {
		panic("httpapi: Options.Schema and Options.Keys are required")
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	srv := handler.New(o.Schema)
	srv.AddTransport(transport.Websocket{
		KeepAlivePingInterval: 15 * time.Second,
		InitFunc:              websocketInit(o.Keys),
		// The origin rule was applied before the upgrade (refuseWebsocketsFrom).
		Implementation: sessionWebsockets{transport.CoderWebsocketImplementation{AcceptOptions: coderws.AcceptOptions{InsecureSkipVerify: true}}},
	})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(perPrincipal[*ast.QueryDocument]{lru.New[*ast.QueryDocument](queryCacheSize)})
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: perPrincipal[string]{lru.New[string](persistedQueryCacheSz)}})
	srv.Use(&cost.Extension{Limits: o.Limits})
	srv.Use(recheckKeys{o.Keys})
	srv.Use(&exactEnums{})
	srv.Use(metricsExtension{m})
	srv.Use(newCacheability(o.Schema.Schema()))
	srv.SetErrorPresenter(presentError(o.Logger, enumNames(o.Schema.Schema())))
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		o.Logger.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return kg.Errorf(kg.CodeInternal, "internal error")
	})
	return allowedOrigins(o).refuseWebsocketsFrom(noStore(limitBody(withDeadline(o.RequestTimeout, rl.beforeAuth(1, authenticate(o.Keys, o.Logger, rl.afterAuth(1, newAnswers(o, m).handler(withWebsocketSessions(negotiate(o.MaxResponseBytes, srv))))))), maxBodyBytes)))
}

// noStore keeps answers out of browser and shared caches: they may hold
// data only the caller's key may see.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Cache-Control"] = noStoreValue
		h["X-Content-Type-Options"] = nosniffValue
		next.ServeHTTP(w, r)
	})
}

// withDeadline bounds a request's time: when it passes, the request's
// context ends, store calls return and fields stop resolving. WebSocket
// subscriptions live as long as their connection.
func withDeadline(d time.Duration, next http.Handler) http.Handler {
	if d <= 0 {
		d = DefaultRequestTimeout
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// noSniff tells browsers to take every answer for the type it declares.
func noSniff(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["X-Content-Type-Options"] = nosniffValue
		next.ServeHTTP(w, r)
	})
}

// Header values set on (nearly) every answer, made once: a handler that
// adds to one gets a list of its own (their capacity is their length).
var (
	noStoreValue = []string{"no-store"}
	nosniffValue = []string{"nosniff"}
	varyAccept   = []string{"Accept"}
)

// limitBody refuses request bodies over limit bytes with 413 and a GraphQL
// error, before the GraphQL transport reads them.
func limitBody(next http.Handler, limit int64) http.Handler {
	tooLarge := func(w http.ResponseWriter) {
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]any{"errors": []map[string]any{{
			"message":    fmt.Sprintf("request body is larger than %d bytes", limit),
			"extensions": map[string]string{"code": string(kg.CodeBadUserInput)},
		}}})
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			tooLarge(w)
			return
		}
		if r.Body != nil && r.ContentLength < 0 {
			b, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
			if err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]any{"errors": []map[string]any{{
					"message": "could not read request body", "extensions": map[string]string{"code": string(kg.CodeBadUserInput)},
				}}})
				return
			}
			if int64(len(b)) > limit {
				tooLarge(w)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// allowedOrigins is the origin rule of the options; a list that does not
// pass CheckOrigins allows no other origin.
func allowedOrigins(o Options) origins {
	p, err := parseOrigins(o.CORSOrigins)
	if err != nil {
		o.Logger.Error("CORS origins refused: no other origin may call the API from a browser", "err", err)
		return origins{}
	}
	return p
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusRecorder) WriteHeader(code int) { s.status = code; s.ResponseWriter.WriteHeader(code) }

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Hijack hands the connection over for a websocket.
func (s *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(s.ResponseWriter).Hijack()
	if err == nil {
		s.status = http.StatusSwitchingProtocols
	}
	return conn, rw, err
}

// AccessLogMessage is the message of the line logged for every request.
const AccessLogMessage = "request"

// logRequests logs one line per request: never the query's variables or
// body, which may hold sensitive data.
func logRequests(log *slog.Logger, m *metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				log.Error("panic in handler", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if rec.status == 0 {
					writeJSON(rec, http.StatusInternalServerError, map[string]any{
						"errors": []map[string]any{{"message": "internal error", "extensions": map[string]string{"code": string(kg.CodeInternal)}}},
					})
				}
			}
			took := time.Since(start)
			m.observe(r.URL.Path, rec.status, took)
			level := slog.LevelInfo
			if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" || r.URL.Path == "/metrics" {
				level = slog.LevelDebug
			}
			log.LogAttrs(r.Context(), level, AccessLogMessage, slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.Int("status", rec.status), slog.Int64("bytes", int64(rec.bytes)), slog.Int64("duration_us", took.Microseconds()))
		}()
		next.ServeHTTP(rec, r)
	})
}
