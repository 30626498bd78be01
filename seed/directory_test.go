package seed

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"marrakechgraph/directory"
	"marrakechgraph/embedded"
	"marrakechgraph/kg"
)

// The NHRI directory in the seed: the rules are documented in data/README.md
// ("NHRI directory"). An NHRI is the GAP's own (cited to the GAP only, with
// no accreditation facts); or a member named on a regional network's own
// pages (cited to those pages only, with its country and nothing else); or
// a row of GANHRI's chart of accreditation status, with every fact of the
// chart's row and nothing else. The last two take the ID directory.Import
// gives, so that a later import of the chart updates the node instead of
// adding a second one.

// chartHosts are the official sites the chart may be cited from: OHCHR,
// GANHRI's secretariat, and GANHRI itself.
var chartHosts = []string{"ohchr.org", "ganhri.org", "un.org"}

// chartProps are the properties directory.Import writes on every NHRI.
var chartProps = []string{kg.PropCountry, kg.PropRegion, kg.PropAccreditationStatus,
	kg.PropAccreditationYear, kg.PropAsOf, kg.PropSource}

// regionalNetworks are the networks an NHRI may be MEMBER_OF.
var regionalNetworks = []string{"network:apf", "network:ennhri", "network:nanhri", "network:rindhca"}

// nhriIDRE is directory.Import's ID scheme:
// nhri:<lowercase ISO alpha-2>-<slug of the acronym, else of the name>.
var nhriIDRE = regexp.MustCompile(`^nhri:([a-z]{2})-([a-z0-9]+(?:-[a-z0-9]+)*)$`)

var chartDocRE = regexp.MustCompile(`^(.+\(https://([a-z0-9.-]+)/[^\s)]*\)), as of (\d{4}-\d{2}-\d{2})$`)

// nhriID is the ID directory.Import gives an institution.
func nhriID(country, acronym, name string) string { return directory.NHRIID(country, acronym, name) }

// fromChart reports whether an NHRI carries chart facts: a chart property
// other than its country and region, or a citation to a document that is
// neither the GAP nor a regional network's page.
func fromChart(n kg.Node) bool {
	for _, p := range chartProps {
		if _, ok := n.Props[p]; ok && p != kg.PropCountry && p != kg.PropRegion {
			return true
		}
	}
	return slices.ContainsFunc(n.Citations, func(c kg.Citation) bool { return c.Document != GAP && networkOf(c) == "" })
}

// networkSites are the regional networks' own sites.
var networkSites = map[string]string{
	"network:apf": "asiapacificforum.net", "network:ennhri": "ennhri.org",
	"network:nanhri": "nanhri.org", "network:rindhca": "rindhca.org",
}

// networkOf names the regional network whose own site a citation's
// document is on, or "".
func networkOf(c kg.Citation) string {
	m := sourceURLRE.FindStringSubmatch(c.Document)
	if m == nil {
		return ""
	}
	for id, site := range networkSites {
		if m[1] == site || strings.HasSuffix(m[1], "."+site) {
			return id
		}
	}
	return ""
}

// fromNetwork reports whether an NHRI is a member named on a regional
// network's pages: not from the chart, and cited to such a page.
func fromNetwork(n kg.Node) bool {
	return !fromChart(n) && slices.ContainsFunc(n.Citations, func(c kg.Citation) bool { return networkOf(c) != "" })
}

// checkNetworkNHRI returns what is wrong with an NHRI named on a regional
// network's pages.
func checkNetworkNHRI(g *graph, n kg.Node) []string {
	var bad []string
	fail := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }

	country := n.Props.String(kg.PropCountry)
	if !codeRE.MatchString(country) {
		fail("country %q is not an uppercase ISO 3166-1 alpha-2 code", country)
	}
	for p := range n.Props {
		if p != kg.PropCountry && p != kg.PropRegion {
			fail("property %s: a network's page gives the country and, through the network, the region only; accreditation facts come from the chart", p)
		}
	}
	if want := nhriID(country, n.Acronym, n.Name); n.ID != want {
		fail("ID %s is not the import's ID %s", n.ID, want)
	}
	cited := func(cs []kg.Citation, what string) {
		for _, c := range cs {
			if networkOf(c) == "" {
				fail("%s: citation document %q is not a regional network's own page", what, c.Document)
			}
			if !asOfRE.MatchString(c.Document) {
				fail("%s: citation document %q gives no as-of date", what, c.Document)
			}
			if q := normalize(c.Quote); q == "" || len(q) > maxQuoteLen {
				fail("%s: citation quote %q is empty or longer than %d characters", what, c.Quote, maxQuoteLen)
			}
		}
	}
	cited(n.Citations, "node")
	if !slices.ContainsFunc(n.Citations, func(c kg.Citation) bool { return strings.Contains(c.Quote, n.Name) }) {
		fail("no quote gives the name %q", n.Name)
	}
	if n.Acronym != "" && !slices.ContainsFunc(n.Citations, func(c kg.Citation) bool { return strings.Contains(c.Quote, n.Acronym) }) {
		fail("no quote gives the acronym %q", n.Acronym)
	}

	located := g.targets(n.ID, kg.RelLocatedIn)
	if want := "country:" + strings.ToLower(country); !slices.Equal(located, []string{want}) {
		fail("LOCATED_IN %v, want [%s]", located, want)
	}
	var networks []string
	for _, e := range g.out[n.ID] {
		switch e.Type {
		case kg.RelLocatedIn:
			cited(e.Citations, "LOCATED_IN")
		case kg.RelMemberOf:
			networks = append(networks, e.To)
			// The network's own page says the institution is a member.
			if _, ok := networkSites[e.To]; !ok {
				fail("MEMBER_OF %s is not a regional network", e.To)
			} else if !slices.ContainsFunc(e.Citations, func(c kg.Citation) bool { return networkOf(c) == e.To }) {
				fail("MEMBER_OF %s is not cited to %s's own site", e.To, e.To)
			}
			cited(e.Citations, "MEMBER_OF")
		default:
			fail("%s → %s: an NHRI from a network's pages has only LOCATED_IN and MEMBER_OF relationships", e.Type, e.To)
		}
	}
	if len(networks) == 0 {
		fail("no MEMBER_OF: a network's page names it as a member, or it is not recorded")
	}
	// The region is the one its network stands for.
	region := n.Props.String(kg.PropRegion)
	for _, nw := range networks {
		if want := g.nodes[nw].Props.String(kg.PropRegion); region != want {
			fail("region %q is not %q, the region of %s", region, want, nw)
		}
	}
	return bad
}

func letters(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

func officialChartHost(host string) bool {
	return slices.ContainsFunc(chartHosts, func(h string) bool { return host == h || strings.HasSuffix(host, "."+h) })
}

// checkChartNHRI returns what is wrong with an NHRI taken from the chart;
// today is the date asOf may not be after.
func checkChartNHRI(g *graph, n kg.Node, today time.Time) []string {
	var bad []string
	fail := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }

	// Properties.
	for _, p := range chartProps {
		if _, ok := n.Props[p]; !ok {
			fail("no %s", p)
		}
	}
	for p := range n.Props {
		if !slices.Contains(chartProps, p) {
			fail("property %s is not one the chart import writes", p)
		}
	}
	country := n.Props.String(kg.PropCountry)
	if !codeRE.MatchString(country) {
		fail("country %q is not an uppercase ISO 3166-1 alpha-2 code", country)
	}
	region := n.Props.String(kg.PropRegion)
	if !slices.Contains(kg.Regions, region) {
		fail("region %q is not one of %s", region, strings.Join(kg.Regions, ", "))
	}
	status := n.Props.String(kg.PropAccreditationStatus)
	if status != "A" && status != "B" {
		fail("accreditationStatus %q is neither A nor B", status)
	}
	asOfText := n.Props.String(kg.PropAsOf)
	asOf, err := kg.ParseDate(asOfText)
	if err != nil {
		fail("asOf %q is not a date YYYY-MM-DD", asOfText)
	} else if asOf.Time().After(today) {
		fail("asOf %s is in the future", asOf)
	}
	year, ok := n.Props.Int(kg.PropAccreditationYear)
	if !ok {
		fail("accreditationYear is not an integer")
	} else if year < 1993 || (err == nil && int(year) > asOf.Year()) {
		fail("accreditationYear %d is not a year from 1993 to the chart's year", year)
	}
	source := n.Props.String(kg.PropSource)

	// ID: the directory's scheme, so that an import updates this node.
	if m := nhriIDRE.FindStringSubmatch(n.ID); m == nil {
		fail("ID %s is not nhri:<iso2>-<slug>", n.ID)
	} else {
		if m[1] != strings.ToLower(country) {
			fail("ID %s does not start with the country code %s", n.ID, country)
		}
		if want := nhriID(country, n.Acronym, n.Name); n.ID != want {
			fail("ID %s is not the import's ID %s", n.ID, want)
		}
	}

	// Citations: the chart, its date, the row's region heading and the row.
	document := source + ", as of " + asOfText
	var row []kg.Citation
	for _, c := range n.Citations {
		if c.Document == document {
			row = append(row, c)
		}
	}
	if len(row) == 0 {
		fail("no citation of %q (source, as of asOf)", document)
	}
	for _, c := range n.Citations {
		m := chartDocRE.FindStringSubmatch(c.Document)
		switch {
		case m == nil:
			fail("citation document %q is not \"<chart title> (<https URL>), as of YYYY-MM-DD\"", c.Document)
		case !officialChartHost(m[2]):
			fail("citation document %q is not on an official site (%s)", c.Document, strings.Join(chartHosts, ", "))
		}
		q := normalize(c.Quote)
		if q == "" || len(q) > maxQuoteLen {
			fail("citation quote %q is empty or longer than %d characters", c.Quote, maxQuoteLen)
		}
	}
	for _, c := range row {
		if letters(c.Section) == "" || !strings.Contains(letters(c.Section), letters(region)) {
			fail("citation section %q is not the chart's heading of region %s", c.Section, region)
		}
		if ok && !strings.Contains(c.Quote, strconv.FormatInt(year, 10)) {
			fail("the row %q does not give the year %d", c.Quote, year)
		}
		if !strings.Contains(c.Quote, n.Name) {
			fail("the row %q does not give the name %q", c.Quote, n.Name)
		}
	}
	if n.Acronym != "" && !slices.ContainsFunc(n.Citations, func(c kg.Citation) bool { return strings.Contains(c.Quote, n.Acronym) }) {
		fail("no quote gives the acronym %q", n.Acronym)
	}

	// Relationships.
	located := g.targets(n.ID, kg.RelLocatedIn)
	if want := "country:" + strings.ToLower(country); !slices.Equal(located, []string{want}) {
		fail("LOCATED_IN %v, want [%s]", located, want)
	} else if c, ok := g.nodes[want]; !ok || c.Props.String(kg.PropCode) != country {
		fail("LOCATED_IN %s, whose code is not %s", want, country)
	}
	for _, e := range g.out[n.ID] {
		switch e.Type {
		case kg.RelLocatedIn:
			if !slices.ContainsFunc(e.Citations, func(c kg.Citation) bool { return c.Document == document }) {
				fail("LOCATED_IN is not cited to the chart's row")
			}
		case kg.RelMemberOf:
			if !slices.Contains(regionalNetworks, e.To) {
				fail("MEMBER_OF %s is not a regional network", e.To)
			}
			// The chart's regional grouping is not network membership: the
			// network's own list must say so.
			if !slices.ContainsFunc(e.Citations, func(c kg.Citation) bool {
				return c.Document != document && sourceURLRE.MatchString(c.Document) && asOfRE.MatchString(c.Document)
			}) {
				fail("MEMBER_OF %s is not cited to an official list of the network's members", e.To)
			}
		default:
			fail("%s → %s: an NHRI of the chart has only LOCATED_IN and MEMBER_OF relationships", e.Type, e.To)
		}
	}
	return bad
}

func TestNHRIDirectory(t *testing.T) {
	g := loadGraph(t)
	today := time.Now().Add(24 * time.Hour)
	count := map[string]int{}
	charts := map[string]int{}
	members := map[string]int{}
	for _, n := range g.byKind[kg.KindNHRI] {
		if fromNetwork(n) {
			for _, problem := range checkNetworkNHRI(g, n) {
				t.Errorf("%s: %s", n.ID, problem)
			}
			for _, nw := range g.targets(n.ID, kg.RelMemberOf) {
				members[nw]++
			}
			continue
		}
		if !fromChart(n) {
			// The GAP's own NHRIs: cited to the GAP, nothing from the chart.
			for _, c := range n.Citations {
				assert.Equal(t, GAP, c.Document, n.ID)
			}
			continue
		}
		for _, problem := range checkChartNHRI(g, n, today) {
			t.Errorf("%s: %s", n.ID, problem)
		}
		count[n.Props.String(kg.PropRegion)+" "+n.Props.String(kg.PropAccreditationStatus)]++
		charts[n.Props.String(kg.PropSource)+", as of "+n.Props.String(kg.PropAsOf)]++
	}
	for k, v := range members {
		t.Logf("%3d members of %s named on its own pages", v, k)
	}
	for k, v := range count {
		t.Logf("%-16s %3d", k, v)
	}
	for k, v := range charts {
		t.Logf("%3d NHRIs from %s", v, k)
	}
	if len(count) == 0 {
		t.Log("the seed holds no NHRI from GANHRI's chart (data/README.md, \"NHRI directory\")")
	}
}

// nhriCheckCase breaks one rule of a well-formed NHRI; the check must
// report a problem containing wants.
type nhriCheckCase struct {
	name  string
	edit  func(g *graph, n *kg.Node)
	wants string
}

// runNHRIChecks applies each case to a fresh copy of the well-formed NHRI.
func runNHRIChecks(t *testing.T, cases []nhriCheckCase, good func() (*graph, kg.Node), check func(*graph, kg.Node) []string) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, n := good()
			n.Props = n.Props.Clone()
			n.Citations = slices.Clone(n.Citations)
			g.out[n.ID] = slices.Clone(g.out[n.ID])
			c.edit(g, &n)
			problems := check(g, n)
			assert.True(t, slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, c.wants) }),
				"want a problem containing %q, got %q", c.wants, problems)
		})
	}
}

// goodChartNHRI is a made-up row that follows every rule; the cases below
// break one rule each. Its facts are fiction: it never enters the seed.
func goodChartNHRI() (*graph, kg.Node) {
	doc := "Chart of the status of national institutions accredited by GANHRI (https://www.ohchr.org/chart.pdf), as of 2024-01-01"
	cite := []kg.Citation{{Document: doc, Section: "ASIA-PACIFIC", Quote: "Exampleland | Example Human Rights Commission (EHRC) | A | 2023"}}
	n := kg.Node{ID: "nhri:ex-ehrc", Kind: kg.KindNHRI, Name: "Example Human Rights Commission", Acronym: "EHRC",
		Props: kg.Props{kg.PropCountry: "EX", kg.PropRegion: "Asia-Pacific", kg.PropAccreditationStatus: "A", kg.PropAccreditationYear: int64(2023),
			kg.PropAsOf: "2024-01-01", kg.PropSource: "Chart of the status of national institutions accredited by GANHRI (https://www.ohchr.org/chart.pdf)"},
		Citations: cite}
	country := kg.Node{ID: "country:ex", Kind: kg.KindCountry, Name: "Exampleland", Props: kg.Props{kg.PropCode: "EX", kg.PropRegion: "Asia-Pacific"}}
	g := &graph{nodes: map[string]kg.Node{n.ID: n, country.ID: country}, out: map[string][]kg.Edge{
		n.ID: {{Type: kg.RelLocatedIn, From: n.ID, To: country.ID, Citations: cite}},
	}}
	return g, n
}

func TestChartNHRIChecks(t *testing.T) {
	today := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	g, n := goodChartNHRI()
	require.Empty(t, checkChartNHRI(g, n, today), "the well-formed row")

	cases := []nhriCheckCase{
		{"no status", func(_ *graph, n *kg.Node) { delete(n.Props, "accreditationStatus") }, "no accreditationStatus"},
		{"status C", func(_ *graph, n *kg.Node) { n.Props["accreditationStatus"] = "C" }, "neither A nor B"},
		{"no year", func(_ *graph, n *kg.Node) { delete(n.Props, "accreditationYear") }, "no accreditationYear"},
		{"year as text", func(_ *graph, n *kg.Node) { n.Props["accreditationYear"] = "2023" }, "not an integer"},
		{"year after the chart", func(_ *graph, n *kg.Node) { n.Props["accreditationYear"] = int64(2025) }, "to the chart's year"},
		{"no asOf", func(_ *graph, n *kg.Node) { delete(n.Props, "asOf") }, "no asOf"},
		{"asOf in the future", func(_ *graph, n *kg.Node) { n.Props["asOf"] = "2027-01-01" }, "in the future"},
		{"no source", func(_ *graph, n *kg.Node) { delete(n.Props, "source") }, "no source"},
		{"no region", func(_ *graph, n *kg.Node) { delete(n.Props, "region") }, "no region"},
		{"region not GANHRI's", func(_ *graph, n *kg.Node) { n.Props["region"] = "Asia" }, "is not one of"},
		{"lowercase country", func(_ *graph, n *kg.Node) { n.Props["country"] = "ex" }, "uppercase"},
		{"unsourced property", func(_ *graph, n *kg.Node) { n.Props["network"] = "APF" }, "not one the chart import writes"},
		{"ID from the name, not the acronym", func(_ *graph, n *kg.Node) { n.ID = "nhri:ex-example-human-rights-commission" }, "not the import's ID"},
		{"ID without the country", func(_ *graph, n *kg.Node) { n.ID = "nhri:ehrc" }, "not nhri:<iso2>-<slug>"},
		{"acronym not in the row", func(_ *graph, n *kg.Node) { n.Acronym = "EXHRC" }, "acronym"},
		{"name not in the row", func(_ *graph, n *kg.Node) { n.Name = "Example Commission" }, "does not give the name"},
		{"citation to another date", func(_ *graph, n *kg.Node) {
			n.Citations = []kg.Citation{{Document: strings.Replace(n.Citations[0].Document, "2024-01-01", "2023-01-01", 1),
				Section: n.Citations[0].Section, Quote: n.Citations[0].Quote}}
		}, "no citation of"},
		{"citation off the official sites", func(_ *graph, n *kg.Node) {
			n.Props["source"] = "Chart (https://example.org/chart.pdf)"
			n.Citations = []kg.Citation{{Document: "Chart (https://example.org/chart.pdf), as of 2024-01-01", Section: "Asia-Pacific", Quote: n.Citations[0].Quote}}
		}, "not on an official site"},
		{"section of another region", func(_ *graph, n *kg.Node) { n.Citations[0].Section = "AFRICA" }, "heading of region"},
		{"row without the year", func(_ *graph, n *kg.Node) { n.Citations[0].Quote = "Example Human Rights Commission (EHRC) | A" }, "does not give the year"},
		{"no LOCATED_IN", func(g *graph, n *kg.Node) { g.out[n.ID] = nil }, "LOCATED_IN []"},
		{"LOCATED_IN another country", func(g *graph, n *kg.Node) {
			g.nodes["country:fr"] = kg.Node{ID: "country:fr", Kind: kg.KindCountry, Props: kg.Props{kg.PropCode: "FR"}}
			g.out[n.ID] = []kg.Edge{{Type: kg.RelLocatedIn, From: n.ID, To: "country:fr", Citations: n.Citations}}
		}, "want [country:ex]"},
		{"LOCATED_IN not cited to the row", func(g *graph, n *kg.Node) {
			g.out[n.ID][0].Citations = []kg.Citation{{Document: GAP, Section: "x", Quote: "y"}}
		}, "not cited to the chart's row"},
		{"MEMBER_OF inferred from the chart's region", func(g *graph, n *kg.Node) {
			g.out[n.ID] = append(g.out[n.ID], kg.Edge{Type: kg.RelMemberOf, From: n.ID, To: "network:apf", Citations: n.Citations})
		}, "not cited to an official list"},
		{"MEMBER_OF GANHRI", func(g *graph, n *kg.Node) {
			g.out[n.ID] = append(g.out[n.ID], kg.Edge{Type: kg.RelMemberOf, From: n.ID, To: "network:ganhri", Citations: n.Citations})
		}, "not a regional network"},
	}
	runNHRIChecks(t, cases, goodChartNHRI, func(g *graph, n kg.Node) []string { return checkChartNHRI(g, n, today) })

	t.Run("MEMBER_OF cited to the network's list", func(t *testing.T) {
		g, n := goodChartNHRI()
		list := []kg.Citation{{Document: "APF, Members (https://www.asiapacificforum.net/members/), as of 2024-01-01", Section: "Full members", Quote: "Example Human Rights Commission"}}
		g.out[n.ID] = append(slices.Clone(g.out[n.ID]), kg.Edge{Type: kg.RelMemberOf, From: n.ID, To: "network:apf", Citations: list})
		assert.Empty(t, checkChartNHRI(g, n, today))
	})
	t.Run("the GAP's own NHRI is not from the chart", func(t *testing.T) {
		g := loadGraph(t)
		require.Contains(t, g.nodes, "nhri:gt")
		assert.False(t, fromChart(g.nodes["nhri:gt"]))
		_, n := goodChartNHRI()
		assert.True(t, fromChart(n))
	})
}

// goodNetworkNHRI is a made-up member that follows every rule; the cases
// below break one rule each. Its facts are fiction: it never enters the
// seed.
func goodNetworkNHRI() (*graph, kg.Node) {
	cite := []kg.Citation{{Document: "Asia Pacific Forum, News (https://www.asiapacificforum.net/news/x/), as of 2026-11-26 (date read; published 1 March 2024)",
		Section: "News", Quote: "the APF member Example Human Rights Commission (EHRC)"}}
	n := kg.Node{ID: "nhri:ex-ehrc", Kind: kg.KindNHRI, Name: "Example Human Rights Commission", Acronym: "EHRC",
		Props: kg.Props{kg.PropCountry: "EX", kg.PropRegion: "Asia-Pacific"}, Citations: cite}
	country := kg.Node{ID: "country:ex", Kind: kg.KindCountry, Name: "Exampleland", Props: kg.Props{kg.PropCode: "EX", kg.PropRegion: "Asia-Pacific"}}
	apf := kg.Node{ID: "network:apf", Kind: kg.KindNetwork, Name: "APF", Props: kg.Props{kg.PropScope: "REGIONAL", kg.PropRegion: "Asia-Pacific"}}
	ennhri := kg.Node{ID: "network:ennhri", Kind: kg.KindNetwork, Name: "ENNHRI", Props: kg.Props{kg.PropScope: "REGIONAL", kg.PropRegion: "Europe"}}
	g := &graph{nodes: map[string]kg.Node{n.ID: n, country.ID: country, apf.ID: apf, ennhri.ID: ennhri}, out: map[string][]kg.Edge{
		n.ID: {{Type: kg.RelLocatedIn, From: n.ID, To: country.ID, Citations: cite}, {Type: kg.RelMemberOf, From: n.ID, To: "network:apf", Citations: cite}},
	}}
	return g, n
}

func TestNetworkNHRIChecks(t *testing.T) {
	g, n := goodNetworkNHRI()
	require.True(t, fromNetwork(n))
	require.Empty(t, checkNetworkNHRI(g, n), "the well-formed member")

	cases := []nhriCheckCase{
		{"a status", func(_ *graph, n *kg.Node) { n.Props["accreditationStatus"] = "A" }, "accreditation facts come from the chart"},
		{"a region not its network's", func(_ *graph, n *kg.Node) { n.Props["region"] = "Europe" }, "the region of network:apf"},
		{"lowercase country", func(_ *graph, n *kg.Node) { n.Props["country"] = "ex" }, "uppercase"},
		{"ID from the name, not the acronym", func(_ *graph, n *kg.Node) { n.ID = "nhri:ex-example-human-rights-commission" }, "not the import's ID"},
		{"name not quoted", func(_ *graph, n *kg.Node) { n.Name = "Example Commission" }, "no quote gives the name"},
		{"acronym not quoted", func(_ *graph, n *kg.Node) { n.Acronym = "EXHRC" }, "no quote gives the acronym"},
		{"no MEMBER_OF", func(g *graph, n *kg.Node) { g.out[n.ID] = g.out[n.ID][:1] }, "no MEMBER_OF"},
		{"MEMBER_OF cited to another network's site", func(g *graph, n *kg.Node) { g.out[n.ID][1].To = "network:ennhri" }, "not cited to network:ennhri's own site"},
		{"MEMBER_OF GANHRI", func(g *graph, n *kg.Node) { g.out[n.ID][1].To = "network:ganhri" }, "not a regional network"},
		{"LOCATED_IN cited to the GAP", func(g *graph, n *kg.Node) {
			g.out[n.ID][0].Citations = []kg.Citation{{Document: GAP, Section: "x", Quote: "y"}}
		}, "not a regional network's own page"},
		{"no date", func(_ *graph, n *kg.Node) {
			n.Citations[0].Document = "Asia Pacific Forum, News (https://www.asiapacificforum.net/news/x/)"
		}, "no as-of date"},
		{"another relationship", func(g *graph, n *kg.Node) {
			g.out[n.ID] = append(g.out[n.ID], kg.Edge{Type: kg.RelPartOf, From: n.ID, To: "network:apf"})
		}, "only LOCATED_IN and MEMBER_OF"},
	}
	runNHRIChecks(t, cases, goodNetworkNHRI, checkNetworkNHRI)
	_, chart := goodChartNHRI()
	assert.False(t, fromNetwork(chart), "a chart row is not a network's member")
}

// TestChartIDsMatchDirectoryImport imports, into a store holding the seed,
// one CSV row for every NHRI of the chart or of a network's pages in the
// seed and a few made-up rows with hard names, and checks that the import
// gives the IDs this file expects: the seed's NHRIs are updated, not
// duplicated.
func TestChartIDsMatchDirectoryImport(t *testing.T) {
	ctx := context.Background()
	s, err := embedded.Open(t.TempDir())
	require.NoError(t, err)
	defer s.Close()
	_, err = Apply(ctx, s)
	require.NoError(t, err)

	csvCell := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	rows := []string{"region,country,institution,acronym,status,year"}
	var want []string
	seedIDs := 0
	g := loadGraph(t)
	asOf := "2024-01-01"
	for _, n := range g.byKind[kg.KindNHRI] {
		if fromNetwork(n) {
			// The chart may leave out the acronym a network's page gives.
			country := n.Props.String(kg.PropCountry)
			region := g.nodes["country:"+strings.ToLower(country)].Props.String(kg.PropRegion)
			rows = append(rows, strings.Join([]string{region, country, csvCell(n.Name), "", "A", "2024"}, ","))
			want = append(want, n.ID)
			seedIDs++
			continue
		}
		if !fromChart(n) {
			continue
		}
		year, _ := n.Props.Int(kg.PropAccreditationYear)
		if a := n.Props.String(kg.PropAsOf); a > asOf {
			asOf = a
		}
		rows = append(rows, strings.Join([]string{n.Props.String(kg.PropRegion), n.Props.String(kg.PropCountry),
			csvCell(n.Name), csvCell(n.Acronym), n.Props.String(kg.PropAccreditationStatus), strconv.FormatInt(year, 10)}, ","))
		want = append(want, n.ID)
		seedIDs++
	}
	// Made-up rows (fiction, never in the seed) with accents, punctuation,
	// long names and no acronym, in countries of the seed.
	madeUp := []struct{ region, country, name, acronym string }{
		{"Europe", "FR", "Commission nationale consultative des droits de l'homme", "C.N.C.D.H."},
		{"Americas", "CO", "Defensoría del Pueblo de la República de Colombia", ""},
		{"Africa", "CI", "Conseil National des Droits de l’Homme de Côte d’Ivoire", ""},
		{"Asia-Pacific", "NZ", "Te Kāhui Tika Tangata — Human Rights Commission", "  "},
		{"Europe", "DE", "Deutsches Institut für Menschenrechte", "DIMR"},
	}
	for _, r := range madeUp {
		rows = append(rows, strings.Join([]string{r.region, r.country, csvCell(r.name), csvCell(r.acronym), "B", "2020"}, ","))
		want = append(want, nhriID(r.country, strings.TrimSpace(r.acronym), r.name))
	}

	before, err := s.Find(ctx, kg.FindQuery{Kind: kg.KindNHRI, OrderBy: kg.OrderByID, First: kg.MaxPageSize})
	require.NoError(t, err)
	rep, err := (&directory.Directory{Store: s}).Import(ctx, strings.NewReader(strings.Join(rows, "\n")),
		"ID scheme test (https://www.ohchr.org/test)", kg.Date(asOf), "test")
	require.NoError(t, err)
	require.Empty(t, rep.Errors)
	assert.Equal(t, want, rep.IDs, "the import's IDs are the ones the seed uses")
	for _, id := range rep.IDs {
		assert.Regexp(t, nhriIDRE, id)
	}
	after, err := s.Find(ctx, kg.FindQuery{Kind: kg.KindNHRI, OrderBy: kg.OrderByID, First: kg.MaxPageSize})
	require.NoError(t, err)
	assert.Len(t, after.Nodes, len(before.Nodes)+len(madeUp), "the seed's %d NHRIs of the chart or the networks are updated, not duplicated", seedIDs)
}
