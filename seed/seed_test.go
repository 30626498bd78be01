package seed

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/kg"
)

// The rules checked here are documented in data/README.md; keep both in step.

// ---------------------------------------------------------------------------
// The source document

// normalisation, applied the same way to the document and to every quote.
var (
	supRE     = regexp.MustCompile(`(?s)<sup>.*?</sup>`)
	linkRE    = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	boldTagRE = regexp.MustCompile(`(?i)</?b>`)
	spaceRE   = regexp.MustCompile(`\s+`)
)

// normalize drops footnote markup (<sup>…</sup> and its content), turns
// markdown links [text](url) into their text, drops HTML <b> tags, markdown
// emphasis (* and **) and backslash escapes, and collapses all whitespace to
// single spaces.
func normalize(s string) string {
	s = supRE.ReplaceAllString(s, "")
	s = linkRE.ReplaceAllString(s, "$1")
	s = boldTagRE.ReplaceAllString(s, "")
	s = strings.NewReplacer("*", "", `\`, "").Replace(s)
	return strings.TrimSpace(spaceRE.ReplaceAllString(s, " "))
}

// Headings and footnotes.
var (
	hashHeadingRE = regexp.MustCompile(`^(#{1,6})\s+(.+)$`)
	boldLineRE    = regexp.MustCompile(`^\*\*[^*]+\*\*$`)
	tocPartRE     = regexp.MustCompile(`^<b>(.+?)\s*\.{3,}\s*</b>`)
	numberedRE    = regexp.MustCompile(`^\d+\. `)
	objectiveRE   = regexp.MustCompile(`^OBJECTIVE (\d+)$`)
	footnoteDefRE = regexp.MustCompile(`^<sup>(\d+)</sup>`)
	markerRE      = regexp.MustCompile(`<sup>(\d+)</sup>`)
	footnoteRefRE = regexp.MustCompile(`^Footnote (\d+)$`)
)

type heading struct {
	line  int // index into source.lines
	level int // logical level, see README.md
	text  string
}

// source is a parsed source document.
type source struct {
	lines     []string
	text      string // the whole document, normalised
	headings  []heading
	footnotes map[string]int   // footnote number -> line of its text
	markers   map[string][]int // footnote number -> lines that reference it
}

func parseSource(raw string) *source {
	s := &source{
		lines:     strings.Split(strings.ReplaceAll(raw, "\r\n", "\n"), "\n"),
		footnotes: map[string]int{},
		markers:   map[string][]int{},
	}
	s.text = normalize(raw)
	parts := map[string]bool{}
	for _, l := range s.lines {
		if m := tocPartRE.FindStringSubmatch(strings.TrimSpace(l)); m != nil {
			parts[normalize(m[1])] = true
		}
	}
	for i, l := range s.lines {
		l = strings.TrimSpace(l)
		var h *heading
		if m := hashHeadingRE.FindStringSubmatch(l); m != nil {
			h = &heading{line: i, level: len(m[1]) + 1, text: normalize(m[2])}
		} else if boldLineRE.MatchString(l) {
			h = &heading{line: i, level: 4, text: normalize(l)}
		}
		if h != nil && h.text != "" {
			switch {
			case parts[h.text]:
				h.level = 1
			case numberedRE.MatchString(h.text) || objectiveRE.MatchString(h.text):
				h.level = 2
			}
			s.headings = append(s.headings, *h)
		}
		for _, m := range markerRE.FindAllStringSubmatchIndex(l, -1) {
			n := l[m[2]:m[3]]
			if m[0] == 0 && footnoteDefRE.MatchString(l) {
				s.footnotes[n] = i
				continue
			}
			s.markers[n] = append(s.markers[n], i)
		}
	}
	return s
}

// span returns the lines [start, end) a heading covers: up to the next
// heading of the same or a lower logical level.
func (s *source) span(h heading) (int, int) {
	for _, o := range s.headings {
		if o.line > h.line && o.level <= h.level {
			return h.line, o.line
		}
	}
	return h.line, len(s.lines)
}

// resolve returns the normalised text of every reading of a section path
// (a heading text can occur more than once); none means the path is invalid.
func (s *source) resolve(path string) []string {
	comps := strings.Split(path, " > ")
	var out []string
	var walk func(i, lo, hi int)
	walk = func(i, lo, hi int) {
		comp, last := comps[i], i == len(comps)-1
		if m := footnoteRefRE.FindStringSubmatch(comp); m != nil {
			def, ok := s.footnotes[m[1]]
			if !last || i == 0 || !ok {
				return
			}
			if slices.ContainsFunc(s.markers[m[1]], func(l int) bool { return l > lo && l < hi }) {
				out = append(out, normalize(s.lines[def]))
			}
			return
		}
		for _, h := range s.headings {
			if h.text != comp || h.line < lo || h.line >= hi || (i > 0 && h.line == lo) {
				continue
			}
			start, end := s.span(h)
			if last {
				out = append(out, normalize(strings.Join(s.lines[start:end], "\n")))
				continue
			}
			walk(i+1, start, end)
		}
	}
	walk(0, 0, len(s.lines))
	return out
}

// inSection reports whether the normalised quote occurs in a reading of the
// section, and whether the section resolves at all.
func (s *source) inSection(section, quote string) (found, resolves bool) {
	spans := s.resolve(section)
	q := normalize(quote)
	for _, sp := range spans {
		if strings.Contains(sp, q) {
			return true, true
		}
	}
	return false, len(spans) > 0
}

var sourceCache = map[string]*source{}

// loadSource reads a source document from the shared sources folder
// (../../shared/sources from this package, or $MARRAKECH_SOURCES). When it
// is missing the test is skipped locally and fails in CI.
func loadSource(t *testing.T, document string) *source {
	t.Helper()
	name, ok := SourceFiles[document]
	require.True(t, ok, "no source file for document %q", document)
	dir := os.Getenv("MARRAKECH_SOURCES")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "sources")
	}
	p := filepath.Join(dir, name)
	if s, ok := sourceCache[p]; ok {
		return s
	}
	b, err := os.ReadFile(p)
	if err != nil {
		msg := fmt.Sprintf("source document %s not readable (%v); set MARRAKECH_SOURCES to the folder that holds %s", p, err, name)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	s := parseSource(string(b))
	sourceCache[p] = s
	return s
}

// ---------------------------------------------------------------------------
// The dataset

type graph struct {
	ds     *Dataset
	nodes  map[string]kg.Node
	byKind map[kg.Kind][]kg.Node
	out    map[string][]kg.Edge
	in     map[string][]kg.Edge
}

func loadGraph(t *testing.T) *graph {
	t.Helper()
	ds, err := Load()
	require.NoError(t, err)
	g := &graph{ds: ds, nodes: map[string]kg.Node{}, byKind: map[kg.Kind][]kg.Node{},
		out: map[string][]kg.Edge{}, in: map[string][]kg.Edge{}}
	for _, n := range ds.Nodes {
		g.nodes[n.ID] = n
		g.byKind[n.Kind] = append(g.byKind[n.Kind], n)
	}
	for _, e := range ds.Edges {
		g.out[e.From] = append(g.out[e.From], e)
		g.in[e.To] = append(g.in[e.To], e)
	}
	return g
}

// targets lists the IDs an edge of type t leads to from id, sorted.
func (g *graph) targets(id string, t kg.RelType) []string {
	var out []string
	for _, e := range g.out[id] {
		if e.Type == t {
			out = append(out, e.To)
		}
	}
	sort.Strings(out)
	return out
}

// sources lists the IDs an edge of type t comes from into id, sorted.
func (g *graph) sources(id string, t kg.RelType) []string {
	var out []string
	for _, e := range g.in[id] {
		if e.Type == t {
			out = append(out, e.From)
		}
	}
	sort.Strings(out)
	return out
}

func (g *graph) ids(k kg.Kind) []string {
	var out []string
	for _, n := range g.byKind[k] {
		out = append(out, n.ID)
	}
	sort.Strings(out)
	return out
}

func (g *graph) prop(id, key string) any { return g.nodes[id].Props[key] }

func (g *graph) intProp(t *testing.T, id, key string) int64 {
	t.Helper()
	v, ok := g.nodes[id].Props.Int(key)
	require.True(t, ok, "%s has no integer %s", id, key)
	return v
}

// actions returns the actions in document order.
func (g *graph) actions(t *testing.T) []kg.Node {
	acts := slices.Clone(g.byKind[kg.KindAction])
	slices.SortFunc(acts, func(a, b kg.Node) int {
		return int(g.intProp(t, a.ID, kg.PropSeq) - g.intProp(t, b.ID, kg.PropSeq))
	})
	return acts
}

// ---------------------------------------------------------------------------
// Tests

// maxQuoteLen keeps quotes short: a few words to one sentence.
const maxQuoteLen = 320

func TestLoad(t *testing.T) {
	ds, err := Load()
	require.NoError(t, err)
	assert.NotEmpty(t, ds.Nodes)
	assert.NotEmpty(t, ds.Edges)
	assert.Len(t, ds.ChangeSet().PutNodes, len(ds.Nodes))
}

// Every citation quote is found verbatim, after normalisation, in its
// source document.
func TestCitationQuotesAreVerbatim(t *testing.T) {
	ds, err := Load()
	require.NoError(t, err)
	where, cits := ds.Citations()
	verified, other := 0, map[string]int{}
	for i, c := range cits {
		if _, ok := SourceFiles[c.Document]; !ok {
			other[c.Document]++
			continue
		}
		src := loadSource(t, c.Document)
		q := normalize(c.Quote)
		if !assert.NotEmpty(t, q, "%s: empty quote", where[i]) {
			continue
		}
		assert.LessOrEqual(t, len(q), maxQuoteLen, "%s: quote longer than %d characters: %q", where[i], maxQuoteLen, q)
		if assert.True(t, strings.Contains(src.text, q), "%s: quote not found verbatim in %s: %q", where[i], SourceFiles[c.Document], q) {
			verified++
		}
	}
	for doc, n := range other {
		t.Logf("%d citations of %q not verified: no source file", n, doc)
	}
	t.Logf("%d of %d citations verified verbatim against their source", verified, len(cits))
	assert.Positive(t, verified)
}

// Every citation's section path resolves in the document, and its quote lies
// within that section.
func TestCitationSectionsResolve(t *testing.T) {
	ds, err := Load()
	require.NoError(t, err)
	where, cits := ds.Citations()
	checked := 0
	for i, c := range cits {
		if _, ok := SourceFiles[c.Document]; !ok {
			continue
		}
		src := loadSource(t, c.Document)
		found, resolves := src.inSection(c.Section, c.Quote)
		if !assert.True(t, resolves, "%s: section %q does not resolve to headings of the document", where[i], c.Section) {
			continue
		}
		if assert.True(t, found, "%s: quote %q is not in section %q", where[i], c.Quote, c.Section) {
			checked++
		}
	}
	t.Logf("%d citation sections resolved, each containing its quote", checked)
}

// The section checker itself: good paths resolve, bad ones do not.
func TestSectionPathRules(t *testing.T) {
	src := loadSource(t, GAP)
	for _, p := range []string{
		"Introduction > 1. Background",
		"Introduction > 1. Background > Footnote 2",
		"Introduction > 3. Context > The Marrakech Declaration: the pledge of NHRIs to safeguard civic space and protect and promote HRDs and WHRDs > Protection",
		"Rationale for the Global Action Plan > 5. Covid-19 pandemic and the continued deterioration of civic space",
		"Objectives and Actions > OBJECTIVE 1 > Protection",
		"Objectives and Actions > OBJECTIVE 1 > Cooperation and partnerships",
		"Objectives and Actions > OBJECTIVE 3 > Footnote 34",
	} {
		assert.NotEmpty(t, src.resolve(p), "should resolve: %q", p)
	}
	for _, p := range []string{
		"Objectives and Actions > OBJECTIVE 4",                                // no such heading
		"Objectives and Actions > Protection > OBJECTIVE 1",                   // out of order
		"Introduction > OBJECTIVE 1",                                          // not inside Introduction
		"Objectives and Actions > OBJECTIVE 2 > Cooperation and partnerships", // not inside Objective 2
		"Introduction > 1. Background > Footnote 18",                          // referenced elsewhere
		"Objectives and Actions > OBJECTIVE 2 > Footnote 33",                  // marker without footnote text
		"Footnote 1", // a footnote needs a section
		"Introduction > Footnote 1 > 1. Background",               // footnote must come last
		"Objectives and Actions > OBJECTIVE 1 > Proposed actions", // the headings there read "Proposed actions:"
	} {
		assert.Empty(t, src.resolve(p), "should not resolve: %q", p)
	}
	found, _ := src.inSection("Objectives and Actions > OBJECTIVE 1 > Promotion", "In collaboration with OHCHR")
	assert.False(t, found, "a Protection action is not in the Promotion section")
	assert.Equal(t, "a b c", normalize("a <sup>1</sup>*b*\n\n **c**\\"))
	assert.Equal(t, "see EU guidelines.", normalize(`see [EU guidelines](#)<sup>17</sup>.`))
}

// Every Action's text (and every other node's text property) is verbatim, and
// lies in the section of the node's first citation.
func TestTextPropsAreVerbatim(t *testing.T) {
	g := loadGraph(t)
	src := loadSource(t, GAP)
	n := 0
	for _, node := range g.ds.Nodes {
		text := node.Props.String(kg.PropText)
		if node.Kind == kg.KindAction || node.Kind == kg.KindStrategicGoal {
			require.NotEmpty(t, text, "%s has no text", node.ID)
		}
		if text == "" {
			continue
		}
		assert.True(t, strings.Contains(src.text, normalize(text)), "%s: text not verbatim: %q", node.ID, text)
		found, _ := src.inSection(node.Citations[0].Section, text)
		assert.True(t, found, "%s: text not in section %q", node.ID, node.Citations[0].Section)
		n++
	}
	t.Logf("%d text properties verified verbatim", n)
}

// docAction is a proposed action as read from the document.
type docAction struct {
	objective  int
	commitment string // for Objective 1: the priority area line heading it
	text       string
}

var proposedRE = regexp.MustCompile(`^Proposed actions?:?$`)

// proposedActions reads every proposed action from "Objectives and Actions":
// the bullets after a "Proposed action(s)" line; a bullet directly followed
// by such a line is a priority area (commitment); a plain line continues the
// previous action across a page break.
func proposedActions(src *source) []docAction {
	var acts []docAction
	objective, commitment, inActions, started := 0, "", false, false
	nextNonBlank := func(i int) string {
		for j := i + 1; j < len(src.lines); j++ {
			if l := strings.TrimSpace(src.lines[j]); l != "" {
				return l
			}
		}
		return ""
	}
	isMarker := func(l string) bool { return proposedRE.MatchString(normalize(strings.TrimLeft(l, "# "))) }
	for i, raw := range src.lines {
		l := strings.TrimSpace(raw)
		if strings.HasPrefix(l, "# Objectives and Actions") {
			started = true
			continue
		}
		if !started || l == "" || l == "---" || footnoteDefRE.MatchString(l) {
			continue
		}
		switch {
		case isMarker(l):
			inActions = true
		case hashHeadingRE.MatchString(l) || boldLineRE.MatchString(l):
			inActions = false
			if m := objectiveRE.FindStringSubmatch(normalize(strings.TrimLeft(l, "# "))); m != nil {
				objective, _ = strconv.Atoi(m[1])
				commitment = ""
			}
		case strings.HasPrefix(l, "- ") && isMarker(nextNonBlank(i)):
			inActions, commitment = false, normalize(l[2:])
		case strings.HasPrefix(l, "- ") && inActions:
			acts = append(acts, docAction{objective: objective, commitment: commitment, text: normalize(l[2:])})
		case inActions && len(acts) > 0:
			acts[len(acts)-1].text += " " + normalize(l)
		}
	}
	return acts
}

// The seed holds exactly the document's proposed actions, in order, each
// under its objective and (Objective 1) implementing the priority area that
// heads it.
func TestActionsMatchDocument(t *testing.T) {
	g := loadGraph(t)
	src := loadSource(t, GAP)
	doc := proposedActions(src)
	perObjective := map[int]int{}
	for _, a := range doc {
		perObjective[a.objective]++
	}
	require.Equal(t, map[int]int{1: 19, 2: 6, 3: 8}, perObjective, "the document's own count of proposed actions")
	acts := g.actions(t)
	require.Len(t, acts, len(doc))
	for i, a := range acts {
		d := doc[i]
		assert.EqualValues(t, i+1, g.intProp(t, a.ID, kg.PropSeq), "%s: seq", a.ID)
		assert.Equal(t, d.text, normalize(a.Props.String(kg.PropText)), "%s: text of proposed action %d", a.ID, i+1)
		objs := g.targets(a.ID, kg.RelUnderObjective)
		if assert.Len(t, objs, 1, "%s: UNDER_OBJECTIVE", a.ID) {
			assert.EqualValues(t, d.objective, g.intProp(t, objs[0], "number"), "%s: objective", a.ID)
		}
		if d.objective != 1 {
			continue
		}
		cs := g.targets(a.ID, kg.RelImplements)
		if assert.Len(t, cs, 1, "%s: IMPLEMENTS", a.ID) {
			assert.True(t, slices.ContainsFunc(g.nodes[cs[0]].Citations, func(c kg.Citation) bool {
				return normalize(c.Quote) == d.commitment
			}), "%s implements %s, but the document puts it under %q", a.ID, cs[0], d.commitment)
		}
	}
}

func TestCompleteness(t *testing.T) {
	g := loadGraph(t)

	t.Run("objectives", func(t *testing.T) {
		require.Equal(t, []string{"objective:1", "objective:2", "objective:3"}, g.ids(kg.KindObjective))
		for i, id := range g.ids(kg.KindObjective) {
			assert.EqualValues(t, i+1, g.intProp(t, id, "number"))
			assert.EqualValues(t, i+1, g.intProp(t, id, kg.PropSeq))
			assert.Equal(t, []string{"instrument:global-action-plan"}, g.targets(id, kg.RelDefinedIn))
		}
	})

	t.Run("commitments", func(t *testing.T) {
		want := map[string]string{
			"commitment:ratification": "PROMOTION", "commitment:national-protection": "PROMOTION", "commitment:gender-equality": "PROMOTION",
			"commitment:monitoring": "PROTECTION", "commitment:early-warning": "PROTECTION", "commitment:international-systems": "PROTECTION",
			"commitment:cooperation": "COOPERATION",
		}
		require.Len(t, g.byKind[kg.KindCommitment], 7)
		var seqs []int64
		for _, c := range g.byKind[kg.KindCommitment] {
			assert.Equal(t, want[c.ID], g.prop(c.ID, "pillar"), "%s pillar", c.ID)
			seqs = append(seqs, g.intProp(t, c.ID, kg.PropSeq))
			assert.Equal(t, []string{"instrument:marrakech-declaration"}, g.targets(c.ID, kg.RelDefinedIn), "%s DEFINED_IN", c.ID)
			assert.NotEmpty(t, g.sources(c.ID, kg.RelImplements), "%s has no action", c.ID)
		}
		slices.Sort(seqs)
		assert.Equal(t, []int64{1, 2, 3, 4, 5, 6, 7}, seqs)
	})

	t.Run("actions", func(t *testing.T) {
		acts := g.actions(t)
		require.Len(t, acts, 33)
		perObjective, perCommitment := map[string]int{}, map[string]int{}
		for i, a := range acts {
			assert.EqualValues(t, i+1, g.intProp(t, a.ID, kg.PropSeq))
			assert.Less(t, len(a.Name), len(a.Props.String(kg.PropText)), "%s: name should be a short title", a.ID)
			assert.LessOrEqual(t, len(a.Name), 90, "%s: name should be a short title", a.ID)
			assert.NotEmpty(t, a.Description, a.ID)
			objs := g.targets(a.ID, kg.RelUnderObjective)
			require.Len(t, objs, 1, "%s: exactly one UNDER_OBJECTIVE", a.ID)
			perObjective[objs[0]]++
			cs := g.targets(a.ID, kg.RelImplements)
			if objs[0] == "objective:1" {
				require.Len(t, cs, 1, "%s: an Objective 1 action implements exactly one commitment", a.ID)
				perCommitment[cs[0]]++
			} else {
				assert.Empty(t, cs, "%s: only Objective 1 actions implement commitments", a.ID)
			}
		}
		assert.Equal(t, map[string]int{"objective:1": 19, "objective:2": 6, "objective:3": 8}, perObjective)
		assert.Equal(t, map[string]int{
			"commitment:ratification": 3, "commitment:national-protection": 3, "commitment:gender-equality": 1,
			"commitment:monitoring": 4, "commitment:early-warning": 2, "commitment:international-systems": 3,
			"commitment:cooperation": 3,
		}, perCommitment)
	})

	t.Run("action links", func(t *testing.T) {
		// Objective 2: every channel each action names.
		want := map[string]map[kg.RelType][]string{
			"action:o2-document-threats": {
				kg.RelReportsTo: {"network:ganhri"},
				kg.RelInformsOn: {"network:apf", "network:ennhri", "network:ganhri", "network:nanhri", "network:rindhca"},
			},
			"action:o2-report-threats": {
				kg.RelReportsTo: {"mechanism:achpr", "mechanism:coe", "mechanism:eu", "mechanism:iachr", "mechanism:osce",
					"mechanism:un-asg-reprisals", "mechanism:un-human-rights-mechanisms", "network:ganhri"},
			},
			"action:o2-support-information": {
				kg.RelInformsOn: {"mechanism:lifeline", "mechanism:protectdefenders-eu", "mechanism:regional-igos",
					"mechanism:un-asg-reprisals", "mechanism:un-sr-hrds",
					"network:apf", "network:ennhri", "network:ganhri", "network:nanhri", "network:rindhca"},
				kg.RelEngages: {"mechanism:un-asg-reprisals"},
			},
			"action:o2-review-support": {
				kg.RelStrengthens: {"mechanism:high-level-country-missions", "mechanism:nhri-hosting", "mechanism:peer-nhri-public-support"},
			},
			"action:o2-un-asg-mandate": {
				kg.RelEngages: {"mechanism:iachr-special-rapporteur", "mechanism:un-asg-reprisals"},
			},
			"action:o2-engage-partners": {
				kg.RelEngages: {"mechanism:csos", "mechanism:dco-uncts", "mechanism:ec-intpa", "mechanism:eu-delegations",
					"mechanism:eu-eeas", "mechanism:hrd-networks", "mechanism:member-states"},
			},
		}
		for id, rels := range want {
			for _, rt := range kg.ChannelRelTypes {
				assert.Equal(t, rels[rt], g.targets(id, rt), "%s %s", id, rt)
			}
		}
		// Objective 2: the threats each action documents, reports or counters.
		// Every Objective 2 action addresses at least one threat type.
		addresses := map[string][]string{
			"action:o2-document-threats":    {"threat-type:intimidation"},
			"action:o2-report-threats":      {"threat-type:gender-based-risks", "threat-type:intimidation"},
			"action:o2-support-information": {"threat-type:intimidation"},
			"action:o2-review-support":      {"threat-type:intimidation"},
			"action:o2-un-asg-mandate":      {"threat-type:reprisals"},
			"action:o2-engage-partners":     {"threat-type:intimidation"},
		}
		for _, a := range g.sources("objective:2", kg.RelUnderObjective) {
			require.Contains(t, addresses, a, "%s: Objective 2 action without expected ADDRESSES", a)
		}
		for id, threats := range addresses {
			assert.Equal(t, threats, g.targets(id, kg.RelAddresses), "%s ADDRESSES", id)
		}
		// Other objectives: rules criminalizing WRDs and laws restricting HRDs' rights.
		assert.Equal(t, []string{"threat-type:restrictive-laws"}, g.targets("action:o3-report-wrds", kg.RelAddresses))
		assert.Equal(t, []string{"action:o1-legal-frameworks-advocacy", "action:o3-report-wrds"},
			g.sources("threat-type:restrictive-laws", kg.RelAddresses))
		// STRENGTHENS, not ENGAGES, for a channel the action relies on or strengthens.
		assert.Equal(t, []string{"network:sca"}, g.targets("action:o1-gender-guidelines", kg.RelStrengthens))
		assert.Empty(t, g.targets("action:o1-gender-guidelines", kg.RelEngages))
		assert.Equal(t, []string{"network:ganhri"}, g.targets("action:o1-coordinator-role", kg.RelStrengthens))
		assert.Equal(t, []string{"action:o3-broad-definition", "action:o3-collective-advocacy"},
			g.sources("mechanism:ganhri-collective-advocacy", kg.RelStrengthens))
		for _, id := range []string{"mechanism:high-level-country-missions", "mechanism:peer-nhri-public-support", "mechanism:nhri-hosting"} {
			assert.Empty(t, g.sources(id, kg.RelEngages), "%s: GANHRI's own channels are strengthened, not engaged", id)
		}
		// A sample of the other objectives' links.
		assert.Equal(t, []string{"network:apf", "network:ennhri", "network:nanhri", "network:rindhca"},
			g.targets("action:o1-capacity-national-protection", kg.RelInCollaborationWith))
		assert.Equal(t, []string{"mechanism:ohchr"}, g.targets("action:o1-online-monitoring-tool", kg.RelInCollaborationWith))
		assert.Equal(t, []string{"mechanism:un-women"}, g.targets("action:o1-gender-guidelines", kg.RelInCollaborationWith))
		assert.Equal(t, []string{"sdg:16.10.1"}, g.targets("action:o1-monitoring-indicators", kg.RelServes))
		assert.Equal(t, []string{"mechanism:sdg-vnr-processes", "mechanism:treaty-bodies", "mechanism:un-human-rights-mechanisms", "mechanism:upr"},
			g.targets("action:o1-un-engagement-support", kg.RelEngages))
		assert.Equal(t, []string{"mechanism:csos", "mechanism:ohchr", "mechanism:un-resident-coordinators", "mechanism:un-women"},
			g.targets("action:o3-guidance-note-civic-space", kg.RelInCollaborationWith))
		assert.Equal(t, []string{"mechanism:un-women", "mechanism:unfpa"}, g.targets("action:o3-gender-partnership", kg.RelInCollaborationWith))
		assert.Equal(t, []string{"mechanism:eu", "mechanism:un-resident-coordinators"}, g.targets("action:o3-gender-partnership", kg.RelEngages))
		// Instruments the actions promote.
		for inst, acts := range map[string][]string{
			"instrument:un-declaration-hrds":          {"action:o1-tools-un-declaration"},
			"instrument:marrakech-declaration":        {"action:o1-disseminate-marrakech", "action:o3-experience-sharing"},
			"instrument:ungps":                        {"action:o1-legal-frameworks-advocacy", "action:o3-business-due-diligence"},
			"instrument:un-guidance-note-civic-space": {"action:o3-guidance-note-civic-space"},
			"instrument:paris-principles":             {"action:o1-gender-guidelines"},
			"instrument:global-action-plan":           {"action:o3-experience-sharing"},
		} {
			assert.Equal(t, acts, g.sources(inst, kg.RelPromotes), "PROMOTES %s", inst)
		}
		// WHRDs are the group the actions focus on most.
		assert.GreaterOrEqual(t, len(g.sources("risk-group:whrds", kg.RelTargets)), 10)
		// Every channel an action reaches is a Mechanism or a Network.
		for _, a := range g.byKind[kg.KindAction] {
			for _, rt := range kg.ChannelRelTypes {
				for _, to := range g.targets(a.ID, rt) {
					assert.Contains(t, kg.ChannelKinds(), g.nodes[to].Kind, "%s -[%s]-> %s", a.ID, rt, to)
				}
			}
		}
	})

	t.Run("networks", func(t *testing.T) {
		want := map[string][2]string{
			"network:ganhri": {"GLOBAL", ""},
			"network:apf":    {"REGIONAL", "Asia-Pacific"}, "network:ennhri": {"REGIONAL", "Europe"},
			"network:nanhri": {"REGIONAL", "Africa"}, "network:rindhca": {"REGIONAL", "Americas"},
			"network:ganhri-head-office": {"BODY", ""}, "network:sca": {"BODY", ""},
		}
		require.Len(t, g.byKind[kg.KindNetwork], len(want))
		for id, w := range want {
			require.Contains(t, g.nodes, id)
			assert.Equal(t, w[0], g.nodes[id].Props.String(kg.PropScope), "%s scope", id)
			assert.Equal(t, w[1], g.nodes[id].Props.String(kg.PropRegion), "%s region", id)
			if w[0] == "BODY" {
				assert.Equal(t, []string{"network:ganhri"}, g.targets(id, kg.RelPartOf), "%s PART_OF", id)
			}
		}
		assert.Equal(t, []string{"network:ganhri-head-office"}, g.targets("instrument:global-action-plan", kg.RelCoordinatedBy))
	})

	t.Run("mechanisms", func(t *testing.T) {
		required := []string{
			"united-nations", "un-human-rights-mechanisms", "ohchr", "un-sr-hrds", "un-asg-reprisals", "un-women", "unfpa", "unep",
			"upr", "treaty-bodies", "sdg-vnr-processes", "dco-uncts", "un-resident-coordinators", "un-wg-business-hr",
			"un-general-assembly", "un-hrc", "un-secretary-general",
			"coe", "osce", "iachr", "iachr-special-rapporteur", "achpr", "eu", "eu-eeas", "ec-intpa", "eu-delegations", "regional-igos",
			"oas", // not named by the GAP: the organisation the IACHR belongs to (memberships.yaml)
			"protectdefenders-eu", "lifeline",
			"defend-defenders", "forum-asia", "ishr", "jass", "protection-international", "hrd-networks", "csos",
			"member-states",
			"high-level-country-missions", "peer-nhri-public-support", "nhri-hosting", "ganhri-collective-advocacy",
		}
		var got []string
		for _, id := range g.ids(kg.KindMechanism) {
			got = append(got, strings.TrimPrefix(id, "mechanism:"))
		}
		assert.ElementsMatch(t, required, got)
		categories := []string{"UN", "REGIONAL", "FUND", "NGO", "GANHRI", "NATIONAL"}
		count := map[string]int{}
		for _, m := range g.byKind[kg.KindMechanism] {
			c := m.Props.String(kg.PropCategory)
			assert.Contains(t, categories, c, "%s category", m.ID)
			count[c]++
			if r := m.Props.String(kg.PropRegion); r != "" {
				assert.Contains(t, regions, r, "%s region", m.ID)
				assert.Equal(t, "REGIONAL", c, "%s: only regional bodies have a region", m.ID)
			}
		}
		assert.Equal(t, map[string]int{"UN": 17, "REGIONAL": 11, "FUND": 2, "NGO": 7, "GANHRI": 4, "NATIONAL": 1}, count)
		assert.Equal(t, []string{"mechanism:iachr"}, g.targets("mechanism:iachr-special-rapporteur", kg.RelPartOf))
		assert.Equal(t, []string{"mechanism:oas"}, g.targets("mechanism:iachr", kg.RelPartOf))
		for _, id := range []string{"mechanism:eu-eeas", "mechanism:ec-intpa", "mechanism:eu-delegations"} {
			assert.Equal(t, []string{"mechanism:eu"}, g.targets(id, kg.RelPartOf), id)
		}
		// The NGOs of footnote 7 are reached through CONSULTED, not as parts of CSOs.
		for _, id := range []string{"mechanism:defend-defenders", "mechanism:forum-asia", "mechanism:ishr", "mechanism:jass"} {
			assert.Empty(t, g.targets(id, kg.RelPartOf), "%s PART_OF", id)
			assert.Equal(t, []string{"instrument:global-action-plan"}, g.sources(id, kg.RelConsulted), "%s CONSULTED", id)
		}
	})

	t.Run("instruments", func(t *testing.T) {
		type inst struct {
			typ, symbol string
			year        int64
			issuer      string
		}
		want := map[string]inst{
			"global-action-plan":                  {"PLAN", "", 2021, "network:ganhri"},
			"ganhri-strategic-plan":               {"PLAN", "", 2020, "network:ganhri"},
			"un-declaration-hrds":                 {"DECLARATION", "A/RES/53/144", 1998, "mechanism:un-general-assembly"},
			"marrakech-declaration":               {"DECLARATION", "", 2018, ""},
			"international-human-rights-treaties": {"TREATY", "", 0, ""},
			"paris-principles":                    {"PRINCIPLES", "", 0, ""},
			"ungps":                               {"PRINCIPLES", "", 0, ""},
			"ungps-guidance-companies":            {"GUIDANCE", "", 0, "mechanism:un-wg-business-hr"},
			"un-guidance-note-civic-space":        {"GUIDANCE", "", 2020, "mechanism:united-nations"},
			"sg-call-to-action":                   {"POLICY", "", 0, "mechanism:un-secretary-general"},
			"unep-defenders-policy":               {"POLICY", "", 2018, "mechanism:unep"},
			"eu-guidelines-hrds":                  {"GUIDELINES", "", 0, "mechanism:eu"},
			"a-hrc-res-24-24":                     {"RESOLUTION", "A/HRC/RES/24/24", 0, "mechanism:un-hrc"},
			"a-res-74-156":                        {"RESOLUTION", "A/RES/74/156", 0, "mechanism:un-general-assembly"},
			"a-res-70-1":                          {"RESOLUTION", "A/RES/70/1", 2015, "mechanism:un-general-assembly"},
			"a-hrc-40-60":                         {"REPORT", "A/HRC/40/60", 2019, "mechanism:un-sr-hrds"},
			"a-71-281":                            {"REPORT", "A/71/281", 0, "mechanism:un-sr-hrds"},
			"a-70-217":                            {"REPORT", "A/70/217", 0, "mechanism:un-sr-hrds"},
			"pi-death-threats-paper":              {"REPORT", "", 2021, "mechanism:protection-international"},
			"ennhri-rule-of-law-report":           {"REPORT", "", 0, "network:ennhri"},
			"ca-voices-at-risk":                   {"GUIDELINES", "", 0, "country:ca"},
			"nl-action-plan-hrds":                 {"PLAN", "", 0, "country:nl"},
			"fi-guidelines-hrds":                  {"GUIDELINES", "", 0, "country:fi"},
			"no-guide-foreign-service":            {"GUIDELINES", "", 0, "country:no"},
			"ch-guidelines-hrds":                  {"GUIDELINES", "", 2019, "country:ch"},
			"gb-support-hrds":                     {"GUIDELINES", "", 0, "country:gb"},
			"us-fact-sheet-hrds":                  {"GUIDELINES", "", 0, "country:us"},
			"ci-hrd-law":                          {"LAW", "", 2014, "country:ci"},
			"mx-hrd-law":                          {"LAW", "", 2012, "country:mx"},
			"mn-hrd-law":                          {"LAW", "", 2021, "country:mn"},
			// Not named by the GAP (memberships.yaml).
			"african-charter": {"TREATY", "", 0, ""},
		}
		require.Len(t, g.byKind[kg.KindInstrument], len(want))
		for slug, w := range want {
			id := "instrument:" + slug
			require.Contains(t, g.nodes, id)
			p := g.nodes[id].Props
			assert.Equal(t, w.typ, p.String("type"), "%s type", id)
			assert.Equal(t, w.symbol, p.String("symbol"), "%s symbol", id)
			y, _ := p.Int("year")
			assert.Equal(t, w.year, y, "%s year", id)
			var issuers []string
			if w.issuer != "" {
				issuers = []string{w.issuer}
			}
			assert.Equal(t, issuers, g.targets(id, kg.RelIssuedBy), "%s ISSUED_BY", id)
			if slug != "global-action-plan" && slug != "ganhri-strategic-plan" && slug != "african-charter" {
				assert.Contains(t, g.sources(id, kg.RelReferences), "instrument:global-action-plan", "the GAP references %s", id)
			}
		}
		assert.Equal(t, []string{"instrument:sg-call-to-action"}, g.targets("instrument:un-guidance-note-civic-space", kg.RelPartOf))
		assert.Equal(t, []string{"instrument:ganhri-strategic-plan"}, g.targets("instrument:global-action-plan", kg.RelPartOf))
		assert.Equal(t, []string{"goal:1.5", "goal:2.3", "goal:4.3", "sdg:16.10", "sdg:16.10.1", "sdg:16.a.1"},
			g.targets("instrument:global-action-plan", kg.RelServes))
		// Who was consulted in drawing up the GAP (section 2 and footnote 7),
		// and who funded it (cover page).
		assert.Equal(t, []string{"mechanism:defend-defenders", "mechanism:forum-asia", "mechanism:ishr", "mechanism:jass",
			"mechanism:ohchr", "mechanism:un-women", "network:apf", "network:ennhri", "network:nanhri", "network:rindhca"},
			g.targets("instrument:global-action-plan", kg.RelConsulted))
		assert.Equal(t, []string{"mechanism:eu"}, g.targets("instrument:global-action-plan", kg.RelFundedBy))
		for _, rt := range []kg.RelType{kg.RelConsulted, kg.RelFundedBy} {
			for _, e := range g.ds.Edges {
				if e.Type == rt {
					assert.Equal(t, "instrument:global-action-plan", e.From, "%s: only the GAP says who was consulted or funded it", e.Key())
				}
			}
		}
	})

	t.Run("risk groups", func(t *testing.T) {
		require.Equal(t, []string{"risk-group:asylum-migration-defenders", "risk-group:environmental-defenders",
			"risk-group:journalists", "risk-group:lawyers", "risk-group:whrds"}, g.ids(kg.KindRiskGroup))
		assertSeqs(t, g, kg.KindRiskGroup)
		for _, id := range g.ids(kg.KindRiskGroup) {
			assert.NotEmpty(t, g.sources(id, kg.RelTargets), "no action targets %s", id)
		}
	})

	t.Run("threats and perpetrators", func(t *testing.T) {
		againstNHRI := []string{"budget-cuts", "legal-restrictions-on-independence", "smear-campaigns", "prosecutions",
			"aggressive-law-enforcement", "intimidation", "reprisals", "public-health-restrictions"}
		againstHRD := []string{"smear-campaigns", "prosecutions", "intimidation", "reprisals", "harassment",
			"arbitrary-arrest-detention", "murders", "financial-restrictions", "restrictive-laws", "lack-of-recognition",
			"public-health-restrictions", "suspension-of-judicial-proceedings", "surveillance", "platform-restrictions",
			"internet-shutdowns", "gender-based-risks"}
		var gotNHRI, gotHRD []string
		for _, tt := range g.byKind[kg.KindThreatType] {
			against := tt.Props.Strings(kg.PropAgainst)
			require.NotEmpty(t, against, "%s against", tt.ID)
			for _, a := range against {
				slug := strings.TrimPrefix(tt.ID, "threat-type:")
				switch a {
				case "NHRI":
					gotNHRI = append(gotNHRI, slug)
				case "HRD":
					gotHRD = append(gotHRD, slug)
				default:
					t.Errorf("%s: against %q is neither NHRI nor HRD", tt.ID, a)
				}
			}
			// Every threat is IDENTIFIED by the survey, when the text says the
			// consultation reported it, or else by the GAP itself; not both.
			var by []string
			for _, src := range g.sources(tt.ID, kg.RelIdentified) {
				if src == "survey:ganhri-2021" || src == "instrument:global-action-plan" {
					by = append(by, src)
				}
			}
			assert.Len(t, by, 1, "%s: IDENTIFIED by the survey or the GAP", tt.ID)
			assert.True(t, len(g.sources(tt.ID, kg.RelIdentified))+len(g.sources(tt.ID, kg.RelAddresses)) > 0,
				"%s has no IDENTIFIED or ADDRESSES edge", tt.ID)
		}
		// DEFINED_IN means "set out in the instrument": it never ends on a threat.
		for _, e := range g.ds.Edges {
			if e.Type == kg.RelDefinedIn {
				assert.NotEqual(t, kg.KindThreatType, g.nodes[e.From].Kind, "%s: a threat is IDENTIFIED, not DEFINED_IN", e.Key())
				assert.NotEqual(t, kg.KindThreatType, g.nodes[e.To].Kind, "%s: DEFINED_IN ends on a threat", e.Key())
			}
		}
		var gapThreats []string
		for _, to := range g.targets("instrument:global-action-plan", kg.RelIdentified) {
			if g.nodes[to].Kind == kg.KindThreatType {
				gapThreats = append(gapThreats, strings.TrimPrefix(to, "threat-type:"))
			}
		}
		assert.Equal(t, []string{"arbitrary-arrest-detention", "financial-restrictions", "gender-based-risks", "internet-shutdowns",
			"lack-of-recognition", "murders", "platform-restrictions", "restrictive-laws", "surveillance",
			"suspension-of-judicial-proceedings"}, gapThreats, "threats the GAP identifies itself")
		assert.ElementsMatch(t, againstNHRI, gotNHRI)
		assert.ElementsMatch(t, againstHRD, gotHRD)
		assertSeqs(t, g, kg.KindThreatType)

		sectors := map[string]int{}
		for _, p := range g.byKind[kg.KindPerpetratorType] {
			sectors[p.Props.String(kg.PropSector)]++
		}
		assert.Equal(t, map[string]int{"STATE": 5, "NON_STATE": 5}, sectors)
		assertSeqs(t, g, kg.KindPerpetratorType)
		assert.Equal(t, []string{"perpetrator-type:law-enforcement"}, g.targets("threat-type:aggressive-law-enforcement", kg.RelPerpetratedBy))
		assert.Equal(t, []string{"perpetrator-type:media-organizations"}, g.targets("threat-type:smear-campaigns", kg.RelPerpetratedBy))
	})

	t.Run("SDG targets and strategic goals", func(t *testing.T) {
		sdg := map[string][2]string{"sdg:16.10": {"16.10", "TARGET"}, "sdg:16.10.1": {"16.10.1", "INDICATOR"}, "sdg:16.a.1": {"16.a.1", "INDICATOR"}}
		require.Len(t, g.byKind[kg.KindSDGTarget], len(sdg))
		for id, w := range sdg {
			assert.Equal(t, w[0], g.nodes[id].Props.String(kg.PropCode), id)
			assert.Equal(t, w[1], g.nodes[id].Props.String(kg.PropType), id)
		}
		require.Equal(t, []string{"goal:1.5", "goal:2.3", "goal:4.3"}, g.ids(kg.KindStrategicGoal))
		for _, id := range g.ids(kg.KindStrategicGoal) {
			assert.Equal(t, strings.TrimPrefix(id, "goal:"), g.nodes[id].Props.String(kg.PropCode), id)
			assert.NotEmpty(t, g.nodes[id].Props.String(kg.PropText), id)
			assert.Equal(t, []string{"instrument:ganhri-strategic-plan"}, g.targets(id, kg.RelDefinedIn), id)
		}
	})

	t.Run("countries", func(t *testing.T) {
		// The countries the GAP names keep their GAP citation (first) and
		// region; TestCountries checks all 195.
		want := map[string]string{"ca": "Americas", "nl": "Europe", "fi": "Europe", "no": "Europe", "ch": "Europe",
			"gb": "Europe", "us": "Americas", "ci": "Africa", "mx": "Americas", "mn": "Asia-Pacific", "gt": "Americas"}
		require.Len(t, g.byKind[kg.KindCountry], unMemberStates+unObserverStates)
		var gapNamed []string
		for _, n := range g.byKind[kg.KindCountry] {
			if n.Citations[0].Document == GAP {
				gapNamed = append(gapNamed, strings.TrimPrefix(n.ID, "country:"))
			}
		}
		assert.Len(t, gapNamed, len(want), "countries cited to the GAP: %v", gapNamed)
		for code, region := range want {
			id := "country:" + code
			require.Contains(t, g.nodes, id)
			assert.Equal(t, GAP, g.nodes[id].Citations[0].Document, "%s keeps its GAP citation first", id)
			assert.Equal(t, strings.ToUpper(code), g.nodes[id].Props.String(kg.PropCode), id)
			assert.Equal(t, region, g.nodes[id].Props.String(kg.PropRegion), id)
		}
		var gapNHRIs []string
		for _, n := range g.byKind[kg.KindNHRI] {
			if n.Citations[0].Document == GAP {
				gapNHRIs = append(gapNHRIs, n.ID)
			}
		}
		assert.Equal(t, []string{"nhri:gt"}, gapNHRIs, "the GAP names one NHRI")
		assert.Equal(t, []string{"country:gt"}, g.targets("nhri:gt", kg.RelLocatedIn))
	})

	t.Run("survey", func(t *testing.T) {
		require.Equal(t, []string{"survey:ganhri-2021"}, g.ids(kg.KindSurvey))
		id := "survey:ganhri-2021"
		assert.Equal(t, "March-May 2021", g.nodes[id].Props.String(kg.PropPeriod))
		total := g.intProp(t, id, "respondents")
		assert.EqualValues(t, 45, total)
		regional := map[string]int64{"respondentsAfrica": 11, "respondentsAsiaPacific": 9, "respondentsAmericas": 10, "respondentsEurope": 15}
		var sum int64
		for k, v := range regional {
			assert.Equal(t, v, g.intProp(t, id, k), k)
			sum += g.intProp(t, id, k)
		}
		assert.Equal(t, total, sum, "the regions add up to the respondents")
		byKind := map[kg.Kind][]string{}
		for _, to := range g.targets(id, kg.RelIdentified) {
			byKind[g.nodes[to].Kind] = append(byKind[g.nodes[to].Kind], to)
		}
		assert.Equal(t, g.ids(kg.KindCommitment), byKind[kg.KindCommitment], "the survey ranked every priority area")
		assert.Equal(t, g.ids(kg.KindPerpetratorType), byKind[kg.KindPerpetratorType])
		assert.Equal(t, []string{"risk-group:asylum-migration-defenders", "risk-group:environmental-defenders",
			"risk-group:journalists", "risk-group:whrds"}, byKind[kg.KindRiskGroup])
		assert.Len(t, byKind[kg.KindThreatType], 9)
	})

	t.Run("every node is linked", func(t *testing.T) {
		for _, n := range g.ds.Nodes {
			if n.Kind == kg.KindCountry {
				// A State in none of the recorded systems (most of Africa
				// until the African Charter's parties are recorded, most of
				// Asia-Pacific) has no relationship, and that is a fact.
				continue
			}
			assert.True(t, len(g.out[n.ID])+len(g.in[n.ID]) > 0, "%s has no relationship", n.ID)
		}
	})

	t.Run("every node is described", func(t *testing.T) {
		for _, n := range g.ds.Nodes {
			if n.Kind != kg.KindCountry {
				assert.NotEmpty(t, n.Description, "%s has no description", n.ID)
			}
		}
	})

	t.Run("counts", func(t *testing.T) {
		counts := map[kg.Kind]int{}
		for _, n := range g.ds.Nodes {
			counts[n.Kind]++
		}
		edges := map[kg.RelType]int{}
		for _, e := range g.ds.Edges {
			edges[e.Type]++
		}
		for _, k := range kg.Kinds() {
			t.Logf("%-16s %3d nodes", k.Kind, counts[k.Kind])
		}
		for _, r := range kg.RelTypes() {
			t.Logf("%-22s %3d edges", r.Type, edges[r.Type])
		}
		t.Logf("%d nodes, %d edges", len(g.ds.Nodes), len(g.ds.Edges))
	})
}

var regions = []string{"Africa", "Americas", "Asia-Pacific", "Europe"}

// assertSeqs checks that a kind's seq properties run 1..n.
func assertSeqs(t *testing.T, g *graph, k kg.Kind) {
	t.Helper()
	var seqs, want []int64
	for i, n := range g.byKind[k] {
		seqs = append(seqs, g.intProp(t, n.ID, kg.PropSeq))
		want = append(want, int64(i+1))
	}
	slices.Sort(seqs)
	assert.Equal(t, want, seqs, "%s seq", k)
}

// ---------------------------------------------------------------------------
// Countries and memberships (countries.yaml, memberships.yaml; README.md,
// "Countries and memberships")

// The numbers the official lists state, or the number of States they name.
// Each is checked against the data, so that a lost or an invented
// membership does not go unnoticed. Update a number only with its list.
const (
	// UN Membership research guide (research.un.org/en/unmembers):
	// "There are currently 193 UN Member States."
	unMemberStates = 193
	// UN Membership research guide, Observers: "There are currently two
	// non-member observer states" (the Holy See and the State of Palestine).
	unObserverStates = 2
	// Council of Europe, Office in Sarajevo, Member States map: "Today, the
	// organisation counts 46 member states", and it names 46.
	coeMemberStates = 46
	// OSCE, osce.org menu "Participating States": names 57 States.
	osceParticipatingStates = 57
	// OAS, "États membres": says "Tous les 35 pays" but names 34 States;
	// Nicaragua is not among them. The edges follow the names.
	oasMemberStatesNamed = 34
	// Eurostat glossary "European Union (EU)": names 27 Member States.
	euMemberStates = 27
	// No official list of the States parties to the African Charter was
	// found. UNICRI's list says "Ratified by all 53 OAU member states" and
	// names 53, the Sahrawi Arab Democratic Republic among them, which is
	// not a Country here: 52 edges (README.md). 35 of them also cite a page
	// of the African Commission that says so. The others in Africa, Morocco
	// and South Sudan, are unconfirmed.
	africanCharterPartiesListed   = 53
	africanCharterPartiesRecorded = 52
	africanCharterPartiesByACHPR  = 35
)

// regionFromM49 is the region rule (README.md): the UN M49 region of a
// country gives its GANHRI region. It says nothing about memberships.
var regionFromM49 = map[string]string{
	"Africa": "Africa", "Americas": "Americas", "Asia": "Asia-Pacific", "Oceania": "Asia-Pacific", "Europe": "Europe",
}

// officialSourceHosts are the sites a citation to a document other than the
// GAP may name: the organisations' own sites (achpr.org is the African
// Commission's earlier address).
var officialSourceHosts = []string{"un.org", "coe.int", "osce.org", "oas.org", "europa.eu", "au.int", "achpr.org"}

var (
	sourceURLRE = regexp.MustCompile(`\(https://([a-z0-9.-]+)/[^\s)]*\)`)
	asOfRE      = regexp.MustCompile(`as of \d{4}-\d{2}(-\d{2})?\b`)
	codeRE      = regexp.MustCompile(`^[A-Z]{2}$`)
)

// A citation to a document that is not kept in the sources folder cannot be
// checked verbatim, so its document must say where and when: the official
// page's URL and the date the list is as of.
func TestOfficialSourceCitations(t *testing.T) {
	ds, err := Load()
	require.NoError(t, err)
	where, cits := ds.Citations()
	docs := map[string]int{}
	for i, c := range cits {
		if _, ok := SourceFiles[c.Document]; ok {
			continue
		}
		if _, ok := storedListCopy(c.Document); ok {
			continue // checked verbatim by its own test
		}
		docs[c.Document]++
		m := sourceURLRE.FindStringSubmatch(c.Document)
		if assert.NotNil(t, m, "%s: document %q names no official URL in parentheses", where[i], c.Document) {
			host := m[1]
			assert.True(t, slices.ContainsFunc(officialSourceHosts, func(h string) bool {
				return host == h || strings.HasSuffix(host, "."+h)
			}), "%s: %s is not an official source's site", where[i], host)
		}
		assert.Regexp(t, asOfRE, c.Document, "%s: document %q gives no as-of date", where[i], c.Document)
		assert.NotEmpty(t, c.Section, "%s: no section", where[i])
		q := normalize(c.Quote)
		assert.NotEmpty(t, q, "%s: empty quote", where[i])
		assert.LessOrEqual(t, len(q), maxQuoteLen, "%s: quote longer than %d characters: %q", where[i], maxQuoteLen, q)
	}
	for doc, n := range docs {
		t.Logf("%4d citations of %s", n, doc)
	}
}

func TestCountries(t *testing.T) {
	g := loadGraph(t)
	countries := g.byKind[kg.KindCountry]
	require.Len(t, countries, unMemberStates+unObserverStates)

	codes := map[string]string{}
	regionCount := map[string]int{}
	observers := map[string]bool{}
	for _, n := range countries {
		code := n.Props.String(kg.PropCode)
		assert.Regexp(t, codeRE, code, "%s code", n.ID)
		assert.Equal(t, "country:"+strings.ToLower(code), n.ID, "%s: the ID is the lowercase code", n.ID)
		if other, dup := codes[code]; dup {
			t.Errorf("code %s is used by %s and %s", code, other, n.ID)
		}
		codes[code] = n.ID
		region := n.Props.String(kg.PropRegion)
		assert.Contains(t, regions, region, "%s region", n.ID)
		regionCount[region]++

		// One UN M49 row: region code and name, sub-region, intermediate
		// region, name, M49 code, ISO alpha-2, ISO alpha-3.
		var m49 []kg.Citation
		var un []kg.Citation
		for _, c := range n.Citations {
			switch {
			case strings.Contains(c.Document, "(M49)"):
				m49 = append(m49, c)
			case strings.Contains(c.Document, "research.un.org/en/unmembers"):
				un = append(un, c)
			}
		}
		if assert.Len(t, m49, 1, "%s: one UN M49 citation", n.ID) {
			f := strings.Split(m49[0].Quote, ";")
			if assert.Len(t, f, 10, "%s: M49 quote %q", n.ID, m49[0].Quote) {
				assert.Equal(t, code, f[8], "%s: the M49 row's ISO alpha-2 code", n.ID)
				assert.Equal(t, regionFromM49[f[1]], region, "%s: region from M49 region %q", n.ID, f[1])
				// The stored M49 copy writes Nauru in Nauruan; the name
				// is the UN's English one.
				if n.Citations[0].Document != GAP && n.ID != "country:nr" {
					assert.Equal(t, f[6], n.Name, "%s: the name is the M49 name", n.ID)
				}
			}
		}
		if assert.Len(t, un, 1, "%s: one UN membership citation", n.ID) {
			if strings.Contains(un[0].Document, "/observers") {
				observers[code] = true
				assert.Contains(t, un[0].Quote, "is currently a non-member observer state", n.ID)
			} else {
				assert.Equal(t, "There are currently 193 UN Member States.", un[0].Quote, n.ID)
			}
		}
	}
	assert.Equal(t, map[string]bool{"VA": true, "PS": true}, observers, "the observer States")
	// From the region rule applied to M49; a regression guard, not a source.
	assert.Equal(t, map[string]int{"Africa": 54, "Americas": 35, "Asia-Pacific": 62, "Europe": 44}, regionCount)
	// Kosovo is neither a UN Member nor an observer State.
	assert.NotContains(t, codes, "XK")
	assert.NotContains(t, g.nodes, "country:xk")
}

func TestMemberships(t *testing.T) {
	g := loadGraph(t)
	members := func(org string) map[string]bool {
		out := map[string]bool{}
		for _, id := range g.sources(org, kg.RelMemberStateOf) {
			out[strings.TrimPrefix(id, "country:")] = true
		}
		return out
	}
	coe, osce, oas, eu := members("mechanism:coe"), members("mechanism:osce"), members("mechanism:oas"), members("mechanism:eu")

	t.Run("every membership cites its organisation's list", func(t *testing.T) {
		// The first citation of each edge is the list of the organisation
		// the edge leads to.
		list := map[string]string{
			"mechanism:coe": "Council of Europe", "mechanism:osce": "osce.org",
			"mechanism:oas": "oas.org", "mechanism:eu": "europa.eu", "instrument:african-charter": "African",
		}
		n := 0
		for _, e := range g.ds.Edges {
			if e.Type != kg.RelMemberStateOf && e.Type != kg.RelPartyTo {
				continue
			}
			n++
			assert.Equal(t, kg.KindCountry, g.nodes[e.From].Kind, e.Key().String())
			marker, ok := list[e.To]
			if !assert.True(t, ok, "%s: no organisation list is known for %s", e.Key(), e.To) {
				continue
			}
			require.NotEmpty(t, e.Citations, e.Key().String())
			assert.Contains(t, e.Citations[0].Document, marker, "%s: first citation", e.Key())
			for _, c := range e.Citations {
				assert.NotEqual(t, GAP, c.Document, "%s: the GAP is not a membership list", e.Key())
			}
		}
		assert.Equal(t, coeMemberStates+osceParticipatingStates+oasMemberStatesNamed+euMemberStates+africanCharterPartiesRecorded, n)
	})

	t.Run("counts equal the official lists", func(t *testing.T) {
		assert.Len(t, coe, coeMemberStates, "Council of Europe")
		assert.Len(t, osce, osceParticipatingStates, "OSCE")
		assert.Len(t, oas, oasMemberStatesNamed, "OAS")
		assert.Len(t, eu, euMemberStates, "EU")
		assert.Len(t, g.sources("instrument:african-charter", kg.RelPartyTo), africanCharterPartiesRecorded, "African Charter")
	})

	t.Run("cases the advisor depends on", func(t *testing.T) {
		for _, c := range []string{"ru", "by", "va"} {
			assert.False(t, coe[c], "%s is not a Council of Europe member", c)
		}
		for _, c := range []string{"gb", "tr", "ua", "md", "ge", "am", "az"} {
			assert.True(t, coe[c], "%s is a Council of Europe member", c)
		}
		assert.False(t, eu["gb"], "the United Kingdom left the EU")
		for c := range eu {
			assert.True(t, coe[c], "EU member %s is also on the Council of Europe's list", c)
		}
		for _, c := range []string{"va", "ru", "by", "us", "ca", "mn", "kz"} {
			assert.True(t, osce[c], "%s is an OSCE participating State", c)
		}
		assert.True(t, oas["cu"], "Cuba is named on the OAS list")
		assert.False(t, oas["ni"], "Nicaragua is not named on the OAS list")
		assert.True(t, oas["us"] && oas["ca"], "the United States and Canada are OAS members")
		// A region is not a membership: Europe-region States outside the
		// Council of Europe, and a Council of Europe and EU member whose M49
		// region is Asia.
		for _, c := range []string{"ru", "by", "va"} {
			assert.Equal(t, "Europe", g.nodes["country:"+c].Props.String(kg.PropRegion), c)
		}
		assert.Equal(t, "Asia-Pacific", g.nodes["country:cy"].Props.String(kg.PropRegion))
		assert.True(t, coe["cy"] && eu["cy"], "Cyprus is in the Council of Europe and the EU")
		// Only Council of Europe, OSCE, OAS and EU memberships are recorded.
		for _, e := range g.ds.Edges {
			if e.Type == kg.RelMemberStateOf {
				assert.Contains(t, []string{"mechanism:coe", "mechanism:osce", "mechanism:oas", "mechanism:eu"}, e.To, e.Key().String())
			}
			if e.Type == kg.RelPartyTo {
				assert.Equal(t, "instrument:african-charter", e.To, e.Key().String())
			}
		}
	})

	t.Run("unconfirmed memberships", func(t *testing.T) {
		codes := map[string]bool{}
		for _, n := range g.byKind[kg.KindCountry] {
			codes[n.Props.String(kg.PropCode)] = true
		}
		for _, n := range g.ds.Nodes {
			list := n.Props.Strings(kg.PropUnconfirmed)
			if _, ok := n.Props[kg.PropUnconfirmed]; !ok {
				continue
			}
			assert.Contains(t, coverable, n.ID, "%s: only an organisation or treaty whose memberships are recorded lists unconfirmed States", n.ID)
			assert.NotEmpty(t, list, "%s: unconfirmed is empty or not a list of strings", n.ID)
			assert.True(t, slices.IsSorted(list), "%s: unconfirmed in alphabetical order", n.ID)
			assert.Len(t, slices.Compact(slices.Clone(list)), len(list), "%s: unconfirmed has duplicates", n.ID)
			members := map[string]bool{}
			for _, rt := range []kg.RelType{kg.RelMemberStateOf, kg.RelPartyTo} {
				for _, id := range g.sources(n.ID, rt) {
					members[g.nodes[id].Props.String(kg.PropCode)] = true
				}
			}
			for _, code := range list {
				assert.True(t, codes[code], "%s: unconfirmed %q is not a country's code", n.ID, code)
				assert.False(t, members[code], "%s: %s is both recorded as a member and unconfirmed", n.ID, code)
				if n.ID == "instrument:african-charter" {
					continue
				}
				assert.True(t, slices.ContainsFunc(n.Citations, func(c kg.Citation) bool {
					return strings.HasPrefix(c.Section, "Unconfirmed: "+code+" > ")
				}), "%s: no citation with section \"Unconfirmed: %s > ...\"", n.ID, code)
			}
		}
		// The African States not recorded as parties to the African Charter
		// are exactly its unconfirmed ones: a State outside Africa is not a
		// party.
		var open []string
		parties := map[string]bool{}
		for _, id := range g.sources("instrument:african-charter", kg.RelPartyTo) {
			parties[id] = true
		}
		for _, n := range g.byKind[kg.KindCountry] {
			if n.Props.String(kg.PropRegion) == "Africa" && !parties[n.ID] {
				open = append(open, n.Props.String(kg.PropCode))
			}
		}
		slices.Sort(open)
		assert.Equal(t, open, g.nodes["instrument:african-charter"].Props.Strings(kg.PropUnconfirmed))
		assert.Equal(t, []string{"MA", "SS"}, open, "Morocco and South Sudan: on no list found")
		assert.True(t, parties["country:ke"], "Kenya is a party to the African Charter")
		assert.Empty(t, g.nodes["mechanism:oas"].Props.Strings(kg.PropUnconfirmed), "Nicaragua's membership is settled: it left")
	})

	t.Run("former members", func(t *testing.T) {
		codes := map[string]bool{}
		for _, n := range g.byKind[kg.KindCountry] {
			codes[n.Props.String(kg.PropCode)] = true
		}
		for _, n := range g.ds.Nodes {
			if _, ok := n.Props[kg.PropFormerMembers]; !ok {
				continue
			}
			list := n.Props.Strings(kg.PropFormerMembers)
			assert.NotEmpty(t, list, "%s: formerMembers is empty or not a list of strings", n.ID)
			assert.Contains(t, coverable, n.ID, "%s: only an organisation whose memberships are recorded lists former members", n.ID)
			assert.True(t, slices.IsSorted(list), "%s: formerMembers in alphabetical order", n.ID)
			members := map[string]bool{}
			for _, id := range g.sources(n.ID, kg.RelMemberStateOf) {
				members[g.nodes[id].Props.String(kg.PropCode)] = true
			}
			for _, code := range list {
				assert.True(t, codes[code], "%s: former member %q is not a country's code", n.ID, code)
				assert.False(t, members[code], "%s: %s is both a member and a former member", n.ID, code)
				assert.False(t, slices.Contains(n.Props.Strings(kg.PropUnconfirmed), code), "%s: %s is both unconfirmed and a former member", n.ID, code)
				assert.True(t, slices.ContainsFunc(n.Citations, func(c kg.Citation) bool {
					return strings.HasPrefix(c.Section, "Former member: "+code+" > ")
				}), "%s: no citation with section \"Former member: %s > ...\"", n.ID, code)
			}
		}
		assert.Equal(t, []string{"NI"}, g.nodes["mechanism:oas"].Props.Strings(kg.PropFormerMembers), "Nicaragua left the OAS on 19 November 2023")
	})

	t.Run("organisations", func(t *testing.T) {
		assert.Equal(t, "REGIONAL", g.nodes["mechanism:oas"].Props.String(kg.PropCategory))
		assert.Equal(t, "Americas", g.nodes["mechanism:oas"].Props.String(kg.PropRegion))
		assert.Equal(t, []string{"mechanism:oas"}, g.targets("mechanism:iachr", kg.RelPartOf))
		assert.Equal(t, []string{"instrument:african-charter"}, g.targets("mechanism:achpr", kg.RelDefinedIn))
	})
}
