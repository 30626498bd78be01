package resolvers_test

import (
	"cmp"
	"fmt"
	"log/slog"
	"slices"
	"strings"
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
				StartCursor, EndCursor       *string
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

		const pageQuery = `query($id: ID!, $after: String, $filter: ActionFilter, $order: [ActionOrder!]) { node(id: $id) {
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
		// walkBack reads the same list from its end, `last: 3` at a time.
		backQuery := strings.NewReplacer("first: 3, after: $after", "last: 3, before: $before", "$after: String", "$before: String",
			"endCursor", "startCursor").Replace(pageQuery)
		walkBack := func(id string, filter, order any) (ids []string) {
			var before any
			for i := 0; ; i++ {
				require.Less(t, i, 100, "pagination does not end")
				var p nestedPage
				mustPost(t, c, backQuery, map[string]any{"id": id, "before": before, "filter": filter, "order": order}, &p)
				assert.Equal(t, i > 0, p.Node.C.PageInfo.HasNextPage, "%s: a page read backward has items after it but the first", id)
				n := len(p.Node.C.Edges)
				assert.True(t, n == 3 || !p.Node.C.PageInfo.HasPreviousPage, "%s: a page holds three actions unless it starts the list: %d", id, n)
				page := make([]string, len(p.Node.C.Edges))
				for j, e := range p.Node.C.Edges {
					page[j] = e.Node.ID
				}
				if len(page) > 0 {
					ids = append(page, ids...)
				}
				if !p.Node.C.PageInfo.HasPreviousPage {
					return ids
				}
				require.NotNil(t, p.Node.C.PageInfo.StartCursor)
				before = *p.Node.C.PageInfo.StartCursor
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
			if len(want) > 3 {
				assert.Equal(t, want, walkBack(p.id, nil, nil), "%s: read backward, the same list", p.id)
			}
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
		order := []any{map[string]any{"field": "NAME", "direction": "DESC"}, map[string]any{"field": "NUMBER"}}
		filtered := 0
		for _, p := range parents[:len(all.Objectives)+len(all.Commitments)] {
			want := expect(func(a planAction) bool { return p.owns(a) && keep(a) }, byNameDesc)
			got, total := walk(p.id, filter, order)
			assert.Equal(t, want, got, "%s: filtered and ordered by name, descending", p.id)
			assert.Equal(t, len(want), total)
			assert.Equal(t, want, walkBack(p.id, filter, order), "%s: filtered, ordered and read backward", p.id)
			filtered += len(want)
		}
		assert.Positive(t, filtered, "the filter keeps some actions")

		// Ordered by a count, the partners of each action, then by name
		// descending, forward and backward.
		byPartners := []any{map[string]any{"field": "PARTNER_COUNT", "direction": "DESC"}, map[string]any{"field": "NAME", "direction": "DESC"}}
		byPartnersDesc := func(a, b planAction) int {
			return cmp.Or(cmp.Compare(len(b.Partners), len(a.Partners)), cmp.Compare(b.Name, a.Name), cmp.Compare(b.ID, a.ID))
		}
		counted := 0
		for _, p := range parents {
			want := expect(p.owns, byPartnersDesc)
			if len(want) <= 3 {
				continue
			}
			got, total := walk(p.id, nil, byPartners)
			assert.Equal(t, want, got, "%s: by partner count, descending", p.id)
			assert.Equal(t, len(want), total)
			assert.Equal(t, want, walkBack(p.id, nil, byPartners), "%s: by partner count, read backward", p.id)
			counted++
		}
		assert.Greater(t, counted, 5, "parents with more than a page, ordered by a count")
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
			"first and last":        `{ objectives { actionsConnection(first: 1, last: 1) { totalCount } } }`,
			"before with first":     `{ commitments { supportChannelsConnection(first: 1, before: "x") { totalCount } } }`,
			"after with last":       `{ commitments { supportChannelsConnection(last: 1, after: "x") { totalCount } } }`,
			"channel nested or":     `{ commitments { supportChannelsConnection(filter: {or: [{not: {role: [ACTS]}}]}) { totalCount } } }`,
			"channel empty not":     `{ commitments { supportChannelsConnection(filter: {not: {}}) { totalCount } } }`,
			"channel long or":       `{ commitments { supportChannelsConnection(filter: {or: [` + strings.Repeat(`{role: [ACTS]} `, 21) + `]}) { totalCount } } }`,
			"channel no action":     `{ commitments { supportChannelsConnection(filter: {action: "mechanism:ohchr"}) { totalCount } } }`,
			"channel four keys":     `{ commitments { supportChannelsConnection(orderBy: [{field: ROLE}, {field: NAME}, {field: ID}, {field: ACTION_COUNT}]) { totalCount } } }`,
			"search first and last": `{ searchConnection(text: "rights", first: 1, last: 1) { totalCount } }`,
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

// channelOf is a support channel as the tests read it.
type channelOf struct {
	Role      string
	Relations []string
	Via       []struct{ ID string }
	Channel   struct {
		ID, Name             string
		Acronym, Description *string
		Typename             string `json:"__typename"`
	}
}

// TestSupportChannelsConnectionFiltersAndOrders: a commitment's support
// channels are kept and ordered as clients compute them from
// supportChannels, and read backward as forward.
func TestSupportChannelsConnectionFiltersAndOrders(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		c := newClient(t, backend.ReadOnlySeeded(t))
		var all struct {
			Commitments []struct {
				ID              string
				SupportChannels []channelOf
			}
		}
		mustPost(t, c, `{ commitments { id supportChannels { role relations via { id } channel { id name acronym description __typename } } } }`, nil, &all)
		require.Len(t, all.Commitments, 7)
		type page struct {
			Node struct {
				C struct {
					TotalCount int
					Nodes      []channelOf
					PageInfo   struct {
						HasNextPage, HasPreviousPage bool
						StartCursor, EndCursor       *string
					}
				}
			}
		}
		const query = `query($id: ID!, $first: Int, $after: String, $last: Int, $before: String, $filter: SupportChannelFilter, $order: [SupportChannelOrder!]) {
			node(id: $id) { ... on Commitment { c: supportChannelsConnection(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $order) {
				totalCount nodes { role relations via { id } channel { id name acronym description __typename } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } }`
		ids := func(chs []channelOf) []string {
			out := []string{}
			for _, ch := range chs {
				out = append(out, ch.Channel.ID)
			}
			return out
		}
		// read reads a commitment's channels two at a time, forward or
		// backward, and checks that totalCount holds on every page.
		read := func(id string, filter, order any, backward bool) []string {
			got := []string{}
			var cursor any
			for i := 0; ; i++ {
				require.Less(t, i, 100)
				vars := map[string]any{"id": id, "filter": filter, "order": order}
				if backward {
					vars["last"], vars["before"] = 2, cursor
				} else {
					vars["first"], vars["after"] = 2, cursor
				}
				var p page
				mustPost(t, c, query, vars, &p)
				n := len(p.Node.C.Nodes)
				assert.True(t, n == 2 || (n < 2 && !p.Node.C.PageInfo.HasPreviousPage && !p.Node.C.PageInfo.HasNextPage) ||
					(n < 2 && !backward && !p.Node.C.PageInfo.HasNextPage) || (n < 2 && backward && !p.Node.C.PageInfo.HasPreviousPage),
					"a page holds two channels unless it ends the list: %d", n)
				if backward {
					got = append(ids(p.Node.C.Nodes), got...)
					if !p.Node.C.PageInfo.HasPreviousPage {
						return got
					}
					cursor = *p.Node.C.PageInfo.StartCursor
				} else {
					got = append(got, ids(p.Node.C.Nodes)...)
					if !p.Node.C.PageInfo.HasNextPage {
						return got
					}
					cursor = *p.Node.C.PageInfo.EndCursor
				}
			}
		}
		kept := 0
		for _, cm := range all.Commitments {
			chs := cm.SupportChannels
			require.NotEmpty(t, chs)
			action := chs[len(chs)-1].Via[0].ID
			cases := []struct {
				name   string
				filter map[string]any
				order  []any
				keep   func(channelOf) bool
				sort   func(a, b channelOf) int
			}{
				{name: "all"},
				{name: "acts", filter: map[string]any{"role": []string{"ACTS"}}, keep: func(ch channelOf) bool { return ch.Role == "ACTS" }},
				{name: "networks", filter: map[string]any{"kind": []string{"NETWORK"}}, keep: func(ch channelOf) bool { return ch.Channel.Typename == "Network" }},
				{name: "not networks", filter: map[string]any{"not": map[string]any{"kind": []string{"NETWORK"}}}, keep: func(ch channelOf) bool { return ch.Channel.Typename != "Network" }},
				{name: "by action", filter: map[string]any{"action": action}, keep: func(ch channelOf) bool {
					return slices.ContainsFunc(ch.Via, func(v struct{ ID string }) bool { return v.ID == action })
				}},
				{name: "not and or", filter: map[string]any{"not": map[string]any{"role": []string{"BENEFICIARY"}},
					"or": []any{map[string]any{"relation": []string{"ENGAGES"}}, map[string]any{"kind": []string{"MECHANISM"}}}},
					keep: func(ch channelOf) bool {
						return ch.Role != "BENEFICIARY" && (slices.Contains(ch.Relations, "ENGAGES") || ch.Channel.Typename == "Mechanism")
					}},
				{name: "text", filter: map[string]any{"text": strings.Fields(chs[0].Channel.Name)[0]}, keep: func(ch channelOf) bool {
					text := ch.Channel.Name
					for _, s := range []*string{ch.Channel.Acronym, ch.Channel.Description} {
						if s != nil {
							text += " " + *s
						}
					}
					return strings.Contains(strings.ToLower(text), strings.ToLower(strings.Fields(chs[0].Channel.Name)[0]))
				}},
				{name: "most actions, then name", order: []any{map[string]any{"field": "ACTION_COUNT", "direction": "DESC"}, map[string]any{"field": "NAME"}},
					sort: func(a, b channelOf) int {
						return cmp.Or(cmp.Compare(len(b.Via), len(a.Via)), strings.Compare(a.Channel.Name, b.Channel.Name), strings.Compare(a.Channel.ID, b.Channel.ID))
					}},
				{name: "role down, ID", order: []any{map[string]any{"field": "ROLE", "direction": "DESC"}, map[string]any{"field": "ID", "direction": "DESC"}},
					filter: map[string]any{"kind": []string{"MECHANISM", "NETWORK", "NHRI"}},
					sort: func(a, b channelOf) int {
						rank := map[string]int{"ACTS": 0, "PROCESS": 1, "BENEFICIARY": 2}
						return cmp.Or(cmp.Compare(rank[b.Role], rank[a.Role]), strings.Compare(b.Channel.ID, a.Channel.ID))
					}},
			}
			for _, k := range cases {
				want := slices.Clone(chs)
				if k.keep != nil {
					want = slices.DeleteFunc(want, func(ch channelOf) bool { return !k.keep(ch) })
				}
				if k.sort != nil {
					slices.SortStableFunc(want, k.sort)
				}
				var filter, order any
				if k.filter != nil {
					filter = k.filter
				}
				if k.order != nil {
					order = k.order
				}
				assert.Equal(t, ids(want), read(cm.ID, filter, order, false), "%s, %s", cm.ID, k.name)
				assert.Equal(t, ids(want), read(cm.ID, filter, order, true), "%s, %s, read backward", cm.ID, k.name)
				kept += len(want)
			}
		}
		assert.Greater(t, kept, 100)

		// A cursor is refused by another order.
		var p page
		mustPost(t, c, query, map[string]any{"id": all.Commitments[0].ID, "first": 1}, &p)
		errs := rawPost(t, newHandler(backend.ReadOnlySeeded(t)), query, map[string]any{"id": all.Commitments[0].ID, "first": 1,
			"after": *p.Node.C.PageInfo.EndCursor, "order": []any{map[string]any{"field": "NAME"}}}, nil)
		require.NotEmpty(t, errs)
		assert.Equal(t, "BAD_USER_INPUT", codes(errs)[0])
	})
}

// TestSearchConnectionReadsBackward: the ranking of a search read backward
// is the ranking read forward.
func TestSearchConnectionReadsBackward(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		c := newClient(t, backend.ReadOnlySeeded(t))
		type page struct {
			SearchConnection struct {
				TotalCount int
				Edges      []struct{ Node struct{ ID string } }
				PageInfo   struct {
					HasNextPage, HasPreviousPage bool
					StartCursor, EndCursor       *string
				}
			}
		}
		var whole struct {
			SearchConnection struct {
				Edges []struct{ Node struct{ ID string } }
				Nodes []struct{ ID string }
			}
		}
		mustPost(t, c, `{ searchConnection(text: "human rights", first: 500) { edges { node { id } } nodes { id } } }`, nil, &whole)
		want, nodes := []string{}, []string{}
		for _, e := range whole.SearchConnection.Edges {
			want = append(want, e.Node.ID)
		}
		for _, n := range whole.SearchConnection.Nodes {
			nodes = append(nodes, n.ID)
		}
		assert.Equal(t, want, nodes, "nodes are the edges' nodes")
		require.Greater(t, len(want), 20)
		var got []string
		var before any
		for i := 0; ; i++ {
			require.Less(t, i, 100)
			var p page
			mustPost(t, c, `query($before: String) { searchConnection(text: "human rights", last: 7, before: $before) {
				totalCount edges { node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`, map[string]any{"before": before}, &p)
			assert.Equal(t, len(want), p.SearchConnection.TotalCount)
			assert.Equal(t, i > 0, p.SearchConnection.PageInfo.HasNextPage)
			n := len(p.SearchConnection.Edges)
			assert.True(t, n == 7 || !p.SearchConnection.PageInfo.HasPreviousPage, "a page holds seven results unless it starts the ranking: %d", n)
			var ids []string
			for _, e := range p.SearchConnection.Edges {
				ids = append(ids, e.Node.ID)
			}
			got = append(ids, got...)
			if !p.SearchConnection.PageInfo.HasPreviousPage {
				break
			}
			before = *p.SearchConnection.PageInfo.StartCursor
		}
		assert.Equal(t, want, got)
	})
}
