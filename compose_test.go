package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/auth"
	"marrakechgraph/embedded/embeddedtest"
	"marrakechgraph/httpapi"
)

// TestComposeGivesEveryServiceItsClock: the services main composes keep
// time by the clock it gives them. API keys are created, incidents
// reported, and charts refused as from the future, on that clock.
func TestComposeGivesEveryServiceItsClock(t *testing.T) {
	s := embeddedtest.Seeded(t)
	_, token, err := (&auth.Keys{Store: s}).Create(context.Background(), auth.RoleAdmin, "clock", "test")
	require.NoError(t, err)
	then := time.Date(2020, 5, 17, 9, 30, 0, 0, time.UTC)
	h, _ := compose(s, func() time.Time { return then }, httpapi.Options{Logger: slog.New(slog.DiscardHandler)})
	post := func(query string) (map[string]any, []string) {
		t.Helper()
		body, err := json.Marshal(map[string]string{"query": query})
		require.NoError(t, err)
		req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var resp struct {
			Data   map[string]any
			Errors []struct{ Extensions struct{ Code string } }
		}
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &resp), rec.Body.String())
		var codes []string
		for _, e := range resp.Errors {
			codes = append(codes, e.Extensions.Code)
		}
		return resp.Data, codes
	}

	data, codes := post(`mutation { createAPIKey(name: "clocked", role: ANALYST) { key { createdAt } } }`)
	require.Empty(t, codes)
	assert.Equal(t, "2020-05-17T09:30:00.000Z", data["createAPIKey"].(map[string]any)["key"].(map[string]any)["createdAt"], "API keys")

	data, codes = post(`mutation { reportThreat(input: { nhri: "nhri:gt", occurredOn: "2020-05-01",
		threats: ["threat-type:smear-campaigns"], targets: [INSTITUTION], reprisalForUNCooperation: false,
		consentToShare: true, summary: "Smear campaign." }) { reportedAt } }`)
	require.Empty(t, codes)
	assert.Equal(t, "2020-05-17T09:30:00.000Z", data["reportThreat"].(map[string]any)["reportedAt"], "threat log")

	_, codes = post(`mutation { importNHRIs(csv: "region,country,institution,status\nAfrica,KE,Kenya National Commission on Human Rights,A\n",
		source: "GANHRI chart", asOf: "2020-06-30") { applied } }`)
	assert.Equal(t, []string{"BAD_USER_INPUT"}, codes, "NHRI directory: a chart dated after the clock's today")
}
