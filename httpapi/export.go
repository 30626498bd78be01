package httpapi

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"

	"marrakechgraph/kg"
)

// exportedNode is a node as the exports write it.
type exportedNode struct {
	ID          string        `json:"id"`
	Kind        kg.Kind       `json:"kind"`
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
			return nil, err
		}
		for _, n := range nodes {
			g.Nodes = append(g.Nodes, exportedNode{ID: n.ID, Kind: n.Kind, Name: n.Name, Acronym: n.Acronym,
				Description: n.Description, Props: n.Props, Citations: n.Citations})
			ids = append(ids, n.ID)
		}
	}
	for start := 0; start < len(ids); start += kg.MaxPageSize {
		batch := ids[start:min(start+kg.MaxPageSize, len(ids))]
		out, err := s.Neighbors(ctx, batch, kg.NeighborQuery{Direction: kg.Outgoing, Kinds: kg.PublicKinds()})
		if err != nil {
			return nil, err
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

// exportHandler serves the public knowledge graph as files: graph.json
// (everything), nodes.csv and relationships.csv (one citation per line,
// joined), for dashboards and analysts who want the data whole.
func exportHandler(s Store, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/export/")
		if name != "graph.json" && name != "nodes.csv" && name != "relationships.csv" {
			refuse(w, http.StatusNotFound, kg.CodeNotFound, "exports are graph.json, nodes.csv and relationships.csv")
			return
		}
		g, err := publicGraph(r.Context(), s)
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
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="marrakechgraph-%s"`, name))
		switch name {
		case "graph.json":
			w.Header().Set("Content-Type", "application/json")
			enc := json.NewEncoder(w)
			enc.SetIndent("", " ")
			_ = enc.Encode(g)
		case "nodes.csv":
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			cw := csv.NewWriter(w)
			_ = cw.Write([]string{"id", "kind", "name", "acronym", "description", "properties", "citations"})
			for _, n := range g.Nodes {
				props, _ := json.Marshal(n.Props)
				if n.Props == nil {
					props = []byte("{}")
				}
				_ = cw.Write(safeCells(n.ID, string(n.Kind), n.Name, n.Acronym, n.Description, string(props), citationsText(n.Citations)))
			}
			cw.Flush()
		case "relationships.csv":
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			cw := csv.NewWriter(w)
			_ = cw.Write([]string{"from", "type", "to", "citations"})
			for _, e := range g.Relationships {
				_ = cw.Write(safeCells(e.From, string(e.Type), e.To, citationsText(e.Citations)))
			}
			cw.Flush()
		}
	})
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
