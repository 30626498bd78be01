package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql/introspection"

	"marrakechgraph/apitest"
	"marrakechgraph/cost"
	"marrakechgraph/cost/costtest"
	"marrakechgraph/embedded/embeddedtest"
	"marrakechgraph/graphiql"
	"marrakechgraph/httpapi"
	"marrakechgraph/kg"
)

// Properties of every answer of the GraphQL endpoint.
const (
	// maxErrorMessage bounds an error message: it may quote the start of
	// a name or value, never a whole long one.
	maxErrorMessage = 600
	// maxAnswerTime is far above what any operation within the cost
	// limits takes, on a loaded machine.
	maxAnswerTime = 5 * time.Second
)

var readmeGraphQL = regexp.MustCompile("(?s)```graphql\n(.*?)```")

// FuzzQuery sends requests built from arbitrary documents, variables,
// extensions and operation names to the GraphQL endpoint over a seeded
// embedded store, as a JSON POST, as a raw POST body and as a GET. Every
// answer comes within maxAnswerTime, is never a 5xx, is a JSON object with
// data or errors, and every error has an extensions.code other than
// INTERNAL and a message of at most maxErrorMessage bytes. An operation
// that runs was measured within the cost limits, and its data holds no
// more fields than its measured cost.
func FuzzQuery(f *testing.F) {
	seeds := []string{graphiql.DefaultQuery, introspection.Query,
		`{ node(id: "mechanism:un-asg-reprisals") { id ... on Mechanism { relationships { node { id ... on Mechanism { relationships { node { id } } } } } } } }`,
		`{ a: search(text: "a", first: 500) { id } b: search(text: "b", first: 500) { id } }`,
		`{ actions(first: 2000000000000) { edges { node { id } } } }`,
		`query Q($f: Int, $a: String) { actions(first: $f, after: $a) { edges { cursor node { id } } } }`,
		`query { __typename } query { __typename }`,
		`subscription { __typename }`,
		`mutation { __typename }`,
		costtest.DoublingFragments(12),
		costtest.AliasedSearches(1000),
	}
	if readme, err := os.ReadFile("../README.md"); err == nil {
		for _, m := range readmeGraphQL.FindAllSubmatch(readme, -1) {
			seeds = append(seeds, string(m[1]))
		}
	} else {
		f.Fatalf("read the README's examples: %v", err)
	}
	for i, q := range seeds {
		f.Add(q, `{"f": 2, "a": "eyJvIjoibmFtZSJ9"}`, `{}`, "", uint8(i))
	}
	for i, raw := range []string{`{"query":`, `{"query":5}`, `{"query":"{ __typename }","variables":"x"}`, `[{"query":"{ __typename }"}]`, ``, `null`,
		`{"query":"{ __typename }","extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}`, "\xff\xfe", `{"query":"{ __typename }"}{}`} {
		f.Add(raw, "", "", "", uint8(3*i+1))
	}
	f.Add("", "", `{"persistedQuery":{"version":1,"sha256Hash":"ecf4edb46db40b5132295c0291d62fb65d6759a9eedfa4d5d612dd5ec54a6b38"}}`, "", uint8(0))
	f.Add(`query Q($t: [ThreatTarget!]) { __typename }`, `{"t": ["institution"]}`, `{"persistedQuery": 5}`, "Q", uint8(2))
	f.Add(`query P($s: SituationInput!) { activationPlan(situation: $s) { country { id name } nhri { id } } }`,
		`{"s": {"nhri": "nhri:au-ahrc", "targets": ["INSTITUTION"], "threats": ["threat-type:smear-campaigns"], "urgent": true, "consentToShare": null}}`, `{}`, "P", uint8(0))
	f.Add(`query N($f: NHRIFilter, $o: [NHRIOrder!], $n: Int, $a: String) { nhris(first: $n, after: $a, filter: $f, orderBy: $o) { totalCount edges { cursor node { id name } } pageInfo { hasNextPage endCursor } } }`,
		`{"n": 3, "f": {"accreditationStatus": "A"}, "o": {"field": "NAME", "direction": "DESC"}}`, `{}`, "N", uint8(0))
	f.Add(`query S($t: String!, $k: [EntityKind!], $n: Int) { search(text: $t, first: $n, kinds: $k) { id __typename } }`,
		`{"t": "rights", "k": ["NHRI", "MECHANISM"], "n": 5}`, ``, "", uint8(2))
	f.Add(`query A { __typename } query B { __typename }`, `[]`, `null`, strings.Repeat("x", 2000), uint8(0))

	h := httpapi.GraphQL(apitest.Options(embeddedtest.Seeded(f), httpapi.Options{Logger: slog.New(slog.DiscardHandler)}))
	limits := cost.Limits{}.WithDefaults()

	f.Fuzz(func(t *testing.T, query, variables, extensions, operationName string, mode uint8) {
		r := request(query, variables, extensions, operationName, mode)
		w := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(w, r)
		if took := time.Since(start); took > maxAnswerTime {
			t.Fatalf("answered in %v, over %v", took, maxAnswerTime)
		}
		if w.Code >= 500 {
			t.Fatalf("status %d: %.500s", w.Code, w.Body)
		}
		var answer struct {
			Data       json.RawMessage
			Errors     []map[string]any
			Extensions struct {
				Cost *cost.Report
			}
		}
		if err := json.Unmarshal(w.Body.Bytes(), &answer); err != nil {
			t.Fatalf("status %d, body is not a JSON object (%v): %.500s", w.Code, err, w.Body)
		}
		if len(answer.Errors) == 0 && (len(answer.Data) == 0 || string(answer.Data) == "null") {
			t.Fatalf("status %d, neither data nor errors: %.500s", w.Code, w.Body)
		}
		refused := false
		for _, e := range answer.Errors {
			ext, _ := e["extensions"].(map[string]any)
			code, _ := ext["code"].(string)
			msg, _ := e["message"].(string)
			switch {
			case code == "":
				t.Fatalf("an error without extensions.code: %.500v", e)
			case code == string(kg.CodeInternal):
				t.Fatalf("INTERNAL for a client's request: %.500v", e)
			case len(msg) > maxErrorMessage:
				t.Fatalf("an error message of %d bytes, over %d: %.200q", len(msg), maxErrorMessage, msg)
			}
			refused = refused || code == cost.Code
		}
		if answer.Extensions.Cost == nil || refused || len(answer.Data) == 0 || string(answer.Data) == "null" {
			return
		}
		c := answer.Extensions.Cost
		if c.Requested > limits.MaxCost || c.Depth > limits.MaxDepth || c.Fields > limits.MaxFields {
			t.Fatalf("an operation over the limits ran: %+v", *c)
		}
		var data any
		if err := json.Unmarshal(answer.Data, &data); err != nil {
			t.Fatalf("data is not JSON: %v", err)
		}
		if n := countFields(data); n > c.Requested {
			t.Fatalf("the answer holds %d fields, its measured cost is %d", n, c.Requested)
		}
	})
}

// request builds a request to /query of the fuzz inputs: by mode, a POST of
// a JSON object (variables and extensions as given when they are JSON,
// else as strings), a POST whose body is query itself, or a GET.
func request(query, variables, extensions, operationName string, mode uint8) *http.Request {
	switch mode % 3 {
	case 0:
		body := map[string]any{"query": query}
		if operationName != "" {
			body["operationName"] = operationName
		}
		for name, v := range map[string]string{"variables": variables, "extensions": extensions} {
			switch {
			case v == "":
			case json.Valid([]byte(v)):
				body[name] = json.RawMessage(v)
			default:
				body[name] = v
			}
		}
		b, err := json.Marshal(body)
		if err != nil {
			// Invalid UTF-8 is replaced, never refused, by json.Marshal.
			panic(fmt.Sprintf("marshal a request: %v", err))
		}
		return postBody(b)
	case 1:
		return postBody([]byte(query))
	default:
		v := url.Values{"query": {query}}
		for name, s := range map[string]string{"variables": variables, "extensions": extensions, "operationName": operationName} {
			if s != "" {
				v.Set(name, s)
			}
		}
		r := httptest.NewRequest(http.MethodGet, "/query?"+v.Encode(), nil)
		r.Header.Set("Accept", "application/graphql-response+json")
		return r
	}
}

func postBody(body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return r
}

// countFields counts the fields of an answer: every entry of every object,
// in every item of every list.
func countFields(v any) int {
	n := 0
	switch v := v.(type) {
	case map[string]any:
		for _, x := range v {
			n += 1 + countFields(x)
		}
	case []any:
		for _, x := range v {
			n += countFields(x)
		}
	}
	return n
}
