// Package explorer serves the graph explorer of Marrakech Graph: a page
// that draws the knowledge graph with Cytoscape.js, from the public GraphQL
// API alone. It shows the commitment → support-channel map (the Marrakech
// commitments, their pillars, the actions that advance them and the channels
// those actions name), an entity's neighbourhood with the citations of
// whatever is clicked, and an activation plan for an NHRI or a country and a
// situation.
//
// Like the GraphiQL page, it works offline: Cytoscape.js is embedded in the
// binary (its minified build, as published on npm, with its licence and a
// pinned SHA-256), every file is served from the same origin with
// Subresource Integrity, and the page's Content-Security-Policy admits no
// inline script, no eval and nothing from another origin.
//
// Mount the handler at Path and under Path+"/": it answers the page at Path
// and the files under Path+AssetsDir, and 404 for anything else.
package explorer

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"marrakechgraph/webpage"
)

const (
	// Path is where the page is served.
	Path = "/explore"
	// AssetsDir is where its files are served, under Path.
	AssetsDir = "/assets/"
	// Endpoint is the GraphQL endpoint the page queries, on the same origin.
	Endpoint = "/query"
	// CytoscapeVersion is the version of the vendored Cytoscape.js, as
	// published on npm.
	CytoscapeVersion = "3.34.4"
	// CytoscapeSHA256 is the SHA-256 of the vendored cytoscape.min.js, the
	// file of the npm package's dist/ folder.
	CytoscapeSHA256 = "081591ab735b2b6a3b31a3c60f8f3a3e2fee8c92939e0c7820ad1208571b6cd8"
)

// Files inside assets/.
const (
	cytoscapeJS      = "cytoscape-" + CytoscapeVersion + "/cytoscape.min.js"
	cytoscapeLicense = "cytoscape-" + CytoscapeVersion + "/LICENSE"
	appJS            = "app/explore.js"
	appCSS           = "app/explore.css"
)

//go:embed assets
var assetFS embed.FS

//go:embed page.html
var pageHTML string

var pageTemplate = template.Must(template.New("page").Parse(pageHTML))

// asset is one file served under Path+AssetsDir.
type asset struct {
	name        string // path under AssetsDir
	body        []byte
	contentType string
	etag        string
	integrity   string
}

type pageRef struct {
	URL       string
	Integrity string
}

type pageData struct {
	Endpoint  string
	Cytoscape pageRef
	App       pageRef
	CSS       pageRef
	License   string
	Version   string
}

type handler struct {
	byName map[string]*asset
	data   pageData
}

var loadAssets = sync.OnceValues(func() (map[string]*asset, error) { return buildAssets(assetFS) })

// Handler returns the handler of the page and its files. It panics if an
// embedded file is missing or the vendored Cytoscape.js does not match its
// pinned digest.
func Handler() http.Handler {
	byName, err := loadAssets()
	if err != nil {
		panic("explorer: " + err.Error())
	}
	byFile := map[string]*asset{}
	for _, a := range byName {
		byFile[fileOf(a.name)] = a
	}
	ref := func(file string) pageRef {
		a := byFile[file]
		return pageRef{URL: Path + AssetsDir + a.name, Integrity: a.integrity}
	}
	return &handler{byName: byName, data: pageData{
		Endpoint:  Endpoint,
		Cytoscape: ref(cytoscapeJS),
		App:       ref(appJS),
		CSS:       ref(appCSS),
		License:   Path + AssetsDir + cytoscapeLicense,
		Version:   CytoscapeVersion,
	}}
}

// fileOf is the file inside assets/ of an asset's served name: the app's
// files are served under names that carry a digest of their content.
func fileOf(name string) string {
	if !strings.HasPrefix(name, "app/") {
		return name
	}
	ext := path.Ext(name)
	base := strings.TrimSuffix(name, ext)
	if i := strings.LastIndexByte(base, '.'); i >= 0 {
		base = base[:i]
	}
	return base + ext
}

// buildAssets reads the embedded files and checks the vendored one.
func buildAssets(fsys fs.FS) (map[string]*asset, error) {
	root, err := fs.Sub(fsys, "assets")
	if err != nil {
		return nil, fmt.Errorf("assets: %w", err)
	}
	byName := map[string]*asset{}
	err = fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(root, p)
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		sum := sha256.Sum256(body)
		a := &asset{
			name:        p,
			body:        body,
			contentType: webpage.ContentType(p),
			etag:        webpage.ETag(body),
			integrity:   webpage.Integrity(body),
		}
		if p == cytoscapeJS && hex.EncodeToString(sum[:]) != CytoscapeSHA256 {
			return fmt.Errorf("%s: SHA-256 %x, want %s", p, sum, CytoscapeSHA256)
		}
		if strings.HasPrefix(p, "app/") {
			a.name = webpage.Fingerprinted(p, body)
		}
		byName[a.name] = a
		return nil
	})
	if err != nil {
		return nil, err
	}
	files := map[string]bool{}
	for name := range byName {
		files[fileOf(name)] = true
	}
	for _, f := range []string{cytoscapeJS, cytoscapeLicense, appJS, appCSS} {
		if !files[f] {
			return nil, fmt.Errorf("asset %s is not embedded", f)
		}
	}
	return byName, nil
}

// contentSecurityPolicy admits the page's own files and its GraphQL
// endpoint, nothing inline and nothing from elsewhere.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	p := r.URL.Path
	switch {
	case p == Path || p == Path+"/":
		h.servePage(w, r)
	case strings.HasPrefix(p, Path+AssetsDir):
		a := h.byName[strings.TrimPrefix(p, Path+AssetsDir)]
		if a == nil {
			http.NotFound(w, r)
			return
		}
		hdr := w.Header()
		hdr.Set("Content-Type", a.contentType)
		hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
		hdr.Set("X-Content-Type-Options", "nosniff")
		hdr.Set("ETag", a.etag)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
	default:
		http.NotFound(w, r)
	}
}

func (h *handler) servePage(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, h.data); err != nil {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	webpage.WriteHTML(w, r, buf.Bytes(), contentSecurityPolicy, "no-cache")
}
