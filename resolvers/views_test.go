package resolvers_test

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"

	"marrakechgraph/advisor"
	"marrakechgraph/kg"
	"marrakechgraph/seed"
	"marrakechgraph/threatlog"
)

// enumValues lists the values of one of the served schema's enums.
func enumValues(t *testing.T, s *ast.Schema, name string) []string {
	t.Helper()
	def := s.Types[name]
	require.NotNil(t, def, name)
	require.Equal(t, ast.Enum, def.Kind, name)
	var out []string
	for _, v := range def.EnumValues {
		out = append(out, v.Name)
	}
	return out
}

// TestSeedFitsTheSchema checks that the view of every seed entity answers
// with values of the schema's enums and the fields its type requires:
// the views return what the graph records, and the schema shows it as is.
func TestSeedFitsTheSchema(t *testing.T) {
	s := served()
	ds, err := seed.Load()
	require.NoError(t, err)
	for i := range ds.Nodes {
		n := &ds.Nodes[i]
		in := func(enum, field string, vs ...string) {
			t.Helper()
			values := enumValues(t, s, enum)
			for _, v := range vs {
				assert.Contains(t, values, v, "%s: %s", n.ID, field)
			}
		}
		v := kg.View(n)
		require.NotNil(t, v, n.ID)
		assert.Equal(t, n.ID, v.ID())
		if c, ok := v.(kg.Channel); ok {
			if e := c.Eligibility(); e != nil {
				in("Reach", "actsIn", e.ActsIn())
				in("Beneficiary", "serves", e.Serves()...)
				in("Trigger", "triggers", e.Triggers()...)
				in("Remedy", "remedies", e.Remedies()...)
			}
		}
		switch m := v.(type) {
		case kg.Network:
			in("NetworkScope", "scope", m.Scope())
		case kg.Mechanism:
			in("MechanismCategory", "category", m.Category())
		case kg.Instrument:
			in("InstrumentType", "type", m.Type())
		case kg.Commitment:
			in("Pillar", "pillar", m.Pillar())
			assert.Positive(t, m.Number(), n.ID)
		case kg.Objective:
			assert.Positive(t, m.Number(), n.ID)
		case kg.Action:
			assert.Positive(t, m.Number(), n.ID)
			assert.NotEmpty(t, m.Text(), n.ID)
		case kg.ThreatType:
			assert.NotEmpty(t, m.Against(), n.ID)
			in("ThreatSubject", "against", m.Against()...)
			in("Trigger", "raises", m.Raises()...)
		case kg.PerpetratorType:
			in("Sector", "sector", m.Sector())
		case kg.SDGTarget:
			in("SDGLevel", "level", m.Level())
			assert.NotEmpty(t, m.Code(), n.ID)
		case kg.StrategicGoal:
			assert.NotEmpty(t, m.Code(), n.ID)
			assert.NotEmpty(t, m.Text(), n.ID)
		case kg.Country:
			assert.Regexp(t, `^[A-Z]{2}$`, m.Code(), n.ID)
			_, ok := kg.CanonicalRegion(string(m.Region()))
			assert.True(t, ok, "%s region %q", n.ID, m.Region())
			if a := m.NHRIAccreditation(); a != nil {
				in("AccreditationStatus", "nhriAccreditation", a.Status)
			}
		case kg.NHRI:
			if st := m.AccreditationStatus(); st != nil {
				in("AccreditationStatus", "accreditationStatus", *st)
			}
		}
	}
}

// TestEveryEntityTypeIsAView: the schema's entity types are exactly the
// views of the public kinds, of the same name, and EntityKind names each
// public kind once.
func TestEveryEntityTypeIsAView(t *testing.T) {
	s := served()
	var types, views []string
	for _, def := range s.GetPossibleTypes(s.Types["Entity"]) {
		types = append(types, def.Name)
	}
	for _, k := range kg.PublicKinds() {
		views = append(views, reflect.TypeOf(kg.View(&kg.Node{Kind: k})).Name())
	}
	assert.ElementsMatch(t, types, views)
	assert.Len(t, enumValues(t, s, "EntityKind"), len(kg.PublicKinds()))
}

func TestEnumsMatchTheDomain(t *testing.T) {
	s := served()
	var rels []string
	for _, ri := range kg.RelTypes() {
		rels = append(rels, string(ri.Type))
	}
	assert.ElementsMatch(t, rels, enumValues(t, s, "RelationType"), "RelationType must list exactly the domain's relationship types")
	for _, d := range enumValues(t, s, "Direction") {
		assert.True(t, kg.Direction(d).Valid(), "direction %s", d)
	}
	assert.ElementsMatch(t, []string{string(kg.RoleActs), string(kg.RoleProcess), string(kg.RoleBeneficiary)}, enumValues(t, s, "ChannelRole"))
	assert.ElementsMatch(t, []string{string(kg.TargetInstitution), string(kg.TargetMembersOrStaff)}, enumValues(t, s, "ThreatTarget"))
	assert.ElementsMatch(t, []string{string(threatlog.StatusOpen), string(threatlog.StatusResponding), string(threatlog.StatusResolved)}, enumValues(t, s, "IncidentStatus"))
	assert.ElementsMatch(t, []string{string(advisor.ConsentRequired), string(advisor.ConsentNotRequired), string(advisor.ConsentNotRecorded)}, enumValues(t, s, "ConsentRequirement"))
}

func TestEligibilityEnumsMatchTheAdvisor(t *testing.T) {
	s := served()
	var triggers, remedies []string
	for tr := range advisor.Triggers {
		triggers = append(triggers, string(tr))
	}
	for r := range advisor.Remedies {
		remedies = append(remedies, r)
	}
	assert.ElementsMatch(t, triggers, enumValues(t, s, "Trigger"))
	assert.ElementsMatch(t, remedies, enumValues(t, s, "Remedy"))
	assert.ElementsMatch(t, []string{advisor.ServesInstitution, advisor.ServesMembersOrStaff, advisor.ServesCSO}, enumValues(t, s, "Beneficiary"))
	assert.ElementsMatch(t, advisor.Reaches, enumValues(t, s, "Reach"))
}
