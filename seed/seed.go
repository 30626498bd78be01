// Package seed holds the knowledge graph's dataset: human-editable YAML files
// under data/, every node and relationship cited to its source, embedded in
// the binary and loaded idempotently into any kg.Store.
package seed

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"

	"github.com/goccy/go-yaml"

	"marrakechgraph/kg"
)

// GAP is the document title that citations default to: the Global Action Plan.
const GAP = "GANHRI Global Action Plan to support the protection and promotion of human rights defenders and civic space"

// SourceFiles maps each cited document that is kept in the shared sources
// folder to its file name there, so that its quotes can be verified.
var SourceFiles = map[string]string{GAP: "global-action-plan.md"}

// Actor is who the audit log names for changes made by loading the seed.
const Actor = "seed"

//go:embed data/*.yaml
var files embed.FS

// file is the layout of one seed file.
type file struct {
	Nodes []nodeSpec `yaml:"nodes"`
	Edges []edgeSpec `yaml:"edges"`
}

type citationSpec struct {
	Document string `yaml:"document"`
	Section  string `yaml:"section"`
	Quote    string `yaml:"quote"`
	// Paraphrase says why the quote is not verbatim, see README.md.
	Paraphrase string `yaml:"paraphrase"`
}

type nodeSpec struct {
	ID          string         `yaml:"id"`
	Kind        string         `yaml:"kind"`
	Name        string         `yaml:"name"`
	Acronym     string         `yaml:"acronym"`
	Description string         `yaml:"description"`
	Props       map[string]any `yaml:"props"`
	Citations   []citationSpec `yaml:"citations"`
	// Links are edges leaving this node.
	Links []linkSpec `yaml:"links"`
}

// linkSpec is an edge from the enclosing node. Either Citations, or Quote
// (with Section defaulting to the section of the node's first citation).
type linkSpec struct {
	Type      string         `yaml:"type"`
	To        string         `yaml:"to"`
	Section   string         `yaml:"section"`
	Quote     string         `yaml:"quote"`
	Citations []citationSpec `yaml:"citations"`
}

type edgeSpec struct {
	From      string         `yaml:"from"`
	Type      string         `yaml:"type"`
	To        string         `yaml:"to"`
	Citations []citationSpec `yaml:"citations"`
}

// Dataset is the parsed seed.
type Dataset struct {
	Nodes []kg.Node
	Edges []kg.Edge
}

// decodeFile reads one seed file. The YAML decoder can panic on some
// malformed documents (a nil sequence node in goccy/go-yaml v1.19.2's
// slice decoding); that is reported as the file's error.
func decodeFile(b []byte) (f file, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("malformed YAML: the decoder failed (%v)", p)
		}
	}()
	err = yaml.NewDecoder(bytes.NewReader(b), yaml.DisallowUnknownField()).Decode(&f)
	return f, err
}

// Load parses the embedded seed files.
func Load() (*Dataset, error) { return LoadFS(files, "data") }

// LoadFS parses every .yaml file in dir of fsys, in name order, and checks
// that the result is a consistent graph: unique IDs, known kinds and
// relationship types, both ends of every edge present, citations everywhere.
func LoadFS(fsys fs.FS, dir string) (*Dataset, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	ds := &Dataset{}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		f, err := decodeFile(b)
		if err != nil {
			return nil, fmt.Errorf("seed %s: %w", name, err)
		}
		if err := ds.add(f); err != nil {
			return nil, fmt.Errorf("seed %s: %w", name, err)
		}
	}
	if err := ds.check(); err != nil {
		return nil, err
	}
	return ds, nil
}

func citations(specs []citationSpec, defaultSection string) []kg.Citation {
	out := make([]kg.Citation, 0, len(specs))
	for _, c := range specs {
		doc := c.Document
		if doc == "" {
			doc = GAP
		}
		sec := c.Section
		if sec == "" {
			sec = defaultSection
		}
		out = append(out, kg.Citation{Document: doc, Section: sec, Quote: c.Quote, Paraphrase: c.Paraphrase})
	}
	return out
}

func (ds *Dataset) add(f file) error {
	for _, ns := range f.Nodes {
		props, err := kg.Normalize(ns.Props)
		if err != nil {
			return fmt.Errorf("node %s: %w", ns.ID, err)
		}
		n := kg.Node{
			ID: ns.ID, Kind: kg.Kind(ns.Kind), Name: ns.Name, Acronym: ns.Acronym,
			Description: ns.Description, Props: props, Citations: citations(ns.Citations, ""),
		}
		if err := n.Validate(); err != nil {
			return err
		}
		ds.Nodes = append(ds.Nodes, n)
		// A link's citations default to the section of the node's first
		// one; a sensitive node may have none.
		section := ""
		if len(n.Citations) > 0 {
			section = n.Citations[0].Section
		}
		for _, l := range ns.Links {
			specs := l.Citations
			if l.Quote != "" {
				specs = append(specs, citationSpec{Section: l.Section, Quote: l.Quote})
			}
			ds.Edges = append(ds.Edges, kg.Edge{Type: kg.RelType(l.Type), From: n.ID, To: l.To, Citations: citations(specs, section)})
		}
	}
	for _, es := range f.Edges {
		ds.Edges = append(ds.Edges, kg.Edge{Type: kg.RelType(es.Type), From: es.From, To: es.To, Citations: citations(es.Citations, "")})
	}
	return nil
}

func (ds *Dataset) check() error {
	kinds := map[string]kg.Kind{}
	for _, n := range ds.Nodes {
		if _, dup := kinds[n.ID]; dup {
			return fmt.Errorf("seed: node %s is defined twice", n.ID)
		}
		kinds[n.ID] = n.Kind
	}
	edges := map[kg.EdgeKey]bool{}
	for _, e := range ds.Edges {
		if err := e.Validate(); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		if len(e.Citations) == 0 {
			return fmt.Errorf("seed: relationship %s has no citation", e.Key())
		}
		if edges[e.Key()] {
			return fmt.Errorf("seed: relationship %s is defined twice", e.Key())
		}
		edges[e.Key()] = true
		from, ok := kinds[e.From]
		if !ok {
			return fmt.Errorf("seed: relationship %s: no node %s", e.Key(), e.From)
		}
		to, ok := kinds[e.To]
		if !ok {
			return fmt.Errorf("seed: relationship %s: no node %s", e.Key(), e.To)
		}
		if err := e.Type.ValidateEndpoints(from, to); err != nil {
			return fmt.Errorf("seed: relationship %s: %w", e.Key(), err)
		}
	}
	return nil
}

// Citations returns every citation in the dataset with a label saying where
// it is used.
func (ds *Dataset) Citations() (where []string, cits []kg.Citation) {
	for _, n := range ds.Nodes {
		for _, c := range n.Citations {
			where, cits = append(where, n.ID), append(cits, c)
		}
	}
	for _, e := range ds.Edges {
		for _, c := range e.Citations {
			where, cits = append(where, e.Key().String()), append(cits, c)
		}
	}
	return where, cits
}

// ChangeSet returns the dataset as one change set: loading it into a store
// that already holds it changes nothing.
func (ds *Dataset) ChangeSet() kg.ChangeSet {
	return kg.ChangeSet{Actor: Actor, Reason: "load seed dataset", PutNodes: ds.Nodes, PutEdges: ds.Edges}
}

// Apply loads the embedded seed into a store, atomically and idempotently
// (see ApplyDataset).
func Apply(ctx context.Context, s kg.Store) (*kg.ApplyResult, error) {
	ds, err := Load()
	if err != nil {
		return nil, err
	}
	return ApplyDataset(ctx, s, ds)
}

// ApplyDataset brings a store in line with a dataset in one atomic change
// set: it creates or updates every node and edge of the dataset, and
// deletes, with a trace in the audit log, the nodes and edges that an
// earlier seed created but this dataset no longer holds. Whatever anyone
// else wrote or changed is left alone. Applying the same dataset twice
// changes nothing.
//
// NHRIs are the exception: they are directory data, which Head Office
// keeps (an import of GANHRI's chart, an editor). The seed creates an NHRI
// it holds only if the store has never had it, and otherwise leaves it,
// and the edges of one that was deleted, as they are.
//
// A node that records of the threat log refer to (an NHRI that incidents
// concern, a channel a response activated) is never deleted: a dataset
// that no longer holds one is refused with kg.CodeConflict, naming the
// node, and nothing of it is written.
func ApplyDataset(ctx context.Context, s kg.Store, ds *Dataset) (*kg.ApplyResult, error) {
	cs := ds.ChangeSet()
	var err error
	if cs.PutNodes, cs.PutEdges, err = leaveDirectoryAlone(ctx, s, cs.PutNodes, cs.PutEdges); err != nil {
		return nil, fmt.Errorf("load seed: %w", err)
	}
	left := len(ds.Nodes) + len(ds.Edges) - len(cs.PutNodes) - len(cs.PutEdges)
	cs.DeleteNodes, cs.DeleteEdges, err = staleSeedData(ctx, s, ds)
	if err != nil {
		return nil, fmt.Errorf("load seed: %w", err)
	}
	res, err := s.Apply(ctx, cs)
	if err != nil {
		return nil, fmt.Errorf("load seed: %w", err)
	}
	// What the directory keeps is left unchanged.
	res.Unchanged += left
	return res, nil
}

// leaveDirectoryAlone drops from the seed's puts the NHRIs the store
// already has, or had and lost to a deletion (with that one's edges).
func leaveDirectoryAlone(ctx context.Context, s kg.Store, nodes []kg.Node, edges []kg.Edge) ([]kg.Node, []kg.Edge, error) {
	var ids []string
	for _, n := range nodes {
		if n.Kind == kg.KindNHRI {
			ids = append(ids, n.ID)
		}
	}
	if len(ids) == 0 {
		return nodes, edges, nil
	}
	stored, err := s.Nodes(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	keep, deleted := map[string]bool{}, map[string]bool{}
	for i, id := range ids {
		if stored[i] != nil {
			keep[id] = true
			continue
		}
		h, err := s.History(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		deleted[id] = len(h) > 0
	}
	nodes = slices.DeleteFunc(slices.Clone(nodes), func(n kg.Node) bool { return keep[n.ID] || deleted[n.ID] })
	edges = slices.DeleteFunc(slices.Clone(edges), func(e kg.Edge) bool { return deleted[e.From] || deleted[e.To] })
	return nodes, edges, nil
}

// staleSeedData finds what earlier seeds wrote that ds no longer holds:
// nodes and edges absent from ds whose every audit entry is the seed's.
func staleSeedData(ctx context.Context, s kg.Store, ds *Dataset) ([]string, []kg.EdgeKey, error) {
	inSeed := map[string]bool{}
	var seedIDs []string
	for _, n := range ds.Nodes {
		inSeed[n.ID] = true
		seedIDs = append(seedIDs, n.ID)
	}
	edgeInSeed := map[kg.EdgeKey]bool{}
	for _, e := range ds.Edges {
		edgeInSeed[e.Key()] = true
	}
	histories := map[string][]kg.AuditEntry{}
	history := func(id string) ([]kg.AuditEntry, error) {
		if h, ok := histories[id]; ok {
			return h, nil
		}
		h, err := s.History(ctx, id)
		histories[id] = h
		return h, err
	}

	var staleNodes []string
	// The seed writes public kinds only; incidents, responses and keys are
	// never its own, so they are not even looked at.
	for _, k := range kg.PublicKinds() {
		q := kg.FindQuery{Kind: k, OrderBy: kg.OrderByID}
		nodes, err := kg.FindAll(ctx, s, q)
		if err != nil {
			return nil, nil, err
		}
		for _, n := range nodes {
			if inSeed[n.ID] {
				continue
			}
			h, err := history(n.ID)
			if err != nil {
				return nil, nil, err
			}
			if onlySeed(h, nil) {
				staleNodes = append(staleNodes, n.ID)
			}
		}
	}

	var staleEdges []kg.EdgeKey
	if len(seedIDs) > 0 {
		out, err := s.Neighbors(ctx, seedIDs, kg.NeighborQuery{Direction: kg.Outgoing})
		if err != nil {
			return nil, nil, err
		}
		for _, ns := range out {
			for _, nb := range ns {
				k := nb.Edge.Key()
				if edgeInSeed[k] || !inSeed[k.To] {
					// Edges to nodes outside the seed are someone else's,
					// or go with their stale node.
					continue
				}
				h, err := history(k.From)
				if err != nil {
					return nil, nil, err
				}
				if onlySeed(h, &k) {
					staleEdges = append(staleEdges, k)
				}
			}
		}
	}
	return staleNodes, staleEdges, nil
}

// onlySeed reports whether the entries about a node (edge nil) or about
// one edge exist and were all written by the seed.
func onlySeed(h []kg.AuditEntry, edge *kg.EdgeKey) bool {
	found := false
	for _, e := range h {
		if (edge == nil) != (e.Edge == nil) || (edge != nil && *e.Edge != *edge) {
			continue
		}
		if e.Actor != Actor {
			return false
		}
		found = true
	}
	return found
}
