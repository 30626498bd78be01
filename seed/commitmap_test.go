package seed

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/kg"
)

// The GAP passages that decide the commitment map (README, "The commitment
// map"). The Marrakech Declaration's premise makes "in support of HRDs"
// cover NHRIs under threat, which Objective 2 is about.
const (
	mdSection   = "Introduction > 3. Context > The Marrakech Declaration: the pledge of NHRIs to safeguard civic space and protect and promote HRDs and WHRDs"
	nhrisAreHRD = "explicitly recognizes that independent and effective NHRIs, along with their members and staff, are HRDs in their own right"
	objective2  = "To support and protect NHRIs as human rights defenders (when under threat)"
)

// TestCommitmentMapRule checks every ADVANCES link against the rule: an
// action of Objective 2 or 3 advances a commitment when its own words do
// what the commitment's words say; the link quotes both, and a link from
// Objective 2 also quotes the Declaration's premise that NHRIs, their members
// and staff are HRDs.
func TestCommitmentMapRule(t *testing.T) {
	g := loadGraph(t)
	gap := loadSource(t, GAP)

	// The premises are in the GAP, where the rule says they are.
	found, _ := gap.inSection(mdSection, nhrisAreHRD)
	require.True(t, found, "the Declaration's premise is quoted from the GAP")
	found, _ = gap.inSection("Objectives and Actions > OBJECTIVE 2", objective2)
	require.True(t, found, "Objective 2's title is quoted from the GAP")

	// The map the rule gives: which commitments each action of Objectives 2
	// and 3 advances.
	want := map[string][]string{
		"action:o2-document-threats":          {"commitment:monitoring"},
		"action:o2-report-threats":            {"commitment:international-systems", "commitment:monitoring"},
		"action:o2-support-information":       {"commitment:international-systems"},
		"action:o2-review-support":            {"commitment:early-warning"},
		"action:o2-un-asg-mandate":            {"commitment:international-systems"},
		"action:o2-engage-partners":           {"commitment:cooperation"},
		"action:o3-collective-advocacy":       {"commitment:ratification"},
		"action:o3-report-wrds":               {"commitment:monitoring"},
		"action:o3-guidance-note-civic-space": {"commitment:cooperation"},
		"action:o3-gender-partnership":        {"commitment:gender-equality"},
		"action:o3-experience-sharing":        {"commitment:early-warning"},
	}
	got := map[string][]string{}
	for _, a := range g.byKind[kg.KindAction] {
		if ts := g.targets(a.ID, kg.RelAdvances); len(ts) > 0 {
			got[a.ID] = ts
		}
	}
	assert.Equal(t, want, got)

	for _, e := range g.ds.Edges {
		if e.Type != kg.RelAdvances {
			continue
		}
		name := e.From + " -[ADVANCES]-> " + e.To
		objs := g.targets(e.From, kg.RelUnderObjective)
		require.Len(t, objs, 1, name)
		assert.NotEqual(t, "objective:1", objs[0], "%s: Objective 1's actions IMPLEMENTS their commitment", name)
		assert.Empty(t, g.targets(e.From, kg.RelImplements), name)

		// The action's own words: the first citation lies in its text.
		require.GreaterOrEqual(t, len(e.Citations), 2, name)
		text, _ := g.prop(e.From, "text").(string)
		assert.Contains(t, normalize(text), normalize(e.Citations[0].Quote), "%s: the first citation quotes the action", name)

		// The commitment's words: a citation quotes the Declaration's
		// priority area as the GAP summarises it, i.e. part of the
		// commitment's own first citation.
		cm := g.nodes[e.To]
		require.NotEmpty(t, cm.Citations, name)
		area := cm.Citations[0]
		assert.True(t, slices.ContainsFunc(e.Citations, func(c kg.Citation) bool {
			return c.Section == area.Section && strings.Contains(normalize(area.Quote), normalize(c.Quote))
		}), "%s quotes the priority area %q", name, area.Quote)

		// Objective 2: NHRIs are HRDs, so "in support of HRDs" covers them.
		if objs[0] == kg.ObjectiveUnderThreat {
			assert.True(t, slices.ContainsFunc(e.Citations, func(c kg.Citation) bool {
				return c.Section == mdSection && c.Quote == nhrisAreHRD
			}), "%s quotes the Declaration's premise that NHRIs are HRDs", name)
		}
	}

	// Every Objective 2 action serves a commitment, so that every channel it
	// names is on the map.
	for _, a := range g.byKind[kg.KindAction] {
		if slices.Contains(g.targets(a.ID, kg.RelUnderObjective), kg.ObjectiveUnderThreat) {
			assert.NotEmpty(t, g.targets(a.ID, kg.RelAdvances), "%s advances no commitment", a.ID)
		}
	}
}
