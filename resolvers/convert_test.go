package resolvers

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/advisor"
	"marrakechgraph/graph/model"
	"marrakechgraph/kg"
	"marrakechgraph/seed"
)

// TestSeedFitsTheSchema checks that every seed entity converts to its schema
// type with valid enum values and the fields its type requires.
func TestSeedFitsTheSchema(t *testing.T) {
	ds, err := seed.Load()
	require.NoError(t, err)
	for i := range ds.Nodes {
		n := &ds.Nodes[i]
		e := toEntity(n)
		assert.Equal(t, n.ID, e.GetID())
		switch m := e.(type) {
		case *model.Network:
			assert.True(t, m.Scope.IsValid(), "%s scope %q", n.ID, m.Scope)
		case *model.Mechanism:
			assert.True(t, m.Category.IsValid(), "%s category %q", n.ID, m.Category)
		case *model.Instrument:
			assert.True(t, m.Type.IsValid(), "%s type %q", n.ID, m.Type)
		case *model.Commitment:
			assert.True(t, m.Pillar.IsValid(), "%s pillar %q", n.ID, m.Pillar)
			assert.Positive(t, m.Number, n.ID)
		case *model.Objective:
			assert.Positive(t, m.Number, n.ID)
		case *model.Action:
			assert.Positive(t, m.Number, n.ID)
			assert.NotEmpty(t, m.Text, n.ID)
		case *model.ThreatType:
			assert.NotEmpty(t, m.Against, n.ID)
			for _, s := range m.Against {
				assert.True(t, s.IsValid(), "%s against %q", n.ID, s)
			}
		case *model.PerpetratorType:
			assert.True(t, m.Sector.IsValid(), "%s sector %q", n.ID, m.Sector)
		case *model.SDGTarget:
			assert.True(t, m.Level.IsValid(), "%s level %q", n.ID, m.Level)
			assert.NotEmpty(t, m.Code, n.ID)
		case *model.StrategicGoal:
			assert.NotEmpty(t, m.Code, n.ID)
			assert.NotEmpty(t, m.Text, n.ID)
		case *model.Country:
			assert.Regexp(t, `^[A-Z]{2}$`, m.Code, n.ID)
			_, ok := kg.CanonicalRegion(m.Region)
			assert.True(t, ok, "%s region %q", n.ID, m.Region)
		case *model.Nhri:
			if m.AccreditationStatus != nil {
				assert.True(t, m.AccreditationStatus.IsValid(), n.ID)
			}
		}
	}
}

func TestEveryKindHasASchemaType(t *testing.T) {
	require.Len(t, kindOfEnum, len(kg.PublicKinds()))
	for _, k := range kg.PublicKinds() {
		n := &kg.Node{ID: "x:x", Kind: k, Name: "x"}
		assert.NotPanics(t, func() { toEntity(n) }, k)
	}
}

func TestEnumsMatchTheDomain(t *testing.T) {
	var rels []string
	for _, ri := range kg.RelTypes() {
		rels = append(rels, string(ri.Type))
	}
	var enum []string
	for _, v := range model.AllRelationType {
		enum = append(enum, string(v))
	}
	assert.ElementsMatch(t, rels, enum, "RelationType must list exactly the domain's relationship types")

	for _, d := range model.AllDirection {
		assert.True(t, kg.Direction(d).Valid(), "direction %s", d)
	}
	for _, k := range model.AllEntityKind {
		assert.True(t, kindOfEnum[k].Valid(), "kind %s", k)
	}
}

func TestEligibilityEnumsMatchTheAdvisor(t *testing.T) {
	var triggers, remedies []string
	for tr := range advisor.Triggers {
		triggers = append(triggers, string(tr))
	}
	for r := range advisor.Remedies {
		remedies = append(remedies, r)
	}
	var gotTriggers, gotRemedies, gotServes []string
	for _, v := range model.AllTrigger {
		gotTriggers = append(gotTriggers, string(v))
	}
	for _, v := range model.AllRemedy {
		gotRemedies = append(gotRemedies, string(v))
	}
	for _, v := range model.AllBeneficiary {
		gotServes = append(gotServes, string(v))
	}
	assert.ElementsMatch(t, triggers, gotTriggers)
	assert.ElementsMatch(t, remedies, gotRemedies)
	assert.ElementsMatch(t, []string{advisor.ServesInstitution, advisor.ServesMembersOrStaff, advisor.ServesCSO}, gotServes)
	var reach []string
	for _, v := range model.AllReach {
		reach = append(reach, string(v))
	}
	assert.ElementsMatch(t, advisor.Reaches, reach)
}
