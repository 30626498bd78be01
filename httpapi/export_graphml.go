package httpapi

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strconv"

	"marrakechgraph/kg"
)

// writeGraphML writes the graph as GraphML 1.0: a <key> per column, typed
// (long, boolean or string) and named like the schema's fields, then the
// nodes and the relationships (directed), each with its citations as
// "document | section | quote" lines.
func writeGraphML(buf *bytes.Buffer, g *exportedGraph) error {
	cols := propColumns(g.Nodes)
	buf.WriteString(xml.Header)
	buf.WriteString(`<graphml xmlns="http://graphml.graphdrawing.org/xmlns"` +
		` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"` +
		` xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">` + "\n")
	key := func(id, target, name string, t columnType) {
		fmt.Fprintf(buf, `  <key id="%s" for="%s" attr.name="%s" attr.type="%s"/>`+"\n", attrEscape(id), target, attrEscape(name), t)
	}
	for _, c := range []string{"kind", "name", "acronym", "description"} {
		key(c, "node", c, typeString)
	}
	for i, c := range cols {
		key("p"+strconv.Itoa(i), "node", c.name, c.typ)
	}
	key("citations", "node", "citations", typeString)
	key("type", "edge", "type", typeString)
	key("edgeCitations", "edge", "citations", typeString)
	fmt.Fprintf(buf, `  <graph id="marrakechgraph" edgedefault="directed" parse.nodes="%d" parse.edges="%d" parse.order="nodesfirst" parse.nodeids="free" parse.edgeids="free">`+"\n",
		len(g.Nodes), len(g.Relationships))
	data := func(key, text string) {
		if text == "" {
			return
		}
		fmt.Fprintf(buf, `      <data key="%s">`, key)
		_ = xml.EscapeText(buf, []byte(text))
		buf.WriteString("</data>\n")
	}
	for _, n := range g.Nodes {
		fmt.Fprintf(buf, `    <node id="%s">`+"\n", attrEscape(n.ID))
		data("kind", n.Kind)
		data("name", n.Name)
		data("acronym", n.Acronym)
		data("description", n.Description)
		for i, c := range cols {
			if v, ok := n.Props[c.name]; ok {
				data("p"+strconv.Itoa(i), cellText(v))
			}
		}
		data("citations", citationsText(n.Citations))
		buf.WriteString("    </node>\n")
	}
	for _, e := range g.Relationships {
		fmt.Fprintf(buf, `    <edge id="%s" source="%s" target="%s">`+"\n", attrEscape(edgeKey(e)), attrEscape(e.From), attrEscape(e.To))
		data("type", string(e.Type))
		data("edgeCitations", citationsText(e.Citations))
		buf.WriteString("    </edge>\n")
	}
	buf.WriteString("  </graph>\n</graphml>\n")
	return nil
}

// attrEscape escapes s for an XML attribute value in double quotes.
func attrEscape(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// edgeKey identifies a relationship in the graph files: "from_TYPE_to",
// an XML name token (IDs hold no "_", so the key is unambiguous).
func edgeKey(e kg.Edge) string { return e.From + "_" + string(e.Type) + "_" + e.To }

// graphologyGraph is graphology's serialized graph, which Graph.from and
// graph.import read as it is.
type graphologyGraph struct {
	Attributes map[string]any   `json:"attributes"`
	Options    graphologyOpts   `json:"options"`
	Nodes      []graphologyNode `json:"nodes"`
	Edges      []graphologyEdge `json:"edges"`
}

type graphologyOpts struct {
	Type           string `json:"type"`
	Multi          bool   `json:"multi"`
	AllowSelfLoops bool   `json:"allowSelfLoops"`
}

type graphologyNode struct {
	Key        string         `json:"key"`
	Attributes map[string]any `json:"attributes"`
}

type graphologyEdge struct {
	Key        string         `json:"key"`
	Source     string         `json:"source"`
	Target     string         `json:"target"`
	Attributes map[string]any `json:"attributes"`
}

// writeGraphology writes the graph in graphology's serialization format: a
// directed multigraph (two nodes may be related in more than one way), each
// node's fields and properties as attributes named like the schema's fields,
// citations as lists of {document, section, quote}.
func writeGraphology(buf *bytes.Buffer, g *exportedGraph) error {
	out := graphologyGraph{
		Attributes: map[string]any{"name": "Marrakech Graph"},
		Options:    graphologyOpts{Type: "directed", Multi: true, AllowSelfLoops: true},
		Nodes:      make([]graphologyNode, len(g.Nodes)),
		Edges:      make([]graphologyEdge, len(g.Relationships)),
	}
	for i, n := range g.Nodes {
		attrs := make(map[string]any, len(n.Props)+5)
		for k, v := range n.Props {
			attrs[k] = v
		}
		attrs["kind"] = n.Kind
		attrs["name"] = n.Name
		if n.Acronym != "" {
			attrs["acronym"] = n.Acronym
		}
		if n.Description != "" {
			attrs["description"] = n.Description
		}
		attrs["citations"] = nonNil(n.Citations)
		out.Nodes[i] = graphologyNode{Key: n.ID, Attributes: attrs}
	}
	for i, e := range g.Relationships {
		out.Edges[i] = graphologyEdge{Key: edgeKey(e), Source: e.From, Target: e.To,
			Attributes: map[string]any{"type": string(e.Type), "citations": nonNil(e.Citations)}}
	}
	return json.NewEncoder(buf).Encode(out)
}

func nonNil(cs []kg.Citation) []kg.Citation {
	if cs == nil {
		return []kg.Citation{}
	}
	return cs
}
