package neo4j

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/db"
	"github.com/stretchr/testify/require"

	"marrakechgraph/kg"
	"marrakechgraph/seed"
)

// Every statement the backend sends is planned by the live server with
// EXPLAIN, on the seeded graph, twice: as the index statistics stand right
// after the seed is loaded, and after they are resampled. No plan may scan
// every node, nor a whole label or index, to find what an index lookup
// finds.

// explainExempt lists statements whose plan is not checked, each with its
// reason. Schema statements are never planned as queries.
var explainExempt = map[string]string{
	stmtWipe.Name: "empties a disposable test database: it reads every node by design, and the Store never sends it",
}

// Realistic values: IDs that exist in the seed.
const (
	explainMechanism = "mechanism:un-asg-reprisals"
	explainObjective = "objective:2"
	explainAction    = "action:2-1"
	explainNHRI      = "nhri:de-german-institute-for-human-rights"
)

// explainParams returns the parameters EXPLAIN sends with each statement, by
// statement name. A statement missing here, or whose entry does not name
// exactly its parameters, fails TestExplainPlansUseIndexes.
func explainParams(t *testing.T) map[string]map[string]any {
	t.Helper()
	node := &kg.Node{ID: explainMechanism, Kind: kg.KindMechanism, Name: "UN Assistant Secretary-General on reprisals",
		Citations: []kg.Citation{{Document: "GAP", Section: "Objective 2", Quote: "reprisals"}}}
	props, err := nodeProps(node)
	require.NoError(t, err)
	cits, err := citationsJSON(node.Citations)
	require.NoError(t, err)
	entry := auditEntryProps(kg.AuditEntry{Seq: 1, At: time.Now(), Actor: "explain", Reason: "plan check",
		Op: kg.OpCreate, Subject: explainMechanism, After: "{}"})
	edge := map[string]any{"type": string(kg.RelUnderObjective), "from": explainAction, "to": explainObjective}
	neighbors := map[string]any{"ids": []string{explainAction, explainMechanism}, "types": []string{string(kg.RelEngages)}, "kinds": []string{string(kg.KindMechanism)}}
	find := map[string]any{
		"kind": string(kg.KindAction), "terms": []string{"defenders"}, "limit": int64(11), "idDesc": true,
		"keys": []any{
			map[string]any{"steps": int64(0), "prop": kg.OrderByName, "types": []string{}, "dir": "", "types2": []string{}, "dir2": "", "desc": false},
			map[string]any{"steps": int64(1), "prop": "", "types": []string{string(kg.RelEngages)}, "dir": string(kg.Outgoing), "types2": []string{}, "dir2": "", "desc": true},
			map[string]any{"steps": int64(2), "prop": "", "types": []string{string(kg.RelEngages)}, "dir": string(kg.Incoming),
				"types2": []string{string(kg.RelImplements)}, "dir2": string(kg.Outgoing), "desc": false},
		},
		"props": []any{map[string]any{"key": "number", "values": []any{"2.1", "2.2"}, "ranged": false, "from": nil, "to": nil},
			map[string]any{"key": "number", "values": []any{}, "ranged": true, "from": "1", "to": "3"}},
		"related": []any{map[string]any{"types": []string{string(kg.RelUnderObjective)}, "dir": string(kg.Outgoing), "ids": []string{explainObjective}}},
		"hasFrom": true, "from": []any{map[string]any{"rank": int64(0), "value": "A"}, map[string]any{"rank": int64(2), "value": int64(3)}, map[string]any{"rank": int64(2), "value": int64(1)}},
		"fromId": explainAction,
	}
	findPlain := maps.Clone(find)
	delete(findPlain, "related")
	p := map[string]map[string]any{
		stmtPing.Name:        {},
		stmtNodes.Name:       {"ids": []string{explainMechanism, explainAction, "mechanism:missing"}},
		stmtSearch.Name:      {"first": "reprisals", "terms": []string{"un"}, "kinds": []string{string(kg.KindMechanism), string(kg.KindAction)}},
		stmtHistory.Name:     {"id": explainMechanism},
		stmtCurrent.Name:     {"ids": []string{explainMechanism, explainAction}, "edges": []any{edge}, "deleting": []string{explainAction}},
		stmtLock.Name:        {},
		stmtSetSeq.Name:      {"seq": int64(42)},
		stmtDeleteEdges.Name: {"rows": []any{edge}},
		stmtDeleteNodes.Name: {"ids": []string{explainAction}},
		stmtAudit.Name:       {"entries": []any{entry}},
		stmtStats.Name:       {},
		stmtWipe.Name:        {},
		stmtFind.Name:        findPlain,
		stmtFindRelated.Name: find,
		stmtLastSeq.Name:     {},
		stmtChanges.Name:     {"after": int64(3), "upto": int64(40), "limit": int64(200)},
	}
	conditions := []any{map[string]any{"props": []any{map[string]any{"key": "number", "values": []any{"2.1"}, "ranged": false, "from": nil, "to": nil}}, "terms": []string{"reprisals"},
		"related": []any{map[string]any{"types": []string{string(kg.RelEngages)}, "dir": string(kg.Outgoing), "ids": []string{explainMechanism}}}}}
	findBool := maps.Clone(find)
	findBool["not"], findBool["any"] = conditions, conditions
	p[stmtFindBool.Name] = findBool
	// byFilter gives a Count statement's parameters for each filter kind.
	byFilter := func(group map[string]any) map[filterKind]map[string]any {
		out := map[filterKind]map[string]any{}
		for _, k := range filterKinds {
			m := maps.Clone(group)
			m["kinds"], m["terms"], m["props"] = []string{string(kg.KindAction)}, []string{"defenders"}, find["props"]
			m["related"], m["not"], m["any"] = find["related"], conditions, conditions
			k.trimParams(m)
			out[k] = m
		}
		return out
	}
	countProp := byFilter(map[string]any{"key": kg.PropPillar, "part": string(kg.Month)})
	countRel := byFilter(map[string]any{"types": []string{string(kg.RelUnderObjective)}, "groupKinds": []string{string(kg.KindObjective)}, "key": "", "part": ""})
	countPath := byFilter(map[string]any{"types": []string{string(kg.RelEngages), string(kg.RelInformsOn)}, "dir": string(kg.Incoming), "groupKinds": []string{string(kg.KindAction)},
		"thenTypes": []string{string(kg.RelImplements)}, "thenDir": string(kg.Outgoing), "thenKinds": []string{string(kg.KindCommitment)}, "key": kg.PropPillar, "part": ""})
	for _, k := range filterKinds {
		p[stmtCountProp[k].Name] = countProp[k]
		p[stmtCountPath[k].Name] = countPath[k]
		for _, d := range []kg.Direction{kg.Outgoing, kg.Incoming, kg.Both} {
			p[stmtCountRel[d][k].Name] = countRel[k]
		}
	}
	for _, d := range []kg.Direction{kg.Outgoing, kg.Incoming, kg.Both} {
		p[stmtNeighbors[d].Name] = neighbors
		p[stmtPublicNeighbors[d].Name] = neighbors
	}
	for _, k := range kg.Kinds() {
		p[putNodeStatements[k.Kind].Name] = map[string]any{"rows": []any{map[string]any{"id": explainMechanism, "props": props}}}
	}
	for _, r := range kg.RelTypes() {
		p[putEdgeStatements[r.Type].Name] = map[string]any{"rows": []any{map[string]any{"from": explainAction, "to": explainMechanism, "citations": cits}}}
	}
	return p
}

// planNode is one operator of a plan.
type planNode struct {
	Operator string
	Args     map[string]any
	Children []planNode
}

// planOf reads the plan of an EXPLAIN. The driver's Plan().Children() (in
// neo4j-go-driver v5.28, built with Go 1.18 loop semantics) returns every
// child as a copy of the last one, so a walk through it never sees the
// left branch of a join, an Apply or a UNION. The plan is read from the
// summary the driver decoded instead; if that is out of reach, the test
// fails rather than check half a plan.
func planOf(t *testing.T, sum neo4j.ResultSummary) planNode {
	t.Helper()
	v := reflect.ValueOf(sum)
	if v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct {
		f := v.Elem().FieldByName("sum")
		if f.IsValid() && f.Type() == reflect.TypeFor[*db.Summary]() {
			s := reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Interface().(*db.Summary)
			require.NotNil(t, s.Plan, "EXPLAIN returned no plan")
			return fromDBPlan(*s.Plan)
		}
	}
	t.Fatalf("cannot read the plan tree from the driver's summary (%T): the driver changed; check that Plan().Children() returns distinct children and walk it instead", sum)
	return planNode{}
}

func fromDBPlan(p db.Plan) planNode {
	n := planNode{Operator: p.Operator, Args: p.Arguments}
	for _, c := range p.Children {
		n.Children = append(n.Children, fromDBPlan(c))
	}
	return n
}

// operators lists the operators of a plan, depth first.
func (p planNode) operators() []planNode {
	out := []planNode{p}
	for _, c := range p.Children {
		out = append(out, c.operators()...)
	}
	return out
}

// baseOperator drops the runtime suffix ("NodeByLabelScan@neo4j").
func baseOperator(op string) string {
	op, _, _ = strings.Cut(op, "@")
	return op
}

// Operators that read every node, every relationship, a whole label, a
// whole relationship type or a whole index. Counting from the count store
// (NodeCountFromCountStore, RelationshipCountFromCountStore) reads no
// records and is not among them.
var allNodesOperators = []string{"AllNodesScan", "DirectedAllRelationshipsScan", "UndirectedAllRelationshipsScan"}

var wholeLabelOperators = []string{
	"NodeByLabelScan", "UnionNodeByLabelsScan", "IntersectionNodeByLabelsScan", "SubtractionNodeByLabelsScan",
	"DirectedRelationshipTypeScan", "UndirectedRelationshipTypeScan", "DirectedUnionRelationshipTypesScan", "UndirectedUnionRelationshipTypesScan",
	"NodeIndexScan", "DirectedRelationshipIndexScan", "UndirectedRelationshipIndexScan",
}

// scans returns the operators of a plan that read a whole label (or more).
func scans(p planNode) []string {
	var out []string
	for _, op := range p.operators() {
		name := baseOperator(op.Operator)
		if slices.Contains(allNodesOperators, name) || slices.Contains(wholeLabelOperators, name) {
			out = append(out, fmt.Sprintf("%s %v", name, op.Args["Details"]))
		}
	}
	return out
}

// explain plans a statement on the server without running it.
func explain(ctx context.Context, t *testing.T, s *Store, cypher string, params map[string]any) planNode {
	t.Helper()
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(context.Background())
	res, err := sess.Run(ctx, "EXPLAIN "+cypher, params)
	require.NoError(t, err, "EXPLAIN %s", cypher)
	sum, err := res.Consume(ctx)
	require.NoError(t, err, "EXPLAIN %s", cypher)
	return planOf(t, sum)
}

func TestExplainPlansUseIndexes(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// The state of a first start: the schema created on an empty database,
	// then the seed loaded, with index samples taken before it was.
	dropSchema(ctx, t, openWiped(t))
	s := openWiped(t)
	start := time.Now()
	_, err := seed.Apply(ctx, s)
	require.NoError(t, err, "load the seed")
	t.Logf("schema dropped and created again, seed loaded in %v; index samples behind: %v",
		time.Since(start).Round(time.Millisecond), staleIndexes(ctx, t, s))

	params := explainParams(t)
	stmts := explainedStatements(t)
	if t.Failed() {
		return
	}

	check := func(t *testing.T) {
		start := time.Now()
		defer func() { t.Logf("planned in %v", time.Since(start).Round(time.Millisecond)) }()
		clearQueryCaches(ctx, t, s)
		for _, st := range stmts {
			plan := explain(ctx, t, s, st.Cypher, params[st.Name])
			found := scans(plan)
			if reason, ok := explainExempt[st.Name]; ok {
				t.Logf("%s: not checked (%s); scans %v", st.Name, reason, found)
				continue
			}
			if len(found) > 0 {
				t.Errorf("statement %q scans instead of using an index: %s\n--- cypher:\n%s\n--- plan:\n%s",
					st.Name, strings.Join(found, "; "), st.Cypher, plan.String())
			}
		}
		t.Logf("planned %d statements", len(stmts))
	}
	t.Run("AfterSeed", check)
	start = time.Now()
	resampleIndexes(ctx, t, s)
	t.Logf("indexes resampled in %v", time.Since(start).Round(time.Millisecond))
	t.Run("AfterResample", check)
}

// TestExplainParamsCoverEveryStatement needs no database: every statement
// but the schema's has realistic parameters for EXPLAIN, exactly its own.
func TestExplainParamsCoverEveryStatement(t *testing.T) {
	if stmts := explainedStatements(t); !t.Failed() {
		t.Logf("%d statements have parameters for EXPLAIN", len(stmts))
	}
}

// explainedStatements returns the statements to EXPLAIN, failing t for
// any without parameters (or with other parameters than its own) in
// explainParams.
func explainedStatements(t *testing.T) []Statement {
	t.Helper()
	params := explainParams(t)
	var stmts []Statement
	for _, st := range Statements() {
		if slices.ContainsFunc(schemaStatements, func(sc Statement) bool { return sc.Name == st.Name }) {
			continue
		}
		p, ok := params[st.Name]
		if !ok {
			t.Errorf("statement %q has no entry in explainParams: give it realistic values for %v", st.Name, st.Params)
			continue
		}
		var keys []string
		for k := range p {
			keys = append(keys, k)
		}
		if !equalSets(keys, st.Params) {
			t.Errorf("explainParams[%q] gives %v; the statement takes %v", st.Name, sorted(keys), sorted(st.Params))
			continue
		}
		stmts = append(stmts, st)
	}
	for name := range params {
		if !slices.ContainsFunc(Statements(), func(st Statement) bool { return st.Name == name }) {
			t.Errorf("explainParams has an entry for %q, which is not a statement", name)
		}
	}
	for name := range explainExempt {
		if _, ok := params[name]; !ok {
			t.Errorf("explainExempt names %q, which is not a statement", name)
		}
	}
	return stmts

}

// TestExplainDetectsScans shows that the check can fail: plans that scan
// are flagged, an index lookup is not, and a plan's every branch is seen.
func TestExplainDetectsScans(t *testing.T) {
	s := openWiped(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	clearQueryCaches(ctx, t, s)
	for _, c := range []struct{ cypher, want string }{
		{"MATCH (n) RETURN n", "AllNodesScan"},
		{"MATCH (n:Entity) RETURN n", "NodeByLabelScan"},
		// No index answers toLower(n.id): a label or an index scan.
		{"MATCH (n:Entity) WHERE toLower(n.id) = $id RETURN n", "Scan"},
		{"MATCH ()-[r:ENGAGES]->() RETURN r", "RelationshipTypeScan"},
		// The scan is in the left branch of the UNION: a walk that loses
		// all but the last child misses it.
		{"MATCH (n) RETURN n.id AS id UNION MATCH (n:Entity {id: $id}) RETURN n.id AS id", "AllNodesScan"},
		{"MATCH (a:Entity {id: $id}) CALL (a) { MATCH (n) WHERE n.name = a.name RETURN count(n) AS c } RETURN c", "AllNodesScan"},
	} {
		found := scans(explain(ctx, t, s, c.cypher, map[string]any{"id": explainMechanism}))
		if !slices.ContainsFunc(found, func(f string) bool { return strings.Contains(f, c.want) }) {
			t.Errorf("%s: want a %s flagged, got %v", c.cypher, c.want, found)
		}
	}
	for _, cypher := range []string{
		"MATCH (n:Entity {id: $id}) RETURN n",
		"MATCH (n:Mechanism) RETURN count(n) AS c",
	} {
		if found := scans(explain(ctx, t, s, cypher, map[string]any{"id": explainMechanism})); len(found) > 0 {
			t.Errorf("%s: flagged %v, but it uses an index or the count store", cypher, found)
		}
	}
}

// dropSchema drops every constraint and index but the built-in token
// lookup indexes; the next Open creates them again.
func dropSchema(ctx context.Context, t *testing.T, s *Store) {
	t.Helper()
	for _, q := range []struct{ show, drop string }{
		{"SHOW CONSTRAINTS YIELD name RETURN name", "DROP CONSTRAINT $name IF EXISTS"},
		{"SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name", "DROP INDEX $name IF EXISTS"},
	} {
		for _, name := range queryStrings(ctx, t, s, q.show) {
			_, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
				_, err := tx.Run(ctx, q.drop, map[string]any{"name": name})
				return nil, err
			})
			require.NoError(t, err, "drop %s", name)
		}
	}
}

// queryStrings runs a read that returns one string column, "name".
func queryStrings(ctx context.Context, t *testing.T, s *Store, cypher string) []string {
	t.Helper()
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(context.Background())
	names, err := neo4j.ExecuteRead(ctx, sess, func(tx neo4j.ManagedTransaction) ([]string, error) {
		res, err := tx.Run(ctx, cypher, nil)
		if err != nil {
			return nil, err
		}
		recs, err := res.Collect(ctx)
		if err != nil {
			return nil, err
		}
		var out []string
		for _, r := range recs {
			n, _, err := neo4j.GetRecordValue[string](r, "name")
			if err != nil {
				return nil, err
			}
			out = append(out, n)
		}
		return out, nil
	})
	require.NoError(t, err, cypher)
	return names
}

// clearQueryCaches makes the server plan every statement again.
func clearQueryCaches(ctx context.Context, t *testing.T, s *Store) {
	t.Helper()
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.Background())
	res, err := sess.Run(ctx, "CALL db.clearQueryCaches()", nil)
	require.NoError(t, err)
	_, err = res.Consume(ctx)
	require.NoError(t, err)
}

// resampleIndexes resamples every index and waits until the samples are
// up to date.
func resampleIndexes(ctx context.Context, t *testing.T, s *Store) {
	t.Helper()
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(context.Background())
	names := queryStrings(ctx, t, s, "SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name")
	require.NotEmpty(t, names, "the schema has indexes")
	for _, name := range names {
		res, err := sess.Run(ctx, "CALL db.resampleIndex($name)", map[string]any{"name": name})
		require.NoError(t, err, "resample %s", name)
		_, err = res.Consume(ctx)
		require.NoError(t, err, "resample %s", name)
	}
	// Sampling runs in the background: wait until no index has updates
	// since its last sample.
	deadline := time.Now().Add(time.Minute)
	for {
		stale := staleIndexes(ctx, t, s)
		if len(stale) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("index samples still stale after a minute: %v", stale)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// staleIndexes lists the indexes with updates since their last sample,
// each with the count of those updates.
func staleIndexes(ctx context.Context, t *testing.T, s *Store) []string {
	t.Helper()
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(context.Background())
	res, err := sess.Run(ctx, `CALL db.stats.retrieve('GRAPH COUNTS') YIELD data
RETURN [i IN data.indexes WHERE i.updatesSinceEstimation > 0 |
  i.indexType + ' ' + reduce(s = '', l IN coalesce(i.labels, []) | s + ':' + l) + '(' + reduce(s = '', p IN i.properties | s + p) + ') ' + toString(i.updatesSinceEstimation) + ' updates'] AS stale`, nil)
	require.NoError(t, err)
	rec, err := res.Single(ctx)
	require.NoError(t, err)
	stale, _, err := neo4j.GetRecordValue[[]any](rec, "stale")
	require.NoError(t, err)
	out := make([]string, len(stale))
	for i, v := range stale {
		out[i] = fmt.Sprint(v)
	}
	return out
}

// String prints a plan as an indented tree.
func (p planNode) String() string {
	var b strings.Builder
	var walk func(n planNode, depth int)
	walk = func(n planNode, depth int) {
		fmt.Fprintf(&b, "%s%s %v\n", strings.Repeat("  ", depth), baseOperator(n.Operator), n.Args["Details"])
		for _, c := range n.Children {
			walk(c, depth+1)
		}
	}
	walk(p, 0)
	return b.String()
}

func equalSets(a, b []string) bool {
	return slices.Equal(sorted(a), sorted(b))
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
