package threatlog

import (
	"context"
	"slices"
	"sync"

	"marrakechgraph/kg"
)

// tallyKey groups incidents as finely as the statistics need, before
// regions and threat types are looked up: by NHRI ("" when not grouped by
// region or when none), threat type ("" when not grouped by it), year (0
// when not grouped by it), month and status ("" when not grouped by
// them).
type tallyKey struct {
	nhri, threat, month string
	status              Status
	year                int
}

// tally counts incidents and reprisals.
type tally struct{ count, reprisals int }

// tallies counts incidents grouped by tallyKey. An incident of several
// threat types counts once under each, when grouped by threat type.
type tallies map[tallyKey]*tally

// grouping is which dimensions a tally groups by.
type grouping struct{ region, threat, year, month, status bool }

func groupingOf(by map[Dimension]bool) grouping {
	return grouping{region: by[ByRegion], threat: by[ByThreatType], year: by[ByYear], month: by[ByMonth], status: by[ByStatus]}
}

// incidentFact is what the statistics need of one incident.
type incidentFact struct {
	id       string
	year     int
	month    string
	status   Status
	reprisal bool
	// nhri is the NHRI it concerns ("" when none); threats its threat
	// types.
	nhri    string
	threats []string
}

// changeLog is a store that tells its version (the sequence number of its
// last change set, which every change raises, on Neo4j for every instance
// alike) and what changed after a version.
type changeLog interface {
	LastSeq(ctx context.Context) (uint64, error)
	Changes(ctx context.Context, after uint64, limit int) ([]kg.AuditEntry, error)
}

// maxCatchUp is how many changed records a factBook reads again to catch
// up; past it, it reads every incident again.
var maxCatchUp = 2000

// factBook keeps the facts of every incident, and the tallies counted from
// them, for one store version. When the store has moved on, it reads again
// only the records the store's change log names (an incident changed, or
// a relationship leaving one), so that statistics after a report cost that
// report, not the whole log. It is never stale: the store's version is
// read before each use, and facts are always at least as new as it.
type factBook struct {
	mu      sync.Mutex
	loaded  bool
	version uint64
	facts   []incidentFact
	index   map[string]int
	tallied map[grouping]tallies
	// rows keeps the statistics last answered for each grouping, with
	// the store version read before they were counted: a row's region and
	// threat type come from the graph, which that version also covers.
	rows map[grouping]keptRows
	// regions keeps the region of each NHRI looked up since the graph
	// (anything but incidents and responses) last changed.
	regions map[string]string
}

// regionsOf returns the region of each NHRI of ids (see regions), looking
// up only those it has not kept since the graph last changed. Without
// keep (a store without a change log), it keeps nothing.
func (b *factBook) regionsOf(ctx context.Context, s Store, ids []string, keep bool) (map[string]string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !keep {
		b.regions = nil
	}
	if b.regions == nil {
		b.regions = map[string]string{}
	}
	var missing []string
	for _, id := range ids {
		if _, ok := b.regions[id]; !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		ns, err := s.Nodes(ctx, missing)
		if err != nil {
			return nil, err
		}
		found, err := regions(ctx, s, slices.DeleteFunc(ns, func(n *kg.Node) bool { return n == nil }))
		if err != nil {
			return nil, err
		}
		for _, id := range missing {
			b.regions[id] = found[id]
		}
	}
	out := make(map[string]string, len(ids))
	for _, id := range ids {
		out[id] = b.regions[id]
	}
	if !keep {
		b.regions = nil
	}
	return out, nil
}

type keptRows struct {
	version uint64
	rows    []*StatRow
}

// keptRows returns the rows kept for g at version (never for version 0,
// which a store without a change log gives).
func (b *factBook) keptRows(g grouping, version uint64) ([]*StatRow, bool) {
	if version == 0 {
		return nil, false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	k, ok := b.rows[g]
	if !ok || k.version != version {
		return nil, false
	}
	return slices.Clone(k.rows), true
}

// keepRows keeps the rows answered for g, counted at version or later.
func (b *factBook) keepRows(g grouping, version uint64, rows []*StatRow) {
	if version == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.rows == nil {
		b.rows = map[grouping]keptRows{}
	}
	if k, ok := b.rows[g]; !ok || k.version <= version {
		b.rows[g] = keptRows{version, slices.Clone(rows)}
	}
}

// tally counts the incidents as by says: from the store's change log when
// it has one, else by reading every incident. It also returns the store
// version read before counting (0 without a change log).
func (l *Log) tally(ctx context.Context, by map[Dimension]bool) (tallies, uint64, error) {
	cl, ok := l.Store.(changeLog)
	if !ok {
		var b factBook
		if err := b.load(ctx, l.Store, 0); err != nil {
			return nil, 0, err
		}
		return b.count(groupingOf(by)), 0, nil
	}
	version, err := cl.LastSeq(ctx)
	if err != nil {
		return nil, 0, err
	}
	b := &l.facts
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.bringUpTo(ctx, l.Store, cl, version); err != nil {
		// Whatever was half read is read again next time.
		b.loaded = false
		return nil, 0, err
	}
	g := groupingOf(by)
	if t, ok := b.tallied[g]; ok {
		return t, version, nil
	}
	t := b.count(g)
	b.tallied[g] = t
	return t, version, nil
}

// bringUpTo makes the book hold version (or a newer one).
func (b *factBook) bringUpTo(ctx context.Context, s Store, cl changeLog, version uint64) error {
	if b.loaded && b.version >= version {
		return nil
	}
	if b.loaded {
		caught, err := b.catchUp(ctx, s, cl, version)
		if err != nil || caught {
			return err
		}
	}
	return b.load(ctx, s, version)
}

// catchUp reads again the records changed since the book's version, up
// to version at least; false when there are too many (read everything).
func (b *factBook) catchUp(ctx context.Context, s Store, cl changeLog, version uint64) (bool, error) {
	changed := map[string]bool{}
	after := b.version
	for after < version {
		entries, err := cl.Changes(ctx, after, kg.MaxPageSize)
		if err != nil {
			return false, err
		}
		if len(entries) == 0 {
			return false, nil
		}
		for _, e := range entries {
			changed[e.Subject] = true
		}
		if len(changed) > maxCatchUp {
			return false, nil
		}
		after = entries[len(entries)-1].Seq
	}
	ids := make([]string, 0, len(changed))
	for id := range changed {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	nodes, err := s.Nodes(ctx, ids)
	if err != nil {
		return false, err
	}
	var incidents []*kg.Node
	for i, n := range nodes {
		if n != nil && n.Kind == kg.KindThreatIncident {
			incidents = append(incidents, n)
			continue
		}
		b.remove(ids[i])
		if n == nil || n.Kind != kg.KindResponse {
			// The graph changed (or a record that is gone now): regions
			// are looked up again.
			b.regions = nil
		}
	}
	facts, err := factsOf(ctx, s, incidents)
	if err != nil {
		return false, err
	}
	for _, f := range facts {
		b.put(f)
	}
	b.version = after
	b.tallied = map[grouping]tallies{}
	return true, nil
}

// load reads every incident, for version.
func (b *factBook) load(ctx context.Context, s Store, version uint64) error {
	b.facts, b.index, b.tallied, b.regions, b.loaded = nil, map[string]int{}, map[grouping]tallies{}, nil, false
	if scanner, ok := s.(kg.KindScanner); ok {
		// One walk without copies on a store that holds the graph in
		// memory.
		err := scanner.ScanKind(ctx, kg.KindThreatIncident, []kg.RelType{kg.RelConcerns, kg.RelOfType}, func(n *kg.Node, targets [][]string) error {
			f := factOf(n)
			if len(targets[0]) > 0 {
				f.nhri = targets[0][0]
			}
			f.threats = slices.Clone(targets[1])
			b.put(f)
			return nil
		})
		if err != nil {
			return err
		}
	} else {
		incidents, err := kg.FindAll(ctx, s, kg.FindQuery{Kind: kg.KindThreatIncident, OrderBy: kg.OrderByID})
		if err != nil {
			return err
		}
		facts, err := factsOf(ctx, s, incidents)
		if err != nil {
			return err
		}
		for _, f := range facts {
			b.put(f)
		}
	}
	b.version, b.loaded = version, true
	return nil
}

func factOf(n *kg.Node) incidentFact {
	inc := IncidentOf(n)
	return incidentFact{id: n.ID, year: inc.Year(), month: inc.Month(), status: inc.Status(), reprisal: inc.ReprisalForUNCooperation()}
}

// factsOf reads the facts of incidents: their NHRI and threat types in one
// call each.
func factsOf(ctx context.Context, s Store, incidents []*kg.Node) ([]incidentFact, error) {
	if len(incidents) == 0 {
		return nil, nil
	}
	ids := make([]string, len(incidents))
	facts := make([]incidentFact, len(incidents))
	for i, n := range incidents {
		ids[i] = n.ID
		facts[i] = factOf(n)
	}
	nhris, err := s.Neighbors(ctx, ids, kg.NeighborQuery{Direction: kg.Outgoing, Types: []kg.RelType{kg.RelConcerns}})
	if err != nil {
		return nil, err
	}
	threats, err := s.Neighbors(ctx, ids, kg.NeighborQuery{Direction: kg.Outgoing, Types: []kg.RelType{kg.RelOfType}})
	if err != nil {
		return nil, err
	}
	for i := range facts {
		if len(nhris[i]) > 0 {
			facts[i].nhri = nhris[i][0].Node.ID
		}
		for _, nb := range threats[i] {
			facts[i].threats = append(facts[i].threats, nb.Node.ID)
		}
	}
	return facts, nil
}

func (b *factBook) put(f incidentFact) {
	if i, ok := b.index[f.id]; ok {
		b.facts[i] = f
		return
	}
	b.index[f.id] = len(b.facts)
	b.facts = append(b.facts, f)
}

func (b *factBook) remove(id string) {
	i, ok := b.index[id]
	if !ok {
		return
	}
	last := len(b.facts) - 1
	b.facts[i] = b.facts[last]
	b.index[b.facts[i].id] = i
	b.facts = b.facts[:last]
	delete(b.index, id)
}

// count tallies the book's facts.
func (b *factBook) count(g grouping) tallies {
	out := tallies{}
	for i := range b.facts {
		f := &b.facts[i]
		var k tallyKey
		if g.year {
			k.year = f.year
		}
		if g.month {
			k.month = f.month
		}
		if g.status {
			k.status = f.status
		}
		if g.region {
			k.nhri = f.nhri
		}
		if !g.threat {
			out.add(k, f.reprisal)
			continue
		}
		for _, t := range f.threats {
			k.threat = t
			out.add(k, f.reprisal)
		}
	}
	return out
}

func (t tallies) add(k tallyKey, reprisal bool) {
	c := t[k]
	if c == nil {
		c = &tally{}
		t[k] = c
	}
	c.count++
	if reprisal {
		c.reprisals++
	}
}

// Prepare counts the log once, so that the first statistics asked after a
// start do not read every incident: it reads each incident's facts and
// each NHRI's region, which later counts keep up to date from the store's
// change log. It returns how many incidents it read; without a change log
// there is nothing to keep, and it reads nothing.
func (l *Log) Prepare(ctx context.Context) (int, error) {
	if _, ok := l.Store.(changeLog); !ok {
		return 0, nil
	}
	if _, err := l.Stats(ctx, []Dimension{ByRegion}); err != nil {
		return 0, err
	}
	l.facts.mu.Lock()
	defer l.facts.mu.Unlock()
	return len(l.facts.facts), nil
}
