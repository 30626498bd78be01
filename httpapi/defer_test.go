package httpapi_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stripExtensions returns an answer without its extensions (cost).
func stripExtensions(t *testing.T, body string) string {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(body), &m), body)
	delete(m, "extensions")
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return string(b)
}

// TestDeferIsNotServed: introspection shows no internal directive and
// names the custom scalars' specifications; answers are never incremental,
// so @defer is not advertised, and an operation that uses it fails validation with a clear
// message instead of answering in part, whatever the client accepts.
func TestDeferIsNotServed(t *testing.T) {
	srv, _ := newServer(t)

	a := ask(t, srv, http.MethodPost, `{ __schema { directives { name } } }`, nil)
	var intro struct {
		Data struct {
			Schema struct{ Directives []struct{ Name string } } `json:"__schema"`
		}
	}
	require.NoError(t, json.Unmarshal([]byte(a.body), &intro), a.body)
	var names []string
	for _, d := range intro.Data.Schema.Directives {
		names = append(names, d.Name)
	}
	assert.Contains(t, names, "include")
	assert.Contains(t, names, "requires")
	for _, internal := range []string{"defer", "stream", "goField"} {
		assert.NotContains(t, names, internal, "introspection shows no @%s", internal)
	}

	// Custom scalars name their specification, as codegen tools read it.
	a = ask(t, srv, http.MethodPost, `{ date: __type(name: "Date") { specifiedByURL } dateTime: __type(name: "DateTime") { specifiedByURL } }`, nil)
	assert.JSONEq(t, `{"data": {
		"date": {"specifiedByURL": "https://www.rfc-editor.org/rfc/rfc3339#section-5.6"},
		"dateTime": {"specifiedByURL": "https://www.rfc-editor.org/rfc/rfc3339#section-5.6"}}}`, stripExtensions(t, a.body))

	for _, q := range []string{
		`{ graphStats { totalNodes } ... @defer { commitments { id } } }`,
		`query { ...Late @defer(label: "late") } fragment Late on Query { objectives { id } }`,
		`{ objectives { id actions @stream(initialCount: 1) { id } } }`,
		`{ objectives { id @goField(forceResolver: true) } }`,
	} {
		for _, accept := range []string{"application/json", "multipart/mixed; deferSpec=20220824, application/json"} {
			a := ask(t, srv, http.MethodPost, q, nil, "Accept", accept)
			assert.Contains(t, a.header.Get("Content-Type"), "application/", "%s: %s", q, accept)
			r := parseAnswer(t, a)
			require.Len(t, r.Errors, 1, "%s: %s", q, a.body)
			assert.Equal(t, "GRAPHQL_VALIDATION_FAILED", r.Errors[0].Extensions["code"], a.body)
			assert.Regexp(t, `^Unknown directive "@(defer|stream|goField)"\.$`, r.Errors[0].Message)
			assert.Nil(t, r.Data, "nothing ran")
			assert.NotContains(t, a.body, "hasNext")
		}
	}
}
