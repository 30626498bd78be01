package kg_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/kg"
)

// countingGraph answers neighbour reads from fixed lists and counts them.
type countingGraph struct {
	neighbors map[string][]kg.Neighbor
	reads     int
}

func (g *countingGraph) NeighborsOf(_ context.Context, id string, q kg.NeighborQuery) ([]kg.Neighbor, error) {
	g.reads++
	var out []kg.Neighbor
	for _, nb := range g.neighbors[id] {
		if q.Match(id, nb.Edge, nb.Node) {
			out = append(out, nb)
		}
	}
	return out, nil
}

func (g *countingGraph) SupportChannelsOf(context.Context, string) ([]kg.SupportChannel, error) {
	return nil, errors.New("not asked for")
}

func TestEveryPublicKindHasAView(t *testing.T) {
	for _, ki := range kg.Kinds() {
		v := kg.View(&kg.Node{ID: ki.IDPrefix + ":x", Kind: ki.Kind, Name: "X"})
		if ki.Sensitive {
			assert.Nil(t, v, "%s has no public view", ki.Kind)
			continue
		}
		require.NotNil(t, v, ki.Kind)
		assert.Equal(t, ki.IDPrefix+":x", v.ID())
		assert.Equal(t, ki.Kind, v.Node().Kind)
	}
}

func TestViewAccessors(t *testing.T) {
	n := &kg.Node{ID: "country:ke", Kind: kg.KindCountry, Name: "Kenya", Props: kg.Props{
		kg.PropCode: "KE", kg.PropRegion: "Africa", kg.PropNHRIAccreditation: "A", kg.PropNHRIAccreditationReferenceYear: int64(2019),
	}, Citations: []kg.Citation{{Document: "d", Section: kg.AccreditationSection + "2019", Quote: "q"}, {Document: "d", Section: "s", Quote: "q"}}}
	c, ok := kg.ViewAs[kg.Country](n)
	require.True(t, ok)
	assert.Equal(t, "KE", c.Code())
	assert.Equal(t, kg.RegionAfrica, c.Region())
	assert.Nil(t, c.Acronym(), "an empty acronym is null")
	assert.Nil(t, c.Description())
	require.NotNil(t, c.NHRIAccreditation())
	assert.Equal(t, kg.Accreditation{Status: "A", ReferenceYear: 2019, Citations: n.Citations[:1]}, *c.NHRIAccreditation())
	n.Props[kg.PropNHRIAccreditation] = "C"
	assert.Nil(t, c.NHRIAccreditation(), "a status the schema does not know is not shown")

	_, ok = kg.ViewAs[kg.Mechanism](n)
	assert.False(t, ok, "a country is no mechanism")

	s, _ := kg.ViewAs[kg.Survey](&kg.Node{ID: "survey:x", Kind: kg.KindSurvey, Name: "S", Acronym: "GS", Props: kg.Props{
		kg.PropRespondents: int64(40), "respondentsEurope": int64(12), "respondentsAfrica": int64(9),
	}})
	assert.Equal(t, "GS", *s.Acronym())
	assert.Equal(t, 40, *s.Respondents())
	assert.Nil(t, s.Period())
	assert.Equal(t, []kg.RegionCount{{Region: "Africa", Count: 9}, {Region: "Europe", Count: 12}}, s.RespondentsByRegion())
}

// TestRelationshipsReadThroughTheContextsGraph: a view reads its
// relationships through the graph its context carries, and says so when
// there is none instead of failing harder.
func TestRelationshipsReadThroughTheContextsGraph(t *testing.T) {
	cite := []kg.Citation{{Document: "d", Section: "s", Quote: "q"}}
	action := &kg.Node{ID: "action:a", Kind: kg.KindAction, Name: "A", Props: kg.Props{kg.PropSeq: int64(3), kg.PropText: "Do it."}}
	objective := &kg.Node{ID: "objective:2", Kind: kg.KindObjective, Name: "O2"}
	ohchr := &kg.Node{ID: "mechanism:ohchr", Kind: kg.KindMechanism, Name: "OHCHR"}
	incident := &kg.Node{ID: "incident:x", Kind: kg.KindThreatIncident, Name: "Threat incident"}
	g := &countingGraph{neighbors: map[string][]kg.Neighbor{action.ID: {
		{Edge: kg.Edge{Type: kg.RelUnderObjective, From: action.ID, To: objective.ID, Citations: cite}, Node: objective},
		{Edge: kg.Edge{Type: kg.RelEngages, From: action.ID, To: ohchr.ID, Citations: cite}, Node: ohchr},
		{Edge: kg.Edge{Type: kg.RelReportsTo, From: action.ID, To: ohchr.ID, Citations: cite}, Node: ohchr},
		{Edge: kg.Edge{Type: kg.RelConcerns, From: incident.ID, To: action.ID}, Node: incident},
	}}}
	a, _ := kg.ViewAs[kg.Action](action)

	_, err := a.Objective(context.Background())
	require.Error(t, err, "no graph in the context")

	ctx := kg.WithGraph(context.Background(), g)
	o, err := a.Objective(ctx)
	require.NoError(t, err)
	assert.Equal(t, "objective:2", o.ID())
	partners, err := a.Partners(ctx)
	require.NoError(t, err)
	require.Len(t, partners, 1, "a partner reached twice is listed once")
	assert.IsType(t, kg.Mechanism{}, partners[0])
	c, err := a.Commitment(ctx)
	require.NoError(t, err)
	assert.Nil(t, c, "no commitment is null")

	out := kg.Outgoing
	rels, err := a.Relationships(ctx, &out, []kg.RelType{kg.RelEngages, kg.RelReportsTo})
	require.NoError(t, err)
	require.Len(t, rels, 2)
	assert.Equal(t, kg.Relationship{Type: kg.RelEngages, Direction: kg.Outgoing, Node: partners[0], Citations: cite}, rels[0])
	all, err := a.Relationships(ctx, nil, nil)
	require.NoError(t, err)
	assert.Len(t, all, 3, "both directions, public entities only: never the incident")
	bad := kg.Direction("UP")
	_, err = a.Relationships(ctx, &bad, nil)
	assert.Equal(t, kg.CodeBadUserInput, kg.ErrorCode(err))

	_, err = kg.View(objective).(kg.Objective).Actions(ctx)
	require.NoError(t, err)
	bare, _ := kg.ViewAs[kg.Action](&kg.Node{ID: "action:b", Kind: kg.KindAction, Name: "B"})
	_, err = bare.Objective(ctx)
	assert.Equal(t, kg.CodeInternal, kg.ErrorCode(err), "an action without its objective is the data's fault, not the client's")
}

// TestChannelReachReadOnce: a channel whose reach was read with it answers
// its eligibility's covers and outsideOf without reading again; one read
// otherwise, for both.
func TestChannelReachReadOnce(t *testing.T) {
	eu := &kg.Node{ID: "mechanism:eu", Kind: kg.KindMechanism, Name: "EU"}
	charter := &kg.Node{ID: "instrument:charter", Kind: kg.KindInstrument, Name: "Charter"}
	ni := &kg.Node{ID: "country:ni", Kind: kg.KindCountry, Name: "Nicaragua"}
	ch := &kg.Node{ID: "mechanism:x", Kind: kg.KindMechanism, Name: "X", Props: kg.Props{kg.PropActsIn: "COVERED", kg.PropRequiresConsent: false}}
	reach := []kg.Neighbor{
		{Edge: kg.Edge{Type: kg.RelCovers, From: ch.ID, To: charter.ID}, Node: charter},
		{Edge: kg.Edge{Type: kg.RelCovers, From: ch.ID, To: ni.ID}, Node: ni},
		{Edge: kg.Edge{Type: kg.RelOutsideOf, From: ch.ID, To: eu.ID}, Node: eu},
	}
	ids := func(es []kg.Entity) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.ID())
		}
		return out
	}
	g := &countingGraph{neighbors: map[string][]kg.Neighbor{ch.ID: reach}}
	ctx := kg.WithGraph(context.Background(), g)

	read, ok := kg.ChannelOf(ch, reach)
	require.True(t, ok)
	e := read.Eligibility()
	require.NotNil(t, e)
	covers, err := e.Covers(ctx)
	require.NoError(t, err)
	outside, err := e.OutsideOf(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{charter.ID, ni.ID}, ids(covers))
	assert.Equal(t, []string{eu.ID}, ids(outside))
	assert.Zero(t, g.reads, "the reach read with the channel is not read again")
	assert.False(t, *e.RequiresConsent())
	assert.Nil(t, e.HowToActivate())

	m, _ := kg.ViewAs[kg.Mechanism](ch)
	covers2, err := m.Eligibility().Covers(ctx)
	require.NoError(t, err)
	assert.Equal(t, ids(covers), ids(covers2))
	assert.Equal(t, 1, g.reads)

	_, ok = kg.ChannelOf(charter, nil)
	assert.False(t, ok, "an instrument is no channel")
	none, _ := kg.ViewAs[kg.Mechanism](eu)
	assert.Nil(t, none.Eligibility(), "no actsIn, no eligibility")
}
