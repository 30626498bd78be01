package seed_test

import (
	"os"
	"reflect"
	"testing"
	"testing/fstest"
	"time"

	"marrakechgraph/kg"
	"marrakechgraph/seed"
)

// validSeed is a small dataset in the seed's format: nodes, a link, an edge,
// citations defaulting to the GAP and to the node's first section.
const validSeed = `nodes:
  - id: network:ganhri
    kind: Network
    name: Global Alliance of National Human Rights Institutions
    acronym: GANHRI
    props: {scope: GLOBAL, serves: [INSTITUTION]}
    citations:
      - section: Introduction
        quote: is a reference document
  - id: network:apf
    kind: Network
    name: Asia Pacific Forum
    props: {scope: REGIONAL, region: Asia-Pacific, since: 1996}
    citations:
      - document: &doc "Another document"
        section: Members
        quote: the forum
    links:
      - type: PART_OF
        to: network:ganhri
        quote: one of four regional networks
  - id: country:ke
    kind: Country
    name: Kenya
    props: {code: KE}
    citations: [{document: *doc, section: States, quote: Kenya}]
edges:
  - from: network:ganhri
    type: PART_OF
    to: network:apf
    citations: [{section: Networks, quote: the networks}]
`

// FuzzSeed loads arbitrary YAML as a seed folder of two files: loading never
// panics; a dataset refused is an error and no dataset; a dataset accepted
// is a consistent graph (every node and relationship valid, both ends of
// each relationship present, IDs unique), loads the same way twice, and is
// accepted whole by an empty store (kg.Reduce, which every backend applies).
func FuzzSeed(f *testing.F) {
	f.Add([]byte(validSeed), []byte(""))
	f.Add([]byte(validSeed), []byte("nodes: []\nedges: []\n"))
	f.Add([]byte("nodes:\n  - id: network:x\n    kind: Network\n    name: X\n    citations: [{section: S, quote: Q}]\n"),
		[]byte("edges:\n  - {from: network:x, type: PART_OF, to: network:y, citations: [{section: S, quote: Q}]}\n"))
	f.Add([]byte("nodes:\n  - id: network:x\n    kind: Network\n    name: X\n    props: {a: 1.5, b: {c: d}}\n    citations: [{section: S, quote: Q}]\n"), []byte("unknown: 1\n"))
	f.Add([]byte("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"), []byte("nodes: [{id: *x}]\n"))
	f.Add([]byte("nodes:\n  - id: network:x\n    kind: Network\n    name: \"  \"\n    props: {serves: [1, true], n: 9223372036854775808}\n"), []byte("\t- \x00"))
	for _, name := range []string{"data/networks.yaml", "data/countries.yaml"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatalf("read %s: %v", name, err)
		}
		f.Add(b, []byte(""))
	}

	f.Fuzz(func(t *testing.T, a, b []byte) {
		fsys := fstest.MapFS{"data/a.yaml": {Data: a}, "data/b.yaml": {Data: b}}
		ds, err := seed.LoadFS(fsys, "data")
		if err != nil {
			if ds != nil {
				t.Fatalf("LoadFS returned a dataset with the error %v", err)
			}
			if err.Error() == "" {
				t.Fatal("LoadFS failed with an empty message")
			}
			return
		}
		checkConsistent(t, ds)
		again, err := seed.LoadFS(fsys, "data")
		if err != nil || !reflect.DeepEqual(ds, again) {
			t.Fatalf("loading the same files twice differs: %v", err)
		}

		// An empty store plans the whole dataset as creations.
		plan, err := kg.Reduce(ds.ChangeSet(), kg.Current{}, time.Now())
		if err != nil {
			t.Fatalf("a store refuses a dataset LoadFS accepts: %v", err)
		}
		if plan.Result.Created != len(ds.Nodes)+len(ds.Edges) {
			t.Fatalf("a store would create %d of %d nodes and %d edges", plan.Result.Created, len(ds.Nodes), len(ds.Edges))
		}
	})
}

func checkConsistent(t *testing.T, ds *seed.Dataset) {
	t.Helper()
	kinds := map[string]kg.Kind{}
	for i := range ds.Nodes {
		n := &ds.Nodes[i]
		if err := n.Validate(); err != nil {
			t.Fatalf("accepted node is invalid: %v", err)
		}
		if _, dup := kinds[n.ID]; dup {
			t.Fatalf("node %s accepted twice", n.ID)
		}
		kinds[n.ID] = n.Kind
	}
	keys := map[kg.EdgeKey]bool{}
	for _, e := range ds.Edges {
		if err := e.Validate(); err != nil {
			t.Fatalf("accepted relationship is invalid: %v", err)
		}
		if len(e.Citations) == 0 || keys[e.Key()] {
			t.Fatalf("relationship %s: no citation or defined twice", e.Key())
		}
		keys[e.Key()] = true
		if err := e.Type.ValidateEndpoints(kinds[e.From], kinds[e.To]); err != nil {
			t.Fatalf("relationship %s: %v", e.Key(), err)
		}
	}
}
