package neo4j

import (
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/kg"
)

func sampleNode() *kg.Node {
	return &kg.Node{
		ID: "mechanism:un-asg-reprisals", Kind: kg.KindMechanism, Name: "UN Assistant Secretary-General for Human Rights",
		Acronym: "UN ASG", Description: "Senior official on intimidation and reprisals.",
		Props: kg.Props{"category": "UN", "seq": int64(7), "global": true, "tags": []string{"reprisals", "UN"}, "empty": []string{}},
		Citations: []kg.Citation{
			{Document: "GAP", Section: "Introduction > 3. Context", Quote: "designation of the UN Assistant Secretary-General"},
			{Document: "GAP", Section: "Objectives and Actions > OBJECTIVE 2", Quote: "including the UN ASG"},
		},
	}
}

// asStored turns properties into what the driver hands back for a stored
// node: lists come back as []any.
func asStored(props map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range props {
		if l, ok := v.([]string); ok {
			a := make([]any, len(l))
			for i, s := range l {
				a[i] = s
			}
			v = a
		}
		out[k] = v
	}
	return out
}

func TestNodeRoundTrip(t *testing.T) {
	n := sampleNode()
	props, err := nodeProps(n)
	require.NoError(t, err)
	assert.Equal(t, "mechanism:un-asg-reprisals", props["id"])
	assert.Equal(t, "Mechanism", props["kind"])
	assert.Equal(t, "UN", props["category"], "kg properties are stored under their own keys")
	assert.NotContains(t, props, "props")

	back, err := nodeFromDB(dbtype.Node{ElementId: "4:x:1", Labels: []string{"Entity", "Mechanism"}, Props: asStored(props)})
	require.NoError(t, err)
	assert.True(t, n.Equal(back), "round trip changes nothing:\n%#v\n%#v", n, back)
	assert.Equal(t, []string{}, back.Props["empty"])
}

func TestNodeWithoutOptionalFields(t *testing.T) {
	n := &kg.Node{ID: "objective:1", Kind: kg.KindObjective, Name: "Objective 1", Citations: []kg.Citation{{Document: "d", Section: "s", Quote: "q"}}}
	props, err := nodeProps(n)
	require.NoError(t, err)
	assert.NotContains(t, props, "acronym")
	assert.NotContains(t, props, "description")
	back, err := nodeFromDB(dbtype.Node{Props: asStored(props)})
	require.NoError(t, err)
	assert.True(t, n.Equal(back))
	assert.Nil(t, back.Props)
}

func TestSearchTextMatchesMatchesText(t *testing.T) {
	n := sampleNode()
	n.Props[kg.PropText] = "Report threats and attacks"
	text := searchText(n)
	for _, term := range []string{"asg", "reprisals", "un", "attacks", "secretary-general", "senior"} {
		assert.Contains(t, text, term)
		assert.True(t, kg.MatchesText(n, []string{term}))
	}
	// A term never spans the name and the description.
	assert.False(t, kg.MatchesText(n, []string{"asgsenior"}))
	assert.NotContains(t, text, "asgsenior")
}

func TestNodeFromDBRejectsDamage(t *testing.T) {
	good, err := nodeProps(sampleNode())
	require.NoError(t, err)
	for name, mutate := range map[string]func(m map[string]any){
		"no id":              func(m map[string]any) { delete(m, "id") },
		"unknown kind":       func(m map[string]any) { m["kind"] = "Spaceship" },
		"no citations":       func(m map[string]any) { delete(m, propCitations) },
		"citations not JSON": func(m map[string]any) { m[propCitations] = "[{" },
		"fractional number":  func(m map[string]any) { m["seq"] = 1.5 },
		"negative version":   func(m map[string]any) { m[propVersion] = int64(-1) },
		"version as text":    func(m map[string]any) { m[propVersion] = "1" },
		"map property":       func(m map[string]any) { m["nested"] = map[string]any{"a": 1} },
	} {
		t.Run(name, func(t *testing.T) {
			m := asStored(good)
			mutate(m)
			_, err := nodeFromDB(dbtype.Node{ElementId: "4:x:2", Props: m})
			assert.Error(t, err)
		})
	}
}

func TestEdgeFromMap(t *testing.T) {
	cits, err := citationsJSON([]kg.Citation{{Document: "GAP", Section: "Objectives and Actions > OBJECTIVE 2", Quote: "UN ASG"}})
	require.NoError(t, err)
	e, err := edgeFromMap(map[string]any{"type": "REPORTS_TO", "from": "action:o2-report", "to": "mechanism:un-asg", "citations": cits})
	require.NoError(t, err)
	assert.Equal(t, kg.EdgeKey{Type: kg.RelReportsTo, From: "action:o2-report", To: "mechanism:un-asg"}, e.Key())
	assert.Equal(t, "UN ASG", e.Citations[0].Quote)

	_, err = edgeFromMap(map[string]any{"type": "FRIEND_OF", "from": "a:b", "to": "c:d", "citations": cits})
	assert.Error(t, err, "unknown relationship type")
	_, err = edgeFromMap(map[string]any{"type": "REPORTS_TO", "from": "a:b", "to": "c:d"})
	assert.Error(t, err, "missing citations")
}

func TestNeighborFromRecord(t *testing.T) {
	props, err := nodeProps(sampleNode())
	require.NoError(t, err)
	cits, _ := citationsJSON([]kg.Citation{{Document: "GAP", Section: "S", Quote: "Q"}})
	rec := &neo4j.Record{
		Keys:   []string{"id", "type", "from", "to", "citations", "m"},
		Values: []any{"action:x", "INFORMS_ON", "action:x", "mechanism:un-asg-reprisals", cits, dbtype.Node{Props: asStored(props)}},
	}
	nb, err := neighborFromRecord(rec)
	require.NoError(t, err)
	assert.Equal(t, kg.RelInformsOn, nb.Edge.Type)
	assert.Equal(t, "mechanism:un-asg-reprisals", nb.Node.ID)
	assert.Equal(t, "UN ASG", nb.Node.Acronym)
}

func TestAuditEntryRoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 26, 21, 4, 5, 123456789, time.UTC)
	for _, e := range []kg.AuditEntry{
		{Seq: 41, At: at, Actor: "seed", Reason: "load seed dataset", Op: kg.OpCreate, Subject: "objective:1", After: `{"id":"objective:1"}`},
		{Seq: 42, At: at, Actor: "editor", Reason: "fix", Op: kg.OpDelete, Subject: "action:a",
			Edge: &kg.EdgeKey{Type: kg.RelEngages, From: "action:a", To: "mechanism:b"}, Before: `{"type":"ENGAGES"}`},
	} {
		back, err := auditFromDB(dbtype.Node{Props: auditEntryProps(e)})
		require.NoError(t, err)
		assert.Equal(t, e, back)
	}
	_, err := auditFromDB(dbtype.Node{Props: map[string]any{"at": "yesterday"}})
	assert.Error(t, err)
}

func TestCurrentFromRecordGroupsTouchingEdges(t *testing.T) {
	props, _ := nodeProps(sampleNode())
	cits, _ := citationsJSON([]kg.Citation{{Document: "GAP", Section: "S", Quote: "Q"}})
	edge := func(typ, from, to string) map[string]any {
		return map[string]any{"type": typ, "from": from, "to": to, "citations": cits}
	}
	source := &kg.Node{ID: "action:b", Kind: kg.KindAction, Name: "B", Version: 4, Citations: []kg.Citation{{Document: "GAP", Section: "S", Quote: "Q"}}}
	sourceProps, err := nodeProps(source)
	require.NoError(t, err)
	rec := &neo4j.Record{
		Keys: []string{"nodes", "edges", "touching", "sources"},
		Values: []any{
			[]any{dbtype.Node{Props: asStored(props)}},
			[]any{edge("ENGAGES", "action:a", "mechanism:un-asg-reprisals")},
			[]any{edge("ENGAGES", "action:a", "mechanism:un-asg-reprisals"), edge("PART_OF", "mechanism:un-asg-reprisals", "mechanism:ohchr"), edge("ENGAGES", "action:b", "mechanism:ohchr")},
			[]any{dbtype.Node{Props: sourceProps}},
		},
	}
	cur, err := currentFromRecord(rec, []string{"mechanism:un-asg-reprisals", "mechanism:ohchr"})
	require.NoError(t, err)
	assert.Contains(t, cur.Nodes, "mechanism:un-asg-reprisals")
	if assert.Contains(t, cur.Nodes, "action:b", "the nodes the touching edges leave from") {
		assert.Equal(t, int64(4), cur.Nodes["action:b"].Version)
	}
	assert.Len(t, cur.Edges, 1)
	assert.Len(t, cur.Touching["mechanism:un-asg-reprisals"], 2)
	assert.Len(t, cur.Touching["mechanism:ohchr"], 2)

	rec.Values[3] = []any{"not a node"}
	_, err = currentFromRecord(rec, nil)
	assert.Error(t, err)
}

func TestNodeVersion(t *testing.T) {
	n := sampleNode()
	n.Version = 7
	props, err := nodeProps(n)
	require.NoError(t, err)
	assert.Equal(t, int64(7), props[propVersion])
	back, err := nodeFromDB(dbtype.Node{Props: asStored(props)})
	require.NoError(t, err)
	assert.Equal(t, int64(7), back.Version)

	// A node at version 1 is stored without a version, as one written
	// before versions existed, and reads as version 1.
	n.Version = 1
	props, err = nodeProps(n)
	require.NoError(t, err)
	assert.NotContains(t, props, propVersion)
	back, err = nodeFromDB(dbtype.Node{Props: asStored(props)})
	require.NoError(t, err)
	assert.Equal(t, int64(1), back.Version)
	assert.True(t, sampleNode().Equal(back))
	assert.NotContains(t, back.Props, propVersion, "the version is not a kg property")
}

// A row that cannot be read is an error: a damaged node must never look
// absent, nor a damaged count look like zero.
func TestRecordDecodingErrorsAreReturned(t *testing.T) {
	good, err := nodeProps(sampleNode())
	require.NoError(t, err)
	row := func(id string, n any) *neo4j.Record {
		return &neo4j.Record{Keys: []string{"id", "n"}, Values: []any{id, n}}
	}
	byID, err := nodesFromRecords([]*neo4j.Record{row("mechanism:un-asg-reprisals", dbtype.Node{Props: asStored(good)}), row("nhri:none", nil)})
	require.NoError(t, err)
	assert.Contains(t, byID, "mechanism:un-asg-reprisals")
	assert.NotContains(t, byID, "nhri:none", "a null node is an ID that names none")

	damaged := asStored(good)
	damaged[propCitations] = "[{"
	for name, rec := range map[string]*neo4j.Record{
		"damaged node":       row("mechanism:un-asg-reprisals", dbtype.Node{ElementId: "4:x:3", Props: damaged}),
		"not a node":         row("mechanism:un-asg-reprisals", "a string"),
		"no column":          {Keys: []string{"id"}, Values: []any{"x"}},
		"version not an int": row("mechanism:un-asg-reprisals", dbtype.Node{Props: withProp(good, propVersion, "2")}),
		"version zero":       row("mechanism:un-asg-reprisals", dbtype.Node{Props: withProp(good, propVersion, int64(0))}),
	} {
		_, err := nodesFromRecords([]*neo4j.Record{rec})
		assert.Error(t, err, name)
	}

	count := func(what, key string, n any) *neo4j.Record {
		return &neo4j.Record{Keys: []string{"what", "key", "count"}, Values: []any{what, key, n}}
	}
	st, err := statsFromRecords([]*neo4j.Record{count("node", "NHRI", int64(3)), count("edge", "CONCERNS", int64(0))})
	require.NoError(t, err)
	assert.Equal(t, map[kg.Kind]int{kg.KindNHRI: 3}, st.Nodes)
	for name, rec := range map[string]*neo4j.Record{
		"count not an integer": count("node", "NHRI", "3"),
		"key missing":          {Keys: []string{"what", "count"}, Values: []any{"node", int64(1)}},
		"unknown kind":         count("node", "Spaceship", int64(1)),
	} {
		_, err := statsFromRecords([]*neo4j.Record{rec})
		assert.Error(t, err, name)
	}

	nb := &neo4j.Record{Keys: []string{"id", "type", "from", "m"}, Values: []any{"action:x", "INFORMS_ON", "action:x", dbtype.Node{Props: asStored(good)}}}
	_, err = neighborFromRecord(nb)
	assert.Error(t, err, "a neighbour row without its relationship's end")
}

func withProp(props map[string]any, key string, v any) map[string]any {
	m := asStored(props)
	m[key] = v
	return m
}

func TestRankOfMatchesOrdering(t *testing.T) {
	// The find statements rank values as kg.CompareValues orders them.
	values := []any{"a", true, int64(3), nil}
	for i := 1; i < len(values); i++ {
		assert.Less(t, kg.TypeRank(values[i-1]), kg.TypeRank(values[i]))
		assert.Negative(t, kg.CompareValues(values[i-1], values[i]))
	}
}

func TestRedactURI(t *testing.T) {
	assert.Equal(t, "neo4j+s://db.example:7687", redactURI("neo4j+s://neo4j:secret@db.example:7687"))
	assert.Equal(t, "bolt://localhost:7687", redactURI("bolt://localhost:7687"))
}

func TestStatementsUseOnlyTheVocabulary(t *testing.T) {
	sts := Statements()
	require.NotEmpty(t, sts)
	names := map[string]bool{}
	for _, st := range sts {
		assert.False(t, names[st.Name], "statement names are unique: %s", st.Name)
		names[st.Name] = true
		for _, p := range st.Params {
			assert.Contains(t, st.Cypher, "$"+p, "%s declares $%s", st.Name, p)
		}
	}
	assert.Len(t, putNodeStatements, len(kg.Kinds()))
	assert.Len(t, putEdgeStatements, len(kg.RelTypes()))
}

func TestNeighborStatementFor(t *testing.T) {
	public := kg.PublicKinds()
	for name, tc := range map[string]struct {
		ids    []string
		q      kg.NeighborQuery
		public bool
	}{
		"public kinds from a public node": {[]string{"nhri:gt"}, kg.NeighborQuery{Direction: kg.Both, Kinds: public}, true},
		"public types":                    {[]string{"incident:0123456789ab"}, kg.NeighborQuery{Direction: kg.Outgoing, Types: []kg.RelType{kg.RelPartOf}}, true},
		"incident to its NHRI":            {[]string{"incident:0123456789ab"}, kg.NeighborQuery{Direction: kg.Outgoing, Types: []kg.RelType{kg.RelConcerns}, Kinds: []kg.Kind{kg.KindNHRI}}, false},
		"public kinds from an incident":   {[]string{"incident:0123456789ab"}, kg.NeighborQuery{Direction: kg.Outgoing, Kinds: public}, false},
		"everything":                      {[]string{"nhri:gt"}, kg.NeighborQuery{Direction: kg.Incoming}, false},
		"incidents of an NHRI":            {[]string{"nhri:gt"}, kg.NeighborQuery{Direction: kg.Incoming, Types: []kg.RelType{kg.RelConcerns}, Kinds: []kg.Kind{kg.KindThreatIncident}}, false},
	} {
		st := neighborStatementFor(tc.ids, tc.q)
		assert.Equal(t, tc.public, st.Name == stmtPublicNeighbors[tc.q.Direction].Name, name)
	}
	assert.NotContains(t, stmtPublicNeighbors[kg.Both].Cypher, "CONCERNS")
	assert.Contains(t, stmtPublicNeighbors[kg.Both].Cypher, "MEMBER_OF")
}
