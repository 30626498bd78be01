package graphiql

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tag is one element of the page that loads a file.
type tag struct {
	name      string // "script" or "link"
	url       string // src or href, entities decoded
	integrity string
	nonce     string
	typ       string
}

var (
	tagRE  = regexp.MustCompile(`<(script|link)\b([^>]*)>`)
	attrRE = regexp.MustCompile(`([a-zA-Z-]+)="([^"]*)"`)
)

func parseTags(t *testing.T, page string) []tag {
	t.Helper()
	var tags []tag
	for _, m := range tagRE.FindAllStringSubmatch(page, -1) {
		tg := tag{name: m[1]}
		for _, a := range attrRE.FindAllStringSubmatch(m[2], -1) {
			v := html.UnescapeString(a[2])
			switch a[1] {
			case "src", "href":
				tg.url = v
			case "integrity":
				tg.integrity = v
			case "nonce":
				tg.nonce = v
			case "type":
				tg.typ = v
			}
		}
		tags = append(tags, tg)
	}
	require.NotEmpty(t, tags)
	return tags
}

func get(t *testing.T, h http.Handler, method, target string, header http.Header) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func getPage(t *testing.T, h http.Handler) (*httptest.ResponseRecorder, string) {
	t.Helper()
	rec := get(t, h, http.MethodGet, "/", nil)
	require.Equal(t, http.StatusOK, rec.Code)
	return rec, rec.Body.String()
}

// assetPath turns a URL of the page, served at "/", into a request path.
func assetPath(t *testing.T, ref string) string {
	t.Helper()
	base, _ := url.Parse("http://example.test/")
	u, err := base.Parse(ref)
	require.NoError(t, err)
	require.Equal(t, "example.test", u.Host, "%s leaves the page's origin", ref)
	return u.Path
}

// integrityOf returns the integrity attribute the page uses for a file inside
// assets/.
func integrityOf(t *testing.T, tags []tag, file string) string {
	t.Helper()
	a := loadCatalog().byFile[file]
	require.NotNil(t, a, file)
	for _, tg := range tags {
		if tg.url != "" && tg.url != "data:," && assetPath(t, tg.url) == AssetsPath+a.name {
			return tg.integrity
		}
	}
	t.Fatalf("the page does not load %s", file)
	return ""
}

func digests(b []byte) (string, string) {
	h256 := sha256.Sum256(b)
	h384 := sha512.Sum384(b)
	return "sha256-" + base64.StdEncoding.EncodeToString(h256[:]),
		"sha384-" + base64.StdEncoding.EncodeToString(h384[:])
}

func TestVendoredAssetsMatchPinnedDigestsAndPage(t *testing.T) {
	_, page := getPage(t, Handler(Options{}))
	tags := parseTags(t, page)
	require.Len(t, pinned, 4)
	for _, v := range pinned {
		body, err := fs.ReadFile(assetFS, "assets/"+v.path)
		require.NoError(t, err, v.path)
		s256, s384 := digests(body)
		assert.Equal(t, v.sha256, s256, "%s: pinned sha256", v.path)
		assert.Equal(t, v.sha384, s384, "%s: pinned sha384", v.path)
		assert.Equal(t, s256+" "+s384, integrityOf(t, tags, v.path), "%s: integrity in page", v.path)
	}
}

// The pinned digests are the ones gqlgen's CDN playground uses for the same
// versions, so the embedded files are the published ones.
func TestPinnedDigestsAgreeWithGqlgenPlayground(t *testing.T) {
	rec := httptest.NewRecorder()
	playground.Handler("x", "/query").ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	byURL := map[string]string{}
	for _, tg := range parseTags(t, rec.Body.String()) {
		if tg.url != "" {
			byURL[tg.url] = tg.integrity
		}
	}
	want := map[string]vendored{
		"https://cdn.jsdelivr.net/npm/graphiql@" + GraphiQLVersion + "/graphiql.min.js":               graphiqlJS,
		"https://cdn.jsdelivr.net/npm/graphiql@" + GraphiQLVersion + "/graphiql.min.css":              graphiqlCSS,
		"https://cdn.jsdelivr.net/npm/react@" + ReactVersion + "/umd/react.production.min.js":         reactJS,
		"https://cdn.jsdelivr.net/npm/react-dom@" + ReactVersion + "/umd/react-dom.production.min.js": reactDOMJS,
	}
	for u, v := range want {
		require.Contains(t, byURL, u)
		assert.Equal(t, byURL[u], v.sha256, u)
	}
}

func TestOwnAssetsIntegrityMatchesContent(t *testing.T) {
	_, page := getPage(t, Handler(Options{}))
	tags := parseTags(t, page)
	for _, file := range []string{bootFile, pageCSSFile} {
		body, err := fs.ReadFile(assetFS, "assets/"+file)
		require.NoError(t, err)
		s256, s384 := digests(body)
		assert.Equal(t, s256+" "+s384, integrityOf(t, tags, file), file)
	}
}

func TestPageLoadsNothingFromElsewhere(t *testing.T) {
	_, page := getPage(t, Handler(Options{}))
	assert.NotRegexp(t, `(?i)https?:`, page)
	assert.NotRegexp(t, `(?i)(src|href)="//`, page)
	for _, host := range []string{"jsdelivr", "unpkg", "cdnjs", "googleapis", "esm.sh"} {
		assert.NotContains(t, page, host)
	}
	loaded := 0
	for _, tg := range parseTags(t, page) {
		switch {
		case tg.name == "script" && tg.typ == "application/json":
			assert.Empty(t, tg.url)
		case tg.url == "data:,":
		default:
			p := assetPath(t, tg.url)
			assert.True(t, strings.HasPrefix(p, AssetsPath), p)
			assert.NotEmpty(t, tg.integrity, tg.url)
			loaded++
		}
	}
	assert.Equal(t, 6, loaded, "react, react-dom, graphiql js+css, boot script, page css")
}

func TestPageHasNoInlineScript(t *testing.T) {
	_, page := getPage(t, Handler(Options{}))
	blocks := regexp.MustCompile(`(?s)<script\b([^>]*)>(.*?)</script>`).FindAllStringSubmatch(page, -1)
	require.NotEmpty(t, blocks)
	for _, b := range blocks {
		if strings.Contains(b[1], `type="application/json"`) {
			continue
		}
		assert.Contains(t, b[1], "src=")
		assert.Empty(t, strings.TrimSpace(b[2]))
	}
	assert.NotContains(t, page, "<style")
	assert.NotContains(t, page, " style=")
	assert.NotRegexp(t, `\son[a-z]+=`, page)
}

func TestContentSecurityPolicy(t *testing.T) {
	h := Handler(Options{})
	rec, page := getPage(t, h)
	csp := rec.Header().Get("Content-Security-Policy")
	directives := map[string]string{}
	for _, d := range strings.Split(csp, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		directives[name] = value
	}
	assert.Equal(t, "'none'", directives["default-src"])
	assert.Equal(t, "'self'", directives["script-src"])
	assert.Equal(t, "'self'", directives["connect-src"])
	assert.Equal(t, "'none'", directives["frame-ancestors"])
	assert.Equal(t, "'none'", directives["base-uri"])
	assert.NotContains(t, csp, "unsafe-inline")
	assert.NotContains(t, csp, "unsafe-eval")
	assert.NotContains(t, csp, "*")

	var boot tag
	for _, tg := range parseTags(t, page) {
		if tg.nonce != "" {
			boot = tg
		}
	}
	require.NotEmpty(t, boot.nonce, "the boot script carries the style nonce")
	assert.Equal(t, AssetsPath+loadCatalog().byFile[bootFile].name, assetPath(t, boot.url))
	assert.Equal(t, "'self' 'nonce-"+boot.nonce+"'", directives["style-src"])
	assert.GreaterOrEqual(t, len(boot.nonce), 22)

	rec2, _ := getPage(t, h)
	assert.NotEqual(t, csp, rec2.Header().Get("Content-Security-Policy"), "a fresh nonce per page")
}

func TestPageHeaders(t *testing.T) {
	rec, page := getPage(t, Handler(Options{}))
	assert.Equal(t, "text/html; charset=utf-8", rec.Header().Get("Content-Type"))
	assert.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
	assert.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))
	assert.Contains(t, page, "<title>Marrakech Graph</title>")

	head := get(t, Handler(Options{}), http.MethodHead, "/", nil)
	assert.Equal(t, http.StatusOK, head.Code)
	assert.Zero(t, head.Body.Len())
	assert.NotEmpty(t, head.Header().Get("Content-Security-Policy"))
}

var configRE = regexp.MustCompile(`(?s)<script type="application/json" id="graphiql-config">(.*?)</script>`)

func pageConfigOf(t *testing.T, page string) pageConfig {
	t.Helper()
	m := configRE.FindStringSubmatch(page)
	require.NotNil(t, m, "config block")
	var c pageConfig
	require.NoError(t, json.Unmarshal([]byte(m[1]), &c))
	return c
}

func TestDefaultQuery(t *testing.T) {
	assert.Equal(t, "query CommitmentChannels {\n  commitments {\n    id\n    name\n    pillar\n    supportChannels {\n      channel { id name acronym }\n      via { id name }\n    }\n  }\n}", DefaultQuery)

	_, page := getPage(t, Handler(Options{}))
	c := pageConfigOf(t, page)
	assert.Equal(t, DefaultQuery, c.DefaultQuery)
	assert.Equal(t, "/query", c.Endpoint)
	assert.Equal(t, DefaultStorageNamespace, c.StorageNamespace)
}

func TestOptionsOverrideDefaults(t *testing.T) {
	q := "{ nodes(ids: [\"commitment:early-warning\"]) { id } } </script><script>alert(1)</script>"
	_, page := getPage(t, Handler(Options{
		Title:            "Analysts & <friends>",
		Endpoint:         "/api/graphql",
		DefaultQuery:     q,
		StorageNamespace: "staging",
	}))
	assert.Contains(t, page, "<title>Analysts &amp; &lt;friends&gt;</title>")
	assert.NotContains(t, page, "alert(1)</script>", "the query cannot close the config block")
	c := pageConfigOf(t, page)
	assert.Equal(t, q, c.DefaultQuery)
	assert.Equal(t, "/api/graphql", c.Endpoint)
	assert.Equal(t, "staging", c.StorageNamespace)
}

func TestAbsoluteEndpointIsAllowedToConnect(t *testing.T) {
	rec, _ := getPage(t, Handler(Options{Endpoint: "https://api.example.org/query"}))
	assert.Contains(t, rec.Header().Get("Content-Security-Policy"),
		"connect-src 'self' https://api.example.org wss://api.example.org;")

	for _, bad := range []string{"javascript:alert(1)", "ftp://x/y", "http:///nohost", "http://a b/", "%zz"} {
		assert.Panics(t, func() { Handler(Options{Endpoint: bad}) }, bad)
	}
}

func TestAssetsServed(t *testing.T) {
	h := Handler(Options{})
	_, page := getPage(t, h)
	types := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
	for _, tg := range parseTags(t, page) {
		if tg.url == "" || tg.url == "data:," {
			continue
		}
		p := assetPath(t, tg.url)
		t.Run(p, func(t *testing.T) {
			rec := get(t, h, http.MethodGet, p, nil)
			require.Equal(t, http.StatusOK, rec.Code)
			ext := p[strings.LastIndex(p, "."):]
			assert.Equal(t, types[ext], rec.Header().Get("Content-Type"))
			assert.Equal(t, "public, max-age=31536000, immutable", rec.Header().Get("Cache-Control"))
			assert.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))
			assert.Empty(t, rec.Header().Get("Content-Encoding"))
			s256, s384 := digests(rec.Body.Bytes())
			assert.Equal(t, tg.integrity, s256+" "+s384, "served bytes match the integrity attribute")

			etag := rec.Header().Get("ETag")
			require.NotEmpty(t, etag)
			notModified := get(t, h, http.MethodGet, p, http.Header{"If-None-Match": {etag}})
			assert.Equal(t, http.StatusNotModified, notModified.Code)

			zipped := get(t, h, http.MethodGet, p, http.Header{"Accept-Encoding": {"br, gzip;q=0.8"}})
			require.Equal(t, http.StatusOK, zipped.Code)
			assert.Equal(t, "gzip", zipped.Header().Get("Content-Encoding"))
			assert.Equal(t, "Accept-Encoding", zipped.Header().Get("Vary"))
			assert.NotEqual(t, etag, zipped.Header().Get("ETag"))
			zr, err := gzip.NewReader(zipped.Body)
			require.NoError(t, err)
			plain, err := io.ReadAll(zr)
			require.NoError(t, err)
			assert.True(t, bytes.Equal(rec.Body.Bytes(), plain), "gzip body decodes to the asset")

			head := get(t, h, http.MethodHead, p, nil)
			assert.Equal(t, http.StatusOK, head.Code)
			assert.Zero(t, head.Body.Len())

			post := get(t, h, http.MethodPost, p, nil)
			assert.Equal(t, http.StatusMethodNotAllowed, post.Code)
		})
	}
}

func TestMountedUnderPrefix(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/ui/", http.StripPrefix("/ui", Handler(Options{})))
	rec := get(t, mux, http.MethodGet, "/ui/", nil)
	require.Equal(t, http.StatusOK, rec.Code)
	base, _ := url.Parse("http://example.test/ui/")
	n := 0
	for _, tg := range parseTags(t, rec.Body.String()) {
		if tg.url == "" || tg.url == "data:," {
			continue
		}
		u, err := base.Parse(tg.url)
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(u.Path, "/ui"+AssetsPath), u.Path)
		assert.Equal(t, http.StatusOK, get(t, mux, http.MethodGet, u.Path, nil).Code, u.Path)
		n++
	}
	assert.Equal(t, 6, n)
}

func TestUnknownPathsAreNotFound(t *testing.T) {
	h := Handler(Options{})
	for _, p := range []string{
		AssetsPath + "nope.js",
		AssetsPath + "app/boot.js",
		AssetsPath + "app/boot.000000000000.js",
		AssetsPath + "graphiql-4.1.2/graphiql.min.js.map",
		AssetsPath + "graphiql-4.1.2/",
		AssetsPath,
		"/graphiql/assets",
		"/graphiql/",
		"/index.html",
		"/query",
		"/favicon.ico",
	} {
		rec := get(t, h, http.MethodGet, p, nil)
		assert.Equal(t, http.StatusNotFound, rec.Code, p)
		assert.Empty(t, rec.Header().Get("Cache-Control"), p)
	}
	assert.Equal(t, http.StatusMethodNotAllowed, get(t, h, http.MethodPost, "/", nil).Code)
}

func TestLicensesPresentAndServed(t *testing.T) {
	h := Handler(Options{})
	require.Len(t, licenses, 3)
	holders := map[string]string{
		"graphiql-" + GraphiQLVersion + "/LICENSE": "GraphQL Contributors",
		"react-" + ReactVersion + "/LICENSE":       "Facebook, Inc. and its affiliates",
		"react-dom-" + ReactVersion + "/LICENSE":   "Facebook, Inc. and its affiliates",
	}
	for _, l := range licenses {
		body, err := fs.ReadFile(assetFS, "assets/"+l)
		require.NoError(t, err, l)
		assert.True(t, strings.HasPrefix(string(body), "MIT License"), l)
		assert.Contains(t, string(body), "Copyright (c)", l)
		assert.Contains(t, string(body), holders[l], l)
		assert.Contains(t, string(body), "THE SOFTWARE IS PROVIDED \"AS IS\"", l)

		rec := get(t, h, http.MethodGet, AssetsPath+l, nil)
		assert.Equal(t, http.StatusOK, rec.Code, l)
		assert.Equal(t, "text/plain; charset=utf-8", rec.Header().Get("Content-Type"), l)
		assert.Equal(t, body, rec.Body.Bytes(), l)
	}
	for _, v := range pinned {
		dir := v.path[:strings.Index(v.path, "/")]
		assert.Contains(t, licenses, dir+"/LICENSE", "licence next to %s", v.path)
	}
}

func TestAcceptsGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"":                        false,
		"gzip":                    true,
		"GZIP":                    true,
		"deflate, gzip":           true,
		"br;q=1, gzip;q=0.5":      true,
		"gzip;q=0":                false,
		"gzip; q=0.000":           false,
		"gzip;q=0.001":            true,
		"x-gzip, br":              false,
		"identity":                false,
		"deflate;q=1, gzip ; q=1": true,
	} {
		assert.Equal(t, want, acceptsGzip(header), header)
	}
}
