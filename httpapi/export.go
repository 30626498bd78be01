package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"marrakechgraph/kg"
)

// exportedNode is a node as the exports write it: its kind as the schema's
// EntityKind enum spells it, its properties under the schema's field names.
type exportedNode struct {
	ID          string        `json:"id"`
	Kind        string        `json:"kind"`
	Name        string        `json:"name"`
	Acronym     string        `json:"acronym,omitempty"`
	Description string        `json:"description,omitempty"`
	Props       kg.Props      `json:"properties,omitempty"`
	Citations   []kg.Citation `json:"citations"`
}

// exportedGraph is the whole public knowledge graph.
type exportedGraph struct {
	Nodes         []exportedNode `json:"nodes"`
	Relationships []kg.Edge      `json:"relationships"`
}

// publicGraph reads every public node and every relationship between public
// nodes, in a stable order; incidents, responses and keys are never part of it.
func publicGraph(ctx context.Context, s Store) (*exportedGraph, error) {
	g := &exportedGraph{Nodes: []exportedNode{}, Relationships: []kg.Edge{}}
	var ids []string
	for _, k := range kg.PublicKinds() {
		nodes, err := kg.FindAll(ctx, s, kg.FindQuery{Kind: k, OrderBy: kg.OrderByID})
		if err != nil {
			return nil, fmt.Errorf("export %s nodes: %w", k, err)
		}
		for _, n := range nodes {
			var props kg.Props
			if len(n.Props) > 0 {
				props = make(kg.Props, len(n.Props))
				for key, v := range n.Props {
					props[columnName(n.Kind, key)] = v
				}
			}
			g.Nodes = append(g.Nodes, exportedNode{ID: n.ID, Kind: kindName(n.Kind), Name: n.Name, Acronym: n.Acronym,
				Description: n.Description, Props: props, Citations: n.Citations})
			ids = append(ids, n.ID)
		}
	}
	for start := 0; start < len(ids); start += kg.MaxPageSize {
		batch := ids[start:min(start+kg.MaxPageSize, len(ids))]
		out, err := s.Neighbors(ctx, batch, kg.NeighborQuery{Direction: kg.Outgoing, Kinds: kg.PublicKinds()})
		if err != nil {
			return nil, fmt.Errorf("export relationships: %w", err)
		}
		for _, ns := range out {
			for _, nb := range ns {
				g.Relationships = append(g.Relationships, nb.Edge)
			}
		}
	}
	sort.Slice(g.Relationships, func(i, j int) bool {
		a, b := g.Relationships[i].Key(), g.Relationships[j].Key()
		return a.From+"\x00"+string(a.Type)+"\x00"+a.To < b.From+"\x00"+string(b.Type)+"\x00"+b.To
	})
	return g, nil
}

// exportFormat is one file of the exports.
type exportFormat struct {
	contentType string
	write       func(*bytes.Buffer, *exportedGraph) error
}

// exportFormats are the files under /export/, by name.
var exportFormats = map[string]exportFormat{
	"graph.json":            {"application/json", writeGraphJSON},
	"nodes.csv":             {"text/csv; charset=utf-8", writeNodesCSV},
	"relationships.csv":     {"text/csv; charset=utf-8", writeRelationshipsCSV},
	"graph.graphml":         {"application/graphml+xml; charset=utf-8", writeGraphML},
	"graph.graphology.json": {"application/json", writeGraphology},
}

const exportNames = "graph.json, nodes.csv, relationships.csv, graph.graphml and graph.graphology.json"

// maxKeptExport is the largest export file kept in memory between requests.
const maxKeptExport = 32 << 20

// keptExport is an export file as written at one store version.
type keptExport struct {
	version uint64
	body    []byte
	etag    string
}

// exportFiles writes each export once per store version and keeps it, so
// that downloading a file again costs a version check, and nothing when the
// client's copy is current (304).
type exportFiles struct {
	store Store
	mu    sync.Mutex // held while a file is written, so it is written once
	kept  map[string]*keptExport
}

// file returns the export named name at the store's current version.
func (e *exportFiles) file(ctx context.Context, name string, f exportFormat) (*keptExport, error) {
	version, err := e.store.LastSeq(ctx)
	if err != nil {
		return nil, fmt.Errorf("export %s: store version: %w", name, err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if k := e.kept[name]; k != nil && k.version == version {
		return k, nil
	}
	g, err := publicGraph(ctx, e.store)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.write(&buf, g); err != nil {
		return nil, fmt.Errorf("export %s: %w", name, err)
	}
	sum := sha256.Sum256(buf.Bytes())
	k := &keptExport{version: version, body: buf.Bytes(), etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
	if buf.Len() <= maxKeptExport {
		e.kept[name] = k
	} else {
		delete(e.kept, name)
	}
	return k, nil
}

// publicMaxAge is how long browsers and CDNs may keep an export.
func publicMaxAge(d time.Duration) time.Duration {
	if d <= 0 {
		return DefaultPublicMaxAge
	}
	return d
}

// exportHandler serves the public knowledge graph as files: graph.json
// (everything), nodes.csv (properties as columns) and relationships.csv
// (one citation per line, joined), graph.graphml (GraphML, for Gephi, yEd,
// NetworkX) and graph.graphology.json (graphology's serialized graph), for
// dashboards, analysts and graph tools that want the data whole. Each file
// carries a strong ETag (a digest of its bytes) and may be kept by browsers
// and CDNs for maxAge, then revalidated.
func exportHandler(s Store, log *slog.Logger, maxAge time.Duration) http.Handler {
	files := &exportFiles{store: s, kept: map[string]*keptExport{}}
	cacheControl := fmt.Sprintf("public, max-age=%d, must-revalidate", int(maxAge.Seconds()))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/export/")
		f, ok := exportFormats[name]
		if !ok {
			refuse(w, http.StatusNotFound, kg.CodeNotFound, "exports are "+exportNames)
			return
		}
		k, err := files.file(r.Context(), name, f)
		if err != nil {
			log.ErrorContext(r.Context(), "export", "err", err)
			code := kg.ErrorCode(err)
			status := http.StatusInternalServerError
			if code == kg.CodeUnavailable {
				status = http.StatusServiceUnavailable
			}
			refuse(w, status, code, kg.ClientMessage(err))
			return
		}
		h := w.Header()
		h.Set("Content-Type", f.contentType)
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="marrakechgraph-%s"`, name))
		h.Set("Cache-Control", cacheControl)
		h.Set("ETag", k.etag)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(k.body))
	})
}

func writeGraphJSON(buf *bytes.Buffer, g *exportedGraph) error {
	enc := json.NewEncoder(buf)
	enc.SetIndent("", " ")
	return enc.Encode(g)
}

// writeNodesCSV writes a node per row, each property in its column.
func writeNodesCSV(buf *bytes.Buffer, g *exportedGraph) error {
	cols := propColumns(g.Nodes)
	cw := csv.NewWriter(buf)
	header := []string{"id", "kind", "name", "acronym", "description"}
	for _, c := range cols {
		header = append(header, c.name)
	}
	_ = cw.Write(append(header, "citations"))
	for _, n := range g.Nodes {
		row := []string{n.ID, n.Kind, n.Name, n.Acronym, n.Description}
		for _, c := range cols {
			row = append(row, cellText(n.Props[c.name]))
		}
		_ = cw.Write(safeCells(append(row, citationsText(n.Citations))...))
	}
	cw.Flush()
	return cw.Error()
}

func writeRelationshipsCSV(buf *bytes.Buffer, g *exportedGraph) error {
	cw := csv.NewWriter(buf)
	_ = cw.Write([]string{"from", "type", "to", "citations"})
	for _, e := range g.Relationships {
		_ = cw.Write(safeCells(e.From, string(e.Type), e.To, citationsText(e.Citations)))
	}
	cw.Flush()
	return cw.Error()
}

// safeCells makes a CSV row that spreadsheets show as text, whatever an
// editor or an import wrote into it.
func safeCells(cells ...string) []string {
	for i, c := range cells {
		cells[i] = kg.SpreadsheetSafe(c)
	}
	return cells
}

// citationsText writes citations as "document | section | quote" lines.
func citationsText(cs []kg.Citation) string {
	lines := make([]string, len(cs))
	for i, c := range cs {
		lines[i] = c.Document + " | " + c.Section + " | " + c.Quote
	}
	return strings.Join(lines, "\n")
}
