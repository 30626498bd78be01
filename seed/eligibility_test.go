package seed

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"marrakechgraph/advisor"
	"marrakechgraph/kg"
)

// The eligibility rules checked here are documented in data/README.md,
// "Eligibility"; keep both in step.

// eligibilitySourceHosts are the bodies' own sites that eligibility
// citations name, added to the official sites a citation to a document other
// than the GAP may name (TestOfficialSourceCitations).
var eligibilitySourceHosts = []string{
	"ohchr.org",            // OHCHR: the UN ASG on reprisals, the Special Rapporteur's pages, NIRMS
	"srdefenders.org",      // the UN Special Rapporteur on human rights defenders' own website
	"protectdefenders.eu",  // ProtectDefenders.eu
	"ganhri.org",           // GANHRI and its Sub-Committee on Accreditation
	"ennhri.org",           // the European Network of NHRIs
	"asiapacificforum.net", // the Asia Pacific Forum of NHRIs
	"rindhca.org",          // the network of NHRIs of the Americas (RINDHCA)
}

func init() { officialSourceHosts = append(officialSourceHosts, eligibilitySourceHosts...) }

// eligibilityKeys are the channel properties the advisor reads.
var eligibilityKeys = []string{
	kg.PropActsIn, kg.PropServes, kg.PropTriggers, kg.PropRemedies,
	kg.PropRequiresConsent, kg.PropHowToActivate, kg.PropContactPage,
}

// eligibleChannels are the channels with eligibility data. A channel whose
// facts could not be sourced has none, and stays out of activation plans
// (README.md lists them and why).
var eligibleChannels = []string{
	"mechanism:achpr",
	"mechanism:coe",
	"mechanism:eu-delegations",
	"mechanism:high-level-country-missions",
	"mechanism:iachr",
	"mechanism:nhri-hosting",
	"mechanism:ohchr",
	"mechanism:osce",
	"mechanism:peer-nhri-public-support",
	"mechanism:protectdefenders-eu",
	"mechanism:un-asg-reprisals",
	"mechanism:un-sr-hrds",
	"network:apf",
	"network:ennhri",
	"network:ganhri",
	"network:nanhri",
	"network:rindhca",
	"network:sca",
}

// channelDomains are each channel's own sites: its contactPage must be on one.
var channelDomains = map[string][]string{
	"mechanism:achpr":               {"au.int"},
	"mechanism:coe":                 {"coe.int"},
	"mechanism:iachr":               {"oas.org"},
	"mechanism:ohchr":               {"ohchr.org"},
	"mechanism:osce":                {"osce.org"},
	"mechanism:protectdefenders-eu": {"protectdefenders.eu"},
	"mechanism:un-asg-reprisals":    {"ohchr.org"},
	"mechanism:un-sr-hrds":          {"srdefenders.org", "ohchr.org"},
	"network:apf":                   {"asiapacificforum.net"},
	"network:ennhri":                {"ennhri.org"},
	"network:ganhri":                {"ganhri.org"},
	"network:rindhca":               {"rindhca.org"},
	"network:sca":                   {"ganhri.org"},
}

// gapClaim says which eligibility facts a GAP citation of a channel
// supports. A GAP citation's section is a heading path of the GAP, so it
// cannot name the fact the way citations to the bodies' own pages do
// ("Eligibility > <claims> > <heading>"); this table does it instead. Claims
// use the same syntax as those sections.
type gapClaim struct{ quote, claims string }

var gapEligibility = map[string][]gapClaim{
	"mechanism:un-asg-reprisals": {
		{"Report threats and attacks against NHRIs, their members and staff both internally within the GANHRI network and within regional and UN mechanisms bodies and forums – including the UN ASG",
			"serves: INSTITUTION, MEMBERS_OR_STAFF"},
		{"Engage with the UN ASG mandate, in order to incorporate all existing forms of indirect cooperation between NHRIs and the UN system (that are not currently reflected in the scope of the mandate), hence strengthening their protection through this mandate",
			"serves: INSTITUTION"},
	},
	"mechanism:protectdefenders-eu": {
		{"Protect Defenders.eu – the EU HRD protection mechanism providing grants for urgent protection measures and enabling temporary relocation for HRDs at risk",
			"triggers: URGENT_RISK; remedies: EMERGENCY_GRANT, RELOCATION"},
	},
	"mechanism:high-level-country-missions": {
		{"Review GANHRI support and explore the further strengthening, including at an early stage (prevention), of high-level country missions",
			"remedies: COUNTRY_MISSION"},
		{"To support and protect NHRIs as human rights defenders (when under threat)",
			"serves: INSTITUTION; triggers: ANY_THREAT"},
	},
	"mechanism:peer-nhri-public-support": {
		{"cooperation among peer NHRIs through NHRI's public support – when relevant and possible – of the NHRI under threat",
			"serves: INSTITUTION; triggers: ANY_THREAT; remedies: PEER_SUPPORT"},
	},
	"mechanism:eu-delegations": {
		{"with the EU Delegations where NHRIs, their members and staff are under threat",
			"serves: INSTITUTION, MEMBERS_OR_STAFF; triggers: ANY_THREAT"},
	},
	"mechanism:nhri-hosting": {
		{"NHRI hosting a NHRI member or staff under threat",
			"serves: MEMBERS_OR_STAFF; triggers: ANY_THREAT; remedies: PEER_SUPPORT"},
	},
	"network:apf":     regionalNetworkClaims,
	"network:ennhri":  regionalNetworkClaims,
	"network:nanhri":  regionalNetworkClaims,
	"network:rindhca": regionalNetworkClaims,
	"network:sca": {
		{"Reinforcing the global mechanism to protect NHRIs' independence, effectiveness and staff and members, including through continued strengthening of the accreditation process",
			"triggers: THREAT_TO_INDEPENDENCE"},
	},
}

// regionalNetworkClaims: the GAP's two passages on how NHRIs under threat
// are answered, by GANHRI with the regional networks, make each regional
// network a channel for the NHRIs of its region.
var regionalNetworkClaims = []gapClaim{
	{"In situations where NHRIs are under threat, GANHRI, in collaboration with regional networks and UN partners, provides an effective and appropriate response that ensures their protection.",
		"actsIn: REGION; serves: INSTITUTION; triggers: ANY_THREAT"},
	{"responses from GANHRI, regional networks and partners in support of NHRIs under threat",
		"actsIn: REGION; serves: INSTITUTION; triggers: ANY_THREAT"},
}

// threatRaises is Marrakech Graph's own classification of threat types into
// advisor triggers (README.md, "Eligibility", the table of raises). It is a
// rule, not a sourced fact; this copy guards the data against drift.
var threatRaises = map[string][]string{
	"threat-type:budget-cuts":                        {"FUNDING_NEED", "THREAT_TO_INDEPENDENCE"},
	"threat-type:legal-restrictions-on-independence": {"THREAT_TO_INDEPENDENCE", "THREAT_TO_LEGAL_BASIS"},
	"threat-type:arbitrary-arrest-detention":         {"URGENT_RISK"},
	"threat-type:murders":                            {"URGENT_RISK"},
	"threat-type:financial-restrictions":             {"FUNDING_NEED"},
}

// coverable are the organisations and treaty whose member States or States
// parties the seed records (memberships.yaml): a COVERS edge leads to one.
// A channel that acts in MEMBERS covers nothing: it acts in its own member
// States, when it is one of these organisations, or for its own member NHRIs,
// when it is a network.
var coverable = []string{"mechanism:coe", "mechanism:osce", "mechanism:oas", "mechanism:eu", "instrument:african-charter"}

const eligibilityPrefix = "Eligibility > "

// claims is what citations say a channel's eligibility is: for each fact,
// the values named ("" when the fact is named without a value).
type claims map[string]map[string]bool

var claimFactRE = regexp.MustCompile(`^[a-zA-Z]+$`)

// parseClaims reads "fact; fact: V1, V2; ..." into c.
func parseClaims(s string, c claims) error {
	for _, item := range strings.Split(s, ";") {
		fact, values, hasValues := strings.Cut(strings.TrimSpace(item), ":")
		fact = strings.TrimSpace(fact)
		if !claimFactRE.MatchString(fact) {
			return fmt.Errorf("claim %q: %q is not a fact name", s, fact)
		}
		if c[fact] == nil {
			c[fact] = map[string]bool{}
		}
		if !hasValues {
			c[fact][""] = true
			continue
		}
		for _, v := range strings.Split(values, ",") {
			v = strings.TrimSpace(v)
			if v == "" {
				return fmt.Errorf("claim %q: empty value for %s", s, fact)
			}
			c[fact][v] = true
		}
	}
	return nil
}

func hasEligibility(n kg.Node) bool {
	for _, k := range eligibilityKeys {
		if _, ok := n.Props[k]; ok {
			return true
		}
	}
	return false
}

func knownTrigger(t string) bool { _, ok := advisor.Triggers[advisor.Trigger(t)]; return ok }

func TestEligibilityProps(t *testing.T) {
	g := loadGraph(t)
	var got []string
	for _, n := range g.ds.Nodes {
		if _, ok := n.Props[kg.PropRaises]; ok {
			assert.Equal(t, kg.KindThreatType, n.Kind, "%s: only threat types raise triggers", n.ID)
		}
		if !hasEligibility(n) {
			continue
		}
		got = append(got, n.ID)
		assert.Contains(t, kg.ChannelKinds(), n.Kind, "%s: only channels (Mechanism, Network) have eligibility", n.ID)

		// The minimum: where, whom, what triggers it.
		actsIn := n.Props.String(kg.PropActsIn)
		assert.Contains(t, advisor.Reaches, actsIn, "%s actsIn", n.ID)
		serves := n.Props.Strings(kg.PropServes)
		triggers := n.Props.Strings(kg.PropTriggers)
		assert.NotEmpty(t, serves, "%s: eligibility needs serves", n.ID)
		assert.NotEmpty(t, triggers, "%s: eligibility needs triggers", n.ID)

		// Only known values, each once, in order.
		checkList := func(key string, known func(string) bool) {
			vs := n.Props.Strings(key)
			if _, present := n.Props[key]; present {
				assert.NotEmpty(t, vs, "%s: %s is empty or not a list of strings", n.ID, key)
			}
			for _, v := range vs {
				assert.True(t, known(v), "%s: %s %q is not one the advisor knows", n.ID, key, v)
			}
			assert.True(t, slices.IsSorted(vs), "%s: %s in alphabetical order: %v", n.ID, key, vs)
			assert.Len(t, slices.Compact(slices.Clone(vs)), len(vs), "%s: %s has duplicates", n.ID, key)
		}
		checkList(kg.PropServes, func(v string) bool {
			return slices.Contains([]string{advisor.ServesInstitution, advisor.ServesMembersOrStaff, advisor.ServesCSO}, v)
		})
		checkList(kg.PropTriggers, knownTrigger)
		checkList(kg.PropRemedies, func(v string) bool { _, ok := advisor.Remedies[v]; return ok })

		// Consent is recorded only when the body's page says it; when it is,
		// it is a boolean.
		if v, present := n.Props[kg.PropRequiresConsent]; present {
			_, ok := v.(bool)
			assert.True(t, ok, "%s: requiresConsent is not a boolean: %v", n.ID, v)
		}
		if v, present := n.Props[kg.PropHowToActivate]; present {
			s, _ := v.(string)
			assert.NotEmpty(t, strings.TrimSpace(s), "%s: howToActivate is empty", n.ID)
		}

		// The contact page: https, on the body's own site, and a page the
		// citations were read from.
		if page := n.Props.String(kg.PropContactPage); page != "" {
			u, err := url.Parse(page)
			if assert.NoError(t, err, "%s contactPage", n.ID) {
				assert.Equal(t, "https", u.Scheme, "%s: contactPage is not https", n.ID)
				domains, ok := channelDomains[n.ID]
				if assert.True(t, ok, "%s: no own domains recorded in channelDomains", n.ID) {
					assert.True(t, slices.ContainsFunc(domains, func(d string) bool {
						return u.Host == d || strings.HasSuffix(u.Host, "."+d)
					}), "%s: contactPage %s is not on the body's own site %v", n.ID, page, domains)
				}
			}
			assert.True(t, slices.ContainsFunc(n.Citations, func(c kg.Citation) bool {
				return strings.Contains(c.Document, "("+page+")")
			}), "%s: contactPage %s is not the page of any of its citations", n.ID, page)
		}
	}
	sort.Strings(got)
	assert.Equal(t, eligibleChannels, got, "channels with eligibility data (README.md, \"Eligibility\")")
}

func TestEligibilityCovers(t *testing.T) {
	g := loadGraph(t)
	// A reach edge leads from a channel of the matching reach to an
	// organisation whose members are recorded, cited under
	// "Eligibility > <covers|outsideOf> > ...".
	reach := map[kg.RelType]struct{ actsIn, claim string }{
		kg.RelCovers:    {advisor.ActsCovered, "covers"},
		kg.RelOutsideOf: {advisor.ActsOutside, "outsideOf"},
	}
	for _, e := range g.ds.Edges {
		r, ok := reach[e.Type]
		if !ok {
			continue
		}
		assert.Equal(t, r.actsIn, g.nodes[e.From].Props.String(kg.PropActsIn),
			"%s: only a channel that acts %s has a %s edge", e.Key(), r.actsIn, e.Type)
		if e.Type == kg.RelCovers && g.nodes[e.To].Kind == kg.KindCountry {
			// A country covered on its own: a State that left an
			// organisation the channel covers (README.md, "Former members").
			left := slices.ContainsFunc(g.targets(e.From, kg.RelCovers), func(org string) bool {
				return slices.Contains(g.nodes[org].Props.Strings(kg.PropFormerMembers), g.nodes[e.To].Props.String(kg.PropCode))
			})
			assert.True(t, left, "%s: a country is covered on its own only when it left an organisation the channel covers", e.Key())
		} else {
			assert.Contains(t, coverable, e.To, "%s: leads to an organisation whose members are not recorded", e.Key())
		}
		assert.True(t, slices.ContainsFunc(e.Citations, func(c kg.Citation) bool {
			return c.Document != GAP && strings.HasPrefix(c.Section, eligibilityPrefix+r.claim+" > ")
		}), "%s: no citation with section \"Eligibility > %s > ...\"", e.Key(), r.claim)
	}
	for _, id := range eligibleChannels {
		covers := g.targets(id, kg.RelCovers)
		outside := g.targets(id, kg.RelOutsideOf)
		if g.nodes[id].Props.String(kg.PropActsIn) == advisor.ActsOutside {
			assert.Empty(t, covers, "%s acts outside organisations and covers nothing", id)
			assert.NotEmpty(t, outside, "%s acts OUTSIDE and names no organisation", id)
		} else {
			assert.Empty(t, outside, "%s: only a channel that acts OUTSIDE stays outside an organisation", id)
		}
		switch g.nodes[id].Props.String(kg.PropActsIn) {
		case advisor.ActsCovered:
			assert.NotEmpty(t, covers, "%s acts in COVERED organisations but covers none", id)
		case advisor.ActsGlobal:
			assert.Empty(t, covers, "%s acts everywhere and covers nothing", id)
		case advisor.ActsMembers:
			assert.Empty(t, covers, "%s acts for its own members and covers nothing", id)
			switch g.nodes[id].Kind {
			case kg.KindMechanism:
				assert.Contains(t, coverable, id, "%s acts in its member States, which the seed does not record", id)
				assert.NotEmpty(t, g.sources(id, kg.RelMemberStateOf), "%s acts in its member States, and none is recorded", id)
			case kg.KindNetwork:
				// Its members are NHRIs; none may be recorded yet (README.md,
				// "NHRI directory"), and the advisor then says it cannot judge.
				for _, m := range g.sources(id, kg.RelMemberOf) {
					assert.Equal(t, kg.KindNHRI, g.nodes[m].Kind, "%s: member %s is not an NHRI", id, m)
				}
			default:
				assert.Fail(t, "only an organisation or a network acts for its own members", id)
			}
		case advisor.ActsRegion:
			assert.Empty(t, covers, "%s acts in its region and covers nothing", id)
			assert.Equal(t, kg.KindNetwork, g.nodes[id].Kind, "%s: only a regional network acts in its region", id)
			assert.Contains(t, kg.Regions, g.nodes[id].Props.String(kg.PropRegion), "%s acts in its region and has none", id)
			for _, m := range g.sources(id, kg.RelMemberOf) {
				assert.Equal(t, kg.KindNHRI, g.nodes[m].Kind, "%s: member %s is not an NHRI", id, m)
			}
		}
	}
	// The cases the advisor depends on.
	assert.Equal(t, []string{"country:ni", "mechanism:oas"}, g.targets("mechanism:iachr", kg.RelCovers), "the IACHR covers the OAS, and Nicaragua, which left it")
	assert.Equal(t, []string{"instrument:african-charter"}, g.targets("mechanism:achpr", kg.RelCovers))
	assert.Equal(t, []string{"mechanism:eu"}, g.targets("mechanism:eu-delegations", kg.RelOutsideOf))
	for _, id := range []string{"mechanism:coe", "mechanism:osce"} {
		assert.Equal(t, advisor.ActsMembers, g.nodes[id].Props.String(kg.PropActsIn), "%s actsIn", id)
	}
	// Every regional network acts for the NHRIs of its region (issue 10).
	for _, id := range []string{"network:apf", "network:ennhri", "network:nanhri", "network:rindhca"} {
		assert.Equal(t, advisor.ActsRegion, g.nodes[id].Props.String(kg.PropActsIn), "%s actsIn", id)
	}
}

// Every eligibility fact, and every value of it, is named by a citation of
// the channel: by its section ("Eligibility > <claims> > <heading>") for a
// body's own page, or by gapEligibility for a GAP passage. And no citation
// claims a fact or value the channel does not have.
func TestEligibilityCitations(t *testing.T) {
	g := loadGraph(t)
	for id := range gapEligibility {
		assert.Contains(t, eligibleChannels, id, "gapEligibility names %s, which has no eligibility", id)
	}
	for _, n := range g.ds.Nodes {
		c := claims{}
		for _, cit := range n.Citations {
			if !strings.HasPrefix(cit.Section, eligibilityPrefix) {
				continue
			}
			assert.NotEqual(t, GAP, cit.Document, "%s: a GAP citation's section is a GAP heading path", n.ID)
			parts := strings.SplitN(cit.Section, " > ", 3)
			if !assert.Len(t, parts, 3, "%s: section %q is not \"Eligibility > <claims> > <heading>\"", n.ID, cit.Section) {
				continue
			}
			assert.NoError(t, parseClaims(parts[1], c), "%s: section %q", n.ID, cit.Section)
		}
		for _, gc := range gapEligibility[n.ID] {
			assert.True(t, slices.ContainsFunc(n.Citations, func(cit kg.Citation) bool {
				return cit.Document == GAP && cit.Quote == gc.quote
			}), "%s: gapEligibility quote %q is not a GAP citation of the node", n.ID, gc.quote)
			assert.NoError(t, parseClaims(gc.claims, c), "%s: gapEligibility", n.ID)
		}
		if !hasEligibility(n) {
			assert.Empty(t, c, "%s: eligibility citations without eligibility data", n.ID)
			continue
		}

		// What the data says, in the claims' terms.
		want := claims{}
		for _, k := range eligibilityKeys {
			v, present := n.Props[k]
			if !present {
				continue
			}
			want[k] = map[string]bool{}
			switch k {
			case kg.PropActsIn:
				want[k][n.Props.String(k)] = true
			case kg.PropServes, kg.PropTriggers, kg.PropRemedies:
				for _, s := range n.Props.Strings(k) {
					want[k][s] = true
				}
			case kg.PropRequiresConsent:
				b, _ := v.(bool)
				want[k][map[bool]string{true: "true", false: "false"}[b]] = true
			default:
				want[k][""] = true
			}
		}
		for fact, values := range want {
			for v := range values {
				if v == "" {
					assert.True(t, c[fact][""] || len(c[fact]) > 0, "%s: no citation names %s", n.ID, fact)
				} else {
					assert.True(t, c[fact][v], "%s: no citation names %s %s", n.ID, fact, v)
				}
			}
		}
		for fact, values := range c {
			if !assert.Contains(t, want, fact, "%s: a citation names %s, which the node does not have", n.ID, fact) {
				continue
			}
			for v := range values {
				if v != "" {
					assert.True(t, want[fact][v], "%s: a citation names %s %s, which the node does not have", n.ID, fact, v)
				}
			}
		}
	}
}

func TestThreatTypeRaises(t *testing.T) {
	g := loadGraph(t)
	got := map[string][]string{}
	for _, n := range g.byKind[kg.KindThreatType] {
		if _, present := n.Props[kg.PropRaises]; !present {
			continue
		}
		rs := n.Props.Strings(kg.PropRaises)
		assert.NotEmpty(t, rs, "%s: raises is empty or not a list of strings", n.ID)
		for _, r := range rs {
			assert.True(t, knownTrigger(r), "%s raises %q, which the advisor does not know", n.ID, r)
		}
		got[n.ID] = rs
		// The classification is the project's rule: the threat keeps its
		// GAP citations, and no other.
		for _, c := range n.Citations {
			assert.Equal(t, GAP, c.Document, "%s: a threat type is cited to the GAP only", n.ID)
		}
	}
	assert.Equal(t, threatRaises, got, "raises, as in the README's table")
}

// TestSecureChannelsInHowToActivate: where a channel's cited eligibility
// sources offer a secure or encrypted way to reach it, howToActivate says
// so, backed by a howToActivate citation; and howToActivate never speaks of
// a secure channel that no such citation offers.
func TestSecureChannelsInHowToActivate(t *testing.T) {
	g := loadGraph(t)
	secure := regexp.MustCompile(`(?i)\b(secure|encrypted)\b`)
	var offered []string
	for _, n := range g.ds.Nodes {
		if !hasEligibility(n) {
			continue
		}
		cited := false
		for _, cit := range n.Citations {
			if strings.HasPrefix(cit.Section, eligibilityPrefix) && strings.Contains(cit.Section, kg.PropHowToActivate) && secure.MatchString(cit.Quote) {
				cited = true
			}
		}
		says := secure.MatchString(n.Props.String(kg.PropHowToActivate))
		assert.Equal(t, cited, says, "%s: howToActivate speaks of a secure channel exactly when a howToActivate citation offers one", n.ID)
		if cited {
			offered = append(offered, n.ID)
		}
	}
	assert.Equal(t, []string{"mechanism:un-sr-hrds", "mechanism:un-asg-reprisals", "mechanism:protectdefenders-eu"}, offered, "the channels whose cited sources offer a secure channel")
}
