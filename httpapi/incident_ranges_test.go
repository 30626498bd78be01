package httpapi_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/auth"
	"marrakechgraph/storetest"
)

// TestThreatIncidentsRangesAndOrder: threatIncidents takes date ranges,
// `not` and `or` in its filter and an orderBy, keeping and sorting what a
// client keeps and sorts; a range that ends before it starts is the
// client's to fix.
func TestThreatIncidentsRangesAndOrder(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		srv, ps := newServerOn(t, backend)
		token := roleTokens(t, ps.Store)[auth.RoleHeadOffice]
		const report = `mutation($day: Date) { reportThreat(input: { nhri: "nhri:gt", occurredOn: $day,
			threats: ["threat-type:smear-campaigns"], targets: [INSTITUTION], reprisalForUNCooperation: false,
			consentToShare: false, summary: "Summary." }) { id occurredOn reportedAt } }`
		type incident struct{ ID, OccurredOn, ReportedAt string }
		var all []incident
		for _, day := range []any{"2026-03-14", "2025-12-31", nil, "2026-01-01", "2026-03-14", "2024-06-30"} {
			r := call(t, srv, token, report, map[string]any{"day": day})
			require.Empty(t, r.Errors)
			var i incident
			require.NoError(t, json.Unmarshal(r.Data["reportThreat"], &i))
			all = append(all, i)
		}
		list := func(vars map[string]any) ([]string, int, gqlResult) {
			r := call(t, srv, token, `query($f: ThreatIncidentFilter, $o: [ThreatIncidentOrder!]) {
				threatIncidents(first: 100, filter: $f, orderBy: $o) { totalCount edges { node { id } } nodes { id } } }`, vars)
			var data struct {
				TotalCount int
				Edges      []struct{ Node struct{ ID string } }
				Nodes      []struct{ ID string }
			}
			if len(r.Errors) == 0 {
				require.NoError(t, json.Unmarshal(r.Data["threatIncidents"], &data))
			}
			ids, nodes := []string{}, []string{}
			for _, e := range data.Edges {
				ids = append(ids, e.Node.ID)
			}
			for _, n := range data.Nodes {
				nodes = append(nodes, n.ID)
			}
			assert.Equal(t, ids, nodes, "nodes are the edges' nodes")
			return ids, data.TotalCount, r
		}

		// Occurred in 2026, or undated, newest day first: the undated first
		// in descending order, ties by ID descending.
		got, total, r := list(map[string]any{
			"f": map[string]any{"or": []any{map[string]any{"occurredFrom": "2026-01-01"}, map[string]any{"not": nil, "occurredTo": "2024-12-31"}},
				"not": map[string]any{"occurredFrom": "2026-03-14", "occurredTo": "2026-03-14"}},
			"o": map[string]any{"field": "OCCURRED_ON", "direction": "DESC"},
		})
		require.Empty(t, r.Errors)
		assert.Equal(t, []string{all[3].ID, all[5].ID}, got, "2026-01-01, then 2024-06-30: not the two of 2026-03-14, not the undated")
		assert.Equal(t, 2, total)

		// Reported between the second and the fifth report, oldest first.
		got, _, r = list(map[string]any{
			"f": map[string]any{"reportedFrom": all[1].ReportedAt, "reportedTo": all[4].ReportedAt},
			"o": map[string]any{"field": "REPORTED_AT"},
		})
		require.Empty(t, r.Errors)
		between := []incident{}
		for _, i := range all {
			if i.ReportedAt >= all[1].ReportedAt && i.ReportedAt <= all[4].ReportedAt {
				between = append(between, i)
			}
		}
		want := []string{}
		reportedAt := map[string]string{}
		for _, i := range between {
			want = append(want, i.ID)
		}
		for _, i := range all {
			reportedAt[i.ID] = i.ReportedAt
		}
		assert.ElementsMatch(t, want, got)
		assert.GreaterOrEqual(t, len(want), 4)
		// Two reports may share a millisecond, the precision a DateTime
		// shows; the log orders them by the instant it recorded.
		assert.True(t, slices.IsSortedFunc(got, func(a, b string) int { return strings.Compare(reportedAt[a], reportedAt[b]) }),
			"oldest report first: %v", got)

		// By day, ascending: the undated last.
		got, _, r = list(map[string]any{"o": map[string]any{"field": "OCCURRED_ON"}})
		require.Empty(t, r.Errors)
		want = []string{all[5].ID, all[1].ID, all[3].ID}
		same := []string{all[0].ID, all[4].ID}
		slices.Sort(same)
		want = append(append(want, same...), all[2].ID)
		assert.Equal(t, want, got)

		for name, f := range map[string]map[string]any{
			"occurred backwards": {"occurredFrom": "2026-02-01", "occurredTo": "2026-01-31"},
			"reported backwards": {"reportedFrom": "2026-02-01T00:00:00.001Z", "reportedTo": "2026-02-01T00:00:00Z"},
			"backwards in an or": {"or": []any{map[string]any{"occurredFrom": "2026-02-01", "occurredTo": "2026-01-31"}}},
			"not a date":         {"occurredFrom": "2026-02-30"},
			"not nested":         {"not": map[string]any{"not": map[string]any{"occurredFrom": "2026-01-01"}}},
			"an empty or":        {"or": []any{}},
		} {
			_, _, r := list(map[string]any{"f": f})
			require.NotEmpty(t, r.Errors, name)
			assert.Equal(t, "BAD_USER_INPUT", r.Errors[0].Extensions["code"], "%s: %s", name, r.Errors[0].Message)
		}
	})
}
