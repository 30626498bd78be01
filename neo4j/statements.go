package neo4j

import (
	"slices"
	"strings"

	"marrakechgraph/kg"
)

// Statement is one Cypher statement the backend can send, with the names of
// the parameters it takes. Every statement the backend sends is one of
// Statements(); nothing else is ever sent.
type Statement struct {
	Name   string
	Cypher string
	Params []string
}

// Schema is the database schema the statements are written against: what
// Neo4j's Cypher front end needs to tell a misspelt label or property from a
// real one.
type Schema struct {
	Labels            []string
	RelationshipTypes []string
	PropertyKeys      []string
}

// Labels and property keys of the backend's own bookkeeping. Entity
// properties starting with "_" are the backend's; kg property keys never do.
const (
	labelEntity    = "Entity"
	labelAudit     = "AuditEntry"
	labelWriteLock = "WriteLock"

	propCitations = "_citations"
	propSearch    = "_search"
	// propVersion is the node's version (kg.Node.Version) once it is
	// above 1; a node without one (at version 1, or written before
	// versions existed) reads as version 1.
	propVersion = "_version"
)

// Fixed entity properties; every other property without a leading "_" is a
// kg property.
var fixedProps = []string{"id", "kind", "name", "acronym", "description"}

// auditProps are the properties of an AuditEntry node.
var auditProps = []string{"seq", "at", "actor", "reason", "op", "subject", "edgeType", "edgeFrom", "edgeTo", "before", "after"}

// schemaStatements create the constraints and indexes the Store relies on.
var schemaStatements = []Statement{
	{Name: "schema: entity id unique", Cypher: "CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE"},
	{Name: "schema: entity kind index", Cypher: "CREATE INDEX entity_kind IF NOT EXISTS FOR (n:Entity) ON (n.kind)"},
	{Name: "schema: entity search text index", Cypher: "CREATE TEXT INDEX entity_search IF NOT EXISTS FOR (n:Entity) ON (n._search)"},
	{Name: "schema: audit seq unique", Cypher: "CREATE CONSTRAINT audit_seq IF NOT EXISTS FOR (a:AuditEntry) REQUIRE a.seq IS UNIQUE"},
	{Name: "schema: audit subject index", Cypher: "CREATE INDEX audit_subject IF NOT EXISTS FOR (a:AuditEntry) ON (a.subject)"},
	{Name: "schema: write lock unique", Cypher: "CREATE CONSTRAINT write_lock_id IF NOT EXISTS FOR (l:WriteLock) REQUIRE l.id IS UNIQUE"},
}

// Lookups by ID, kind, audit subject and search text name their index
// (USING INDEX SEEK, USING TEXT INDEX), so their plans never depend on the
// index statistics: with the samples a first start leaves (indexes created
// on an empty database, then the seed loaded), Neo4j 5.26 plans
// "UNWIND $ids ... MATCH (n:Entity {id: id})" as a scan of the whole id
// index for every ID, and a search as a scan of the kind index.
// TestExplainPlansUseIndexes checks every plan on a live server.
var (
	stmtPing = Statement{Name: "ping", Cypher: "RETURN 1 AS ok"}

	stmtNodes = Statement{Name: "nodes", Params: []string{"ids"}, Cypher: `UNWIND $ids AS id
OPTIONAL MATCH (n:Entity {id: id}) USING INDEX SEEK n:Entity(id)
RETURN id, n`}

	stmtSearch = Statement{Name: "search", Params: []string{"first", "terms", "kinds"}, Cypher: `MATCH (n:Entity) USING TEXT INDEX n:Entity(_search)
WHERE n._search CONTAINS $first
  AND all(t IN $terms WHERE n._search CONTAINS t)
  AND n.kind IN $kinds
RETURN n`}

	stmtHistory = Statement{Name: "history", Params: []string{"id"}, Cypher: `MATCH (a:AuditEntry {subject: $id}) USING INDEX SEEK a:AuditEntry(subject)
RETURN a
ORDER BY a.seq`}

	// stmtCurrent reads what a change set refers to (see kg.ChangeSet.Refs).
	stmtCurrent = Statement{Name: "apply: current state", Params: []string{"ids", "edges", "deleting"}, Cypher: `CALL () {
  UNWIND $ids AS id
  MATCH (n:Entity {id: id}) USING INDEX SEEK n:Entity(id)
  RETURN collect(n) AS nodes
}
CALL () {
  UNWIND $edges AS k
  MATCH (a:Entity {id: k.from})-[r]->(b:Entity {id: k.to}) USING INDEX SEEK a:Entity(id)
  WHERE type(r) = k.type
  RETURN collect({type: type(r), from: a.id, to: b.id, citations: r._citations}) AS edges
}
CALL () {
  UNWIND $deleting AS id
  MATCH (n:Entity {id: id})-[r]-(:Entity) USING INDEX SEEK n:Entity(id)
  RETURN collect(DISTINCT {type: type(r), from: startNode(r).id, to: endNode(r).id, citations: r._citations}) AS touching,
    collect(DISTINCT startNode(r)) AS sources
}
RETURN nodes, edges, touching, sources`}

	// stmtLock serialises writers: the write lock on this node is held
	// until the transaction ends. It returns the last audit sequence number.
	stmtLock = Statement{Name: "apply: lock", Cypher: `MERGE (l:WriteLock {id: 'graph'})
ON CREATE SET l.seq = 0
SET l.held = true
RETURN l.seq AS seq`}

	stmtSetSeq = Statement{Name: "apply: set sequence", Params: []string{"seq"}, Cypher: `MATCH (l:WriteLock {id: 'graph'}) USING INDEX SEEK l:WriteLock(id)
SET l.seq = $seq, l.held = false`}

	stmtDeleteEdges = Statement{Name: "apply: delete edges", Params: []string{"rows"}, Cypher: `UNWIND $rows AS row
MATCH (a:Entity {id: row.from})-[r]->(b:Entity {id: row.to}) USING INDEX SEEK a:Entity(id)
WHERE type(r) = row.type
DELETE r`}

	stmtDeleteNodes = Statement{Name: "apply: delete nodes", Params: []string{"ids"}, Cypher: `UNWIND $ids AS id
MATCH (n:Entity {id: id}) USING INDEX SEEK n:Entity(id)
DETACH DELETE n`}

	stmtAudit = Statement{Name: "apply: audit entries", Params: []string{"entries"}, Cypher: `UNWIND $entries AS e
CREATE (a:AuditEntry)
SET a = e`}

	// stmtWipe empties a test database before a conformance run; the
	// Store itself never sends it.
	stmtWipe = Statement{Name: "test: wipe", Cypher: `MATCH (n)
DETACH DELETE n`}
)

// Neighbour statements, one per direction: the arrow is Cypher syntax.
var stmtNeighbors = map[kg.Direction]Statement{
	kg.Outgoing: neighborStatement("out", "-[r]->"),
	kg.Incoming: neighborStatement("in", "<-[r]-"),
	kg.Both:     neighborStatement("both", "-[r]-"),
}

// Public neighbour statements name every public relationship type in the
// pattern, so that walks over the public graph never expand a sensitive
// relationship: neither their answers nor their time depend on incidents.
var stmtPublicNeighbors = map[kg.Direction]Statement{
	kg.Outgoing: neighborStatement("public out", "-[r:"+publicTypes()+"]->"),
	kg.Incoming: neighborStatement("public in", "<-[r:"+publicTypes()+"]-"),
	kg.Both:     neighborStatement("public both", "-[r:"+publicTypes()+"]-"),
}

func publicTypes() string {
	var ts []string
	for _, r := range kg.RelTypes() {
		if !r.Type.Sensitive() {
			ts = append(ts, string(r.Type))
		}
	}
	return strings.Join(ts, "|")
}

func neighborStatement(name, arrow string) Statement {
	return Statement{Name: "neighbors " + name, Params: []string{"ids", "types", "kinds"}, Cypher: `UNWIND $ids AS id
MATCH (n:Entity {id: id})` + arrow + `(m:Entity) USING INDEX SEEK n:Entity(id)
WHERE (size($types) = 0 OR type(r) IN $types)
  AND (size($kinds) = 0 OR m.kind IN $kinds)
RETURN id, type(r) AS type, startNode(r).id AS from, endNode(r).id AS to, r._citations AS citations, m`}
}

// propMatches is whether node n passes property filter f (kg.PropFilter):
// its value is one of f.values (a list: one of its elements is), or, for a
// range, a string within [f.from, f.to], an absent end being open. It is
// null when n lacks the property.
const propMatches = `CASE WHEN f.ranged THEN (f.from IS NULL OR n[f.key] >= f.from) AND (f.to IS NULL OR n[f.key] <= f.to)
    WHEN n[f.key] IS :: LIST<ANY> NOT NULL THEN any(e IN n[f.key] WHERE e IN f.values)
    ELSE n[f.key] IN f.values END`

// findFilter is the WHERE clause shared by a Find's count and its page;
// findRelatedFilter adds the relationship filters to it, with one subquery
// whatever the direction (one per direction took seconds to plan).
const findFilter = `n.kind = $kind
    AND all(f IN $props WHERE ` + propMatches + `)
    AND all(t IN $terms WHERE n._search CONTAINS t)`

const findRelatedFilter = findFilter + `
    AND all(rf IN $related WHERE EXISTS {
      MATCH (n)-[r]-(m:Entity)
      WHERE m.id IN rf.ids AND (size(rf.types) = 0 OR type(r) IN rf.types)
        AND (rf.dir = 'BOTH' OR (rf.dir = 'OUT' AND startNode(r) = n) OR (rf.dir = 'IN' AND endNode(r) = n)) })`

// condition is whether node n meets condition c (kg.Condition): a node
// that lacks a property does not meet a filter on it.
const condition = `(all(f IN c.props WHERE coalesce(` + propMatches + `, false))
      AND all(t IN c.terms WHERE coalesce(n._search CONTAINS t, false))
      AND all(rf IN c.related WHERE EXISTS {
        MATCH (n)-[r]-(m:Entity)
        WHERE m.id IN rf.ids AND (size(rf.types) = 0 OR type(r) IN rf.types)
          AND (rf.dir = 'BOTH' OR (rf.dir = 'OUT' AND startNode(r) = n) OR (rf.dir = 'IN' AND endNode(r) = n)) }))`

// findBoolFilter adds the conditions to exclude ($not) and to choose from
// ($any) to the relationship filters.
const findBoolFilter = findRelatedFilter + `
    AND none(c IN $not WHERE ` + condition + `)
    AND (size($any) = 0 OR any(c IN $any WHERE ` + condition + `))`

// filterKind is which of the filters above a statement uses: the simplest
// that holds a query's filters, so that most statements stay quick to plan.
type filterKind int

const (
	plainFilter filterKind = iota
	relatedFilter
	boolFilter
)

var filterKinds = []filterKind{plainFilter, relatedFilter, boolFilter}

// filterOf returns the filter kind a query needs.
func filterOf(q kg.FindQuery) filterKind {
	switch {
	case len(q.Not) > 0 || len(q.Any) > 0:
		return boolFilter
	case len(q.Related) > 0:
		return relatedFilter
	}
	return plainFilter
}

// where returns the WHERE clause of a filter kind, the name suffix of its
// statements and the parameters it takes.
func (k filterKind) where() (clause, suffix string, params []string) {
	switch k {
	case relatedFilter:
		return findRelatedFilter, " related", []string{"props", "terms", "related"}
	case boolFilter:
		return findBoolFilter, " conditions", []string{"props", "terms", "related", "not", "any"}
	}
	return findFilter, "", []string{"props", "terms"}
}

// trimParams removes from params those the filter kind does not take.
func (k filterKind) trimParams(params map[string]any) {
	if k != boolFilter {
		delete(params, "not")
		delete(params, "any")
	}
	if k == plainFilter {
		delete(params, "related")
	}
}

// Find statements, one per filter kind: a statement takes an order of up
// to kg.MaxOrderKeys keys ($keys: a property, or a count of relationships,
// each ascending or descending) and pages from a cursor in either
// direction (the order is reversed to page backward). A key's value v is
// the property, or null when it is missing or a list, or the count (a
// COUNT { } subquery); rank orders types as kg.CompareValues does
// (strings, booleans, integers, null). ORDER BY's direction is Cypher
// syntax, so each key has an ascending and a descending sort expression,
// the one not chosen constant (null). The keyset comparison compares each
// key in turn: a node comes after the cursor ($from, $fromId) when its
// first key that differs from the cursor's (the ID at last) is past it.
// With a cursor, a third subquery tells whether any match is not past it
// (behind): whether the list goes on on the cursor's side of the page.
//
// Finds without relationship filters (most list pages) have a statement of
// their own: Neo4j plans a statement again when the data has changed
// enough, and the relationship filters' subqueries take seconds to plan.
var (
	stmtFind        = findStatement("", plainFilter)
	stmtFindRelated = findStatement("", relatedFilter)
	stmtFindBool    = findStatement("", boolFilter)
)

// findStatementFor picks the Find statement for q and removes from params
// the parameters that statement does not take.
func findStatementFor(q kg.FindQuery, params map[string]any) Statement {
	k := filterOf(q)
	k.trimParams(params)
	switch k {
	case boolFilter:
		return stmtFindBool
	case relatedFilter:
		return stmtFindRelated
	}
	return stmtFind
}

// findKeys computes, for each row n, the values of the order's keys (vs)
// and their ranks.
const findKeys = `WITH n, [k IN $keys | CASE
    WHEN k.steps = 1 THEN COUNT {
      MATCH (n)-[r]-(m:Entity)
      WHERE type(r) IN k.types
        AND (k.dir = 'BOTH' OR (k.dir = 'OUT' AND startNode(r) = n) OR (k.dir = 'IN' AND endNode(r) = n))
      RETURN DISTINCT m }
    WHEN k.steps = 2 THEN COUNT {
      MATCH (n)-[r]-(a:Entity)-[r2]-(m:Entity)
      WHERE type(r) IN k.types
        AND (k.dir = 'BOTH' OR (k.dir = 'OUT' AND startNode(r) = n) OR (k.dir = 'IN' AND endNode(r) = n))
        AND type(r2) IN k.types2
        AND (k.dir2 = 'BOTH' OR (k.dir2 = 'OUT' AND startNode(r2) = a) OR (k.dir2 = 'IN' AND endNode(r2) = a))
        AND m <> n
      RETURN DISTINCT m }
    ELSE n[k.prop] END] AS raws
  WITH n, [raw IN raws | CASE WHEN raw IS :: STRING NOT NULL OR raw IS :: BOOLEAN NOT NULL OR raw IS :: INTEGER NOT NULL THEN raw END] AS vs
  WITH n, vs, [v IN vs | CASE WHEN v IS NULL THEN 3 WHEN v IS :: STRING THEN 0 WHEN v IS :: BOOLEAN THEN 1 ELSE 2 END] AS ranks`

// findPast is whether node n comes after the cursor in the page's order.
const findPast = `head([c IN [i IN range(0, size($keys) - 1) |
      CASE WHEN ranks[i] < $from[i].rank THEN -1 WHEN ranks[i] > $from[i].rank THEN 1
        WHEN ranks[i] = 3 OR vs[i] = $from[i].value THEN 0 WHEN vs[i] < $from[i].value THEN -1 ELSE 1 END
      * CASE WHEN $keys[i].desc THEN -1 ELSE 1 END] WHERE c <> 0]
    + [CASE WHEN n.id = $fromId THEN 0 WHEN n.id < $fromId THEN -1 ELSE 1 END * CASE WHEN $idDesc THEN -1 ELSE 1 END]) > 0`

func findStatement(name string, k filterKind) Statement {
	filter, suffix, filterParams := k.where()
	name += suffix
	params := append([]string{"kind", "keys", "idDesc", "hasFrom", "from", "fromId", "limit"}, filterParams...)
	return Statement{
		Name:   "find" + name,
		Params: params,
		Cypher: `CALL () {
  MATCH (n:Entity) USING INDEX SEEK n:Entity(kind)
  WHERE ` + filter + `
  RETURN count(n) AS total
}
CALL () {
  MATCH (n:Entity) USING INDEX SEEK n:Entity(kind)
  WHERE ` + filter + `
  ` + findKeys + `
  WHERE NOT $hasFrom OR ` + findPast + `
  WITH n, vs, ranks
  ORDER BY
    CASE WHEN $keys[0].desc THEN null ELSE ranks[0] END ASC, CASE WHEN $keys[0].desc THEN null ELSE vs[0] END ASC,
    CASE WHEN $keys[0].desc THEN ranks[0] END DESC, CASE WHEN $keys[0].desc THEN vs[0] END DESC,
    CASE WHEN $keys[1].desc THEN null ELSE ranks[1] END ASC, CASE WHEN $keys[1].desc THEN null ELSE vs[1] END ASC,
    CASE WHEN $keys[1].desc THEN ranks[1] END DESC, CASE WHEN $keys[1].desc THEN vs[1] END DESC,
    CASE WHEN $keys[2].desc THEN null ELSE ranks[2] END ASC, CASE WHEN $keys[2].desc THEN null ELSE vs[2] END ASC,
    CASE WHEN $keys[2].desc THEN ranks[2] END DESC, CASE WHEN $keys[2].desc THEN vs[2] END DESC,
    CASE WHEN $idDesc THEN null ELSE n.id END ASC, CASE WHEN $idDesc THEN n.id END DESC
  LIMIT $limit
  RETURN collect(n) AS page, collect(vs) AS values
}
CALL () {
  MATCH (n:Entity) USING INDEX SEEK n:Entity(kind)
  WHERE $hasFrom AND ` + filter + `
  ` + findKeys + `
  WITH n, vs, ranks WHERE NOT (` + findPast + `)
  LIMIT 1
  RETURN count(n) > 0 AS behind
}
RETURN total, page, values, behind`,
	}
}

// Count statements: one walk over the matching nodes of the kinds counted,
// which are counted once each (total) and once in each of their groups. A
// count by property unwinds a list into its elements and, for a date part,
// keeps the month ("YYYY-MM") or year of a value that starts with a date,
// as kg.PropGroupKeys does. A count by relationship has a statement per
// direction (the arrow is Cypher syntax); one that goes two steps checks
// both directions in its WHERE clause instead, as the relationship filter
// does. Both name every public type in their pattern, so that they never
// expand a sensitive relationship.
const countPropGroup = `WITH n, n[$key] AS raw
  ` + countKey

// countKey turns each row (n, raw) into rows (n, key), distinct: a list
// into its elements, a date into its month or year.
const countKey = `UNWIND CASE WHEN raw IS :: LIST<ANY> NOT NULL AND size(raw) > 0 THEN raw ELSE [raw] END AS value
  WITH DISTINCT n, CASE
      WHEN $part = '' THEN value
      WHEN value IS :: STRING NOT NULL AND left(value, 10) =~ '[0-9]{4}-[0-9]{2}-[0-9]{2}' THEN
        CASE $part WHEN 'MONTH' THEN left(value, 7) ELSE left(value, 4) END
    END AS key`

const countPathGroup = `OPTIONAL MATCH (n)-[r:%s]-(x:Entity)-[r2:%s]-(m:Entity)
    WHERE type(r) IN $types AND (size($groupKinds) = 0 OR x.kind IN $groupKinds)
      AND ($dir = 'BOTH' OR ($dir = 'OUT' AND startNode(r) = n) OR ($dir = 'IN' AND endNode(r) = n))
      AND type(r2) IN $thenTypes AND (size($thenKinds) = 0 OR m.kind IN $thenKinds)
      AND ($thenDir = 'BOTH' OR ($thenDir = 'OUT' AND startNode(r2) = x) OR ($thenDir = 'IN' AND endNode(r2) = x))
  WITH n, CASE WHEN $key = '' THEN m.id ELSE m[$key] END AS raw
  ` + countKey

var (
	stmtCountProp = countStatements("count by property", countPropGroup, "key", "part")
	stmtCountRel  = map[kg.Direction]map[filterKind]Statement{
		kg.Outgoing: countRelStatements("out", "-[r:"+publicTypes()+"]->"),
		kg.Incoming: countRelStatements("in", "<-[r:"+publicTypes()+"]-"),
		kg.Both:     countRelStatements("both", "-[r:"+publicTypes()+"]-"),
	}
	stmtCountPath = countStatements("count by path", strings.ReplaceAll(countPathGroup, "%s", publicTypes()),
		"types", "dir", "groupKinds", "thenTypes", "thenDir", "thenKinds", "key", "part")
)

// countStatementFor picks the Count statement for q and removes from
// params the parameters that statement does not take.
func countStatementFor(q kg.CountQuery, params map[string]any) Statement {
	k := filterOf(q.Filter)
	k.trimParams(params)
	switch {
	case q.By.Rel != nil && q.By.Rel.Then != nil:
		return stmtCountPath[k]
	case q.By.Rel != nil:
		return stmtCountRel[q.By.Rel.Direction][k]
	}
	return stmtCountProp[k]
}

func countRelStatements(name, arrow string) map[filterKind]Statement {
	group := `OPTIONAL MATCH (n)` + arrow + `(m:Entity)
    WHERE type(r) IN $types AND (size($groupKinds) = 0 OR m.kind IN $groupKinds)
  WITH n, CASE WHEN $key = '' THEN m.id ELSE m[$key] END AS raw
  ` + countKey
	return countStatements("count by relationship "+name, group, "types", "groupKinds", "key", "part")
}

// countStatements are the Count statements of a grouping, one per filter
// kind: group turns each matching node n into rows (n, key), distinct.
// They count nodes of several kinds ($kinds), filtered as Find filters
// them.
func countStatements(name, group string, groupParams ...string) map[filterKind]Statement {
	out := map[filterKind]Statement{}
	for _, k := range filterKinds {
		filter, suffix, filterParams := k.where()
		out[k] = Statement{
			Name:   name + suffix,
			Params: append(append([]string{"kinds"}, filterParams...), groupParams...),
			Cypher: `MATCH (n:Entity) USING INDEX SEEK n:Entity(kind)
WHERE ` + strings.Replace(filter, "n.kind = $kind", "n.kind IN $kinds", 1) + `
WITH collect(n) AS ns
CALL (ns) {
  UNWIND ns AS n
  ` + group + `
  WITH key, count(n) AS count
  RETURN collect({key: key, count: count}) AS groups
}
RETURN size(ns) AS total, groups`,
		}
	}
	return out
}

// putNodeStatements create or replace nodes, one statement per kind: labels
// are Cypher syntax, so they come from the domain's fixed vocabulary only.
var putNodeStatements = func() map[kg.Kind]Statement {
	m := map[kg.Kind]Statement{}
	for _, k := range kg.Kinds() {
		m[k.Kind] = Statement{Name: "apply: put " + string(k.Kind) + " nodes", Params: []string{"rows"}, Cypher: `UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
SET n = row.props, n:` + string(k.Kind)}
	}
	return m
}()

// putEdgeStatements create or replace edges, one statement per type.
var putEdgeStatements = func() map[kg.RelType]Statement {
	m := map[kg.RelType]Statement{}
	for _, r := range kg.RelTypes() {
		m[r.Type] = Statement{Name: "apply: put " + string(r.Type) + " edges", Params: []string{"rows"}, Cypher: `UNWIND $rows AS row
MATCH (a:Entity {id: row.from}) USING INDEX SEEK a:Entity(id)
MATCH (b:Entity {id: row.to}) USING INDEX SEEK b:Entity(id)
MERGE (a)-[r:` + string(r.Type) + `]->(b)
SET r._citations = row.citations`}
	}
	return m
}()

// stmtStats counts nodes by kind and edges by type from Neo4j's count
// store: one UNION branch per label and per type, no scan. Each branch
// counts first and names its row after: a count grouped by anything, even
// a constant, is planned as a scan and an aggregation.
var stmtStats = func() Statement {
	var parts []string
	for _, k := range kg.Kinds() {
		parts = append(parts, "MATCH (n:"+string(k.Kind)+") WITH count(n) AS count RETURN 'node' AS what, '"+string(k.Kind)+"' AS key, count")
	}
	for _, r := range kg.RelTypes() {
		parts = append(parts, "MATCH ()-[r:"+string(r.Type)+"]->() WITH count(r) AS count RETURN 'edge' AS what, '"+string(r.Type)+"' AS key, count")
	}
	return Statement{Name: "stats", Cypher: strings.Join(parts, "\nUNION ALL\n")}
}()

// Statements returns every statement the backend can send, in a stable order.
func Statements() []Statement {
	out := slices.Clone(schemaStatements)
	out = append(out, stmtPing, stmtNodes, stmtSearch, stmtHistory, stmtCurrent, stmtLock, stmtSetSeq,
		stmtDeleteEdges, stmtDeleteNodes, stmtAudit, stmtStats, stmtWipe, stmtLastSeq, stmtChanges)
	for _, d := range []kg.Direction{kg.Outgoing, kg.Incoming, kg.Both} {
		out = append(out, stmtNeighbors[d], stmtPublicNeighbors[d])
	}
	out = append(out, stmtFind, stmtFindRelated, stmtFindBool)
	for _, k := range filterKinds {
		out = append(out, stmtCountProp[k], stmtCountPath[k])
		for _, d := range []kg.Direction{kg.Outgoing, kg.Incoming, kg.Both} {
			out = append(out, stmtCountRel[d][k])
		}
	}
	for _, k := range kg.Kinds() {
		out = append(out, putNodeStatements[k.Kind])
	}
	for _, r := range kg.RelTypes() {
		out = append(out, putEdgeStatements[r.Type])
	}
	return out
}

// DatabaseSchema returns the labels, relationship types and property keys
// the statements may name. kg properties never appear in statement text
// (they are written as a map and read by dynamic key), so the property keys
// are the fixed, audit and bookkeeping ones.
func DatabaseSchema() Schema {
	s := Schema{Labels: []string{labelEntity, labelAudit, labelWriteLock}}
	for _, k := range kg.Kinds() {
		s.Labels = append(s.Labels, string(k.Kind))
	}
	for _, r := range kg.RelTypes() {
		s.RelationshipTypes = append(s.RelationshipTypes, string(r.Type))
	}
	keys := map[string]bool{propCitations: true, propSearch: true, "held": true}
	for _, k := range fixedProps {
		keys[k] = true
	}
	for _, k := range auditProps {
		keys[k] = true
	}
	for k := range keys {
		s.PropertyKeys = append(s.PropertyKeys, k)
	}
	slices.Sort(s.PropertyKeys)
	return s
}
