package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"marrakechgraph/auth"
	"marrakechgraph/respcache"
)

// DefaultPublicMaxAge is how long a browser or a CDN may keep a public
// answer to a persisted query asked by GET.
const DefaultPublicMaxAge = 60 * time.Second

// Versioner tells the store's version: the last audit sequence number,
// which every change set moves on (kg.Store.LastSeq).
type Versioner interface {
	LastSeq(ctx context.Context) (uint64, error)
}

// answers serves repeated queries of the public graph from memory. An
// answer is kept for one store version and one role: it is served again
// only while the store has not changed, and only to callers of the role
// it was computed for (anonymous callers share theirs). Only queries that
// read nothing but the graph are kept: never the threat log, histories,
// API keys, the viewer, a mutation or a subscription (see cacheability).
//
// Every kept answer carries an ETag, and a request whose If-None-Match
// names it gets 304 Not Modified, by GET or POST. A persisted query asked
// by GET without a key may be kept by browsers and CDNs for maxAge
// (Cache-Control: public); every other answer stays no-store.
type answers struct {
	cache        *respcache.Cache
	store        Versioner
	maxAge       time.Duration
	cacheControl []string
	// aliases map the digest of a request's exact bytes to its answer's
	// key, so that a request repeated byte for byte is neither decoded nor
	// normalised again.
	aliasMu sync.Mutex
	aliases map[respcache.Key]respcache.Key
}

// maxAliases bounds the aliases; they are forgotten all at once beyond it.
const maxAliases = 4096

// newAnswers returns the answer cache of o, or nil when it is off.
func newAnswers(o Options, m *metrics) *answers {
	if o.ResponseCacheBytes < 0 || o.Store == nil {
		return nil
	}
	a := &answers{cache: respcache.New(o.ResponseCacheBytes), store: o.Store, maxAge: o.PublicMaxAge}
	if a.maxAge <= 0 {
		a.maxAge = DefaultPublicMaxAge
	}
	a.cacheControl = []string{"public, max-age=" + strconv.Itoa(int(a.maxAge.Seconds()))}
	a.aliases = map[respcache.Key]respcache.Key{}
	m.watchCache(a.cache)
	return a
}

// cacheNote is how the GraphQL layer tells the answer cache whether the
// operation it ran may be kept.
type cacheNote struct{ decided, cacheable atomic.Bool }

type cacheNoteKey struct{}

func noteFrom(ctx context.Context) *cacheNote {
	n, _ := ctx.Value(cacheNoteKey{}).(*cacheNote)
	return n
}

// request is what of a GraphQL request over HTTP decides its answer.
type request struct {
	Query         string          `json:"query"`
	OperationName string          `json:"operationName"`
	Variables     json.RawMessage `json:"variables"`
	Extensions    struct {
		PersistedQuery struct {
			Sha256Hash string `json:"sha256Hash"`
		} `json:"persistedQuery"`
	} `json:"extensions"`
}

// handler wraps the GraphQL endpoint next (after authentication).
func (a *answers) handler(next http.Handler) http.Handler {
	if a == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method != http.MethodGet && r.Method != http.MethodPost) ||
			strings.EqualFold(r.Header.Get("Upgrade"), "websocket") ||
			strings.Contains(strings.ToLower(r.Header.Get("Accept")), "multipart/") {
			next.ServeHTTP(w, r)
			return
		}
		p := auth.FromContext(r.Context())
		raw, buf, ok := rawKey(r, p)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		var body []byte
		if buf != nil {
			body = buf.Bytes()
		}
		// run lets the endpoint answer, reading the body again.
		run := func(w http.ResponseWriter, r *http.Request) {
			if buf != nil {
				r.Body = replay(body, r.Body)
			}
			next.ServeHTTP(w, r)
		}
		key, known := a.alias(raw)
		if !known {
			req, ok := decodeRequest(r, body)
			if !ok {
				run(w, r)
				return
			}
			if key, ok = answerKey(req, p, r.Header.Get("Accept")); !ok {
				run(w, r)
				return
			}
			a.remember(raw, key)
		}
		if a.cache.Refused(key) {
			run(w, r)
			return
		}
		version, err := a.store.LastSeq(r.Context())
		if err != nil {
			// Without the version no answer can be trusted or kept; the
			// operation runs, and says what the store says.
			run(w, r)
			return
		}
		// Public to browsers and CDNs: a persisted query by hash, by GET,
		// without a key.
		public := r.Method == http.MethodGet && p.KeyID == "" && r.URL.Query().Get("query") == ""
		if e, ok := a.cache.Get(key, version); ok {
			a.serve(w, r, e, public)
			// Nothing else read the body: its buffer serves again.
			putBodyBuffer(buf)
			return
		}
		note := &cacheNote{}
		rec := &answerRecorder{w: w, note: note, status: http.StatusOK}
		run(rec, r.WithContext(context.WithValue(r.Context(), cacheNoteKey{}, note)))
		if rec.passed {
			if note.decided.Load() && !note.cacheable.Load() {
				a.cache.Refuse(key)
			}
			return
		}
		if rec.status != http.StatusOK || bytes.HasPrefix(rec.body.Bytes(), []byte(`{"errors"`)) {
			rec.pass()
			return
		}
		answer := rec.body.Bytes() // the recorder is this request's alone
		e := &respcache.Entry{Version: version, Status: rec.status, ETag: respcache.ETag(answer), Body: answer}
		e.Header = http.Header{"Content-Type": {w.Header().Get("Content-Type")}, "Etag": {e.ETag}, "Content-Length": {strconv.Itoa(len(answer))}}
		a.cache.Put(key, e)
		a.serve(w, r, e, public)
	})
}

// serve writes a kept answer, or 304 when the client holds it already.
func (a *answers) serve(w http.ResponseWriter, r *http.Request, e *respcache.Entry, public bool) {
	h := w.Header()
	if h["Vary"] == nil {
		h["Vary"] = varyAccept
	} else {
		h.Add("Vary", "Accept")
	}
	if public {
		h["Cache-Control"] = a.cacheControl
	}
	if etagMatches(r.Header.Get("If-None-Match"), e.ETag) {
		h["Etag"] = e.Header["Etag"]
		h.Del("Content-Type")
		h.Del("Content-Length")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	for k, v := range e.Header {
		h[k] = v
	}
	w.WriteHeader(e.Status)
	_, _ = w.Write(e.Body)
}

// etagMatches applies If-None-Match's weak comparison (RFC 9110, 13.1.2).
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// rawKey digests what of a request's exact bytes its answer depends on:
// the role, the API key, the media types accepted and the operation (the
// query string of a GET, the body of a POST). It returns the body of a
// POST in a buffer (nil for a GET): the caller puts it back in r.Body
// (replay) before the endpoint reads it. ok is false for anything the
// endpoint should answer itself (a body it cannot read, another media
// type); r.Body then reads as it would have.
func rawKey(r *http.Request, p auth.Principal) (raw respcache.Key, body *bytes.Buffer, ok bool) {
	var k respcache.Keyer
	k.Add(r.Method).Add(string(p.Role)).Add(p.KeyID).Add(r.Header.Get("Accept"))
	switch r.Method {
	case http.MethodGet:
		k.Add(r.URL.RawQuery)
		return k.Key(), nil, true
	case http.MethodPost:
		if ct := r.Header.Get("Content-Type"); ct != mediaJSON {
			if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != mediaJSON {
				return raw, nil, false
			}
		}
		if r.Body == nil {
			return raw, nil, false
		}
		buf := bodyBuffers.Get().(*bytes.Buffer)
		buf.Reset()
		if _, err := buf.ReadFrom(r.Body); err != nil {
			// The endpoint reads the same bytes, and the same error after them.
			r.Body = replay(bytes.Clone(buf.Bytes()), r.Body)
			putBodyBuffer(buf)
			return raw, nil, false
		}
		k.AddBytes(buf.Bytes())
		return k.Key(), buf, true
	}
	return raw, nil, false
}

// bodyBuffers holds the buffers of bodies read by rawKey and answered
// from the cache.
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putBodyBuffer returns a body's buffer, unless it is nil or large.
func putBodyBuffer(b *bytes.Buffer) {
	if b != nil && b.Cap() <= 64<<10 {
		bodyBuffers.Put(b)
	}
}

// replay is a request body that reads body, then what rest still holds
// (after a failed read, the same error again).
func replay(body []byte, rest io.ReadCloser) io.ReadCloser {
	return struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(body), rest), rest}
}

func (a *answers) alias(raw respcache.Key) (respcache.Key, bool) {
	a.aliasMu.Lock()
	defer a.aliasMu.Unlock()
	key, ok := a.aliases[raw]
	return key, ok
}

func (a *answers) remember(raw, key respcache.Key) {
	a.aliasMu.Lock()
	defer a.aliasMu.Unlock()
	if len(a.aliases) >= maxAliases {
		clear(a.aliases)
	}
	a.aliases[raw] = key
}

// decodeRequest reads a GraphQL request's parameters from the query
// string of a GET or the body of a POST; ok is false for anything the
// endpoint should answer itself (a body it cannot decode, a batch).
func decodeRequest(r *http.Request, body []byte) (req request, ok bool) {
	if r.Method == http.MethodGet {
		q := r.URL.Query()
		req.Query, req.OperationName = q.Get("query"), q.Get("operationName")
		if v := q.Get("variables"); v != "" {
			req.Variables = json.RawMessage(v)
		}
		if ext := q.Get("extensions"); ext != "" {
			if json.Unmarshal([]byte(ext), &req.Extensions) != nil {
				return req, false
			}
		}
		return req, true
	}
	if json.Unmarshal(body, &req) != nil {
		return req, false
	}
	return req, true
}

// answerKey is what an answer depends on besides the store's version: the
// caller's role, the media type it accepts, the normalised document (or a
// persisted query's hash), the operation's name and the variables. A
// persisted query asked by hash alone is also kept apart by API key, as
// the server's persisted queries are: whether a hash is known never tells
// one key what another has asked.
func answerKey(req request, p auth.Principal, accept string) (respcache.Key, bool) {
	var k respcache.Keyer
	k.Add(string(p.Role)).Add(strings.ToLower(strings.TrimSpace(accept)))
	switch {
	case req.Query != "" && req.Extensions.PersistedQuery.Sha256Hash != "":
		// It registers a persisted query: the server must see it.
		return respcache.Key{}, false
	case req.Query != "":
		normal, ok := respcache.NormalizeQuery(req.Query)
		if !ok {
			return respcache.Key{}, false
		}
		k.Add("document").Add(normal)
	case req.Extensions.PersistedQuery.Sha256Hash != "":
		k.Add("persisted").Add(req.Extensions.PersistedQuery.Sha256Hash).Add(p.KeyID)
	default:
		return respcache.Key{}, false
	}
	k.Add(req.OperationName)
	vars, ok := canonicalJSON(req.Variables)
	if !ok {
		return respcache.Key{}, false
	}
	k.Add(vars)
	return k.Key(), true
}

// canonicalJSON rewrites a JSON value with sorted keys and no white space,
// so that equal variables give one key; "" for none.
func canonicalJSON(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) || bytes.Equal(raw, []byte("{}")) {
		return "", true
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return "", false
	}
	out, err := json.Marshal(v)
	if err != nil {
		return "", false
	}
	return string(out), true
}

// answerRecorder holds an answer back until the cache knows whether to
// keep it. Once the operation is known not to be kept, it writes through.
type answerRecorder struct {
	w      http.ResponseWriter
	note   *cacheNote
	status int
	wrote  bool
	passed bool
	body   bytes.Buffer
}

func (rr *answerRecorder) Header() http.Header { return rr.w.Header() }

func (rr *answerRecorder) WriteHeader(status int) {
	if rr.passed {
		rr.w.WriteHeader(status)
		return
	}
	if !rr.wrote {
		rr.status, rr.wrote = status, true
	}
	if !rr.note.cacheable.Load() {
		rr.pass()
	}
}

func (rr *answerRecorder) Write(b []byte) (int, error) {
	if !rr.wrote {
		rr.WriteHeader(http.StatusOK)
	}
	if rr.passed {
		return rr.w.Write(b)
	}
	return rr.body.Write(b)
}

// pass writes what was held back and everything after it straight through.
func (rr *answerRecorder) pass() {
	if rr.passed {
		return
	}
	rr.passed = true
	rr.w.WriteHeader(rr.status)
	if rr.body.Len() > 0 {
		_, _ = rr.w.Write(rr.body.Bytes())
		rr.body.Reset()
	}
}

// cacheability decides, once an operation is parsed and validated,
// whether its answer depends on nothing but the graph and the caller's
// role, and so may be kept.
type cacheability struct {
	schema *ast.Schema
	// sensitive are the types whose values belong to the threat log, the
	// audit log, API keys or the caller.
	sensitive map[string]bool
}

var (
	_ graphql.HandlerExtension     = cacheability{}
	_ graphql.OperationInterceptor = cacheability{}
)

func newCacheability(s *ast.Schema) cacheability {
	sensitive := map[string]bool{}
	for _, t := range []string{"ThreatIncident", "ThreatIncidentConnection", "ThreatIncidentEdge", "Response", "StatRow",
		"AuditEntry", "APIKey", "CreatedAPIKey", "Viewer", "ImportReport"} {
		sensitive[t] = true
	}
	return cacheability{schema: s, sensitive: sensitive}
}

func (cacheability) ExtensionName() string                   { return "AnswerCache" }
func (cacheability) Validate(graphql.ExecutableSchema) error { return nil }

func (c cacheability) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if note := noteFrom(ctx); note != nil {
		oc := graphql.GetOperationContext(ctx)
		note.cacheable.Store(oc.Operation != nil && oc.Operation.Operation == ast.Query &&
			c.selectionOK(oc.Operation.SelectionSet, auth.Allowed(ctx, auth.ReadIncidents), map[string]bool{}))
		note.decided.Store(true)
	}
	return next(ctx)
}

// selectionOK reports whether a selection reads only the public graph. A
// caller who may read incidents could meet them behind any interface that
// an incident implements (Node), so for such a caller those are refused
// too. Deferred fragments are never kept.
func (c cacheability) selectionOK(set ast.SelectionSet, readsIncidents bool, seen map[string]bool) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Definition == nil {
				if strings.HasPrefix(s.Name, "__") {
					continue
				}
				return false
			}
			if s.Definition.Directives.ForName("requires") != nil || !c.typeOK(s.Definition.Type.Name(), readsIncidents) {
				return false
			}
			if !c.selectionOK(s.SelectionSet, readsIncidents, seen) {
				return false
			}
		case *ast.InlineFragment:
			if s.Directives.ForName("defer") != nil || (s.TypeCondition != "" && !c.typeOK(s.TypeCondition, readsIncidents)) {
				return false
			}
			if !c.selectionOK(s.SelectionSet, readsIncidents, seen) {
				return false
			}
		case *ast.FragmentSpread:
			if s.Directives.ForName("defer") != nil || s.Definition == nil || !c.typeOK(s.Definition.TypeCondition, readsIncidents) {
				return false
			}
			if seen[s.Name] {
				continue
			}
			seen[s.Name] = true
			if !c.selectionOK(s.Definition.SelectionSet, readsIncidents, seen) {
				return false
			}
		}
	}
	return true
}

func (c cacheability) typeOK(name string, readsIncidents bool) bool {
	if c.sensitive[name] {
		return false
	}
	def := c.schema.Types[name]
	if def == nil || !readsIncidents || (def.Kind != ast.Interface && def.Kind != ast.Union) {
		return true
	}
	for _, t := range c.schema.GetPossibleTypes(def) {
		if c.sensitive[t.Name] {
			return false
		}
	}
	return true
}
