package httpapi

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"strings"

	"marrakechgraph/kg"
)

// Media types of GraphQL responses (GraphQL over HTTP).
const (
	mediaGraphQLResponse = "application/graphql-response+json"
	mediaJSON            = "application/json"
)

// negotiate applies the GraphQL-over-HTTP rules that depend on the media
// type a client accepts. A client that accepts application/graphql-response+json
// gets that type, 4xx codes for requests that cannot run, and no "data" entry
// when nothing ran. A client that only accepts application/json gets 200 for
// documents that fail to parse or validate, as that media type requires.
func negotiate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method != http.MethodGet && r.Method != http.MethodPost) || strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			next.ServeHTTP(w, r)
			return
		}
		buf := &bufferedResponse{header: w.Header(), status: http.StatusOK}
		next.ServeHTTP(buf, r)
		body, status := buf.body.Bytes(), buf.status
		if acceptsGraphQLResponse(r.Header.Get("Accept")) {
			if ct, _, _ := mime.ParseMediaType(w.Header().Get("Content-Type")); ct == mediaJSON {
				w.Header().Set("Content-Type", mediaGraphQLResponse)
			}
			if status >= 400 && status < 500 {
				body = dropNullData(body)
			}
		} else if status == http.StatusUnprocessableEntity && documentFailed(body) {
			status = http.StatusOK
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	})
}

// documentFailed reports whether a response's errors are all failures to
// parse or validate the document or to coerce its variables, rather than a
// malformed request.
func documentFailed(body []byte) bool {
	var resp struct {
		Errors []struct {
			Extensions struct{ Code string }
		}
	}
	if json.Unmarshal(body, &resp) != nil || len(resp.Errors) == 0 {
		return false
	}
	for _, e := range resp.Errors {
		switch e.Extensions.Code {
		case "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", string(kg.CodeBadUserInput):
		default:
			return false
		}
	}
	return true
}

// acceptsGraphQLResponse reports whether an Accept header lists
// application/graphql-response+json.
func acceptsGraphQLResponse(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err == nil && mt == mediaGraphQLResponse && params["q"] != "0" {
			return true
		}
	}
	return false
}

// dropNullData removes a null "data" entry from a JSON response body.
func dropNullData(body []byte) []byte {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return body
	}
	d, ok := m["data"]
	if !ok || !bytes.Equal(bytes.TrimSpace(d), []byte("null")) {
		return body
	}
	delete(m, "data")
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return out
}

// bufferedResponse holds a response until negotiate has looked at it.
type bufferedResponse struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(code int) {
	if !b.wrote {
		b.status, b.wrote = code, true
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	b.wrote = true
	return b.body.Write(p)
}
