package kgtest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"marrakechgraph/kg"
)

// The fixture graph: 20 nodes of 7 kinds and 27 edges of 11 types, small
// enough that every expected result below can be worked out by hand.
//
// Actions, the kind Find is checked on:
//
//	id         name                          seq pillar       urgent year
//	action:a1  Train staff on reprisals       1  Protection   true   2021
//	action:a2  Compile mechanism guide        2  Promotion    false  2022
//	action:a3  Alert the Special Rapporteur   3  Protection   true   -
//	action:a4  Build partnerships             4  Cooperation  false  2021
//	action:a5  Monitor civic space            5  Promotion    -      2023
//	action:a6  Support women defenders        6  Protection   false  2022
//	action:a7  Annual review                  7  -            true   2020
const (
	a1 = "action:a1"
	a2 = "action:a2"
	a3 = "action:a3"
	a4 = "action:a4"
	a5 = "action:a5"
	a6 = "action:a6"
	a7 = "action:a7"

	o1 = "objective:o1"
	o2 = "objective:o2"
	o3 = "objective:o3"

	c1 = "commitment:c1"
	c2 = "commitment:c2"

	marrakech = "instrument:marrakech"
	gap       = "instrument:gap"

	ganhri = "network:ganhri"
	apf    = "network:apf"

	unsr  = "mechanism:un-sr"
	achpr = "mechanism:achpr"
	ishr  = "mechanism:ishr"

	women = "risk-group:women"
)

const (
	fixtureActor  = "kgtest"
	fixtureReason = "load the fixture graph"
)

func cite(quote string) []kg.Citation {
	return []kg.Citation{{Document: "Fixture document", Section: "Part 1 > Section 2", Quote: quote}}
}

// fixtureNodes returns a fresh copy of the fixture's nodes, in ID order.
func fixtureNodes() []kg.Node {
	action := func(id, name string, seq int64, pillar string, urgent *bool, year int64, text string) kg.Node {
		p := kg.Props{kg.PropSeq: seq, kg.PropText: text}
		if pillar != "" {
			p["pillar"] = pillar
		}
		if urgent != nil {
			p["urgent"] = *urgent
		}
		if year != 0 {
			p[kg.PropYear] = year
		}
		return kg.Node{ID: id, Kind: kg.KindAction, Name: name, Props: p, Citations: cite("action " + name)}
	}
	yes, no := true, false
	nodes := []kg.Node{
		action(a1, "Train staff on reprisals", 1, "Protection", &yes, 2021, "Train NHRI staff to document reprisals against defenders and their families."),
		action(a2, "Compile mechanism guide", 2, "Promotion", &no, 2022, "Compile and disseminate a guide on how to activate regional mechanisms."),
		action(a3, "Alert the Special Rapporteur", 3, "Protection", &yes, 0, "Report threats against NHRIs to the UN Special Rapporteur without delay."),
		action(a4, "Build partnerships", 4, "Cooperation", &no, 2021, "Build partnerships with civil society organisations."),
		action(a5, "Monitor civic space", 5, "Promotion", nil, 2023, "Monitor and report on the shrinking of civic space."),
		action(a6, "Support women defenders", 6, "Protection", &no, 2022, "Support women human rights defenders at risk."),
		action(a7, "Annual review", 7, "", &yes, 2020, "Review the implementation of the plan every year."),
		{ID: c1, Kind: kg.KindCommitment, Name: "Protect defenders at risk", Props: kg.Props{kg.PropSeq: int64(1), "pillar": "Protection"}, Citations: cite("commitment one")},
		{ID: c2, Kind: kg.KindCommitment, Name: "Promote a safe environment", Props: kg.Props{kg.PropSeq: int64(2), "pillar": "Promotion"}, Citations: cite("commitment two")},
		{ID: gap, Kind: kg.KindInstrument, Name: "Global Action Plan", Acronym: "GAP", Props: kg.Props{kg.PropYear: int64(2021), "type": "PLAN"}, Citations: cite("the plan")},
		{ID: marrakech, Kind: kg.KindInstrument, Name: "Marrakech Declaration", Props: kg.Props{kg.PropYear: int64(2018), "type": "DECLARATION"}, Citations: cite("the declaration")},
		{ID: achpr, Kind: kg.KindMechanism, Name: "African Commission on Human and Peoples' Rights", Acronym: "ACHPR",
			Props: kg.Props{kg.PropSeq: int64(2), "level": "REGIONAL", "since": "1987"}, Citations: cite("the commission")},
		{ID: ishr, Kind: kg.KindMechanism, Name: "International Service for Human Rights", Acronym: "ISHR",
			Description: "Partner that trains defenders to engage the special rapporteur.",
			Props:       kg.Props{"level": "NGO"}, Citations: cite("the service")},
		{ID: unsr, Kind: kg.KindMechanism, Name: "Special Rapporteur on human rights defenders", Acronym: "UNSR",
			Props: kg.Props{kg.PropSeq: int64(1), "level": "UN", "since": int64(2000), "tags": []string{"un", "rapporteur"}}, Citations: cite("the rapporteur")},
		{ID: apf, Kind: kg.KindNetwork, Name: "Asia Pacific Forum of National Human Rights Institutions", Acronym: "APF",
			Description: "Regional network, member of GANHRI.", Citations: cite("the forum")},
		{ID: ganhri, Kind: kg.KindNetwork, Name: "Global Alliance of National Human Rights Institutions", Acronym: "GANHRI",
			Description: "The global network of NHRIs.", Props: kg.Props{"global": true}, Citations: cite("the alliance")},
		{ID: o1, Kind: kg.KindObjective, Name: "Protection of NHRIs", Props: kg.Props{kg.PropSeq: int64(1)}, Citations: cite("objective one")},
		{ID: o2, Kind: kg.KindObjective, Name: "Promotion of civic space", Props: kg.Props{kg.PropSeq: int64(2)}, Citations: cite("objective two")},
		{ID: o3, Kind: kg.KindObjective, Name: "Cooperation and partnerships", Props: kg.Props{kg.PropSeq: int64(3)}, Citations: cite("objective three")},
		{ID: women, Kind: kg.KindRiskGroup, Name: "Women human rights defenders", Acronym: "WHRD", Citations: cite("women at risk")},
	}
	slices.SortFunc(nodes, func(a, b kg.Node) int { return strings.Compare(a.ID, b.ID) })
	return nodes
}

// fixtureEdges returns a fresh copy of the fixture's edges.
func fixtureEdges() []kg.Edge {
	e := func(from string, t kg.RelType, to string) kg.Edge {
		return kg.Edge{Type: t, From: from, To: to, Citations: cite(fmt.Sprintf("%s %s %s", from, t, to))}
	}
	return []kg.Edge{
		e(a1, kg.RelUnderObjective, o1),
		e(a2, kg.RelUnderObjective, o1),
		e(a6, kg.RelUnderObjective, o1),
		e(a3, kg.RelUnderObjective, o2),
		e(a5, kg.RelUnderObjective, o2),
		e(a4, kg.RelUnderObjective, o3),
		e(a7, kg.RelUnderObjective, o3),
		e(a1, kg.RelImplements, c1),
		e(a3, kg.RelImplements, c1),
		e(a6, kg.RelImplements, c1),
		e(a2, kg.RelImplements, c2),
		e(a5, kg.RelImplements, c2),
		e(a1, kg.RelEngages, unsr),
		e(a1, kg.RelEngages, achpr),
		e(a1, kg.RelEngages, ishr),
		e(a3, kg.RelEngages, unsr),
		e(a3, kg.RelReportsTo, unsr),
		e(a2, kg.RelInformsOn, achpr),
		e(a2, kg.RelInCollaborationWith, ganhri),
		e(a4, kg.RelInCollaborationWith, ganhri),
		e(a6, kg.RelTargets, women),
		e(apf, kg.RelPartOf, ganhri),
		e(c1, kg.RelDefinedIn, marrakech),
		e(c2, kg.RelDefinedIn, marrakech),
		e(o1, kg.RelDefinedIn, gap),
		e(gap, kg.RelReferences, marrakech),
		e(a7, kg.RelPromotes, gap),
	}
}

// fixtureStats is what Stats reports for the fixture graph.
func fixtureStats() kg.Stats {
	return kg.Stats{
		Nodes: map[kg.Kind]int{
			kg.KindAction: 7, kg.KindCommitment: 2, kg.KindInstrument: 2, kg.KindMechanism: 3,
			kg.KindNetwork: 2, kg.KindObjective: 3, kg.KindRiskGroup: 1,
		},
		Edges: map[kg.RelType]int{
			kg.RelUnderObjective: 7, kg.RelImplements: 5, kg.RelEngages: 4, kg.RelReportsTo: 1,
			kg.RelInformsOn: 1, kg.RelInCollaborationWith: 2, kg.RelTargets: 1, kg.RelPartOf: 1,
			kg.RelDefinedIn: 3, kg.RelReferences: 1, kg.RelPromotes: 1,
		},
	}
}

func fixtureChangeSet() kg.ChangeSet {
	return kg.ChangeSet{Actor: fixtureActor, Reason: fixtureReason, PutNodes: fixtureNodes(), PutEdges: fixtureEdges()}
}

func fixtureIDs() []string {
	var ids []string
	for _, n := range fixtureNodes() {
		ids = append(ids, n.ID)
	}
	return ids
}

// fixtureNode returns a fresh copy of the fixture node with this ID.
func fixtureNode(t *testing.T, id string) *kg.Node {
	t.Helper()
	for _, n := range fixtureNodes() {
		if n.ID == id {
			return &n
		}
	}
	t.Fatalf("kgtest: no fixture node %s", id)
	return nil
}

// fixtureEdge returns a fresh copy of the fixture edge with this key.
func fixtureEdge(t *testing.T, from string, typ kg.RelType, to string) kg.Edge {
	t.Helper()
	k := kg.EdgeKey{Type: typ, From: from, To: to}
	for _, e := range fixtureEdges() {
		if e.Key() == k {
			return e
		}
	}
	t.Fatalf("kgtest: no fixture edge %s", k)
	return kg.Edge{}
}

// ids returns the IDs of nodes, "<nil>" for a nil node.
func ids(nodes []*kg.Node) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		if n == nil {
			out[i] = "<nil>"
			continue
		}
		out[i] = n.ID
	}
	return out
}

// hop is a neighbour seen as (relationship type, neighbour ID).
type hop struct {
	Type kg.RelType
	ID   string
}

func hops(ns []kg.Neighbor) []hop {
	out := make([]hop, len(ns))
	for i, n := range ns {
		out[i] = hop{n.Edge.Type, n.Node.ID}
	}
	return out
}

// nodeFromJSON decodes an audit entry's node, with canonical property types.
func nodeFromJSON(t *testing.T, s string) *kg.Node {
	t.Helper()
	var n kg.Node
	if err := json.Unmarshal([]byte(s), &n); err != nil {
		t.Fatalf("audit JSON %q is not a node: %v", s, err)
	}
	p, err := kg.Normalize(n.Props)
	if err != nil {
		t.Fatalf("audit JSON %q: %v", s, err)
	}
	n.Props = p
	return &n
}

// edgeFromJSON decodes an audit entry's edge.
func edgeFromJSON(t *testing.T, s string) kg.Edge {
	t.Helper()
	var e kg.Edge
	if err := json.Unmarshal([]byte(s), &e); err != nil {
		t.Fatalf("audit JSON %q is not an edge: %v", s, err)
	}
	return e
}
