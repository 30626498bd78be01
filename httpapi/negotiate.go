package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"marrakechgraph/cost"
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
//
// It also bounds the answer: one over maxBytes (0: DefaultMaxResponseBytes)
// is replaced by an error.
func negotiate(maxBytes int, next http.Handler) http.Handler {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxResponseBytes
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions || strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			next.ServeHTTP(w, r)
			return
		}
		if refused := refuseTransport(r); refused != nil {
			if refused.status == http.StatusMethodNotAllowed {
				w.Header().Set("Allow", "GET, POST, OPTIONS")
			}
			writeJSON(w, refused.status, map[string]any{"errors": []map[string]any{{
				"message": refused.message, "extensions": map[string]string{"code": string(kg.CodeBadUserInput)},
			}}})
			return
		}
		buf := &bufferedResponse{header: w.Header(), status: http.StatusOK, max: maxBytes}
		next.ServeHTTP(buf, r)
		if buf.over {
			w.Header().Del("Content-Length")
			writeJSON(w, http.StatusOK, map[string]any{"errors": []map[string]any{{
				"message":    fmt.Sprintf("the answer is larger than %d bytes: ask for fewer items or fields", maxBytes),
				"extensions": map[string]string{"code": cost.Code},
			}}})
			return
		}
		body, status := codeEveryError(buf.body.Bytes()), buf.status
		if ct, _, _ := mime.ParseMediaType(w.Header().Get("Content-Type")); ct != mediaJSON && json.Valid(body) {
			w.Header().Set("Content-Type", mediaJSON)
		}
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

type refusal struct {
	status  int
	message string
}

// refuseTransport answers the requests that no GraphQL transport takes,
// with the status and message that tell the client what to send instead.
func refuseTransport(r *http.Request) *refusal {
	switch r.Method {
	case http.MethodGet:
		if !r.URL.Query().Has("query") && !r.URL.Query().Has("extensions") {
			return &refusal{http.StatusBadRequest, "a GET request needs a query parameter: /query?query={...}"}
		}
	case http.MethodPost:
		ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || ct != mediaJSON {
			return &refusal{http.StatusUnsupportedMediaType, "send the request body as application/json"}
		}
	default:
		return &refusal{http.StatusMethodNotAllowed, "GraphQL requests are GET or POST"}
	}
	return nil
}

// codeEveryError gives errors that a transport wrote without a code the
// code of a client mistake: the transports only write errors about the
// request itself (a mutation over GET, variables that do not decode).
func codeEveryError(body []byte) []byte {
	if !bytes.Contains(body, []byte(`"errors"`)) {
		return body // the common case, found without decoding the answer
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil || m["errors"] == nil {
		return body
	}
	var errs []map[string]any
	if json.Unmarshal(m["errors"], &errs) != nil {
		return body
	}
	changed := false
	for _, e := range errs {
		ext, _ := e["extensions"].(map[string]any)
		if ext == nil {
			ext = map[string]any{}
			e["extensions"] = ext
		}
		if ext["code"] == nil {
			ext["code"] = string(kg.CodeBadUserInput)
			changed = true
		}
	}
	if !changed {
		return body
	}
	raw, err := json.Marshal(errs)
	if err != nil {
		return body
	}
	m["errors"] = raw
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return out
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
	// max bounds body; past it, over is set and nothing more is kept.
	max  int
	over bool
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(code int) {
	if !b.wrote {
		b.status, b.wrote = code, true
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	b.wrote = true
	if b.over || b.body.Len()+len(p) > b.max {
		b.over = true
		b.body.Reset()
		return len(p), nil
	}
	return b.body.Write(p)
}
