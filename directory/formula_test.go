package directory_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/directory"
	"marrakechgraph/kg"
	"marrakechgraph/storetest"
)

// TestImportRefusesFormulas: cells that a spreadsheet would run (CSV
// injection) are refused, row by row, and nothing is written.
func TestImportRefusesFormulas(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) { importRefusesFormulas(t, backend.Seeded(t)) })
}

func importRefusesFormulas(t *testing.T, s kg.Store) {
	ctx := context.Background()
	dir := &directory.Directory{Store: s}
	before, err := s.Stats(ctx)
	require.NoError(t, err)
	csv := "region,country,institution,acronym,status,year,network\n" +
		"Africa,KE,=cmd|' /C calc'!A0,KNCHR,A,2019,NANHRI\n" +
		"Africa,KE,\"=HYPERLINK(\"\"https://evil.example\"\",\"\"open\"\")\",X,A,2019,\n" +
		"Africa,KE,Commission,+1,A,2019,\n" +
		"Africa,KE,Commission,@SUM(A1),A,2019,\n" +
		"Africa,KE,Commission,-2+3,A,2019,\n" +
		"Africa,KE,\"  =1+1\",Y,A,2019,\n" +
		"Africa,KE,Kenya National Commission on Human Rights,KNCHR,A,2019,NANHRI\n"
	rep, err := dir.Import(ctx, strings.NewReader(csv), "GANHRI chart", "2026-06-30", "editor")
	require.NoError(t, err)
	var rows []int
	for _, e := range rep.Errors {
		assert.Contains(t, e.Message, "formula")
		rows = append(rows, e.Row)
	}
	assert.Equal(t, []int{2, 3, 4, 5, 6, 7}, rows)
	assert.Empty(t, rep.IDs)
	after, err := s.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, before, after, "nothing written")

	_, err = dir.Import(ctx, strings.NewReader("region,country,institution,status\nAfrica,KE,Commission,A\n"), "=evil()", "2026-06-30", "editor")
	assert.Equal(t, kg.CodeBadUserInput, kg.ErrorCode(err))
}
