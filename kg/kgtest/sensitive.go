package kgtest

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/kg"
)

// testSensitive checks what the store promises about sensitive kinds
// (incidents, responses, keys): they need no citations; search never
// returns them; walks that ask only for public kinds never reach them;
// walks from them, and filters on their edges, do; deleting a node that
// a sensitive record refers to is refused with CONFLICT, never cascaded;
// and deleting the records with it removes their edges, with a trace.
func (s *suite) testSensitive(t *testing.T) {
	s.parallel(t)
	ctx := context.Background()
	st := s.loaded(t)
	const incident, response, nhri = "incident:0123456789ab", "response:0123456789ab", "nhri:fx-commission"
	_, err := st.Apply(ctx, kg.ChangeSet{Actor: "desk", Reason: "report",
		PutNodes: []kg.Node{
			{ID: nhri, Kind: kg.KindNHRI, Name: "Fixture Human Rights Commission", Citations: cite("the commission of the fixture")},
			{ID: incident, Kind: kg.KindThreatIncident, Name: "Threat incident", Description: "Reprisals against the special rapporteur's contacts",
				Props: kg.Props{"status": "OPEN", "reportedAt": "2026-01-02T03:04:05.000000000Z"}},
			{ID: response, Kind: kg.KindResponse, Name: "Response", Props: kg.Props{"activatedOn": "2026-01-03"}},
		},
		PutEdges: []kg.Edge{
			{Type: kg.RelConcerns, From: incident, To: nhri},
			{Type: kg.RelMemberOf, From: nhri, To: apf, Citations: cite("member of the forum")},
			{Type: kg.RelRespondsTo, From: response, To: incident},
			{Type: kg.RelActivated, From: response, To: unsr},
		},
	})
	if err != nil {
		t.Fatalf("sensitive nodes and edges need no citations: %v", err)
	}

	found, err := st.Search(ctx, kg.SearchQuery{Text: "reprisals", Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range found {
		if n.Kind.Sensitive() {
			t.Errorf("Search returned %s", n.ID)
		}
	}
	if _, err := st.Search(ctx, kg.SearchQuery{Text: "reprisals", Limit: 5, Kinds: []kg.Kind{kg.KindThreatIncident}}); kg.ErrorCode(err) != kg.CodeBadUserInput {
		t.Errorf("searching a sensitive kind: got %v, want BAD_USER_INPUT", err)
	}

	public, err := st.Neighbors(ctx, []string{nhri, unsr}, kg.NeighborQuery{Direction: kg.Both, Kinds: kg.PublicKinds()})
	if err != nil {
		t.Fatal(err)
	}
	for i, ns := range public {
		for _, nb := range ns {
			if nb.Node.Kind.Sensitive() || nb.Edge.Type.Sensitive() {
				t.Errorf("a walk over public kinds from node %d reached %s over %s", i, nb.Node.ID, nb.Edge.Type)
			}
		}
	}
	all, err := st.Neighbors(ctx, []string{nhri}, kg.NeighborQuery{Direction: kg.Incoming})
	if err != nil {
		t.Fatal(err)
	}
	if got := hops(all[0]); !containsHop(got, hop{kg.RelConcerns, incident}) {
		t.Errorf("a walk that allows every kind must reach the incident; got %v", got)
	}
	from, err := st.Neighbors(ctx, []string{response}, kg.NeighborQuery{Direction: kg.Outgoing, Kinds: kg.PublicKinds()})
	if err != nil {
		t.Fatal(err)
	}
	if got := hops(from[0]); len(got) != 1 || got[0] != (hop{kg.RelActivated, unsr}) {
		t.Errorf("from a response, public neighbours are reached over sensitive edges; got %v", got)
	}

	page, err := st.Find(ctx, kg.FindQuery{Kind: kg.KindThreatIncident, OrderBy: kg.OrderByID, First: 10,
		Related: []kg.RelFilter{{Types: []kg.RelType{kg.RelConcerns}, Direction: kg.Outgoing, IDs: []string{nhri}}}})
	if err != nil {
		t.Fatal(err)
	}
	if page.TotalCount != 1 || len(page.Nodes) != 1 || page.Nodes[0].ID != incident {
		t.Errorf("Find over a sensitive edge: got %d (%v), want the incident", page.TotalCount, ids(page.Nodes))
	}

	// The incident's NHRI, and the channel the response activated, stay.
	before := takeState(t, st)
	incidentHistory, err := st.History(ctx, incident)
	require.NoError(t, err)
	for _, tc := range []struct {
		del     []string
		refused string
	}{
		{[]string{nhri}, nhri},
		{[]string{unsr}, unsr},
		{[]string{apf, nhri}, nhri},
		// The response refers to the incident.
		{[]string{incident, nhri}, incident},
	} {
		_, err := st.Apply(ctx, kg.ChangeSet{Actor: "editor", Reason: "remove", DeleteNodes: tc.del})
		require.Equal(t, kg.CodeConflict, kg.ErrorCode(err), "deleting %v: %v", tc.del, err)
		msg := kg.ClientMessage(err)
		assert.Contains(t, msg, tc.refused, "the refusal names the node")
		if tc.refused != incident {
			assert.NotContains(t, msg, incident, "the refusal names no record of the threat log")
		}
		assert.NotContains(t, msg, response)
		assert.NotContains(t, msg, "Reprisals")
	}
	assertSameState(t, before, takeState(t, st), "a refused deletion changes nothing")
	got, err := st.Nodes(ctx, []string{nhri, incident, response})
	require.NoError(t, err)
	for i, n := range got {
		assert.NotNil(t, n, "node %d is still there", i)
	}
	h, err := st.History(ctx, incident)
	require.NoError(t, err)
	assert.Equal(t, seqsOf(incidentHistory), seqsOf(h), "the incident's history is unchanged")
	concerns, err := st.Neighbors(ctx, []string{incident}, kg.NeighborQuery{Direction: kg.Outgoing, Types: []kg.RelType{kg.RelConcerns}})
	require.NoError(t, err)
	assert.Equal(t, []hop{{kg.RelConcerns, nhri}}, hops(concerns[0]), "the incident still concerns its NHRI")

	// Deleted with the records that refer to it, a node goes, and so do
	// their edges, with a trace.
	res, err := st.Apply(ctx, kg.ChangeSet{Actor: "editor", Reason: "remove", DeleteNodes: []string{response, incident, nhri}})
	require.NoError(t, err)
	if res.Deleted < 7 {
		t.Errorf("deleting the nodes must delete their 4 edges too; deleted %d", res.Deleted)
	}
	h, err = st.History(ctx, incident)
	require.NoError(t, err)
	last := h[len(h)-1]
	if last.Op != kg.OpDelete || last.Edge != nil {
		t.Errorf("the deleted incident leaves a trace in its history; last entry %+v", last)
	}
	if !slices.ContainsFunc(h, func(e kg.AuditEntry) bool {
		return e.Op == kg.OpDelete && e.Edge != nil && e.Edge.Type == kg.RelConcerns
	}) {
		t.Errorf("the deleted incident edge leaves a trace in the incident's history; got %+v", h)
	}
}

func containsHop(hs []hop, h hop) bool {
	for _, x := range hs {
		if x == h {
			return true
		}
	}
	return false
}
