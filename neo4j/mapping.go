package neo4j

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"marrakechgraph/kg"
)

// nodeProps returns the properties a kg node is stored with: its fixed
// fields, its kg properties under their own keys, its citations as JSON and
// its lower-cased search text.
func nodeProps(n *kg.Node) (map[string]any, error) {
	cits, err := json.Marshal(n.Citations)
	if err != nil {
		return nil, fmt.Errorf("encode citations of %s: %w", n.ID, err)
	}
	m := map[string]any{
		"id": n.ID, "kind": string(n.Kind), "name": n.Name,
		propCitations: string(cits),
	}
	// A node at version 1 (most of the graph, which is never edited) is
	// stored without one, as nodes written before versions existed are:
	// one property less to store and to read.
	if v := n.CurrentVersion(); v > 1 {
		m[propVersion] = v
	}
	// Sensitive nodes are never searched: they get no search text, so the
	// search index does not even hold them.
	if !n.Kind.Sensitive() {
		m[propSearch] = searchText(n)
	}
	if n.Acronym != "" {
		m["acronym"] = n.Acronym
	}
	if n.Description != "" {
		m["description"] = n.Description
	}
	for k, v := range n.Props {
		m[k] = v
	}
	return m, nil
}

// searchText is what text filters and search look in: a whitespace-free
// term is a substring of it exactly when kg.MatchesText finds the term in
// the node's title or body, because the two are joined by a newline.
func searchText(n *kg.Node) string {
	return strings.ToLower(n.Name+" "+n.Acronym) + "\n" + strings.ToLower(n.Description+" "+n.Props.String(kg.PropText))
}

// nodeFromDB turns a stored node back into a kg node.
func nodeFromDB(n dbtype.Node) (*kg.Node, error) {
	str := func(key string) string { s, _ := n.Props[key].(string); return s }
	out := &kg.Node{
		ID: str("id"), Kind: kg.Kind(str("kind")), Name: str("name"),
		Acronym: str("acronym"), Description: str("description"),
	}
	if out.ID == "" || !out.Kind.Valid() {
		return nil, fmt.Errorf("stored node %s (labels %v) has no valid id or kind", n.ElementId, n.Labels)
	}
	cits, err := citationsFromDB(n.Props[propCitations])
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", out.ID, err)
	}
	out.Citations = cits
	// A node written before nodes had versions has none: version 1.
	switch v := n.Props[propVersion].(type) {
	case nil:
		out.Version = 1
	case int64:
		if v < 1 {
			return nil, fmt.Errorf("node %s: version %d", out.ID, v)
		}
		out.Version = v
	default:
		return nil, fmt.Errorf("node %s: version is a %T, not an integer", out.ID, v)
	}
	raw := map[string]any{}
	for k, v := range n.Props {
		if strings.HasPrefix(k, "_") || isFixed(k) {
			continue
		}
		raw[k] = v
	}
	props, err := kg.Normalize(raw)
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", out.ID, err)
	}
	out.Props = props
	return out, nil
}

func isFixed(key string) bool {
	for _, f := range fixedProps {
		if f == key {
			return true
		}
	}
	return false
}

func citationsFromDB(v any) ([]kg.Citation, error) {
	s, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("citations are missing or not a string (%T)", v)
	}
	var cits []kg.Citation
	if err := json.Unmarshal([]byte(s), &cits); err != nil {
		return nil, fmt.Errorf("decode citations: %w", err)
	}
	return cits, nil
}

func citationsJSON(cits []kg.Citation) (string, error) {
	b, err := json.Marshal(cits)
	return string(b), err
}

// edgeFromMap turns a {type, from, to, citations} map returned by a
// statement into a kg edge.
func edgeFromMap(m map[string]any) (kg.Edge, error) {
	str := func(key string) string { s, _ := m[key].(string); return s }
	e := kg.Edge{Type: kg.RelType(str("type")), From: str("from"), To: str("to")}
	if !e.Type.Valid() || e.From == "" || e.To == "" {
		return kg.Edge{}, fmt.Errorf("stored relationship %v is not a valid edge", m)
	}
	cits, err := citationsFromDB(m["citations"])
	if err != nil {
		return kg.Edge{}, fmt.Errorf("relationship %s: %w", e.Key(), err)
	}
	e.Citations = cits
	return e, nil
}

// auditProps returns the properties an audit entry is stored with.
func auditEntryProps(e kg.AuditEntry) map[string]any {
	m := map[string]any{
		"seq": int64(e.Seq), "at": e.At.UTC().Format(time.RFC3339Nano), "actor": e.Actor, "reason": e.Reason,
		"op": string(e.Op), "subject": e.Subject, "before": e.Before, "after": e.After,
	}
	if e.Edge != nil {
		m["edgeType"], m["edgeFrom"], m["edgeTo"] = string(e.Edge.Type), e.Edge.From, e.Edge.To
	}
	return m
}

// auditFromDB turns a stored AuditEntry node back into an entry.
func auditFromDB(n dbtype.Node) (kg.AuditEntry, error) {
	str := func(key string) string { s, _ := n.Props[key].(string); return s }
	seq, ok := n.Props["seq"].(int64)
	if !ok || seq <= 0 {
		return kg.AuditEntry{}, fmt.Errorf("audit entry %s has no sequence number", n.ElementId)
	}
	at, err := time.Parse(time.RFC3339Nano, str("at"))
	if err != nil {
		return kg.AuditEntry{}, fmt.Errorf("audit entry %d: %w", seq, err)
	}
	e := kg.AuditEntry{
		Seq: uint64(seq), At: at, Actor: str("actor"), Reason: str("reason"), Op: kg.Op(str("op")),
		Subject: str("subject"), Before: str("before"), After: str("after"),
	}
	if t := str("edgeType"); t != "" {
		e.Edge = &kg.EdgeKey{Type: kg.RelType(t), From: str("edgeFrom"), To: str("edgeTo")}
	}
	return e, nil
}
