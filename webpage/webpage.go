// Package webpage serves the pages and files of the server's embedded
// front ends (GraphiQL, the explorer): their Subresource Integrity
// digests, entity tags and media types, and the headers every such page is
// sent with.
package webpage

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// Integrity returns the Subresource Integrity value of a file: its SHA-256
// and SHA-384 digests, strongest last.
func Integrity(body []byte) string {
	h256 := sha256.Sum256(body)
	h384 := sha512.Sum384(body)
	return "sha256-" + base64.StdEncoding.EncodeToString(h256[:]) + " sha384-" + base64.StdEncoding.EncodeToString(h384[:])
}

// ETag returns a strong entity tag for a file: a digest of its bytes.
func ETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// Fingerprinted names a file by its content: name with the first 12 hex
// digits of its SHA-256 before its extension (app/explore.4f2522a43205.js),
// so that a changed file gets a new URL and a browser may keep each for
// ever.
func Fingerprinted(name string, body []byte) string {
	sum := sha256.Sum256(body)
	ext := path.Ext(name)
	return strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext
}

// ContentType is the media type a file is served with, by its extension.
func ContentType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	default:
		return "text/plain; charset=utf-8"
	}
}

// WriteHTML sends a page with its Content-Security-Policy and caching
// rule, never sniffed nor leaking the address it was read from; a HEAD
// request gets the headers only.
func WriteHTML(w http.ResponseWriter, r *http.Request, page []byte, contentSecurityPolicy, cacheControl string) {
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Cache-Control", cacheControl)
	hdr.Set("Content-Security-Policy", contentSecurityPolicy)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("Content-Length", strconv.Itoa(len(page)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(page)
	}
}
