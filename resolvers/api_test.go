package resolvers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/apitest"
	"marrakechgraph/cost"
	"marrakechgraph/httpapi"
	"marrakechgraph/kg"
	"marrakechgraph/seed"
	"marrakechgraph/storetest"
)

// countingStore counts the calls that reach the store.
type countingStore struct {
	kg.Store
	calls   atomic.Int64
	failure error // returned by Find when set
	panics  bool  // Find panics when set
}

func (c *countingStore) Nodes(ctx context.Context, ids []string) ([]*kg.Node, error) {
	c.calls.Add(1)
	return c.Store.Nodes(ctx, ids)
}

func (c *countingStore) Neighbors(ctx context.Context, ids []string, q kg.NeighborQuery) ([][]kg.Neighbor, error) {
	c.calls.Add(1)
	return c.Store.Neighbors(ctx, ids, q)
}

func (c *countingStore) Find(ctx context.Context, q kg.FindQuery) (*kg.Page, error) {
	c.calls.Add(1)
	if c.panics {
		panic("store exploded at /secret/path")
	}
	if c.failure != nil {
		return nil, c.failure
	}
	return c.Store.Find(ctx, q)
}

func (c *countingStore) Count(ctx context.Context, q kg.CountQuery) (*kg.Counts, error) {
	c.calls.Add(1)
	return c.Store.Count(ctx, q)
}

func (c *countingStore) Search(ctx context.Context, q kg.SearchQuery) ([]*kg.Node, error) {
	c.calls.Add(1)
	return c.Store.Search(ctx, q)
}

func newHandler(s kg.Store) http.Handler {
	return httpapi.GraphQL(apitest.Options(s, httpapi.Options{Logger: slog.New(slog.DiscardHandler)}))
}

func newClient(t *testing.T, s kg.Store) *client.Client {
	t.Helper()
	return client.New(newHandler(s))
}

// gqlError is one error of a response.
type gqlError struct {
	Message    string
	Path       []any
	Extensions map[string]any
}

// rawPost runs a query and returns its data and errors, whatever the
// HTTP status.
func rawPost(t *testing.T, h http.Handler, query string, vars map[string]any, data any) []gqlError {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var resp struct {
		Data   json.RawMessage
		Errors []gqlError
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &resp), rec.Body.String())
	if data != nil && len(resp.Data) > 0 && string(resp.Data) != "null" {
		require.NoError(t, json.Unmarshal(resp.Data, data))
	}
	return resp.Errors
}

// mustPost runs a query through gqlgen's client and fails on any error.
func mustPost(t *testing.T, c *client.Client, query string, vars map[string]any, data any) {
	t.Helper()
	var opts []client.Option
	for k, v := range vars {
		opts = append(opts, client.Var(k, v))
	}
	require.NoError(t, c.Post(query, data, opts...))
}

func codes(errs []gqlError) []string {
	var out []string
	for _, e := range errs {
		code, _ := e.Extensions["code"].(string)
		out = append(out, code)
	}
	return out
}

func TestCommitmentsMapToSupportChannels(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		s := backend.ReadOnlySeeded(t)
		c := newClient(t, s)
		var resp struct {
			Commitments []struct {
				ID, Name, Pillar string
				Number           int
				Actions          []struct{ ID string }
				AdvancedBy       []struct{ ID string }
				SupportChannels  []struct {
					Channel struct {
						ID, Name string
						Typename string `json:"__typename"`
					}
					Via       []struct{ ID string }
					Relations []string
					Citations []struct{ Quote string }
					Role      string
				}
			}
		}
		mustPost(t, c, `{ commitments { id name pillar number actions { id } advancedBy { id }
		supportChannels { channel { __typename id name } via { id } relations citations { quote } role } } }`, nil, &resp)

		require.Len(t, resp.Commitments, 7)
		pillars := map[string]int{}
		for i, cm := range resp.Commitments {
			assert.Equal(t, i+1, cm.Number, "commitments come in the Declaration's order")
			pillars[cm.Pillar]++
			assert.NotEmpty(t, cm.Actions, "%s has actions", cm.ID)
			actions := map[string]bool{}
			for _, a := range append(cm.Actions, cm.AdvancedBy...) {
				actions[a.ID] = true
			}
			for _, sc := range cm.SupportChannels {
				assert.Contains(t, []string{"ACTS", "PROCESS", "BENEFICIARY"}, sc.Role)
				assert.Contains(t, []string{"Mechanism", "Network", "NHRI"}, sc.Channel.Typename)
				require.NotEmpty(t, sc.Via)
				for _, v := range sc.Via {
					assert.True(t, actions[v.ID], "%s reaches %s via %s, which is not one of its actions", cm.ID, sc.Channel.ID, v.ID)
				}
				assert.NotEmpty(t, sc.Relations)
				assert.NotEmpty(t, sc.Citations)
			}
		}
		assert.Equal(t, map[string]int{"PROMOTION": 3, "PROTECTION": 3, "COOPERATION": 1}, pillars)

		// Cross-check one commitment against the graph itself: its channels are
		// exactly the networks and mechanisms its actions point to, those of
		// Objective 1 that implement it and those of Objective 3 that advance it.
		cm := resp.Commitments[0]
		require.NotEmpty(t, cm.AdvancedBy)
		want := map[string]bool{}
		for _, a := range append(cm.Actions, cm.AdvancedBy...) {
			ns, err := s.Neighbors(context.Background(), []string{a.ID}, kg.NeighborQuery{Direction: kg.Outgoing, Types: kg.ChannelRelTypes, Kinds: kg.ChannelKinds()})
			require.NoError(t, err)
			for _, n := range ns[0] {
				want[n.Node.ID] = true
			}
		}
		got := map[string]bool{}
		for _, sc := range cm.SupportChannels {
			got[sc.Channel.ID] = true
		}
		assert.Equal(t, want, got)
	})
}

// TestCommitmentMapLinksEveryObjective2Channel: every network or mechanism
// an Objective 2 action reaches (the bodies Head Office turns to for an NHRI
// under threat) is a channel that acts for at least one commitment, via that
// action, and every Objective 2 action advances a commitment.
func TestCommitmentMapLinksEveryObjective2Channel(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		s := backend.ReadOnlySeeded(t)
		c := newClient(t, s)
		var resp struct {
			Objectives []struct {
				ID      string
				Actions []struct {
					ID       string
					Partners []struct{ ID string }
				}
			}
			Commitments []struct {
				ID              string
				SupportChannels []struct {
					Channel struct{ ID string }
					Via     []struct{ ID string }
					Role    string
				}
			}
		}
		mustPost(t, c, `{ objectives { id actions { id partners { id } } }
		commitments { id supportChannels { channel { id } via { id } role } } }`, nil, &resp)
		require.Len(t, resp.Objectives, 3)
		o2 := resp.Objectives[1]
		require.Equal(t, kg.ObjectiveUnderThreat, o2.ID)
		require.Len(t, o2.Actions, 6)

		// acts[channel][action] lists the commitments under which the
		// channel acts via the action.
		acts := map[string]map[string][]string{}
		for _, cm := range resp.Commitments {
			for _, sc := range cm.SupportChannels {
				for _, v := range sc.Via {
					if sc.Role != "ACTS" {
						continue
					}
					if acts[sc.Channel.ID] == nil {
						acts[sc.Channel.ID] = map[string][]string{}
					}
					acts[sc.Channel.ID][v.ID] = append(acts[sc.Channel.ID][v.ID], cm.ID)
				}
			}
		}
		channels := map[string]bool{}
		for _, a := range o2.Actions {
			require.NotEmpty(t, a.Partners, a.ID)
			for _, p := range a.Partners {
				channels[p.ID] = true
				assert.NotEmpty(t, acts[p.ID][a.ID], "%s, named by %s, acts for no commitment via it", p.ID, a.ID)
			}
		}
		// The bodies the issue found unmapped, and those Objective 2's action
		// on reporting threats names.
		for _, id := range []string{"mechanism:un-asg-reprisals", "mechanism:un-sr-hrds", "mechanism:iachr", "mechanism:achpr",
			"mechanism:coe", "mechanism:osce", "mechanism:eu", "mechanism:eu-delegations", "mechanism:protectdefenders-eu",
			"mechanism:high-level-country-missions", "mechanism:peer-nhri-public-support", "mechanism:nhri-hosting", "network:nanhri"} {
			assert.True(t, channels[id], "%s is named in Objective 2", id)
		}
		for _, id := range []string{"mechanism:coe", "mechanism:osce", "mechanism:iachr", "mechanism:achpr", "mechanism:eu", "mechanism:un-asg-reprisals"} {
			assert.Contains(t, acts[id]["action:o2-report-threats"], "commitment:international-systems", id)
		}
	})
}

func TestActionsPaginationWalksEveryAction(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		s := backend.ReadOnlySeeded(t)
		c := newClient(t, s)
		stats, err := s.Stats(context.Background())
		require.NoError(t, err)
		total := stats.Nodes[kg.KindAction]
		require.Positive(t, total)

		type page struct {
			Actions struct {
				TotalCount int
				Edges      []struct {
					Cursor string
					Node   struct {
						ID     string
						Number int
					}
				}
				PageInfo struct {
					HasNextPage, HasPreviousPage bool
					EndCursor                    *string
				}
			}
		}
		var seen []int
		var after any
		for i := 0; ; i++ {
			require.Less(t, i, 100, "pagination does not end")
			var p page
			mustPost(t, c, `query($after: String) { actions(first: 4, after: $after) {
			totalCount edges { cursor node { id number } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`,
				map[string]any{"after": after}, &p)
			assert.Equal(t, total, p.Actions.TotalCount)
			assert.Equal(t, i > 0, p.Actions.PageInfo.HasPreviousPage)
			for _, e := range p.Actions.Edges {
				seen = append(seen, e.Node.Number)
			}
			if !p.Actions.PageInfo.HasNextPage {
				break
			}
			require.NotNil(t, p.Actions.PageInfo.EndCursor)
			after = *p.Actions.PageInfo.EndCursor
		}
		require.Len(t, seen, total)
		for i, n := range seen {
			assert.Equal(t, i+1, n, "actions come in the plan's order")
		}
	})
}

func TestActionFilters(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		c := newClient(t, backend.ReadOnlySeeded(t))
		var resp struct {
			Objective2, Protection, ByPartner struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						ID         string
						Objective  struct{ Number int }
						Commitment *struct{ Pillar string }
						Partners   []struct{ ID string }
					}
				}
			}
		}
		mustPost(t, c, `{
		objective2: actions(first: 100, filter: {objective: "objective:2"}) { totalCount edges { node { id objective { number } commitment { pillar } partners { id } } } }
		protection: actions(first: 100, filter: {pillar: PROTECTION}) { totalCount edges { node { id objective { number } commitment { pillar } partners { id } } } }
		byPartner: actions(first: 100, filter: {partner: "mechanism:ohchr"}) { totalCount edges { node { id objective { number } commitment { pillar } partners { id } } } }
	}`, nil, &resp)
		require.Positive(t, resp.Objective2.TotalCount)
		for _, e := range resp.Objective2.Edges {
			assert.Equal(t, 2, e.Node.Objective.Number)
			assert.Nil(t, e.Node.Commitment, "only Objective 1 actions implement commitments")
		}
		require.Positive(t, resp.Protection.TotalCount)
		for _, e := range resp.Protection.Edges {
			require.NotNil(t, e.Node.Commitment)
			assert.Equal(t, "PROTECTION", e.Node.Commitment.Pillar)
		}
		require.Positive(t, resp.ByPartner.TotalCount)
		for _, e := range resp.ByPartner.Edges {
			var ids []string
			for _, p := range e.Node.Partners {
				ids = append(ids, p.ID)
			}
			assert.Contains(t, ids, "mechanism:ohchr")
		}
	})
}

func TestBadInputGivesBadUserInput(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		h := newHandler(backend.ReadOnlySeeded(t))
		cases := map[string]struct {
			query string
			vars  map[string]any
		}{
			"negative first":         {`{ actions(first: -1) { totalCount } }`, nil},
			"first over the maximum": {`{ mechanisms(first: 100000) { totalCount } }`, nil},
			"malformed cursor":       {`{ actions(after: "not-a-cursor") { totalCount } }`, nil},
			"cursor of another ordering": {`query($a: String) { actions(after: $a, orderBy: {field: NAME}) { totalCount } }`,
				map[string]any{"a": kg.Cursor{OrderBy: "seq", Value: int64(1), ID: "action:x"}.Encode()}},
			"unknown objective":      {`{ actions(filter: {objective: "objective:99"}) { totalCount } }`, nil},
			"wrong kind of ID":       {`{ actions(filter: {commitment: "objective:1"}) { totalCount } }`, nil},
			"unknown partner":        {`{ actions(filter: {partner: "mechanism:nobody"}) { totalCount } }`, nil},
			"unknown region":         {`{ mechanisms(filter: {region: "Atlantis"}) { totalCount } }`, nil},
			"bad country code":       {`{ nhris(filter: {country: "Kenya"}) { totalCount } }`, nil},
			"unknown enum variable":  {`query($p: Pillar) { commitments(pillar: $p) { id } }`, map[string]any{"p": "NOT_A_PILLAR"}},
			"unknown enum literal":   {`{ actions(filter: {pillar: NOT_A_PILLAR}) { totalCount } }`, nil},
			"empty search":           {`{ search(text: "   ") { id } }`, nil},
			"negative search size":   {`{ search(text: "OHCHR", first: -5) { id } }`, nil},
			"bad relationship types": {`query($t: [RelationType!]) { commitments { relationships(types: $t) { type } } }`, map[string]any{"t": []string{"FRIEND_OF"}}},
		}
		for name, tc := range cases {
			t.Run(name, func(t *testing.T) {
				errs := rawPost(t, h, tc.query, tc.vars, nil)
				require.NotEmpty(t, errs)
				assert.Equal(t, "BAD_USER_INPUT", codes(errs)[0], "errors: %+v", errs)
				assert.NotContains(t, errs[0].Message, "goroutine")
			})
		}
	})
}

func TestNodeAndSearch(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		c := newClient(t, backend.ReadOnlySeeded(t))
		var resp struct {
			Known, Unknown, Malformed *struct {
				ID       string
				Typename string `json:"__typename"`
				Name     string
			}
			Search []struct {
				ID       string
				Typename string `json:"__typename"`
			}
		}
		mustPost(t, c, `{
		known: node(id: "commitment:early-warning") { id __typename ... on Entity { name } }
		unknown: node(id: "mechanism:does-not-exist") { id }
		malformed: node(id: "no colon at all") { id }
		search(text: "OHCHR", first: 5) { id __typename }
	}`, nil, &resp)
		require.NotNil(t, resp.Known)
		assert.Equal(t, "Commitment", resp.Known.Typename)
		assert.NotEmpty(t, resp.Known.Name)
		assert.Nil(t, resp.Unknown)
		assert.Nil(t, resp.Malformed)
		require.NotEmpty(t, resp.Search)
		assert.Equal(t, "mechanism:ohchr", resp.Search[0].ID, "an exact acronym match comes first")
		assert.LessOrEqual(t, len(resp.Search), 5)
	})
}

func TestInternalErrorsAreHidden(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		for name, cs := range map[string]*countingStore{
			"error": {failure: errors.New("bolt: page 42 corrupt at /var/secret/graph.db")},
			"panic": {panics: true},
		} {
			t.Run(name, func(t *testing.T) {
				cs.Store = backend.ReadOnlySeeded(t)
				errs := rawPost(t, newHandler(cs), `{ objectives { id } }`, nil, nil)
				require.Len(t, errs, 1)
				assert.Equal(t, "INTERNAL", codes(errs)[0])
				assert.Equal(t, "internal error", errs[0].Message)
				assert.NotContains(t, errs[0].Message, "secret")
			})
		}
	})
}

// TestStoreCallsBoundedByDepth proves that the loaders batch reads: a
// query's store calls depend on its depth, not on how many results it has.
func TestStoreCallsBoundedByDepth(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		cs := &countingStore{Store: backend.ReadOnlySeeded(t)}
		// A wider batching window than the default keeps the count independent
		// of scheduling on a loaded machine or under the race detector. The
		// query's worst case (every list at its @listSize) is far over the
		// default cost limit; this test is about batching, not limits.
		h := httpapi.GraphQL(apitest.OptionsWithLoaderWait(cs, httpapi.Options{Logger: slog.New(slog.DiscardHandler),
			Limits: cost.Limits{MaxCost: 10_000_000}}, 50*time.Millisecond))

		// Depth 5 below the root list: objectives → actions → partners →
		// relationships → node, plus commitment and objective per action.
		const deep = `{ objectives { id actions { id objective { id } commitment { id supportChannels { channel { id } } }
		partners { id ... on Mechanism { partOf { id } actions { id } } ... on Network { parts { id } } }
		riskGroups { id actions { id } } } } }`
		var resp struct {
			Objectives []struct {
				Actions []struct {
					ID       string
					Partners []struct{ ID string }
				}
			}
		}
		cs.calls.Store(0)
		require.Empty(t, rawPost(t, h, deep, nil, &resp))
		calls := cs.calls.Load()

		var actions, partners int
		for _, o := range resp.Objectives {
			actions += len(o.Actions)
			for _, a := range o.Actions {
				partners += len(a.Partners)
			}
		}
		require.Greater(t, actions, 20)
		require.Greater(t, partners, 20)
		t.Logf("deep query: %d actions, %d partner links, %d store calls", actions, partners, calls)
		// One call for the root list and one per distinct neighbour query at each
		// level (objective, commitment, partners, riskGroups, supportChannels' two
		// walks, partOf, mechanism actions, parts, risk group actions): far below
		// one call per result.
		assert.LessOrEqual(t, calls, int64(14), "store calls must not grow with the number of results")
	})
}

// TestPlanShowsWhatTheAdvisorRead: an activation plan's channels are those
// the advisor gathered, with their eligibility and reach as it read them:
// asking for their eligibility costs no store call, and it answers as the
// channels do anywhere else.
func TestPlanShowsWhatTheAdvisorRead(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		cs := &countingStore{Store: backend.ReadOnlySeeded(t)}
		// A wide batching window keeps the counts independent of scheduling.
		h := httpapi.GraphQL(apitest.OptionsWithLoaderWait(cs, httpapi.Options{Logger: slog.New(slog.DiscardHandler)}, 50*time.Millisecond))
		const plan = `{ activationPlan(situation: {nhri: "nhri:de-german-institute-for-human-rights",
			threats: ["threat-type:arbitrary-arrest-detention"], urgent: true, reprisalForUNCooperation: true}) {
			recommendations { rank channel { id %[1]s } } considerations { channel { id %[1]s } } notApplicable { channel { id %[1]s } reason } } }`
		const fields = `eligibility { actsIn serves covers { id } outsideOf { id } }`
		const eligibility = `... on Mechanism { ` + fields + ` } ... on Network { ` + fields + ` }`
		calls := func(q string, data any) int64 {
			cs.calls.Store(0)
			require.Empty(t, rawPost(t, h, q, nil, data))
			return cs.calls.Load()
		}
		type channel struct {
			ID          string
			Eligibility json.RawMessage
		}
		var resp struct {
			ActivationPlan struct {
				Recommendations, Considerations, NotApplicable []struct{ Channel channel }
			}
		}
		without := calls(fmt.Sprintf(plan, ""), nil)
		with := calls(fmt.Sprintf(plan, eligibility), &resp)
		t.Logf("activation plan: %d store calls, %d with its channels' eligibility", without, with)
		assert.Equal(t, without, with, "the channels' eligibility is what the advisor read")

		var all struct {
			Mechanisms struct{ Edges []struct{ Node channel } }
			Networks   []channel
		}
		require.Empty(t, rawPost(t, h, `{ mechanisms(first: 500) { edges { node { id `+fields+` } } } networks { id `+fields+` } }`, nil, &all))
		elsewhere := map[string]string{}
		for _, e := range all.Mechanisms.Edges {
			elsewhere[e.Node.ID] = string(e.Node.Eligibility)
		}
		for _, n := range all.Networks {
			elsewhere[n.ID] = string(n.Eligibility)
		}
		got := resp.ActivationPlan
		var seen, covering int
		for _, list := range [][]struct{ Channel channel }{got.Recommendations, got.Considerations, got.NotApplicable} {
			for _, r := range list {
				seen++
				if strings.Contains(string(r.Channel.Eligibility), `"covers":[{`) {
					covering++
				}
				assert.JSONEq(t, elsewhere[r.Channel.ID], string(r.Channel.Eligibility), r.Channel.ID)
			}
		}
		assert.Greater(t, seen, 10)
		assert.Positive(t, covering, "some channels cover organisations or treaties")
	})
}

func TestGraphStats(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		s := backend.ReadOnlySeeded(t)
		c := newClient(t, s)
		var resp struct {
			GraphStats struct {
				Nodes []struct {
					Key   string
					Count int
				}
				TotalNodes, TotalRelationships int
			}
		}
		mustPost(t, c, `{ graphStats { nodes { key count } totalNodes totalRelationships } }`, nil, &resp)
		ds, err := seed.Load()
		require.NoError(t, err)
		assert.Equal(t, len(ds.Nodes), resp.GraphStats.TotalNodes)
		assert.Equal(t, len(ds.Edges), resp.GraphStats.TotalRelationships)
		var keys []string
		for _, n := range resp.GraphStats.Nodes {
			keys = append(keys, n.Key)
		}
		assert.True(t, strings.Contains(strings.Join(keys, ","), "Action"))
	})
}

func TestThreatTypesAgainst(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		c := newClient(t, backend.ReadOnlySeeded(t))
		type threat struct {
			ID      string
			Against []string
		}
		var resp struct{ All, NHRI, HRD []threat }
		mustPost(t, c, `{
		all: threatTypes { id against }
		nhri: threatTypes(against: NHRI) { id against }
		hrd: threatTypes(against: HRD) { id against }
	}`, nil, &resp)
		for subject, got := range map[string][]threat{"NHRI": resp.NHRI, "HRD": resp.HRD} {
			var want []threat
			for _, th := range resp.All {
				if slices.Contains(th.Against, subject) {
					want = append(want, th)
				}
			}
			require.NotEmpty(t, want, subject)
			assert.Less(t, len(want), len(resp.All), "some threat types are not against %s", subject)
			assert.Equal(t, want, got, subject)
		}
	})
}
