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
// wrote. Applying it again changes nothing (puts of the same IDs).
package synth

import (
	"context"
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

// IncidentID and ResponseID are the IDs of the i-th synthetic incident
// (0 ≤ i < IncidentsPerBlock×N) and of its response.
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

// Result counts what growing the graph put, and what of it the store
// found new, changed or as it was.
type Result struct {
	Scale, ChangeSets int
	// Nodes and Edges count the puts, NHRIs, Actions, Incidents and
	// Responses the nodes of those kinds among them.
	Nodes, Edges                         int
	NHRIs, Actions, Incidents, Responses int
	// Created, Updated and Unchanged add up the stores' answers.
	Created, Updated, Unchanged int
}

// Applier is what growing the graph needs of a store.
type Applier interface {
	Apply(ctx context.Context, cs kg.ChangeSet) (*kg.ApplyResult, error)
}

// Apply grows the embedded seed ×n in a store that holds the seed (see
// ApplyDataset).
func Apply(ctx context.Context, s Applier, n int) (*Result, error) {
	ds, err := seed.Load()
	if err != nil {
		return nil, err
	}
	return ApplyDataset(ctx, s, ds, n)
}

// ApplyDataset grows ds ×n in a store that holds ds: it writes the
// change sets of ChangeSets one after the other, each atomically. When one
// fails, those before it stay written; applying again completes the graph.
func ApplyDataset(ctx context.Context, s Applier, ds *seed.Dataset, n int) (*Result, error) {
	sets, err := ChangeSets(ds, n)
	if err != nil {
		return nil, err
	}
	res := &Result{Scale: n}
	for cs := range sets {
		cctx, cancel := context.WithTimeout(ctx, changeSetTimeout)
		r, err := s.Apply(cctx, cs)
		cancel()
		if err != nil {
			return res, fmt.Errorf("synthetic scale ×%d, change set %d: %w", n, res.ChangeSets+1, err)
		}
		res.ChangeSets++
		res.Nodes += len(cs.PutNodes)
		res.Edges += len(cs.PutEdges)
		for _, nd := range cs.PutNodes {
			switch nd.Kind {
			case kg.KindNHRI:
				res.NHRIs++
			case kg.KindAction:
				res.Actions++
			case kg.KindThreatIncident:
				res.Incidents++
			case kg.KindResponse:
				res.Responses++
			}
		}
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
	return g, nil
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
	b := &batch{yield: yield, cs: kg.ChangeSet{Actor: Actor, Reason: fmt.Sprintf("synthetic scale ×%d", g.n)}}
	for k := 1; k < g.n; k++ {
		for _, nd := range g.nodes {
			c, edges := g.copyOf(nd, k)
			if !b.add([]kg.Node{c}, edges) {
				return
			}
		}
	}
	for block := range g.n {
		rng := rand.New(rand.NewPCG(prngSeed, uint64(block)))
		for j := range IncidentsPerBlock {
			if !b.add(g.incident(rng, block, block*IncidentsPerBlock+j)) {
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
	// first is the first day incidents occur on; lastYear is the last year,
	// in which they occur up to lastYearDays days after its first day.
	first        = time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	lastYear     = 2026
	lastYearDays = 181
	// allTargets are the targets an incident may have: one or both.
	allTargets = [][]kg.ThreatTarget{
		{kg.TargetInstitution}, {kg.TargetMembersOrStaff}, {kg.TargetInstitution, kg.TargetMembersOrStaff},
	}
)

// incident returns the i-th synthetic incident, of block b, with its
// response if it has one: the nodes and the edges leaving them.
func (g *generator) incident(rng *rand.Rand, b, i int) ([]kg.Node, []kg.Edge) {
	nhri := g.nhris[rng.IntN(len(g.nhris))]
	if b > 0 {
		nhri = CopyID(nhri, b)
	}
	year := first.Year() + rng.IntN(lastYear-first.Year()+1)
	days := time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC).YearDay()
	if year == lastYear {
		days = lastYearDays
	}
	occurred := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(days))
	reported := occurred.Add(time.Duration(rng.IntN(30*24*3600)) * time.Second)
	r := threatlog.Report{
		NHRI:                     nhri,
		Threats:                  []string{g.threats[rng.IntN(len(g.threats))]},
		Targets:                  allTargets[rng.IntN(len(allTargets))],
		ReprisalForUNCooperation: rng.IntN(10) == 0,
		ConsentToShare:           rng.IntN(10) < 7,
		Summary:                  fmt.Sprintf("Synthetic incident %d, made for scale tests: not a real event.", i),
	}
	if rng.IntN(4) == 0 {
		r.Threats = append(r.Threats, g.threats[rng.IntN(len(g.threats))])
	}
	if len(g.perps) > 0 && rng.IntN(3) > 0 {
		r.Perpetrators = []string{g.perps[rng.IntN(len(g.perps))]}
	}
	if rng.IntN(20) > 0 {
		d := kg.Date(occurred.Format(time.DateOnly))
		r.OccurredOn = &d
	}
	inc, edges := threatlog.NewIncidentNode(IncidentID(i), Actor, reported, r)
	nodes := []kg.Node{inc}
	status := threatlog.StatusOpen
	if rng.IntN(2) == 0 {
		status = threatlog.StatusResponding
		activated := reported.AddDate(0, 0, rng.IntN(14))
		in := threatlog.ResponseInput{
			Incident: inc.ID, Channel: g.channels[rng.IntN(len(g.channels))],
			ActivatedOn: kg.Date(activated.Format(time.DateOnly)),
		}
		if rng.IntN(3) == 0 {
			status = threatlog.StatusResolved
			in.Outcome = fmt.Sprintf("Synthetic outcome of incident %d.", i)
		}
		resp, respEdges := threatlog.NewResponseNode(ResponseID(i), Actor, activated.Add(time.Duration(rng.IntN(8*3600))*time.Second), in)
		nodes, edges = append(nodes, resp), append(edges, respEdges...)
	} else if rng.IntN(5) == 0 {
		status = threatlog.StatusResolved
	}
	nodes[0].Props[threatlog.PropStatus] = string(status)
	return nodes, edges
}
