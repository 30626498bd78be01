package httpapi_test

import (
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/apitest"
	"marrakechgraph/embedded/embeddedtest"
	"marrakechgraph/httpapi"
	"marrakechgraph/kg"
)

// TestExportsNeutraliseFormulas: text that an editor wrote and that a
// spreadsheet would run as a formula reaches the public CSV exports as text,
// in the fixed columns as in the property columns.
func TestExportsNeutraliseFormulas(t *testing.T) {
	s := embeddedtest.Seeded(t)
	payloads := []string{`=cmd|' /C calc'!A0`, `=HYPERLINK("https://evil.example","open")`, "+1", "@SUM(A1)", "-2+3", "\t=1", "  =1+1"}
	cs := kg.ChangeSet{Actor: "editor", Reason: "test"}
	for i, p := range payloads {
		cs.PutNodes = append(cs.PutNodes, kg.Node{ID: "risk-group:formula-" + string(rune('a'+i)), Kind: kg.KindRiskGroup, Name: p, Acronym: p, Description: p,
			Props:     kg.Props{"text": p, "against": []string{p}},
			Citations: []kg.Citation{{Document: p, Section: "s", Quote: "q"}}})
	}
	_, err := s.Apply(context.Background(), cs)
	require.NoError(t, err)
	srv := httptest.NewServer(httpapi.New(apitest.Options(s, httpapi.Options{Logger: slog.New(slog.DiscardHandler)})))
	defer srv.Close()

	res, err := http.Get(srv.URL + "/export/nodes.csv")
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	rows, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	require.NoError(t, err)
	found := 0
	for _, row := range rows {
		if !strings.HasPrefix(row[0], "risk-group:formula-") {
			continue
		}
		found++
		for _, cell := range row {
			assert.False(t, kg.LooksLikeFormula(cell), "cell %q of %s", cell, row[0])
		}
		assert.True(t, strings.HasPrefix(row[2], "'"), "the name %q is kept, behind an apostrophe", row[2])
		for _, col := range []string{"text", "against"} {
			cell := row[slices.Index(rows[0], col)]
			assert.True(t, strings.HasPrefix(cell, "'"), "the property column %s holds %q, behind an apostrophe", col, cell)
		}
	}
	assert.Equal(t, len(payloads), found)
}
