package resolvers_test

import (
	"cmp"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/apitest"
	"marrakechgraph/cost"
	"marrakechgraph/httpapi"
	"marrakechgraph/storetest"
)

// planAction is an action as a client reads it whole, to filter and order
// on its side.
type planAction struct {
	ID, Name   string
	Number     int
	Objective  struct{ ID string }
	Commitment *struct{ ID string }
	Partners   []struct{ ID string }
}

func (a planAction) reaches(id string) bool {
	return slices.ContainsFunc(a.Partners, func(p struct{ ID string }) bool { return p.ID == id })
}

// nestedPage is one page of a nested connection, read through node(id).
type nestedPage struct {
	Node struct {
		C struct {
			TotalCount int
			Edges      []struct {
				Cursor string
				Node   struct{ ID string }
			}
			PageInfo struct {
				HasNextPage, HasPreviousPage bool
				EndCursor                    *string
			}
		}
	}
}

// TestNestedActionsConnectionsPageWhatClientsCompute: every nested
// actionsConnection (Objective, Commitment, Mechanism, Network, NHRI)
// answers, page after page, the actions a client finds by reading every
// action with its objective, commitment and partners; with a filter and an
// order, what the client keeps and sorts.
func TestNestedActionsConnectionsPageWhatClientsCompute(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		c := newClient(t, backend.ReadOnlySeeded(t))
		var all struct {
			Actions                           struct{ Edges []struct{ Node planAction } }
			Objectives, Commitments, Networks []struct{ ID string }
			Mechanisms, Nhris                 struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		mustPost(t, c, `{ actions(first: 500) { edges { node { id name number objective { id } commitment { id } partners { id } } } }
			objectives { id } commitments { id } networks { id }
			mechanisms(first: 500) { edges { node { id } } } nhris(first: 500) { edges { node { id } } } }`, nil, &all)
		actions := make([]planAction, len(all.Actions.Edges))
		partnerCount := map[string]int{}
		for i, e := range all.Actions.Edges {
			actions[i] = e.Node
			for _, p := range e.Node.Partners {
				partnerCount[p.ID]++
			}
		}
		require.Greater(t, len(actions), 20)

		type parent struct {
			id   string
			owns func(planAction) bool
		}
		var parents []parent
		for _, o := range all.Objectives {
			parents = append(parents, parent{o.ID, func(a planAction) bool { return a.Objective.ID == o.ID }})
		}
		for _, cm := range all.Commitments {
			parents = append(parents, parent{cm.ID, func(a planAction) bool { return a.Commitment != nil && a.Commitment.ID == cm.ID }})
		}
		channels := []string{}
		for _, n := range all.Networks {
			channels = append(channels, n.ID)
		}
		for _, e := range append(all.Mechanisms.Edges, all.Nhris.Edges...) {
			channels = append(channels, e.Node.ID)
		}
		for _, id := range channels {
			parents = append(parents, parent{id, func(a planAction) bool { return a.reaches(id) }})
		}

		const pageQuery = `query($id: ID!, $after: String, $filter: ActionFilter, $order: ActionOrder) { node(id: $id) {
			... on Objective { c: actionsConnection(first: 3, after: $after, filter: $filter, orderBy: $order) { ...page } }
			... on Commitment { c: actionsConnection(first: 3, after: $after, filter: $filter, orderBy: $order) { ...page } }
			... on Mechanism { c: actionsConnection(first: 3, after: $after, filter: $filter, orderBy: $order) { ...page } }
			... on Network { c: actionsConnection(first: 3, after: $after, filter: $filter, orderBy: $order) { ...page } }
			... on NHRI { c: actionsConnection(first: 3, after: $after, filter: $filter, orderBy: $order) { ...page } } } }
			fragment page on ActionConnection { totalCount edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } }`
		walk := func(id string, filter, order any) (ids []string, total int) {
			var after any
			for i := 0; ; i++ {
				require.Less(t, i, 100, "pagination does not end")
				var p nestedPage
				mustPost(t, c, pageQuery, map[string]any{"id": id, "after": after, "filter": filter, "order": order}, &p)
				assert.Equal(t, i > 0, p.Node.C.PageInfo.HasPreviousPage)
				assert.LessOrEqual(t, len(p.Node.C.Edges), 3)
				if i > 0 {
					assert.Equal(t, total, p.Node.C.TotalCount, "%s: totalCount is the same on every page", id)
				}
				total = p.Node.C.TotalCount
				for _, e := range p.Node.C.Edges {
					ids = append(ids, e.Node.ID)
				}
				if !p.Node.C.PageInfo.HasNextPage {
					return ids, total
				}
				require.NotNil(t, p.Node.C.PageInfo.EndCursor)
				after = *p.Node.C.PageInfo.EndCursor
			}
		}
		expect := func(keep func(planAction) bool, order func(a, b planAction) int) []string {
			var out []string
			kept := slices.Clone(actions)
			kept = slices.DeleteFunc(kept, func(a planAction) bool { return !keep(a) })
			slices.SortFunc(kept, order)
			for _, a := range kept {
				out = append(out, a.ID)
			}
			return out
		}
		byNumber := func(a, b planAction) int { return cmp.Compare(a.Number, b.Number) }

		// Every parent with more than one page, and the first few of the others.
		walked, nonEmpty := 0, 0
		for i, p := range parents {
			want := expect(p.owns, byNumber)
			if len(want) > 0 {
				nonEmpty++
			}
			if len(want) <= 3 && i%10 != 0 {
				continue
			}
			got, total := walk(p.id, nil, nil)
			assert.Equal(t, want, got, "%s: the actions in the plan's order", p.id)
			assert.Equal(t, len(want), total, "%s: totalCount", p.id)
			walked++
		}
		t.Logf("%d parents, %d with actions, %d walked page by page", len(parents), nonEmpty, walked)
		require.Greater(t, walked, 10)

		// A filter with `not` and `or`, and an order, as clients compute them.
		var top string
		for id, n := range partnerCount {
			if n > partnerCount[top] || (n == partnerCount[top] && id < top) {
				top = id
			}
		}
		second := ""
		for id, n := range partnerCount {
			if id != top && (second == "" || n > partnerCount[second] || (n == partnerCount[second] && id < second)) {
				second = id
			}
		}
		filter := map[string]any{"not": map[string]any{"partner": top}, "or": []any{
			map[string]any{"partner": second}, map[string]any{"objective": "objective:1"}}}
		keep := func(a planAction) bool {
			return !a.reaches(top) && (a.reaches(second) || a.Objective.ID == "objective:1")
		}
		byNameDesc := func(a, b planAction) int { return cmp.Or(cmp.Compare(b.Name, a.Name), cmp.Compare(b.ID, a.ID)) }
		order := map[string]any{"field": "NAME", "direction": "DESC"}
		filtered := 0
		for _, p := range parents[:len(all.Objectives)+len(all.Commitments)] {
			want := expect(func(a planAction) bool { return p.owns(a) && keep(a) }, byNameDesc)
			got, total := walk(p.id, filter, order)
			assert.Equal(t, want, got, "%s: filtered and ordered by name, descending", p.id)
			assert.Equal(t, len(want), total)
			filtered += len(want)
		}
		assert.Positive(t, filtered, "the filter keeps some actions")
	})
}

// TestNestedConnectionsAnswerTheIssueExample: `commitments {
// actionsConnection { totalCount } }` counts each commitment's actions, and
// supportChannelsConnection pages through supportChannels in its order.
func TestNestedConnectionsAnswerTheIssueExample(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		c := newClient(t, backend.ReadOnlySeeded(t))
		var resp struct {
			Commitments []struct {
				ID                string
				Actions           []struct{ ID string }
				SupportChannels   []struct{ Channel struct{ ID string } }
				ActionsConnection struct{ TotalCount int }
			}
		}
		mustPost(t, c, `{ commitments { id actions { id } supportChannels { channel { id } } actionsConnection { totalCount } } }`, nil, &resp)
		require.Len(t, resp.Commitments, 7)
		for _, cm := range resp.Commitments {
			assert.Equal(t, len(cm.Actions), cm.ActionsConnection.TotalCount, cm.ID)
			var want []string
			for _, ch := range cm.SupportChannels {
				want = append(want, ch.Channel.ID)
			}
			require.NotEmpty(t, want, "%s has channels", cm.ID)
			var got []string
			var after any
			for i := 0; ; i++ {
				require.Less(t, i, 100)
				var p struct {
					Node struct {
						SupportChannelsConnection struct {
							TotalCount int
							Edges      []struct {
								Node struct{ Channel struct{ ID string } }
							}
							PageInfo struct {
								HasNextPage, HasPreviousPage bool
								EndCursor                    *string
							}
						}
					}
				}
				mustPost(t, c, `query($id: ID!, $after: String) { node(id: $id) { ... on Commitment {
					supportChannelsConnection(first: 2, after: $after) { totalCount edges { node { channel { id } } }
					pageInfo { hasNextPage hasPreviousPage endCursor } } } } }`, map[string]any{"id": cm.ID, "after": after}, &p)
				sc := p.Node.SupportChannelsConnection
				assert.Equal(t, len(want), sc.TotalCount)
				assert.Equal(t, i > 0, sc.PageInfo.HasPreviousPage)
				for _, e := range sc.Edges {
					got = append(got, e.Node.Channel.ID)
				}
				if !sc.PageInfo.HasNextPage {
					break
				}
				after = *sc.PageInfo.EndCursor
			}
			assert.Equal(t, want, got, "%s: the channels of supportChannels, in order", cm.ID)
		}
	})
}

// TestNestedConnectionsRefuseBadArguments: a bad page size, a cursor of
// another list and an unknown ID in a filter are the client's to fix.
func TestNestedConnectionsRefuseBadArguments(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		h := newHandler(backend.ReadOnlySeeded(t))
		var top struct {
			Actions struct{ PageInfo struct{ EndCursor string } }
		}
		require.Empty(t, rawPost(t, h, `{ actions(first: 1, orderBy: {field: NAME}) { pageInfo { endCursor } } }`, nil, &top))
		for name, q := range map[string]string{
			"first 0":               `{ objectives { actionsConnection(first: 0) { totalCount } } }`,
			"first 501":             `{ mechanisms { edges { node { actionsConnection(first: 501) { totalCount } } } } }`,
			"garbage cursor":        `{ commitments { actionsConnection(after: "garbage") { totalCount } } }`,
			"cursor of other order": fmt.Sprintf(`{ objectives { actionsConnection(after: %q) { totalCount } } }`, top.Actions.PageInfo.EndCursor),
			"unknown objective":     `{ networks { actionsConnection(filter: {objective: "objective:9"}) { totalCount } } }`,
			"nested not":            `{ objectives { actionsConnection(filter: {not: {not: {text: "x"}}}) { totalCount } } }`,
			"channel cursor":        `{ commitments { supportChannelsConnection(after: "garbage") { totalCount } } }`,
			"channel action cursor": fmt.Sprintf(`{ commitments { supportChannelsConnection(after: %q) { totalCount } } }`, top.Actions.PageInfo.EndCursor),
			"channel first":         `{ commitments { supportChannelsConnection(first: -1) { totalCount } } }`,
			"count order":           `{ objectives { actionsConnection(orderBy: {field: PARTNER_COUNT}) { totalCount } } }`,
		} {
			t.Run(name, func(t *testing.T) {
				errs := rawPost(t, h, q, nil, nil)
				require.NotEmpty(t, errs)
				for _, code := range codes(errs) {
					assert.Equal(t, "BAD_USER_INPUT", code)
				}
			})
		}
	})
}

// TestNestedConnectionsCostTwoStoreCallsPerLevel: a nested
// actionsConnection asked of every parent of a list costs two store calls
// more than the list (one to know each parent's actions, one for the
// filter and order), however many parents there are, and a filter that
// names an entity one more, to check it once.
func TestNestedConnectionsCostTwoStoreCallsPerLevel(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		cs := &countingStore{Store: backend.ReadOnlySeeded(t)}
		h := httpapi.GraphQL(apitest.OptionsWithLoaderWait(cs, httpapi.Options{Logger: slog.New(slog.DiscardHandler),
			Limits: cost.Limits{MaxCost: 10_000_000}}, 50*time.Millisecond))
		calls := func(q string) int64 {
			cs.calls.Store(0)
			require.Empty(t, rawPost(t, h, q, nil, nil))
			return cs.calls.Load()
		}
		for _, tc := range []struct {
			name, base, nested string
			checks             int64
		}{
			{"commitments", `{ commitments { id } }`,
				`{ commitments { id actionsConnection(first: 2) { totalCount edges { node { id } } } } }`, 0},
			{"mechanisms", `{ mechanisms(first: 500) { edges { node { id } } } }`,
				`{ mechanisms(first: 500) { edges { node { id actionsConnection(first: 1, filter: {not: {objective: "objective:1"}}, orderBy: {field: NAME}) { totalCount } } } } }`, 1},
			{"nhris", `{ nhris(first: 500) { edges { node { id } } } }`,
				`{ nhris(first: 500) { edges { node { id actionsConnection { totalCount } } } } }`, 0},
			{"channels", `{ commitments { id supportChannels { channel { id } } } }`,
				`{ commitments { id supportChannelsConnection(first: 3) { totalCount edges { node { channel { id } } } } } }`, 0},
		} {
			base, nested := calls(tc.base), calls(tc.nested)
			t.Logf("%s: %d store calls, %d with a nested connection on each", tc.name, base, nested)
			if tc.name == "channels" {
				assert.Equal(t, base, nested, "a page of support channels reads what supportChannels reads")
				continue
			}
			assert.LessOrEqual(t, nested-base, 2+tc.checks, "%s: a nested connection costs two store calls, not one per parent", tc.name)
		}
	})
}
