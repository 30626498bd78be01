package resolvers_test

import (
	"cmp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/storetest"
)

type idRef struct{ ID string }

type sortedMechanism struct {
	ID      string
	Name    string
	Actions []idRef
}

// A multi-key order equals the same order computed here from the answer.
func TestMultiKeyOrderEqualsAClientSideSort(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		c := newClient(t, backend.ReadOnlySeeded(t))

		var resp struct {
			Mechanisms struct {
				Edges []struct{ Node sortedMechanism }
			}
		}
		mustPost(t, c, `{ mechanisms(first: 500, orderBy: [{field: ACTION_COUNT, direction: DESC}, {field: NAME}]) {
			edges { node { id name actions { id } } } } }`, nil, &resp)
		var got []sortedMechanism
		for _, e := range resp.Mechanisms.Edges {
			got = append(got, e.Node)
		}
		require.NotEmpty(t, got)
		want := slices.Clone(got)
		slices.SortFunc(want, func(a, b sortedMechanism) int {
			return cmp.Or(-cmp.Compare(len(a.Actions), len(b.Actions)), strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
		})
		assert.Equal(t, ids(want), ids(got))
		assert.Greater(t, len(got[0].Actions), len(got[len(got)-1].Actions), "counts differ, so the order is tested")

		type nhri struct {
			ID       string
			Name     string
			Networks []idRef
		}
		var nh struct {
			Nhris struct{ Edges []struct{ Node nhri } }
		}
		mustPost(t, c, `{ nhris(first: 500, orderBy: [{field: NETWORK_COUNT, direction: DESC}, {field: NAME, direction: DESC}]) {
			edges { node { id name networks { id } } } } }`, nil, &nh)
		var gotN []nhri
		for _, e := range nh.Nhris.Edges {
			gotN = append(gotN, e.Node)
		}
		require.NotEmpty(t, gotN)
		wantN := slices.Clone(gotN)
		slices.SortFunc(wantN, func(a, b nhri) int {
			return cmp.Or(-cmp.Compare(len(a.Networks), len(b.Networks)), -strings.Compare(a.Name, b.Name), -strings.Compare(a.ID, b.ID))
		})
		assert.Equal(t, idsOf(wantN, func(n nhri) string { return n.ID }), idsOf(gotN, func(n nhri) string { return n.ID }))

		type action struct {
			ID       string
			Number   int
			Partners []idRef
		}
		var ac struct {
			Actions struct{ Edges []struct{ Node action } }
		}
		mustPost(t, c, `{ actions(first: 500, orderBy: [{field: PARTNER_COUNT}, {field: ID, direction: DESC}]) {
			edges { node { id number partners { id } } } } }`, nil, &ac)
		var gotA []action
		for _, e := range ac.Actions.Edges {
			gotA = append(gotA, e.Node)
		}
		wantA := slices.Clone(gotA)
		slices.SortFunc(wantA, func(a, b action) int {
			return cmp.Or(cmp.Compare(len(a.Partners), len(b.Partners)), -strings.Compare(a.ID, b.ID))
		})
		assert.Equal(t, idsOf(wantA, func(a action) string { return a.ID }), idsOf(gotA, func(a action) string { return a.ID }))
	})
}

func ids(ms []sortedMechanism) []string {
	return idsOf(ms, func(m sortedMechanism) string { return m.ID })
}

func idsOf[T any](xs []T, id func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

type pageOfIDs struct {
	Edges []struct {
		Cursor string
		Node   idRef
	}
	PageInfo struct {
		HasNextPage, HasPreviousPage bool
		StartCursor, EndCursor       *string
	}
}

// Paging forwards, then backwards from the end, returns the same items.
func TestPagingForwardThenBackward(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		c := newClient(t, backend.ReadOnlySeeded(t))
		const q = `query($first: Int, $after: String, $last: Int, $before: String) {
			mechanisms(first: $first, after: $after, last: $last, before: $before,
				orderBy: [{field: CATEGORY}, {field: COMMITMENT_COUNT, direction: DESC}, {field: NAME}]) {
				edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`
		var forward []string
		vars := map[string]any{"first": 7}
		for i := 0; ; i++ {
			require.Less(t, i, 100)
			var p struct{ Mechanisms pageOfIDs }
			mustPost(t, c, q, vars, &p)
			for _, e := range p.Mechanisms.Edges {
				forward = append(forward, e.Node.ID)
			}
			assert.Equal(t, i > 0, p.Mechanisms.PageInfo.HasPreviousPage)
			if !p.Mechanisms.PageInfo.HasNextPage {
				break
			}
			vars["after"] = *p.Mechanisms.PageInfo.EndCursor
		}
		var backward []string
		vars = map[string]any{"last": 7}
		for i := 0; ; i++ {
			require.Less(t, i, 100)
			var p struct{ Mechanisms pageOfIDs }
			mustPost(t, c, q, vars, &p)
			var page []string
			for _, e := range p.Mechanisms.Edges {
				page = append(page, e.Node.ID)
			}
			backward = append(page, backward...)
			assert.Equal(t, i > 0, p.Mechanisms.PageInfo.HasNextPage)
			if !p.Mechanisms.PageInfo.HasPreviousPage {
				break
			}
			vars["before"] = *p.Mechanisms.PageInfo.StartCursor
		}
		require.Greater(t, len(forward), 14, "several pages each way")
		assert.Equal(t, forward, backward)
	})
}

// One order object, without the list, is a list of one: literal or
// variable, as GraphQL's input coercion says.
func TestSingleOrderObjectStillAccepted(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		c := newClient(t, backend.ReadOnlySeeded(t))
		var one, list, variable struct {
			Countries struct{ Nodes []struct{ Code string } }
		}
		mustPost(t, c, `{ countries(first: 5, orderBy: {field: CODE, direction: DESC}) { nodes { code } } }`, nil, &one)
		mustPost(t, c, `{ countries(first: 5, orderBy: [{field: CODE, direction: DESC}]) { nodes { code } } }`, nil, &list)
		mustPost(t, c, `query($o: [CountryOrder!]) { countries(first: 5, orderBy: $o) { nodes { code } } }`,
			map[string]any{"o": map[string]any{"field": "CODE", "direction": "DESC"}}, &variable)
		require.Len(t, one.Countries.Nodes, 5)
		assert.Equal(t, "ZW", one.Countries.Nodes[0].Code)
		assert.Equal(t, one, list)
		assert.Equal(t, one, variable)
	})
}

func TestBadPagingIsBadUserInput(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		s := backend.ReadOnlySeeded(t)
		h := newHandler(s)
		var p struct{ Nhris pageOfIDs }
		mustPost(t, newClient(t, s), `{ nhris(first: 2, orderBy: [{field: NETWORK_COUNT}]) { edges { cursor node { id } } pageInfo { endCursor } } }`, nil, &p)
		require.NotEmpty(t, p.Nhris.Edges)
		cur := p.Nhris.Edges[0].Cursor
		tampered := []byte(cur)
		tampered[len(tampered)/2] ^= 1
		for name, tc := range map[string]struct {
			query string
			vars  map[string]any
		}{
			"first and last":          {`{ nhris(first: 2, last: 2) { totalCount } }`, nil},
			"last out of range":       {`{ nhris(last: 0) { totalCount } }`, nil},
			"before without last":     {`query($c: String) { nhris(before: $c) { totalCount } }`, map[string]any{"c": cur}},
			"after with last":         {`query($c: String) { nhris(last: 2, after: $c, orderBy: [{field: NETWORK_COUNT}]) { totalCount } }`, map[string]any{"c": cur}},
			"cursor of another order": {`query($c: String) { nhris(last: 2, before: $c, orderBy: [{field: NETWORK_COUNT, direction: DESC}]) { totalCount } }`, map[string]any{"c": cur}},
			"cursor of one key less":  {`query($c: String) { nhris(first: 2, after: $c) { totalCount } }`, map[string]any{"c": cur}},
			"tampered cursor":         {`query($c: String) { nhris(first: 2, after: $c, orderBy: [{field: NETWORK_COUNT}]) { totalCount } }`, map[string]any{"c": string(tampered)}},
			"too many keys":           {`{ nhris(orderBy: [{field: NAME}, {field: ID}, {field: COUNTRY}, {field: NETWORK_COUNT}]) { totalCount } }`, nil},
			"malformed before cursor": {`{ countries(last: 2, before: "not-a-cursor") { totalCount } }`, nil},
		} {
			t.Run(name, func(t *testing.T) {
				errs := rawPost(t, h, tc.query, tc.vars, nil)
				require.NotEmpty(t, errs)
				assert.Equal(t, "BAD_USER_INPUT", codes(errs)[0], "errors: %+v", errs)
			})
		}
	})
}
