package httpapi_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	coderws "github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/auth"
	"marrakechgraph/kg"
	"marrakechgraph/storetest"
)

const reportMutation = `mutation($summary: String!) { reportThreat(input: {
	nhri: "nhri:gt", occurredOn: "2026-03-14", threats: ["threat-type:smear-campaigns"], targets: [INSTITUTION],
	reprisalForUNCooperation: false, consentToShare: false, summary: $summary }) { id summary status } }`

// roleTokens creates a key for every role.
func roleTokens(t *testing.T, s kg.Store) map[auth.Role]string {
	t.Helper()
	keys := &auth.Keys{Store: s}
	tokens := map[auth.Role]string{auth.RolePublic: ""}
	for _, role := range auth.KeyRoles {
		_, token, err := keys.Create(context.Background(), role, "test "+string(role), "test")
		require.NoError(t, err)
		tokens[role] = token
	}
	return tokens
}

func reportOne(t *testing.T, srv *httptest.Server, token, summary string) string {
	t.Helper()
	r := call(t, srv, token, reportMutation, map[string]any{"summary": summary})
	require.Empty(t, r.Errors)
	var data struct{ ID string }
	require.NoError(t, json.Unmarshal(r.Data["reportThreat"], &data))
	require.True(t, strings.HasPrefix(data.ID, "incident:"))
	return data.ID
}

func TestIncidentAccessMatrix(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		srv, ps := newServerOn(t, backend)
		tokens := roleTokens(t, ps.Store)
		incident := reportOne(t, srv, tokens[auth.RoleHeadOffice], "Offices searched without a warrant.")
		ops := []operation{
			{"report a threat", reportMutation, map[string]any{"summary": "Budget cut by 60%."}, auth.WriteIncidents},
			{"update a threat", `mutation($id: ID!) { updateThreat(input: {id: $id, status: RESOLVED}) { id status } }`, map[string]any{"id": incident}, auth.WriteIncidents},
			{"record a response", `mutation($id: ID!) { recordResponse(input: {incident: $id, channel: "mechanism:un-asg-reprisals", activatedOn: "2026-03-15"}) { id channel { id } } }`, map[string]any{"id": incident}, auth.WriteIncidents},
			{"list incidents", `{ threatIncidents(first: 5) { totalCount edges { node { id summary nhri { id } history { op } responses { id } } } } }`, nil, auth.ReadIncidents},
			{"threat statistics", `{ threatStats(groupBy: [YEAR, THREAT_TYPE]) { year threatType { id } count reprisals } }`, nil, auth.ReadIncidents},
			{"incidents of an NHRI", `{ nhris(first: 5) { edges { node { id threatIncidents { id } } } } }`, nil, auth.ReadIncidents},
		}
		var matrix strings.Builder
		for _, role := range append([]auth.Role{auth.RolePublic}, auth.KeyRoles...) {
			for _, op := range ops {
				r := call(t, srv, tokens[role], op.query, op.vars)
				if role.Can(op.needs) {
					require.Empty(t, r.Errors, "%s as %s", op.name, role)
					matrix.WriteString(string(role) + " / " + op.name + ": allow\n")
					continue
				}
				require.NotEmpty(t, r.Errors, "%s as %s", op.name, role)
				want := map[bool]string{true: "UNAUTHENTICATED", false: "FORBIDDEN"}[role == auth.RolePublic]
				assert.Equal(t, want, r.Errors[0].Extensions["code"], "%s as %s", op.name, role)
				assert.NotContains(t, r.Errors[0].Message, incident, "errors never name incidents")
				// The refused field is null wherever it occurs; the public
				// fields around it are served.
				data, err := json.Marshal(r.Data)
				require.NoError(t, err)
				assert.NotContains(t, string(data), incident, "%s as %s leaks the incident", op.name, role)
				refused := nullsOf(t, data, protectedIncidentFields)
				assert.Equal(t, len(r.Errors), refused, "%s as %s: one error per refused field", op.name, role)
				matrix.WriteString(string(role) + " / " + op.name + ": deny\n")
			}
		}
		t.Logf("incident access matrix:\n%s", matrix.String())
	})
}

// protectedIncidentFields are the fields that lead to the threat log.
var protectedIncidentFields = map[string]bool{
	"threatIncidents": true, "threatStats": true, "reportThreat": true, "updateThreat": true, "recordResponse": true,
}

// nullsOf counts the fields named in names within the JSON value v, failing
// the test for any that is not null.
func nullsOf(t *testing.T, v json.RawMessage, names map[string]bool) int {
	t.Helper()
	var walk func(any) int
	walk = func(x any) int {
		n := 0
		switch x := x.(type) {
		case map[string]any:
			for k, e := range x {
				if names[k] {
					assert.Nil(t, e, "%s is refused", k)
					n++
					continue
				}
				n += walk(e)
			}
		case []any:
			for _, e := range x {
				n += walk(e)
			}
		}
		return n
	}
	var x any
	require.NoError(t, json.Unmarshal(v, &x))
	return walk(x)
}

// TestIncidentsNeverLeak tries every other path to incident data as each
// role without the permission: node, search, relationships, counts,
// history, and error messages.
func TestIncidentsNeverLeak(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		srv, ps := newServerOn(t, backend)
		tokens := roleTokens(t, ps.Store)
		const secret = "Zanzibarquux staff member detained"
		incident := reportOne(t, srv, tokens[auth.RoleHeadOffice], secret)
		r := call(t, srv, tokens[auth.RoleHeadOffice], `mutation($id: ID!) { recordResponse(input: {incident: $id, channel: "mechanism:un-asg-reprisals", activatedOn: "2026-03-15"}) { id } }`, map[string]any{"id": incident})
		require.Empty(t, r.Errors)
		var resp struct{ ID string }
		require.NoError(t, json.Unmarshal(r.Data["recordResponse"], &resp))

		own := call(t, srv, tokens[auth.RoleHeadOffice], `query($id: ID!) { node(id: $id) { id ... on ThreatIncident { summary } } }`, map[string]any{"id": incident})
		require.Empty(t, own.Errors)
		assert.Contains(t, string(own.Data["node"]), secret, "the headoffice role reads it through node")

		for _, role := range []auth.Role{auth.RolePublic, auth.RoleAnalyst, auth.RoleEditor} {
			t.Run(string(role), func(t *testing.T) {
				tok := tokens[role]
				for _, id := range []string{incident, resp.ID, "incident:000000000000"} {
					r := call(t, srv, tok, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id})
					assert.Empty(t, r.Errors)
					assert.Equal(t, "null", string(r.Data["node"]), "node(%s) answers null, as for an unknown ID", id)
				}
				r := call(t, srv, tok, `{ search(text: "Zanzibarquux", first: 50) { id } }`, nil)
				assert.Equal(t, "[]", string(r.Data["search"]))
				r = call(t, srv, tok, `{ node(id: "nhri:gt") { ... on NHRI { relationships { type node { id } } } } }`, nil)
				require.Empty(t, r.Errors)
				assert.NotContains(t, string(r.Data["node"]), "incident:")
				assert.NotContains(t, string(r.Data["node"]), "CONCERNS")
				r = call(t, srv, tok, `{ node(id: "mechanism:un-asg-reprisals") { ... on Mechanism { relationships { type node { id } } } } }`, nil)
				assert.NotContains(t, string(r.Data["node"]), "response:")
				r = call(t, srv, tok, `{ graphStats { nodes { key count } relationships { key count } } }`, nil)
				for _, k := range []string{"ThreatIncident", "Response", "APIKey", "CONCERNS", "ACTIVATED", "RESPONDS_TO", "OF_TYPE"} {
					assert.NotContains(t, string(r.Data["graphStats"]), k)
				}
				if role != auth.RolePublic {
					real := call(t, srv, tok, `query($id: ID!) { history(id: $id) { seq } }`, map[string]any{"id": incident})
					fake := call(t, srv, tok, `query($id: ID!) { history(id: $id) { seq } }`, map[string]any{"id": "incident:000000000000"})
					require.NotEmpty(t, real.Errors)
					assert.Equal(t, fake.Errors[0].Message, real.Errors[0].Message, "history answers the same for a real and a made-up incident")
				}
				real := call(t, srv, tok, `mutation($id: ID!) { updateThreat(input: {id: $id, status: RESOLVED}) { id } }`, map[string]any{"id": incident})
				fake := call(t, srv, tok, `mutation($id: ID!) { updateThreat(input: {id: $id, status: RESOLVED}) { id } }`, map[string]any{"id": "incident:000000000000"})
				require.NotEmpty(t, real.Errors)
				assert.Equal(t, fake.Errors[0].Message, real.Errors[0].Message, "refusals do not depend on whether the incident exists")
			})
		}
	})
}

// wsMessages reads a websocket's messages into a channel, closed when the
// connection ends.
func wsMessages(ctx context.Context, c *coderws.Conn) <-chan map[string]any {
	events := make(chan map[string]any, 16)
	go func() {
		defer close(events)
		for {
			var msg map[string]any
			if err := wsjson.Read(ctx, c, &msg); err != nil {
				return
			}
			events <- msg
		}
	}()
	return events
}

// wsSubscribe opens a graphql-transport-ws connection and subscribes.
func wsSubscribe(t *testing.T, ctx context.Context, srv *httptest.Server, token, query string) (*coderws.Conn, map[string]any) {
	t.Helper()
	c, _, err := coderws.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/query", &coderws.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	require.NoError(t, err)
	t.Cleanup(func() { c.CloseNow() })
	init := map[string]any{"type": "connection_init", "payload": map[string]any{}}
	if token != "" {
		init["payload"] = map[string]any{"Authorization": "Bearer " + token}
	}
	require.NoError(t, wsjson.Write(ctx, c, init))
	var ack map[string]any
	if err := wsjson.Read(ctx, c, &ack); err != nil {
		return c, map[string]any{"type": "closed: " + err.Error()}
	}
	if ack["type"] != "connection_ack" {
		return c, ack
	}
	require.NoError(t, wsjson.Write(ctx, c, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": query}}))
	return c, ack
}

func TestThreatReportedSubscription(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		srv, ps := newServerOn(t, backend)
		tokens := roleTokens(t, ps.Store)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		const sub = `subscription { threatReported { id summary nhri { id } threats { id } } }`

		c, _ := wsSubscribe(t, ctx, srv, tokens[auth.RoleHeadOffice], sub)
		// The subscription is registered once the server has read the message;
		// report until the first event arrives.
		events := wsMessages(ctx, c)
		var got map[string]any
		for got == nil {
			reportOne(t, srv, tokens[auth.RoleAdmin], "Director's car vandalised.")
			select {
			case got = <-events:
			case <-time.After(200 * time.Millisecond):
			case <-ctx.Done():
				t.Fatal("no event")
			}
		}
		assert.Equal(t, "next", got["type"])
		b, _ := json.Marshal(got["payload"])
		assert.Contains(t, string(b), "Director's car vandalised.")
		assert.Contains(t, string(b), "nhri:gt")

		for _, role := range []auth.Role{auth.RolePublic, auth.RoleAnalyst, auth.RoleEditor} {
			c, ack := wsSubscribe(t, ctx, srv, tokens[role], sub)
			if ack["type"] != "connection_ack" {
				continue
			}
			var msg map[string]any
			require.NoError(t, wsjson.Read(ctx, c, &msg))
			var refusal struct {
				Type    string
				Payload struct {
					Data   any
					Errors []struct{ Extensions map[string]any }
				}
			}
			b, _ := json.Marshal(msg)
			require.NoError(t, json.Unmarshal(b, &refusal))
			require.NotEmpty(t, refusal.Payload.Errors, "%s cannot subscribe: %s", role, b)
			want := map[bool]string{true: "UNAUTHENTICATED", false: "FORBIDDEN"}[role == auth.RolePublic]
			assert.Equal(t, want, refusal.Payload.Errors[0].Extensions["code"])
			assert.Nil(t, refusal.Payload.Data)
			assert.NotContains(t, string(b), "vandalised")
		}
		c2, ack := wsSubscribe(t, ctx, srv, "mgk_000000000000_"+strings.Repeat("A", 43), sub)
		_ = c2
		assert.NotEqual(t, "connection_ack", ack["type"], "a bad key is refused at connection_init")
	})
}

func TestIncidentActivationPlan(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		srv, ps := newServerOn(t, backend)
		tokens := roleTokens(t, ps.Store)
		r := call(t, srv, tokens[auth.RoleHeadOffice], `mutation { reportThreat(input: {nhri: "nhri:gt", threats: ["threat-type:budget-cuts"],
		targets: [INSTITUTION], reprisalForUNCooperation: false, consentToShare: true, summary: "Budget cut by half."}) {
		id activationPlan { country { code } nhri { id } recommendations { rank channel { id } reasons }
		considerations { channel { id } risk } notApplicable { reason } } } }`, nil)
		require.Empty(t, r.Errors)
		var got struct {
			ActivationPlan struct {
				Country         struct{ Code string }
				Nhri            struct{ ID string }
				Recommendations []struct {
					Rank    int
					Channel struct{ ID string }
					Reasons []string
				}
				Considerations []struct {
					Channel struct{ ID string }
					Risk    string
				}
			}
		}
		require.NoError(t, json.Unmarshal(r.Data["reportThreat"], &got))
		assert.Equal(t, "GT", got.ActivationPlan.Country.Code)
		assert.Equal(t, "nhri:gt", got.ActivationPlan.Nhri.ID)
		require.NotEmpty(t, got.ActivationPlan.Recommendations)
		var ids []string
		for _, rec := range got.ActivationPlan.Recommendations {
			ids = append(ids, rec.Channel.ID)
		}
		assert.NotContains(t, ids, "network:sca", "a review of the NHRI is never a remedy")
		require.Len(t, got.ActivationPlan.Considerations, 1, "a budget cut threatens independence: the accreditation review is a consideration")
		sca := got.ActivationPlan.Considerations[0]
		assert.Equal(t, "network:sca", sca.Channel.ID)
		assert.Contains(t, sca.Risk, "suspension of its status")
	})
}

// TestPublicHistoryDoesNotCountIncidents: the audit history of a public
// entity numbers its own entries only, so changes written around incidents
// show no gap that would count them.
func TestPublicHistoryDoesNotCountIncidents(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		srv, ps := newServerOn(t, backend)
		tokens := roleTokens(t, ps.Store)
		imp := func(year string) {
			r := call(t, srv, tokens[auth.RoleEditor], `mutation($csv: String!) { importNHRIs(csv: $csv, source: "GANHRI chart", asOf: "2026-06-30") { applied } }`,
				map[string]any{"csv": "region,country,institution,acronym,status,year\nAfrica,KE,Kenya National Commission on Human Rights,KNCHR,A," + year + "\n"})
			require.Empty(t, r.Errors)
		}
		imp("2018")
		for i := 0; i < 3; i++ {
			reportOne(t, srv, tokens[auth.RoleHeadOffice], "burglary at the office")
		}
		imp("2019")
		r := call(t, srv, tokens[auth.RoleAnalyst], `{ history(id: "nhri:ke-knchr") { seq op } }`, nil)
		require.Empty(t, r.Errors)
		var entries []struct{ Seq, Op string }
		require.NoError(t, json.Unmarshal(r.Data["history"], &entries))
		require.GreaterOrEqual(t, len(entries), 2, "created, then updated")
		for i, e := range entries {
			assert.Equal(t, strconv.Itoa(i+1), e.Seq, "entries are numbered within the entity's history")
		}
	})
}

// TestPersistedQueriesAreNotShared: a caller cannot learn, from the
// persisted-query cache, which queries another caller has sent.
func TestPersistedQueriesAreNotShared(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		srv, ps := newServerOn(t, backend)
		tokens := roleTokens(t, ps.Store)
		q := `{ threatIncidents(filter: {nhri: "nhri:gt"}) { totalCount } }`
		sum := sha256.Sum256([]byte(q))
		ext := `"extensions":{"persistedQuery":{"version":1,"sha256Hash":"` + hex.EncodeToString(sum[:]) + `"}}`
		_, r := post(t, srv, `{"query":`+strconv.Quote(q)+`,`+ext+`}`, "Authorization", "Bearer "+tokens[auth.RoleHeadOffice])
		require.Empty(t, r.Errors)
		_, r = post(t, srv, `{`+ext+`}`, "Authorization", "Bearer "+tokens[auth.RoleHeadOffice])
		require.Empty(t, r.Errors, "the same caller finds its persisted query")
		for _, role := range []auth.Role{auth.RolePublic, auth.RoleAnalyst} {
			var header []string
			if role != auth.RolePublic {
				header = []string{"Authorization", "Bearer " + tokens[role]}
			}
			_, r = post(t, srv, `{`+ext+`}`, header...)
			require.NotEmpty(t, r.Errors)
			assert.Equal(t, "PersistedQueryNotFound", r.Errors[0].Message, "%s does not see headoffice's persisted query", role)
		}
	})
}

// TestSubscriptionEventsAreFresh: each event of a long subscription reads
// the graph as it is when the event happens.
func TestSubscriptionEventsAreFresh(t *testing.T) {
	storetest.Run(t, func(t *testing.T, backend storetest.Backend) {
		srv, ps := newServerOn(t, backend)
		tokens := roleTokens(t, ps.Store)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, ack := wsSubscribe(t, ctx, srv, tokens[auth.RoleHeadOffice], `subscription { threatReported { id nhri { threatIncidents { id } } } }`)
		require.Equal(t, "connection_ack", ack["type"])
		events := wsMessages(ctx, c)
		var counts []int
		for len(counts) < 2 {
			reportOne(t, srv, tokens[auth.RoleAdmin], "another report")
			select {
			case msg := <-events:
				b, _ := json.Marshal(msg["payload"])
				var p struct {
					Data struct {
						ThreatReported struct {
							Nhri struct{ ThreatIncidents []struct{ ID string } }
						}
					}
				}
				require.NoError(t, json.Unmarshal(b, &p))
				counts = append(counts, len(p.Data.ThreatReported.Nhri.ThreatIncidents))
			case <-time.After(300 * time.Millisecond):
			}
		}
		assert.Greater(t, counts[1], counts[0], "the second event sees the first report too")
	})
}
