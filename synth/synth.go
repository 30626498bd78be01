// Package synth grows a synthetic graph with the seed's shape, to measure
// how the API's costs grow with the size of the graph.
//
// At scale N it adds, beside the real seed, N-1 copies of the seed's
// variable parts, and threat incidents with their responses:
//
//   - copy k (1 ≤ k < N) of every NHRI and every action of the seed, with
//     the ID suffix "-s<k>" (nhri:gt-s7, action:o2-document-threats-s7), the
//     same properties (an action's seq numbered on after the seed's), and a
//     copy of every relationship leaving it, to the same nodes or to their
//     copy k; the name says "synthetic copy k", and every citation's
//     document says it is synthetic, not a source;
//   - IncidentsPerBlock incidents for each block b (0 ≤ b < N), made as the
//     threat log makes them (threatlog.NewIncidentNode), each concerning an
//     NHRI of copy b (block 0: the seed's own NHRIs), of one or two threat
//     types, dated over 2015 to mid-2026, with statuses spread over OPEN,
//     RESPONDING and RESOLVED; about every second one has a response
//     (threatlog.NewResponseNode) by a seed channel. Their IDs are
//     incident:synthetic-<i> and response:synthetic-<i>.
//
// So ×1 adds only incidents. The graph depends only on the seed and N, and
// block b and copy k only on b and k: growing ×10 to ×100 adds to what ×10
// wrote. Applying it again writes nothing (see ApplyDataset).
package synth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"iter"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"marrakechgraph/kg"
	"marrakechgraph/seed"
	"marrakechgraph/threatlog"
)

const (
	// MaxScale is the largest scale factor.
	MaxScale = 1000
	// IncidentsPerBlock is how many incidents each unit of scale adds.
	IncidentsPerBlock = 1000
	// MaxChangeSetSize bounds the nodes and edges of one change set, so
	// that growing the graph takes bounded memory whatever the scale.
	MaxChangeSetSize = 5000
	// Actor is who the audit log names for the synthetic graph.
	Actor = "synth"
	// Document starts the document of every copied citation.
	Document = "Synthetic data for scale tests, not a source"
	// changeSetTimeout bounds the writing of one change set.
	changeSetTimeout = 5 * time.Minute
	// prngSeed fixes the pseudo-random choices: the same scale always gives
	// the same graph.
	prngSeed = 0x5ca1ab1e
)

// copied are the kinds the generator copies: the seed's variable parts.
var copied = []kg.Kind{kg.KindNHRI, kg.KindAction}

// suffixRE matches an ID that looks like a copy's.
var suffixRE = regexp.MustCompile(`-s[0-9]+$`)

// CopyID is the ID of copy k of a seed node.
func CopyID(id string, k int) string { return id + "-s" + strconv.Itoa(k) }

// IncidentID is the ID of the i-th synthetic incident, 0 ≤ i <
// IncidentsPerBlock×N.
func IncidentID(i int) string { return fmt.Sprintf("incident:synthetic-%07d", i) }

// ResponseID is the ID of the response to the i-th synthetic incident.
func ResponseID(i int) string { return fmt.Sprintf("response:synthetic-%07d", i) }

// CheckScale checks a scale factor: 1 to MaxScale.
func CheckScale(n int) error {
	if n < 1 || n > MaxScale {
		return kg.Errorf(kg.CodeBadUserInput, "synthetic scale must be between 1 and %d, got %d", MaxScale, n)
	}
	return nil
}

// Result describes the synthetic graph of a scale, and what writing it did.
type Result struct {
	Scale int
	// Nodes and Edges count the synthetic graph's nodes and edges; NHRIs,
	// Actions, Incidents and Responses its nodes of those kinds.
	Nodes, Edges                         int
	NHRIs, Actions, Incidents, Responses int
	// AlreadyGrown is true when the store held the graph already, grown
	// from the same seed: nothing was written.
	AlreadyGrown bool
	// ChangeSets counts the change sets applied; Created, Updated and
	// Unchanged add up the store's answers to them.
	ChangeSets                  int
	Created, Updated, Unchanged int
}

// Store is what growing the graph needs of a store.
type Store interface {
	Apply(ctx context.Context, cs kg.ChangeSet) (*kg.ApplyResult, error)
	History(ctx context.Context, id string) ([]kg.AuditEntry, error)
}

// Apply grows the embedded seed ×n in a store that holds the seed (see
// ApplyDataset).
func Apply(ctx context.Context, s Store, n int) (*Result, error) {
	ds, err := seed.Load()
	if err != nil {
		return nil, err
	}
	return ApplyDataset(ctx, s, ds, n)
}

// ApplyDataset grows ds ×n in a store that holds ds: it writes the change
// sets of ChangeSets one after the other, each atomically. When one fails,
// those before it stay written; applying again completes the graph.
//
// The change sets are written in order, so that the last one's being
// written means the others were too: when the audit log says the last
// node of the graph was last written by the generator from the same seed
// (in any scale at least n: the graph of a scale holds those below it),
// nothing is written again, and a restart with the same scale costs next
// to nothing. Synthetic nodes that someone changed since are left so.
func ApplyDataset(ctx context.Context, s Store, ds *seed.Dataset, n int) (*Result, error) {
	g, err := newGenerator(ds, n)
	if err != nil {
		return nil, err
	}
	res := g.count()
	if res.AlreadyGrown, err = g.grown(ctx, s); err != nil || res.AlreadyGrown {
		return res, err
	}
	for cs := range g.changeSets {
		cctx, cancel := context.WithTimeout(ctx, changeSetTimeout)
		r, err := s.Apply(cctx, cs)
		cancel()
		if err != nil {
			return res, fmt.Errorf("synthetic scale ×%d, change set %d: %w", n, res.ChangeSets+1, err)
		}
		res.ChangeSets++
		res.Created += r.Created
		res.Updated += r.Updated
		res.Unchanged += r.Unchanged
	}
	return res, nil
}

// ChangeSets returns the change sets that grow ds ×n, for a store that
// holds ds: first the copies, then the incidents and responses, each
// change set of at most MaxChangeSetSize nodes and edges (a node is never
// apart from the edges leaving it, nor an incident from its response).
// They are made one at a time, as the sequence is walked.
func ChangeSets(ds *seed.Dataset, n int) (iter.Seq[kg.ChangeSet], error) {
	g, err := newGenerator(ds, n)
	if err != nil {
		return nil, err
	}
	return g.changeSets, nil
}

// generator holds what the change sets are made from.
type generator struct {
	n int
	// nodes are the seed's nodes of the copied kinds, in ID order, and
	// leaving the edges that leave each.
	nodes   []kg.Node
	leaving map[string][]kg.Edge
	isCopy  map[string]bool
	// seqStep numbers copy k of an action on: seq + k×seqStep.
	seqStep int64
	nhris   []string
	threats []string
	perps   []string
	// channels are the seed's mechanisms and networks, which responses
	// activate.
	channels []string
	// fingerprint tells graphs grown from different seeds (or by a
	// different generator) apart; the change sets' reason ends with it.
	fingerprint string
}

func newGenerator(ds *seed.Dataset, n int) (*generator, error) {
	if err := CheckScale(n); err != nil {
		return nil, err
	}
	g := &generator{n: n, leaving: map[string][]kg.Edge{}, isCopy: map[string]bool{}}
	for _, nd := range ds.Nodes {
		switch {
		case slices.Contains(copied, nd.Kind):
			if suffixRE.MatchString(nd.ID) {
				return nil, fmt.Errorf("synthetic scale: the seed's %s looks like a synthetic copy (-s<k>): its copies could collide", nd.ID)
			}
			g.nodes = append(g.nodes, nd)
			g.isCopy[nd.ID] = true
			if nd.Kind == kg.KindNHRI {
				g.nhris = append(g.nhris, nd.ID)
			}
			if seq, ok := nd.Props.Int(kg.PropSeq); ok && nd.Kind == kg.KindAction {
				g.seqStep = max(g.seqStep, seq)
			}
		case nd.Kind == kg.KindThreatType:
			g.threats = append(g.threats, nd.ID)
		case nd.Kind == kg.KindPerpetratorType:
			g.perps = append(g.perps, nd.ID)
		case nd.Kind == kg.KindMechanism || nd.Kind == kg.KindNetwork:
			g.channels = append(g.channels, nd.ID)
		}
	}
	if len(g.nhris) == 0 || len(g.threats) == 0 || len(g.channels) == 0 {
		return nil, fmt.Errorf("synthetic scale: the seed needs NHRIs, threat types and channels (it has %d, %d, %d)",
			len(g.nhris), len(g.threats), len(g.channels))
	}
	// Edges leaving a copied node are copied with it; those arriving at one
	// from a node that is not copied are not (the seed has none), so that
	// no seed node changes.
	for _, e := range ds.Edges {
		if g.isCopy[e.From] {
			g.leaving[e.From] = append(g.leaving[e.From], e)
		}
	}
	slices.SortFunc(g.nodes, func(a, b kg.Node) int { return strings.Compare(a.ID, b.ID) })
	for _, ids := range [][]string{g.nhris, g.threats, g.perps, g.channels} {
		slices.Sort(ids)
	}
	fp, err := g.fingerprintOf()
	if err != nil {
		return nil, err
	}
	g.fingerprint = fp
	return g, nil
}

// fingerprintOf hashes what the graph is made from, and a sample of what
// is made of it (copy 1 and block 0, whatever the scale), so that a change
// of the seed or of the way the graph is made changes it.
func (g *generator) fingerprintOf() (string, error) {
	h := sha256.New()
	enc := json.NewEncoder(h)
	if err := enc.Encode([]any{g.nhris, g.threats, g.perps, g.channels, g.seqStep}); err != nil {
		return "", fmt.Errorf("synthetic scale: fingerprint: %w", err)
	}
	for _, nd := range g.nodes {
		c, edges := g.copyOf(nd, 1)
		if err := enc.Encode([]any{c, edges}); err != nil {
			return "", fmt.Errorf("synthetic scale: fingerprint: %w", err)
		}
	}
	rng := g.rng(0)
	for j := range IncidentsPerBlock {
		nodes, edges := g.incident(g.draw(rng, 0, j))
		if err := enc.Encode([]any{nodes, edges}); err != nil {
			return "", fmt.Errorf("synthetic scale: fingerprint: %w", err)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

func (g *generator) reason() string {
	return fmt.Sprintf("synthetic scale ×%d, generator %s", g.n, g.fingerprint)
}

// lastID is the ID of the last node the change sets write.
func (g *generator) lastID() string { return IncidentID(g.n*IncidentsPerBlock - 1) }

// grown reports whether the store holds the graph already: whether the
// last node the change sets write was last written by the generator, with
// the same fingerprint.
func (g *generator) grown(ctx context.Context, s Store) (bool, error) {
	h, err := s.History(ctx, g.lastID())
	if err != nil {
		return false, fmt.Errorf("synthetic scale: history of %s: %w", g.lastID(), err)
	}
	for i := len(h) - 1; i >= 0; i-- {
		if e := h[i]; e.Edge == nil {
			return e.Op != kg.OpDelete && e.Actor == Actor && strings.HasSuffix(e.Reason, " "+g.fingerprint), nil
		}
	}
	return false, nil
}

// count describes the graph without making it.
func (g *generator) count() *Result {
	res := &Result{Scale: g.n}
	for _, nd := range g.nodes {
		switch nd.Kind {
		case kg.KindNHRI:
			res.NHRIs += g.n - 1
		case kg.KindAction:
			res.Actions += g.n - 1
		}
		res.Edges += (g.n - 1) * len(g.leaving[nd.ID])
	}
	res.Nodes = res.NHRIs + res.Actions
	for b := range g.n {
		rng := g.rng(b)
		for j := range IncidentsPerBlock {
			c := g.draw(rng, b, j)
			res.Incidents++
			res.Edges += len(c.threats) + len(c.perps) + 1
			if c.response {
				res.Responses++
				res.Edges += 2
			}
		}
	}
	res.Nodes += res.Incidents + res.Responses
	return res
}

// batch gathers groups of nodes and edges into change sets of bounded size.
type batch struct {
	cs    kg.ChangeSet
	size  int
	yield func(kg.ChangeSet) bool
}

// add adds a group, first yielding the change set so far if the group
// would make it too large. It reports whether to go on.
func (b *batch) add(nodes []kg.Node, edges []kg.Edge) bool {
	if b.size > 0 && b.size+len(nodes)+len(edges) > MaxChangeSetSize {
		if !b.flush() {
			return false
		}
	}
	b.cs.PutNodes = append(b.cs.PutNodes, nodes...)
	b.cs.PutEdges = append(b.cs.PutEdges, edges...)
	b.size += len(nodes) + len(edges)
	return true
}

// flush yields the change set so far, if any.
func (b *batch) flush() bool {
	if b.size == 0 {
		return true
	}
	cs := b.cs
	b.cs = kg.ChangeSet{Actor: cs.Actor, Reason: cs.Reason}
	b.size = 0
	return b.yield(cs)
}

func (g *generator) changeSets(yield func(kg.ChangeSet) bool) {
	b := &batch{yield: yield, cs: kg.ChangeSet{Actor: Actor, Reason: g.reason()}}
	for k := 1; k < g.n; k++ {
		for _, nd := range g.nodes {
			c, edges := g.copyOf(nd, k)
			if !b.add([]kg.Node{c}, edges) {
				return
			}
		}
	}
	for block := range g.n {
		rng := g.rng(block)
		for j := range IncidentsPerBlock {
			if !b.add(g.incident(g.draw(rng, block, j))) {
				return
			}
		}
	}
	b.flush()
}

// copyOf returns copy k of a seed node and of the edges leaving it.
func (g *generator) copyOf(nd kg.Node, k int) (kg.Node, []kg.Edge) {
	c := *nd.Clone()
	c.ID = CopyID(nd.ID, k)
	c.Name = fmt.Sprintf("%s (synthetic copy %d)", nd.Name, k)
	if c.Acronym != "" {
		c.Acronym = fmt.Sprintf("%s-S%d", nd.Acronym, k)
	}
	c.Description = fmt.Sprintf("Synthetic copy %d of %s, made for scale tests. %s", k, nd.ID, nd.Description)
	if seq, ok := c.Props.Int(kg.PropSeq); ok && c.Kind == kg.KindAction {
		c.Props[kg.PropSeq] = seq + int64(k)*g.seqStep
	}
	c.Citations = marked(nd.Citations, k)
	c.Version = 0
	edges := make([]kg.Edge, 0, len(g.leaving[nd.ID]))
	for _, e := range g.leaving[nd.ID] {
		to := e.To
		if g.isCopy[to] {
			to = CopyID(to, k)
		}
		edges = append(edges, kg.Edge{Type: e.Type, From: c.ID, To: to, Citations: marked(e.Citations, k)})
	}
	return c, edges
}

// marked copies citations, their documents saying they are synthetic.
func marked(cits []kg.Citation, k int) []kg.Citation {
	out := make([]kg.Citation, len(cits))
	for i, c := range cits {
		c.Document = fmt.Sprintf("%s (copy %d of a citation of: %s)", Document, k, c.Document)
		out[i] = c
	}
	return out
}

var (
	// firstYear and lastYear bound the years incidents occur in; in the
	// last one, they occur in its first lastYearDays days.
	firstYear, lastYear, lastYearDays = 2015, 2026, 181
	// allTargets are the targets an incident may have: one or both.
	allTargets = [][]kg.ThreatTarget{
		{kg.TargetInstitution}, {kg.TargetMembersOrStaff}, {kg.TargetInstitution, kg.TargetMembersOrStaff},
	}
)

// rng returns the pseudo-random source of block b.
func (g *generator) rng(b int) *rand.Rand { return rand.New(rand.NewPCG(prngSeed, uint64(b))) }

// choice is what the pseudo-random source decided of an incident and its
// response.
type choice struct {
	i                          int
	nhri                       string
	threats, perps             []string
	targets                    []kg.ThreatTarget
	occurred, reported         time.Time
	dated, reprisal, consent   bool
	response, resolved         bool
	channel                    string
	activated, responseStamped time.Time
}

// draw decides the j-th incident of block b, the next from rng.
func (g *generator) draw(rng *rand.Rand, b, j int) choice {
	c := choice{i: b*IncidentsPerBlock + j, nhri: g.nhris[rng.IntN(len(g.nhris))]}
	if b > 0 {
		c.nhri = CopyID(c.nhri, b)
	}
	year := firstYear + rng.IntN(lastYear-firstYear+1)
	days := time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC).YearDay()
	if year == lastYear {
		days = lastYearDays
	}
	c.occurred = time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(days))
	c.reported = c.occurred.Add(time.Duration(rng.IntN(30*24*3600)) * time.Second)
	c.dated = rng.IntN(20) > 0
	c.threats = []string{g.threats[rng.IntN(len(g.threats))]}
	if second := g.threats[rng.IntN(len(g.threats))]; rng.IntN(4) == 0 && second != c.threats[0] {
		c.threats = append(c.threats, second)
	}
	if len(g.perps) > 0 && rng.IntN(3) > 0 {
		c.perps = []string{g.perps[rng.IntN(len(g.perps))]}
	}
	c.targets = allTargets[rng.IntN(len(allTargets))]
	c.reprisal, c.consent = rng.IntN(10) == 0, rng.IntN(10) < 7
	c.response = rng.IntN(2) == 0
	c.resolved = rng.IntN(3) == 0
	if c.response {
		c.channel = g.channels[rng.IntN(len(g.channels))]
		c.activated = c.reported.AddDate(0, 0, rng.IntN(14))
		c.responseStamped = c.activated.Add(time.Duration(rng.IntN(8*3600)) * time.Second)
	}
	return c
}

// incident makes an incident, with its response if it has one: the nodes
// and the edges leaving them.
func (g *generator) incident(c choice) ([]kg.Node, []kg.Edge) {
	r := threatlog.Report{
		NHRI: c.nhri, Threats: c.threats, Perpetrators: c.perps, Targets: c.targets,
		ReprisalForUNCooperation: c.reprisal, ConsentToShare: c.consent,
		Summary: fmt.Sprintf("Synthetic incident %d, made for scale tests: not a real event.", c.i),
	}
	if c.dated {
		d := kg.Date(c.occurred.Format(time.DateOnly))
		r.OccurredOn = &d
	}
	inc, edges := threatlog.NewIncidentNode(IncidentID(c.i), Actor, c.reported, r)
	nodes := []kg.Node{inc}
	status := threatlog.StatusOpen
	switch {
	case c.response:
		in := threatlog.ResponseInput{Incident: inc.ID, Channel: c.channel, ActivatedOn: kg.Date(c.activated.Format(time.DateOnly))}
		status = threatlog.StatusResponding
		if c.resolved {
			status = threatlog.StatusResolved
			in.Outcome = fmt.Sprintf("Synthetic outcome of incident %d.", c.i)
		}
		resp, respEdges := threatlog.NewResponseNode(ResponseID(c.i), Actor, c.responseStamped, in)
		nodes, edges = append(nodes, resp), append(edges, respEdges...)
	case c.resolved:
		status = threatlog.StatusResolved
	}
	nodes[0].Props[threatlog.PropStatus] = string(status)
	return nodes, edges
}
