package resolvers_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/kg"
	"marrakechgraph/storetest"
)

// TestSearchConnectionPagesTheRanking: searchConnection walks, page after
// page, the ranking that `search` returns, with the number of matches as
// totalCount: for a search that `search` answers whole, and for one with
// more matches than `search` may return (counted kind by kind).
func TestSearchConnectionPagesTheRanking(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		c := newClient(t, backend.ReadOnlySeeded(t))
		var kinds struct {
			Type struct{ EnumValues []struct{ Name string } } `json:"__type"`
		}
		mustPost(t, c, `{ __type(name: "EntityKind") { enumValues { name } } }`, nil, &kinds)
		require.NotEmpty(t, kinds.Type.EnumValues)
		walk := func(text string, kinds []string, first int) (ids []string, total int) {
			var after any
			for i := 0; ; i++ {
				require.Less(t, i, 1000, "pagination does not end")
				var p struct {
					SearchConnection struct {
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
				vars := map[string]any{"text": text, "after": after, "first": first}
				if kinds != nil {
					vars["kinds"] = kinds
				}
				mustPost(t, c, `query($text: String!, $after: String, $first: Int, $kinds: [EntityKind!]) {
					searchConnection(text: $text, first: $first, after: $after, kinds: $kinds) {
					totalCount edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`, vars, &p)
				sc := p.SearchConnection
				assert.Equal(t, i > 0, sc.PageInfo.HasPreviousPage)
				assert.LessOrEqual(t, len(sc.Edges), first)
				if i > 0 {
					assert.Equal(t, total, sc.TotalCount, "totalCount is the same on every page")
				}
				total = sc.TotalCount
				for _, e := range sc.Edges {
					ids = append(ids, e.Node.ID)
				}
				if !sc.PageInfo.HasNextPage {
					return ids, total
				}
				after = *sc.PageInfo.EndCursor
			}
		}
		search := func(text string, kinds []string) []string {
			var resp struct{ Search []struct{ ID string } }
			vars := map[string]any{"text": text}
			if kinds != nil {
				vars["kinds"] = kinds
			}
			mustPost(t, c, `query($text: String!, $kinds: [EntityKind!]) { search(text: $text, first: 500, kinds: $kinds) { id } }`, vars, &resp)
			var ids []string
			for _, n := range resp.Search {
				ids = append(ids, n.ID)
			}
			return ids
		}

		for _, tc := range []struct {
			text  string
			kinds []string
		}{{"defenders", nil}, {"human rights", nil}, {"reprisals", []string{"MECHANISM", "ACTION"}}, {"commission", []string{"NHRI"}}} {
			want := search(tc.text, tc.kinds)
			require.NotEmpty(t, want, tc.text)
			require.Less(t, len(want), 500)
			got, total := walk(tc.text, tc.kinds, 7)
			assert.Equal(t, want, got, "%q: the ranking of search, page by page", tc.text)
			assert.Equal(t, len(want), total, tc.text)
		}

		// A word in nearly every entity: more matches than one answer of search.
		const common = "e"
		byKind := 0
		for _, k := range kinds.Type.EnumValues {
			byKind += len(search(common, []string{k.Name}))
		}
		top := search(common, nil)
		got, total := walk(common, nil, 250)
		t.Logf("%q: %d matches, kind by kind; search returns %d", common, byKind, len(top))
		assert.Equal(t, byKind, total, "every match is counted")
		require.Len(t, got, total, "every match is on a page")
		assert.Equal(t, top, got[:len(top)], "the pages follow search's ranking")
		seen := map[string]bool{}
		for _, id := range got {
			assert.False(t, seen[id], "%s on two pages", id)
			seen[id] = true
		}
	})
}

// TestSearchConnectionRefusesBadArguments: empty text, a bad page size and a
// cursor of another list are the client's to fix.
func TestSearchConnectionRefusesBadArguments(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		h := newHandler(backend.ReadOnlySeeded(t))
		var top struct {
			Actions struct{ PageInfo struct{ EndCursor string } }
		}
		require.Empty(t, rawPost(t, h, `{ actions(first: 1) { pageInfo { endCursor } } }`, nil, &top))
		for name, q := range map[string]string{
			"empty text":     `{ searchConnection(text: "  ") { totalCount } }`,
			"first 0":        `{ searchConnection(text: "un", first: 0) { totalCount } }`,
			"first 501":      `{ searchConnection(text: "un", first: 501) { totalCount } }`,
			"garbage cursor": `{ searchConnection(text: "un", after: "garbage") { totalCount } }`,
			"another list's": `{ searchConnection(text: "un", after: "` + top.Actions.PageInfo.EndCursor + `") { totalCount } }`,
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

// TestSearchConnectionCountsBeyondOneStoreAnswer: with more matches than
// one answer of the store holds (kg.MaxPageSize), searchConnection still
// counts and pages every match, in the ranking's order (here by name: every
// match has the word in its name).
func TestSearchConnectionCountsBeyondOneStoreAnswer(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		s := backend.Seeded(t)
		var nodes []kg.Node
		var want []string
		for i := range 310 {
			for k, prefix := range map[kg.Kind]string{kg.KindRiskGroup: "risk-group", kg.KindPerpetratorType: "perpetrator-type"} {
				id := fmt.Sprintf("%s:zebrine-%03d", prefix, i)
				nodes = append(nodes, kg.Node{ID: id, Kind: k, Name: fmt.Sprintf("Zebrine %s %03d", k, i),
					Citations: []kg.Citation{{Document: "gap", Section: "s", Quote: "q"}}})
				want = append(want, id)
			}
		}
		_, err := s.Apply(context.Background(), kg.ChangeSet{Actor: "test", Reason: "many matches", PutNodes: nodes})
		require.NoError(t, err)
		slices.SortFunc(nodes, func(a, b kg.Node) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
		want = want[:0]
		for _, n := range nodes {
			want = append(want, n.ID)
		}

		c := newClient(t, s)
		var got []string
		var after any
		for i := 0; ; i++ {
			require.Less(t, i, 10)
			var p struct {
				SearchConnection struct {
					TotalCount int
					Edges      []struct{ Node struct{ ID string } }
					PageInfo   struct {
						HasNextPage bool
						EndCursor   *string
					}
				}
			}
			mustPost(t, c, `query($after: String) { searchConnection(text: "zebrine", first: 200, after: $after) {
				totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`, map[string]any{"after": after}, &p)
			assert.Equal(t, len(want), p.SearchConnection.TotalCount)
			for _, e := range p.SearchConnection.Edges {
				got = append(got, e.Node.ID)
			}
			if !p.SearchConnection.PageInfo.HasNextPage {
				break
			}
			after = *p.SearchConnection.PageInfo.EndCursor
		}
		assert.Greater(t, len(want), kg.MaxPageSize)
		assert.Equal(t, want, got)
	})
}
