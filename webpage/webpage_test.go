package webpage

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestIntegrityIsBothDigests(t *testing.T) {
	body := []byte("console.log(1)")
	h256, h384 := sha256.Sum256(body), sha512.Sum384(body)
	assert.Equal(t, "sha256-"+base64.StdEncoding.EncodeToString(h256[:])+" sha384-"+base64.StdEncoding.EncodeToString(h384[:]), Integrity(body))
	assert.NotEqual(t, ETag(body), ETag([]byte("console.log(2)")), "another file, another tag")
	assert.Regexp(t, `^"[0-9a-f]{32}"$`, ETag(body))
}

func TestContentType(t *testing.T) {
	assert.Equal(t, "text/javascript; charset=utf-8", ContentType("app/explorer.1a2b.js"))
	assert.Equal(t, "text/css; charset=utf-8", ContentType("graphiql.min.css"))
	assert.Equal(t, "text/plain; charset=utf-8", ContentType("LICENSE"))
}

func TestWriteHTML(t *testing.T) {
	page := []byte("<!doctype html><title>x</title>")
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		rec := httptest.NewRecorder()
		WriteHTML(rec, httptest.NewRequest(method, "/explore", nil), page, "default-src 'none'", "no-cache")
		assert.Equal(t, http.StatusOK, rec.Code)
		h := rec.Header()
		assert.Equal(t, "text/html; charset=utf-8", h.Get("Content-Type"))
		assert.Equal(t, "default-src 'none'", h.Get("Content-Security-Policy"))
		assert.Equal(t, "no-cache", h.Get("Cache-Control"))
		assert.Equal(t, "nosniff", h.Get("X-Content-Type-Options"))
		assert.Equal(t, "no-referrer", h.Get("Referrer-Policy"))
		assert.Equal(t, "31", h.Get("Content-Length"))
		if method == http.MethodHead {
			assert.Empty(t, rec.Body.Bytes(), "HEAD: headers only")
		} else {
			assert.Equal(t, page, rec.Body.Bytes())
		}
	}
}

func TestFingerprintedNamesAFileByItsContent(t *testing.T) {
	a := Fingerprinted("app/explore.js", []byte("one"))
	assert.Regexp(t, `^app/explore\.[0-9a-f]{12}\.js$`, a)
	assert.Equal(t, a, Fingerprinted("app/explore.js", []byte("one")))
	assert.NotEqual(t, a, Fingerprinted("app/explore.js", []byte("two")))
}
