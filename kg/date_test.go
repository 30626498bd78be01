package kg_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/kg"
)

func TestDateTimeHasOnePrecision(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	for _, c := range []struct {
		in   time.Time
		want string
	}{
		{time.Date(2026, 1, 31, 9, 30, 0, 0, time.UTC), `"2026-01-31T09:30:00.000Z"`},
		{time.Date(2026, 1, 31, 10, 30, 0, 999_999_999, paris), `"2026-01-31T09:30:00.999Z"`},
		{time.Date(2026, 12, 31, 23, 59, 59, 120_000_000, time.UTC), `"2026-12-31T23:59:59.120Z"`},
	} {
		var b bytes.Buffer
		kg.DateTime(c.in).MarshalGQL(&b)
		assert.Equal(t, c.want, b.String())
	}

	var d kg.DateTime
	require.NoError(t, d.UnmarshalGQL("2026-01-31T10:30:00.5+01:00"))
	assert.Equal(t, "2026-01-31T09:30:00.500Z", d.String())
	for _, bad := range []any{"2026-01-31", "2026-01-31T09:30:00", "yesterday", 1706693400} {
		err := d.UnmarshalGQL(bad)
		require.Error(t, err, "%v", bad)
		assert.Equal(t, kg.CodeBadUserInput, kg.ErrorCode(err), "%v", bad)
	}
}

func TestDateRefusesWithACode(t *testing.T) {
	var d kg.Date
	require.NoError(t, d.UnmarshalGQL("2026-01-31"))
	assert.Equal(t, kg.Date("2026-01-31"), d)
	for _, bad := range []any{"2026-1-31", "31/01/2026", 20260131, nil} {
		err := d.UnmarshalGQL(bad)
		require.Error(t, err, "%v", bad)
		assert.Equal(t, kg.CodeBadUserInput, kg.ErrorCode(err), "%v", bad)
	}
}
