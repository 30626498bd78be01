// Package graphiql serves the GraphiQL page of Marrakech Graph without any
// CDN: GraphiQL and React are embedded in the binary and served from the
// same origin, each with Subresource Integrity, under a Content-Security-Policy
// that admits no inline script, no eval and nothing from another origin.
//
// Mount the handler at "/" (or under any prefix ending in "/", with
// http.StripPrefix): it answers the page at "/" and the files under
// AssetsPath, and 404 for anything else.
package graphiql

import (
	"bytes"
	"crypto/rand"
	_ "embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"marrakechgraph/webpage"
)

const (
	// DefaultTitle is the page title when Options.Title is empty.
	DefaultTitle = "Marrakech Graph"
	// DefaultEndpoint is the GraphQL endpoint when Options.Endpoint is empty.
	DefaultEndpoint = "/query"
	// DefaultStorageNamespace prefixes the keys GraphiQL keeps in the
	// browser's localStorage when Options.StorageNamespace is empty.
	DefaultStorageNamespace = "marrakechgraph"
	// AssetsPath is where the handler serves scripts, stylesheets and
	// licences, relative to where it is mounted.
	AssetsPath = "/graphiql/assets/"
)

// DefaultQuery is the example the page opens with when Options.DefaultQuery
// is empty: how each Marrakech commitment maps to support channels, with the
// actions that lead to each channel.
const DefaultQuery = `query CommitmentChannels {
  commitments {
    id
    name
    pillar
    supportChannels {
      channel { id name acronym }
      via { id name }
    }
  }
}`

// Options configure the page. The zero value is the Marrakech Graph page
// querying DefaultEndpoint.
type Options struct {
	// Title of the page; DefaultTitle when empty.
	Title string
	// Endpoint is the GraphQL endpoint the page queries: a path on the same
	// origin ("/query") or an absolute http(s) URL, whose origin is then
	// added to the page's connect-src. DefaultEndpoint when empty.
	Endpoint string
	// DefaultQuery fills the first tab of a browser that has no GraphiQL
	// tabs saved yet; the package's DefaultQuery when empty.
	DefaultQuery string
	// StorageNamespace prefixes GraphiQL's localStorage keys;
	// DefaultStorageNamespace when empty.
	StorageNamespace string
	// ExplorerURL, when set, is the address of the graph explorer, which
	// the page links to.
	ExplorerURL string
}

//go:embed page.html
var pageHTML string

var pageTemplate = template.Must(template.New("page").Parse(pageHTML))

// pageConfig is read by the page's boot script.
type pageConfig struct {
	Endpoint         string `json:"endpoint"`
	DefaultQuery     string `json:"defaultQuery"`
	StorageNamespace string `json:"storageNamespace"`
}

type pageRef struct {
	URL       string
	Integrity string
}

type pageData struct {
	Title       string
	Endpoint    string
	ExplorerURL string
	Config      pageConfig
	Nonce       string
	PageCSS     pageRef
	GraphiQLCSS pageRef
	React       pageRef
	ReactDOM    pageRef
	GraphiQLJS  pageRef
	Boot        pageRef
}

type handler struct {
	assets     *catalog
	data       pageData
	connectSrc string
}

// Handler returns the handler of the page and its assets. It panics if
// opts.Endpoint is neither a URL path nor an absolute http or https URL.
func Handler(opts Options) http.Handler {
	if opts.Title == "" {
		opts.Title = DefaultTitle
	}
	if opts.Endpoint == "" {
		opts.Endpoint = DefaultEndpoint
	}
	if opts.DefaultQuery == "" {
		opts.DefaultQuery = DefaultQuery
	}
	if opts.StorageNamespace == "" {
		opts.StorageNamespace = DefaultStorageNamespace
	}
	connectSrc, err := connectSources(opts.Endpoint)
	if err != nil {
		panic("graphiql: " + err.Error())
	}
	c := loadCatalog()
	ref := func(file string) pageRef {
		a := c.byFile[file]
		return pageRef{URL: strings.TrimPrefix(AssetsPath, "/") + a.name, Integrity: a.integrity}
	}
	return &handler{
		assets:     c,
		connectSrc: connectSrc,
		data: pageData{
			Title:       opts.Title,
			Endpoint:    opts.Endpoint,
			ExplorerURL: opts.ExplorerURL,
			Config: pageConfig{
				Endpoint:         opts.Endpoint,
				DefaultQuery:     opts.DefaultQuery,
				StorageNamespace: opts.StorageNamespace,
			},
			PageCSS:     ref(pageCSSFile),
			GraphiQLCSS: ref(graphiqlCSS.path),
			React:       ref(reactJS.path),
			ReactDOM:    ref(reactDOMJS.path),
			GraphiQLJS:  ref(graphiqlJS.path),
			Boot:        ref(bootFile),
		},
	}
}

// connectSources is the connect-src of the page's policy for an endpoint.
func connectSources(endpoint string) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return "", fmt.Errorf("endpoint %q: %w", endpoint, err)
	}
	if u.Scheme == "" && u.Host == "" {
		return "'self'", nil
	}
	var ws string
	switch u.Scheme {
	case "http":
		ws = "ws"
	case "https":
		ws = "wss"
	default:
		return "", fmt.Errorf("endpoint %q: want a path or an http(s) URL", endpoint)
	}
	if u.Host == "" || strings.ContainsAny(u.Host, " ;,'") {
		return "", fmt.Errorf("endpoint %q: invalid host", endpoint)
	}
	return "'self' " + u.Scheme + "://" + u.Host + " " + ws + "://" + u.Host, nil
}

// contentSecurityPolicy is the page's policy; nonce admits the <style>
// element GraphiQL's dialogs insert.
func (h *handler) contentSecurityPolicy(nonce string) string {
	return strings.Join([]string{
		"default-src 'none'",
		"script-src 'self'",
		"style-src 'self' 'nonce-" + nonce + "'",
		"img-src 'self' data:",
		"font-src 'self' data:",
		"connect-src " + h.connectSrc,
		"base-uri 'none'",
		"form-action 'none'",
		"frame-ancestors 'none'",
	}, "; ")
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "/":
		if !allowRead(w, r) {
			return
		}
		h.servePage(w, r)
	case strings.HasPrefix(p, AssetsPath):
		a := h.assets.byName[strings.TrimPrefix(p, AssetsPath)]
		if a == nil {
			http.NotFound(w, r)
			return
		}
		if !allowRead(w, r) {
			return
		}
		serveAsset(w, r, a)
	default:
		http.NotFound(w, r)
	}
}

func allowRead(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
	return false
}

func (h *handler) servePage(w http.ResponseWriter, r *http.Request) {
	data := h.data
	data.Nonce = rand.Text()
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, data); err != nil {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	webpage.WriteHTML(w, r, buf.Bytes(), h.contentSecurityPolicy(data.Nonce), "no-store")
}

func serveAsset(w http.ResponseWriter, r *http.Request, a *asset) {
	hdr := w.Header()
	hdr.Set("Content-Type", a.contentType)
	hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Vary", "Accept-Encoding")
	body, etag := a.body, a.etag
	if r.Header.Get("Range") == "" && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		body = a.gzipBody()
		etag = strings.TrimSuffix(etag, `"`) + `-gzip"`
		hdr.Set("Content-Encoding", "gzip")
	}
	hdr.Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether an Accept-Encoding header admits gzip.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		for _, p := range strings.Split(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(k, "q") {
				v = strings.TrimSpace(v)
				return strings.Trim(v, "0.") != ""
			}
		}
		return true
	}
	return false
}
