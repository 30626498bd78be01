package kg_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/embedded"
	"marrakechgraph/kg"
)

func TestNormalize(t *testing.T) {
	var decoded map[string]any
	dec := json.NewDecoder(strings.NewReader(`{"n": 3, "s": "x", "b": true, "l": ["a", "b"], "z": null}`))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&decoded))
	p, err := kg.Normalize(decoded)
	require.NoError(t, err)
	assert.Equal(t, kg.Props{"n": int64(3), "s": "x", "b": true, "l": []string{"a", "b"}}, p)

	for name, bad := range map[string]map[string]any{
		"fraction":   {"x": 1.5},
		"nested map": {"x": map[string]any{"a": 1}},
		"mixed list": {"x": []any{"a", 1}},
	} {
		_, err := kg.Normalize(bad)
		assert.Error(t, err, name)
	}
}

func TestPropsValidate(t *testing.T) {
	assert.NoError(t, kg.Props{"seq": int64(1), "tags": []string{"a"}}.Validate())
	assert.Error(t, kg.Props{"name": "x"}.Validate(), "reserved key")
	assert.Error(t, kg.Props{"Bad-Key": "x"}.Validate(), "key shape")
	assert.Error(t, kg.Props{"x": 1}.Validate(), "int is not canonical")
}

func TestValidateID(t *testing.T) {
	assert.NoError(t, kg.ValidateID(kg.KindMechanism, "mechanism:un-asg-reprisals"))
	assert.NoError(t, kg.ValidateID(kg.KindSDGTarget, "sdg:16.10.1"))
	for _, id := range []string{"mechanism:", "mechanism:UN", "network:ohchr", "mechanism ohchr", "mechanism:-x"} {
		assert.Equal(t, kg.CodeBadUserInput, kg.ErrorCode(kg.ValidateID(kg.KindMechanism, id)), id)
	}
	k, ok := kg.KindOfID("risk-group:journalists")
	assert.True(t, ok)
	assert.Equal(t, kg.KindRiskGroup, k)
}

func TestCursorRoundTripAndTampering(t *testing.T) {
	for _, v := range []any{"Lifeline", int64(2021), true, nil} {
		c := kg.Cursor{OrderBy: "year", Desc: true, Value: v, ID: "instrument:x"}
		got, err := kg.DecodeCursor(c.Encode(), "year", true)
		require.NoError(t, err)
		assert.Equal(t, c, got)
		_, err = kg.DecodeCursor(c.Encode(), "name", true)
		assert.Equal(t, kg.CodeBadUserInput, kg.ErrorCode(err), "cursor of another ordering")
		_, err = kg.DecodeCursor(c.Encode(), "year", false)
		assert.Equal(t, kg.CodeBadUserInput, kg.ErrorCode(err), "cursor of another direction")
	}
	for _, s := range []string{"", "!!!", "e30", "eyJvIjoieWVhciJ9"} {
		_, err := kg.DecodeCursor(s, "year", false)
		assert.Equal(t, kg.CodeBadUserInput, kg.ErrorCode(err), s)
	}
}

func TestKeyCursorRoundTripAndTampering(t *testing.T) {
	year := []kg.Order{{By: "year", Desc: true}}
	byCount := []kg.Order{{By: "year", Desc: true}, {Count: &kg.RelCount{Types: []kg.RelType{kg.RelEngages}, Direction: kg.Outgoing}}}
	for _, v := range []any{"Lifeline", int64(2021), true, nil} {
		c := kg.KeyCursor{Order: kg.OrderSignature(year), Values: []any{v}, ID: "instrument:x"}
		got, err := kg.DecodeKeyCursor(c.Encode(), year)
		require.NoError(t, err)
		assert.Equal(t, c, got)
		_, err = kg.DecodeKeyCursor(c.Encode(), []kg.Order{{By: "name", Desc: true}})
		assert.Equal(t, kg.CodeBadUserInput, kg.ErrorCode(err), "cursor of another ordering")
		_, err = kg.DecodeKeyCursor(c.Encode(), []kg.Order{{By: "year"}})
		assert.Equal(t, kg.CodeBadUserInput, kg.ErrorCode(err), "cursor of another direction")
		_, err = kg.DecodeKeyCursor(c.Encode(), byCount)
		assert.Equal(t, kg.CodeBadUserInput, kg.ErrorCode(err), "cursor of an order with more keys")
		c = kg.KeyCursor{Order: kg.OrderSignature(byCount), Values: []any{v, int64(3)}, ID: "instrument:x"}
		got, err = kg.DecodeKeyCursor(c.Encode(), byCount)
		require.NoError(t, err)
		assert.Equal(t, c, got)
	}
	for _, vs := range [][]any{{"a"}, {"a", "3"}, {"a", nil}, {"a", true}, {"a", int64(1), int64(2)}} {
		c := kg.KeyCursor{Order: kg.OrderSignature(byCount), Values: vs, ID: "instrument:x"}
		_, err := kg.DecodeKeyCursor(c.Encode(), byCount)
		assert.Equal(t, kg.CodeBadUserInput, kg.ErrorCode(err), "values %v", vs)
	}
	for _, s := range []string{"", "!!!", "e30", "eyJvIjoieWVhciJ9"} {
		_, err := kg.DecodeKeyCursor(s, []kg.Order{{By: "year"}})
		assert.Equal(t, kg.CodeBadUserInput, kg.ErrorCode(err), s)
	}
}

func TestFindQueryPagingArguments(t *testing.T) {
	base := kg.FindQuery{Kind: kg.KindAction, OrderBy: kg.OrderByID}
	cur := kg.KeyedCursor([]any{"action:1"}, "action:1", base.OrderKeys())
	for name, q := range map[string]kg.FindQuery{
		"first and last":   {First: 2, Last: 2},
		"last and after":   {Last: 2, After: cur},
		"first and before": {First: 2, Before: cur},
		"no size":          {},
		"last too large":   {Last: kg.MaxPageSize + 1},
		"four keys":        {First: 1, Orders: []kg.Order{{By: "a"}, {By: "b"}, {By: "c"}, {By: "d"}}},
		"sensitive count":  {First: 1, Orders: []kg.Order{{Count: &kg.RelCount{Types: []kg.RelType{kg.RelConcerns}, Direction: kg.Incoming}}}},
		"count no types":   {First: 1, Orders: []kg.Order{{Count: &kg.RelCount{Direction: kg.Incoming}}}},
		"bad before":       {Last: 1, Before: "e30"},
	} {
		q.Kind, q.OrderBy = base.Kind, base.OrderBy
		assert.Equal(t, kg.CodeBadUserInput, kg.ErrorCode(q.Validate()), name)
	}
	ok := base
	ok.Last, ok.Before = 3, cur
	assert.NoError(t, ok.Validate())
}

func TestCompareValuesFollowsNeo4jOrder(t *testing.T) {
	ordered := []any{"a", "b", false, true, int64(-1), int64(5), nil}
	for i := 1; i < len(ordered); i++ {
		assert.Negative(t, kg.CompareValues(ordered[i-1], ordered[i]), "%v < %v", ordered[i-1], ordered[i])
		assert.Positive(t, kg.CompareValues(ordered[i], ordered[i-1]))
	}
	assert.Zero(t, kg.CompareValues(nil, nil))
}

func TestSearchScore(t *testing.T) {
	n := &kg.Node{ID: "mechanism:ohchr", Kind: kg.KindMechanism, Name: "Office of the High Commissioner for Human Rights", Acronym: "OHCHR",
		Description: "The UN's principal human rights office."}
	assert.Equal(t, 100, kg.SearchScore(n, "ohchr"))
	assert.Equal(t, 60, kg.SearchScore(n, "Office of the"))
	assert.Equal(t, 40, kg.SearchScore(n, "commissioner rights"))
	assert.Equal(t, 10, kg.SearchScore(n, "principal office"))
	assert.Zero(t, kg.SearchScore(n, "reprisals"))
	assert.Zero(t, kg.SearchScore(n, "   "))
}

func TestErrors(t *testing.T) {
	err := kg.Errorf(kg.CodeNotFound, "node %s does not exist", "x:y")
	assert.Equal(t, kg.CodeNotFound, kg.ErrorCode(err))
	assert.Equal(t, "node x:y does not exist", kg.ClientMessage(err))
	raw := assert.AnError
	assert.Equal(t, kg.CodeInternal, kg.ErrorCode(raw))
	assert.Equal(t, "internal error", kg.ClientMessage(raw))
}

// TestSupportChannels walks a small graph: two commitments, three actions,
// channels reached by one or two actions.
func TestSupportChannels(t *testing.T) {
	s, err := embedded.Open(t.TempDir())
	require.NoError(t, err)
	defer s.Close()
	cit := []kg.Citation{{Document: "d", Section: "s", Quote: "q"}}
	node := func(id string, k kg.Kind, name string, seq int64) kg.Node {
		return kg.Node{ID: id, Kind: k, Name: name, Props: kg.Props{kg.PropSeq: seq}, Citations: cit}
	}
	edge := func(t kg.RelType, from, to, quote string) kg.Edge {
		return kg.Edge{Type: t, From: from, To: to, Citations: []kg.Citation{{Document: "d", Section: "s", Quote: quote}}}
	}
	ngo := node("mechanism:hrds", kg.KindMechanism, "HRDs", 0)
	ngo.Props[kg.PropCategory] = "NGO"
	_, err = s.Apply(context.Background(), kg.ChangeSet{Actor: "test", PutNodes: []kg.Node{
		node("commitment:a", kg.KindCommitment, "A", 1), node("commitment:b", kg.KindCommitment, "B", 2),
		node("action:one", kg.KindAction, "One", 1), node("action:two", kg.KindAction, "Two", 2), node("action:three", kg.KindAction, "Three", 3),
		node("mechanism:ohchr", kg.KindMechanism, "OHCHR", 0), node("mechanism:un-women", kg.KindMechanism, "UN Women", 0),
		node("network:apf", kg.KindNetwork, "APF", 0), node("risk-group:whrds", kg.KindRiskGroup, "WHRDs", 0),
		node("objective:1", kg.KindObjective, "O1", 1), node(kg.ObjectiveUnderThreat, kg.KindObjective, "O2", 2),
		node("action:four", kg.KindAction, "Four", 4), ngo,
	}, PutEdges: []kg.Edge{
		edge(kg.RelImplements, "action:one", "commitment:a", "q1"), edge(kg.RelImplements, "action:two", "commitment:a", "q2"),
		edge(kg.RelImplements, "action:three", "commitment:b", "q3"),
		edge(kg.RelInCollaborationWith, "action:one", "mechanism:un-women", "with UN Women"),
		edge(kg.RelInCollaborationWith, "action:one", "mechanism:ohchr", "with OHCHR"),
		edge(kg.RelEngages, "action:two", "mechanism:ohchr", "engage OHCHR"),
		edge(kg.RelInCollaborationWith, "action:three", "network:apf", "with APF"),
		edge(kg.RelTargets, "action:two", "risk-group:whrds", "WHRDs"),
		// Objective 2's action serves commitment b, and reaches OHCHR: under
		// b, OHCHR acts; under a, where only Objective 1 reaches it, it does not.
		edge(kg.RelUnderObjective, "action:one", "objective:1", "o1"),
		edge(kg.RelUnderObjective, "action:four", kg.ObjectiveUnderThreat, "o2"),
		edge(kg.RelAdvances, "action:four", "commitment:b", "q4"),
		edge(kg.RelReportsTo, "action:four", "mechanism:ohchr", "report to OHCHR"),
		edge(kg.RelEngages, "action:three", "mechanism:hrds", "engage HRDs"),
		edge(kg.RelEngages, "action:three", "mechanism:ohchr", "engage OHCHR"),
	}})
	require.NoError(t, err)

	got, err := kg.SupportChannels(context.Background(), s, []string{"commitment:a", "commitment:b", "commitment:none"})
	require.NoError(t, err)
	require.Len(t, got, 3)

	a := got[0]
	require.Len(t, a, 2, "a group at risk is not a channel")
	assert.Equal(t, "mechanism:ohchr", a[0].Channel.ID(), "most supported first")
	assert.Equal(t, []string{"action:one", "action:two"}, ids(a[0].Via))
	assert.ElementsMatch(t, []kg.RelType{kg.RelInCollaborationWith, kg.RelEngages}, a[0].Relations)
	assert.Len(t, a[0].Citations, 2)
	assert.Equal(t, "mechanism:un-women", a[1].Channel.ID())
	for _, sc := range a {
		assert.Equal(t, kg.RoleProcess, sc.Role, "%s: no Objective 2 action serves a", sc.Channel.ID())
	}

	// b: OHCHR acts (an Objective 2 action advancing b reports to it) and
	// comes first though APF is reached by as many actions; the NGO is a
	// beneficiary and comes last.
	b := got[1]
	require.Len(t, b, 3)
	assert.Equal(t, "mechanism:ohchr", b[0].Channel.ID())
	assert.Equal(t, kg.RoleActs, b[0].Role)
	assert.Equal(t, []string{"action:three", "action:four"}, ids(b[0].Via), "document order, whatever the link to the commitment")
	assert.ElementsMatch(t, []kg.RelType{kg.RelEngages, kg.RelReportsTo}, b[0].Relations)
	assert.Equal(t, "network:apf", b[1].Channel.ID())
	assert.Equal(t, kg.RoleProcess, b[1].Role)
	assert.Equal(t, "mechanism:hrds", b[2].Channel.ID())
	assert.Equal(t, kg.RoleBeneficiary, b[2].Role)
	assert.Empty(t, got[2])
}

func ids[E kg.Entity](vs []E) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.ID()
	}
	return out
}

// TestRoleOf: the rule that groups a commitment's channels.
func TestRoleOf(t *testing.T) {
	ngo := &kg.Node{ID: "mechanism:csos", Kind: kg.KindMechanism, Props: kg.Props{kg.PropCategory: "NGO"}}
	un := &kg.Node{ID: "mechanism:upr", Kind: kg.KindMechanism, Props: kg.Props{kg.PropCategory: "UN"}}
	network := &kg.Node{ID: "network:nanhri", Kind: kg.KindNetwork}
	for _, c := range []struct {
		ch          *kg.Node
		underThreat bool
		want        kg.ChannelRole
	}{
		{un, true, kg.RoleActs},
		{ngo, true, kg.RoleActs},
		{network, true, kg.RoleActs},
		{un, false, kg.RoleProcess},
		{network, false, kg.RoleProcess},
		{ngo, false, kg.RoleBeneficiary},
	} {
		assert.Equal(t, c.want, kg.RoleOf(c.ch, c.underThreat), "%s, reached by Objective 2: %v", c.ch.ID, c.underThreat)
	}
}
