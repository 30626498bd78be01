package explorer

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestVendoredCytoscape: the embedded Cytoscape.js is the file pinned by
// its SHA-256, its licence is next to it, and, where npm ci has run, it is
// byte for byte the npm package's dist/cytoscape.min.js of the same version.
func TestVendoredCytoscape(t *testing.T) {
	body, err := assetFS.ReadFile("assets/" + cytoscapeJS)
	require.NoError(t, err)
	sum := sha256.Sum256(body)
	assert.Equal(t, CytoscapeSHA256, hex.EncodeToString(sum[:]))
	assert.Contains(t, string(body[:400]), "The Cytoscape Consortium", "the minified build keeps its copyright notice")

	license, err := assetFS.ReadFile("assets/" + cytoscapeLicense)
	require.NoError(t, err)
	assert.Contains(t, string(license), "Permission is hereby granted, free of charge")

	npm := filepath.Join("..", "node_modules", "cytoscape")
	pkg, err := os.ReadFile(filepath.Join(npm, "package.json"))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("node_modules/cytoscape is required in CI (run npm ci): %v", err)
		}
		t.Skipf("node_modules/cytoscape missing (run npm ci): %v", err)
	}
	assert.Regexp(t, `"version":\s*"`+regexp.QuoteMeta(CytoscapeVersion)+`"`, string(pkg))
	fromNPM, err := os.ReadFile(filepath.Join(npm, "dist", "cytoscape.min.js"))
	require.NoError(t, err)
	assert.True(t, string(fromNPM) == string(body), "the vendored file is the npm package's")
}

// TestPinnedDigestIsChecked: a Cytoscape.js that is not the pinned file is
// refused when the assets are read.
func TestPinnedDigestIsChecked(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, f := range []string{cytoscapeLicense, appJS, appCSS} {
		b, err := assetFS.ReadFile("assets/" + f)
		require.NoError(t, err)
		fsys["assets/"+f] = &fstest.MapFile{Data: b}
	}
	fsys["assets/"+cytoscapeJS] = &fstest.MapFile{Data: []byte("/* not Cytoscape.js */")}
	_, err := buildAssets(fsys)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "SHA-256")

	delete(fsys, "assets/"+cytoscapeJS)
	_, err = buildAssets(fsys)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not embedded")
}

func get(t *testing.T, h http.Handler, method, path string) *http.Response {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec.Result()
}

// TestPage: the page loads its scripts and stylesheet from the same origin
// with Subresource Integrity, under a policy that admits nothing inline and
// nothing from elsewhere; every file it names is served, immutable.
func TestPage(t *testing.T) {
	h := Handler()
	res := get(t, h, http.MethodGet, Path)
	require.Equal(t, http.StatusOK, res.StatusCode)
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	page := string(body)
	csp := res.Header.Get("Content-Security-Policy")
	for _, d := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'"} {
		assert.Contains(t, csp, d)
	}
	assert.NotContains(t, csp, "unsafe")
	assert.NotContains(t, page, "<style")
	assert.NotRegexp(t, `<script>|<script[^>]*>[^<]`, page, "no inline script")
	assert.NotContains(t, page, "http://")
	assert.NotContains(t, page, "https://")
	assert.Contains(t, page, `data-endpoint="/query"`)

	refs := regexp.MustCompile(`(?:src|href)="(/explore/assets/[^"]+)"(?: integrity="([^"]+)")?`).FindAllStringSubmatch(page, -1)
	require.Len(t, refs, 4, "the stylesheet, the two scripts and the licence")
	for _, ref := range refs {
		res := get(t, h, http.MethodGet, ref[1])
		require.Equal(t, http.StatusOK, res.StatusCode, ref[1])
		b, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		assert.Equal(t, "public, max-age=31536000, immutable", res.Header.Get("Cache-Control"), ref[1])
		if strings.HasSuffix(ref[1], "LICENSE") {
			continue
		}
		sum := sha256.Sum256(b)
		assert.Contains(t, html.UnescapeString(ref[2]), "sha256-"+b64(sum[:]), "%s: integrity", ref[1])
	}

	assert.Equal(t, http.StatusNotFound, get(t, h, http.MethodGet, Path+AssetsDir+"nothing.js").StatusCode)
	assert.Equal(t, http.StatusNotFound, get(t, h, http.MethodGet, Path+"/other").StatusCode)
	assert.Equal(t, http.StatusMethodNotAllowed, get(t, h, http.MethodPost, Path).StatusCode)
	head := get(t, h, http.MethodHead, Path)
	assert.Equal(t, http.StatusOK, head.StatusCode)
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
