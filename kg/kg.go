// Package kg is the domain of Marrakech Graph: the node kinds and relationship
// types of the knowledge graph around GANHRI's Global Action Plan, citations,
// error codes, and the Store contract every backend fulfils.
//
// Everything above the Store (resolvers, the advisor, the seed loader) speaks
// only in these types, so a backend can be swapped without a client noticing.
//
// Writes are change sets (ChangeSet), reduced by Reduce to what changes and
// its audit entries in every backend alike. Nodes carry a version the
// backends maintain (Node.Version); a change set can expect versions
// (ChangeSet.Expect), so that a read-modify-write fails with CodeConflict
// instead of overwriting a change made since its read.
package kg

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Kind is a node label. The set is closed: backends may only ever use these
// values as labels, never anything derived from user input.
type Kind string

// The node kinds of the knowledge graph.
const (
	KindNetwork         Kind = "Network"
	KindNHRI            Kind = "NHRI"
	KindMechanism       Kind = "Mechanism"
	KindInstrument      Kind = "Instrument"
	KindCommitment      Kind = "Commitment"
	KindObjective       Kind = "Objective"
	KindAction          Kind = "Action"
	KindRiskGroup       Kind = "RiskGroup"
	KindThreatType      Kind = "ThreatType"
	KindPerpetratorType Kind = "PerpetratorType"
	KindSDGTarget       Kind = "SDGTarget"
	KindStrategicGoal   Kind = "StrategicGoal"
	KindCountry         Kind = "Country"
	KindSurvey          Kind = "Survey"

	// Sensitive kinds: written by users, never part of the public graph.

	// KindThreatIncident is a threat or attack against an NHRI, its members
	// or staff (GAP Objective 2).
	KindThreatIncident Kind = "ThreatIncident"
	// KindResponse is a response to a threat incident by a channel.
	KindResponse Kind = "Response"
	// KindAPIKey is an API key: its role and the hash of its secret.
	KindAPIKey Kind = "APIKey"
)

// KindInfo describes a node kind: the prefix of its IDs and what it stands for.
type KindInfo struct {
	Kind        Kind
	IDPrefix    string
	Description string
	// Sensitive kinds are written by users and can endanger people if they
	// leak: they are never listed, searched, counted or reached through
	// relationships except by the paths that check the caller's role.
	// They need no citation.
	Sensitive bool
}

var kinds = []KindInfo{
	{KindNetwork, "network", "GANHRI, the regional networks of NHRIs, and GANHRI's own bodies.", false},
	{KindNHRI, "nhri", "A national human rights institution.", false},
	{KindMechanism, "mechanism", "A support channel: a UN or regional body or office, a fund, an NGO partner, or one of GANHRI's own channels.", false},
	{KindInstrument, "instrument", "A declaration, resolution, guideline, policy, plan or report.", false},
	{KindCommitment, "commitment", "One of the seven priority action areas of the Marrakech Declaration.", false},
	{KindObjective, "objective", "One of the three objectives of the Global Action Plan.", false},
	{KindAction, "action", "A proposed action of the Global Action Plan.", false},
	{KindRiskGroup, "risk-group", "A group of human rights defenders identified as most at risk.", false},
	{KindThreatType, "threat-type", "A kind of threat or obstacle faced by NHRIs or human rights defenders.", false},
	{KindPerpetratorType, "perpetrator-type", "A kind of State or non-State actor behind threats.", false},
	{KindSDGTarget, "sdg", "A Sustainable Development Goal target or indicator.", false},
	{KindStrategicGoal, "goal", "A goal of GANHRI's Strategic Plan 2020-2022.", false},
	{KindCountry, "country", "A State, by its ISO 3166-1 alpha-2 code.", false},
	{KindSurvey, "survey", "A consultation whose findings the Global Action Plan reports.", false},
	{KindThreatIncident, "incident", "A threat or attack against an NHRI, its members or staff.", true},
	{KindResponse, "response", "A response to a threat incident.", true},
	{KindAPIKey, "apikey", "An API key.", true},
}

// PublicKinds lists the kinds of the public knowledge graph.
func PublicKinds() []Kind {
	var out []Kind
	for _, k := range kinds {
		if !k.Sensitive {
			out = append(out, k.Kind)
		}
	}
	return out
}

// Sensitive reports whether k is a sensitive kind.
func (k Kind) Sensitive() bool { ki, _ := k.Info(); return ki.Sensitive }

// Kinds lists every node kind, in a stable order.
func Kinds() []KindInfo { return slices.Clone(kinds) }

// Info returns the description of a kind, and whether the kind exists.
func (k Kind) Info() (KindInfo, bool) {
	for _, ki := range kinds {
		if ki.Kind == k {
			return ki, true
		}
	}
	return KindInfo{}, false
}

// Valid reports whether k is one of the domain's kinds.
func (k Kind) Valid() bool { _, ok := k.Info(); return ok }

// KindOfID returns the kind an ID belongs to, from its prefix.
func KindOfID(id string) (Kind, bool) {
	prefix, _, ok := strings.Cut(id, ":")
	if !ok {
		return "", false
	}
	for _, ki := range kinds {
		if ki.IDPrefix == prefix {
			return ki.Kind, true
		}
	}
	return "", false
}

var slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.\-]*$`)

// ValidateID checks that id has the form "<prefix>:<slug>" for kind k.
func ValidateID(k Kind, id string) error {
	ki, ok := k.Info()
	if !ok {
		return Errorf(CodeBadUserInput, "unknown kind %q", k)
	}
	prefix, slug, found := strings.Cut(id, ":")
	if !found || prefix != ki.IDPrefix || !slugRE.MatchString(slug) {
		return Errorf(CodeBadUserInput, "ID %q is not a valid %s ID (want %s:<lowercase-slug>)", id, k, ki.IDPrefix)
	}
	return nil
}

// Region is one of the four regions of GANHRI and its networks, as the
// graph records it (Regions).
type Region string

// The regions.
const (
	RegionAfrica      Region = "Africa"
	RegionAmericas    Region = "Americas"
	RegionAsiaPacific Region = "Asia-Pacific"
	RegionEurope      Region = "Europe"
)

// Regions are the four regions of GANHRI and its networks.
var Regions = []string{"Africa", "Americas", "Asia-Pacific", "Europe"}

// CanonicalRegion returns the region named by s (case-insensitive), and
// whether there is one.
func CanonicalRegion(s string) (string, bool) {
	for _, r := range Regions {
		if strings.EqualFold(r, strings.TrimSpace(s)) {
			return r, true
		}
	}
	return "", false
}

// Citation points to a passage of a source document.
type Citation struct {
	Document string `json:"document" yaml:"document"`
	Section  string `json:"section" yaml:"section"`
	Quote    string `json:"quote" yaml:"quote"`
	// Paraphrase, when set, says why Quote is not the page's exact words
	// (the stored copy holds the substance only). Empty for a verbatim quote.
	Paraphrase string `json:"paraphrase,omitempty" yaml:"paraphrase,omitempty"`
}

// Validate reports a missing part.
func (c Citation) Validate() error {
	if strings.TrimSpace(c.Document) == "" || strings.TrimSpace(c.Section) == "" || strings.TrimSpace(c.Quote) == "" {
		return Errorf(CodeBadUserInput, "a citation needs a document, a section and a quote")
	}
	return nil
}

// Node is an entity of the knowledge graph.
type Node struct {
	ID          string     `json:"id"`
	Kind        Kind       `json:"kind"`
	Name        string     `json:"name"`
	Acronym     string     `json:"acronym,omitempty"`
	Description string     `json:"description,omitempty"`
	Props       Props      `json:"props,omitempty"`
	Citations   []Citation `json:"citations"`
	// Version counts the change sets that changed the node or a
	// relationship leaving it: 1 when it is created, one more for each
	// such change set after. Backends maintain it: a put's Version is
	// ignored, and a put that changes nothing keeps it. A node stored
	// before versions existed reads as version 1. A change set can expect
	// a version (ChangeSet.Expect), so that a read-modify-write loses no
	// update made in between.
	Version int64 `json:"version,omitempty"`
}

// Validate checks a node's structure: its ID, kind, name, properties and citations.
func (n *Node) Validate() error {
	if err := ValidateID(n.Kind, n.ID); err != nil {
		return err
	}
	if strings.TrimSpace(n.Name) == "" {
		return Errorf(CodeBadUserInput, "node %s has no name", n.ID)
	}
	if err := n.Props.Validate(); err != nil {
		return fmt.Errorf("node %s: %w", n.ID, err)
	}
	if len(n.Citations) == 0 && !n.Kind.Sensitive() {
		return Errorf(CodeBadUserInput, "node %s has no citation", n.ID)
	}
	for _, c := range n.Citations {
		if err := c.Validate(); err != nil {
			return fmt.Errorf("node %s: %w", n.ID, err)
		}
	}
	return nil
}

// Clone returns a deep copy of n.
func (n *Node) Clone() *Node {
	if n == nil {
		return nil
	}
	c := *n
	c.Props = n.Props.Clone()
	c.Citations = slices.Clone(n.Citations)
	return &c
}

// CurrentVersion returns the node's version, reading an unset one (a node
// stored before versions existed) as 1.
func (n *Node) CurrentVersion() int64 { return max(n.Version, 1) }

// Equal reports whether two nodes hold the same data; their versions are
// not compared.
func (n *Node) Equal(o *Node) bool {
	if n == nil || o == nil {
		return n == o
	}
	return n.ID == o.ID && n.Kind == o.Kind && n.Name == o.Name && n.Acronym == o.Acronym &&
		n.Description == o.Description && n.Props.Equal(o.Props) && slices.Equal(n.Citations, o.Citations)
}

// Direction selects which end of a relationship a node stands on.
type Direction string

// Directions of a relationship, seen from a node.
const (
	Outgoing Direction = "OUT"
	Incoming Direction = "IN"
	Both     Direction = "BOTH"
)

// Valid reports whether d is a known direction.
func (d Direction) Valid() bool { return d == Outgoing || d == Incoming || d == Both }

// Edge is a typed, directed, cited relationship between two nodes. There is
// at most one edge of a type between two nodes in one direction.
type Edge struct {
	Type      RelType    `json:"type"`
	From      string     `json:"from"`
	To        string     `json:"to"`
	Citations []Citation `json:"citations"`
}

// EdgeKey identifies an edge.
type EdgeKey struct {
	Type     RelType `json:"type"`
	From, To string
}

// Key returns the edge's identity.
func (e Edge) Key() EdgeKey { return EdgeKey{Type: e.Type, From: e.From, To: e.To} }

// String renders the key as "from -[TYPE]-> to".
func (k EdgeKey) String() string { return fmt.Sprintf("%s -[%s]-> %s", k.From, k.Type, k.To) }

// Equal reports whether two edges hold the same data.
func (e Edge) Equal(o Edge) bool { return e.Key() == o.Key() && slices.Equal(e.Citations, o.Citations) }

// Clone returns a deep copy of e.
func (e Edge) Clone() Edge { e.Citations = slices.Clone(e.Citations); return e }

// Validate checks an edge's type, endpoints and citations; kinds are checked
// against the relationship's vocabulary by ValidateEndpoints. An edge with
// a sensitive end needs no citation (Reduce checks the rest).
func (e Edge) Validate() error {
	if _, ok := e.Type.Info(); !ok {
		return Errorf(CodeBadUserInput, "unknown relationship type %q", e.Type)
	}
	if e.From == "" || e.To == "" {
		return Errorf(CodeBadUserInput, "relationship %s needs both ends", e.Type)
	}
	if e.From == e.To {
		return Errorf(CodeBadUserInput, "relationship %s cannot join %s to itself", e.Type, e.From)
	}
	for _, c := range e.Citations {
		if err := c.Validate(); err != nil {
			return fmt.Errorf("relationship %s: %w", e.Key(), err)
		}
	}
	return nil
}

// Neighbor is a node reached over an edge.
type Neighbor struct {
	Edge Edge
	Node *Node
}
