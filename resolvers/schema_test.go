package resolvers_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"marrakechgraph/graph"
	"marrakechgraph/resolvers"
)

// contract is the part of the schema partner dashboards are built against.
// It must hold exactly: every field here, with exactly this type and these
// arguments.
const contract = `
interface Node { id: ID! }
interface Entity implements Node { id: ID! name: String! acronym: String description: String citations: [Citation!]! }
type Citation { document: String! section: String! quote: String! }
enum Pillar { PROMOTION PROTECTION COOPERATION }
type Query {
  node(id: ID!): Node
  search(text: String!, first: Int): [Node!]!
  objectives: [Objective!]!
  commitments: [Commitment!]!
  actions(first: Int, after: String, filter: ActionFilter): ActionConnection!
  networks: [Network!]!
  mechanisms(first: Int, after: String, filter: MechanismFilter): MechanismConnection!
  nhris(first: Int, after: String, filter: NHRIFilter): NHRIConnection!
  instruments: [Instrument!]!
  riskGroups: [RiskGroup!]!
  threatTypes: [ThreatType!]!
}
type SupportChannel { channel: Entity! via: [Action!]! }
type Objective implements Entity & Node { id: ID! name: String! acronym: String description: String citations: [Citation!]! number: Int! actions: [Action!]! }
type Commitment implements Entity & Node { id: ID! name: String! acronym: String description: String citations: [Citation!]! pillar: Pillar! actions: [Action!]! supportChannels: [SupportChannel!]! }
type Action implements Entity & Node { id: ID! name: String! acronym: String description: String citations: [Citation!]! text: String! objective: Objective! commitment: Commitment partners: [Entity!]! }
type ActionConnection { totalCount: Int! edges: [ActionEdge!]! pageInfo: PageInfo! }
type ActionEdge { cursor: String! node: Action! }
type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }
input ActionFilter { objective: ID }
input MechanismFilter { region: String }
input NHRIFilter { country: String }
type Network { id: ID! }
type Mechanism { id: ID! }
type NHRI { id: ID! }
type Instrument { id: ID! }
type RiskGroup { id: ID! }
type ThreatType { id: ID! }
type MechanismConnection { totalCount: Int! edges: [MechanismEdge!]! pageInfo: PageInfo! }
type MechanismEdge { cursor: String! node: Mechanism! }
type NHRIConnection { totalCount: Int! edges: [NHRIEdge!]! pageInfo: PageInfo! }
type NHRIEdge { cursor: String! node: NHRI! }
`

func served() *ast.Schema {
	return resolvers.New(resolvers.Services{}, 0).Schema()
}

// generated is the schema gqlgen generated, before the server trims it.
func generated() *ast.Schema {
	return graph.NewExecutableSchema(graph.Config{}).Schema()
}

func TestSchemaHoldsTheContract(t *testing.T) {
	want, gerr := gqlparser.LoadSchema(&ast.Source{Name: "contract.graphqls", Input: contract})
	require.Nil(t, gerr)
	got := served()
	for name, wt := range want.Types {
		if wt.BuiltIn || strings.HasPrefix(name, "__") || name == "Query" && len(wt.Fields) == 0 {
			continue
		}
		gt := got.Types[name]
		require.NotNil(t, gt, "type %s", name)
		assert.Equal(t, wt.Kind, gt.Kind, "kind of %s", name)
		for _, iface := range wt.Interfaces {
			assert.Contains(t, gt.Interfaces, iface, "%s implements %s", name, iface)
		}
		for _, ev := range wt.EnumValues {
			assert.NotNil(t, gt.EnumValues.ForName(ev.Name), "%s.%s", name, ev.Name)
		}
		if wt.Kind == ast.Enum {
			assert.Len(t, gt.EnumValues, len(wt.EnumValues), "enum %s has exactly the contract's values", name)
		}
		for _, wf := range wt.Fields {
			if strings.HasPrefix(wf.Name, "__") {
				continue
			}
			gf := gt.Fields.ForName(wf.Name)
			require.NotNil(t, gf, "field %s.%s", name, wf.Name)
			assert.Equal(t, wf.Type.String(), gf.Type.String(), "type of %s.%s", name, wf.Name)
			for _, wa := range wf.Arguments {
				ga := gf.Arguments.ForName(wa.Name)
				require.NotNil(t, ga, "argument %s.%s(%s)", name, wf.Name, wa.Name)
				assert.Equal(t, wa.Type.String(), ga.Type.String(), "type of %s.%s(%s)", name, wf.Name, wa.Name)
			}
			for _, ga := range gf.Arguments {
				if wf.Arguments.ForName(ga.Name) == nil {
					assert.False(t, ga.Type.NonNull && ga.DefaultValue == nil,
						"added argument %s.%s(%s) must be optional", name, wf.Name, ga.Name)
				}
			}
		}
		if wt.Kind == ast.Interface {
			assert.Len(t, gt.Fields, len(wt.Fields), "interface %s has exactly the contract's fields", name)
		}
	}
}

// TestEveryTypeAndFieldIsDocumented: every type (the root types
// included), field, argument, enum value and directive of the served schema
// has a description, as codegen tools show them to partners.
func TestEveryTypeAndFieldIsDocumented(t *testing.T) {
	s := served()
	var missing []string
	undocumented := func(d string) bool { return strings.TrimSpace(d) == "" }
	for name, typ := range s.Types {
		if typ.BuiltIn || strings.HasPrefix(name, "__") {
			continue
		}
		if undocumented(typ.Description) {
			missing = append(missing, "type "+name)
		}
		for _, f := range typ.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			if undocumented(f.Description) {
				missing = append(missing, name+"."+f.Name)
			}
			for _, a := range f.Arguments {
				if undocumented(a.Description) {
					missing = append(missing, name+"."+f.Name+"("+a.Name+")")
				}
			}
		}
		for _, v := range typ.EnumValues {
			if undocumented(v.Description) {
				missing = append(missing, name+"."+v.Name)
			}
		}
	}
	for name, d := range s.Directives {
		if d.Position != nil && d.Position.Src != nil && d.Position.Src.BuiltIn {
			continue
		}
		if undocumented(d.Description) {
			missing = append(missing, "@"+name)
		}
		for _, a := range d.Arguments {
			if undocumented(a.Description) {
				missing = append(missing, "@"+name+"("+a.Name+")")
			}
		}
	}
	for _, root := range []*ast.Definition{s.Query, s.Mutation, s.Subscription} {
		require.NotNil(t, root)
	}
	assert.Empty(t, missing, "undocumented types, fields, arguments, enum values or directives")
}

// TestCustomScalarsAreSpecified: every custom scalar names its
// specification (@specifiedBy), so that codegen tools can map it.
func TestCustomScalarsAreSpecified(t *testing.T) {
	s := served()
	var custom []string
	for name, typ := range s.Types {
		if typ.Kind != ast.Scalar || typ.BuiltIn {
			continue
		}
		custom = append(custom, name)
		d := typ.Directives.ForName("specifiedBy")
		if assert.NotNil(t, d, "scalar %s has @specifiedBy", name) {
			url := d.Arguments.ForName("url")
			require.NotNil(t, url, "scalar %s: @specifiedBy(url:)", name)
			assert.True(t, strings.HasPrefix(url.Value.Raw, "https://"), "scalar %s: %s", name, url.Value.Raw)
		}
	}
	assert.Subset(t, custom, []string{"Date", "DateTime"})
}

// TestNoInternalDirectiveIsServed: directives that steer code generation
// or that the server does not honour (@defer, @stream) are neither declared
// nor used in the served schema.
func TestNoInternalDirectiveIsServed(t *testing.T) {
	s := served()
	internal := []string{"goField", "goModel", "goTag", "goExtraField", "goEnum", "defer", "stream"}
	for _, name := range internal {
		assert.Nil(t, s.Directives[name], "@%s is declared", name)
	}
	for name, typ := range s.Types {
		uses := func(where string, l ast.DirectiveList) {
			for _, d := range l {
				assert.NotContains(t, internal, d.Name, "%s uses @%s", where, d.Name)
			}
		}
		uses(name, typ.Directives)
		for _, f := range typ.Fields {
			uses(name+"."+f.Name, f.Directives)
			for _, a := range f.Arguments {
				uses(name+"."+f.Name+"("+a.Name+")", a.Directives)
			}
		}
	}
	// The generated schema itself still holds them: they steer codegen.
	assert.NotNil(t, generated().Directives["goField"])
}

// sensitiveTypes hold data only some roles may read.
var sensitiveTypes = map[string]bool{
	"APIKey": true, "CreatedAPIKey": true, "AuditEntry": true,
	"ThreatIncident": true, "ThreatIncidentConnection": true, "ThreatIncidentEdge": true,
	"Response": true, "StatRow": true,
}

// TestSensitiveDataIsGuarded checks the schema itself: every field that
// leads from public data into a sensitive type carries @requires, so no
// path reaches it unchecked.
func TestSensitiveDataIsGuarded(t *testing.T) {
	s := served()
	var unguarded []string
	for name, typ := range s.Types {
		if typ.BuiltIn || strings.HasPrefix(name, "__") || sensitiveTypes[name] {
			continue
		}
		for _, f := range typ.Fields {
			if !sensitiveTypes[f.Type.Name()] {
				continue
			}
			if f.Directives.ForName("requires") == nil {
				unguarded = append(unguarded, name+"."+f.Name)
			}
		}
	}
	assert.Empty(t, unguarded, "fields reaching sensitive types without @requires")
	for name := range sensitiveTypes {
		if typ := s.Types[name]; typ != nil {
			for _, iface := range typ.Interfaces {
				assert.NotEqual(t, "Entity", iface, "%s must not be an Entity (reachable through relationships and search)", name)
			}
		}
	}
}
