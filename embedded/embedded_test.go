package embedded

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bbolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"marrakechgraph/kg"
	"marrakechgraph/kg/kgtest"
)

func open(t testing.TB, dir string, opts ...Option) *Store {
	t.Helper()
	s, err := Open(dir, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, s.Close()) })
	return s
}

func TestConformance(t *testing.T) {
	kgtest.Run(t, kgtest.Opener{
		New: func(t *testing.T) kg.Store { return open(t, t.TempDir()) },
		Reopen: func(t *testing.T, s kg.Store) kg.Store {
			b := s.(*Store)
			require.NoError(t, b.Close())
			return open(t, b.Dir())
		},
	})
}

func TestOpenCreatesDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	open(t, dir)
	_, err := os.Stat(filepath.Join(dir, FileName))
	require.NoError(t, err)
}

func TestOpenLocked(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	for _, timeout := range []time.Duration{0, 200 * time.Millisecond} {
		var opts []Option
		if timeout > 0 {
			opts = append(opts, WithLockTimeout(timeout))
		}
		start := time.Now()
		_, err := Open(dir, opts...)
		elapsed := time.Since(start)
		require.Error(t, err)
		assert.ErrorIs(t, err, ErrLocked)
		assert.ErrorIs(t, err, berrors.ErrTimeout)
		assert.Contains(t, err.Error(), "locked by another process")
		assert.Contains(t, err.Error(), filepath.Join(dir, FileName))
		assert.Less(t, elapsed, 3*time.Second, "Open waited %v for the lock", elapsed)
	}
	require.NoError(t, s.Close())
	// Released: it opens again.
	open(t, dir)
}

func TestOpenBadOption(t *testing.T) {
	_, err := Open(t.TempDir(), WithLockTimeout(0))
	require.ErrorContains(t, err, "lock timeout")
}

func TestOpenCorruptFile(t *testing.T) {
	for name, content := range map[string][]byte{
		"text":  []byte(strings.Repeat("this is not a database\n", 1000)),
		"zeros": make([]byte, 64<<10),
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, FileName), content, 0o600))
			_, err := Open(dir)
			require.ErrorIs(t, err, ErrCorrupt)
			assert.Contains(t, err.Error(), "corrupt")
			assert.Contains(t, err.Error(), filepath.Join(dir, FileName))
		})
	}
}

// TestOpenDamagedPages damages the pages after bbolt's two meta pages, on
// which bbolt panics rather than returning an error.
func TestOpenDamagedPages(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	require.NoError(t, err)
	for i := range 50 {
		_, err := s.Apply(context.Background(), crashChangeSet(i))
		require.NoError(t, err)
	}
	require.NoError(t, s.Close())
	path := filepath.Join(dir, FileName)
	good, err := os.ReadFile(path)
	require.NoError(t, err)
	page := os.Getpagesize()
	require.Greater(t, len(good), 4*page)

	damage := func(from, to int) {
		b := bytes.Clone(good)
		for i := from * page; i < min(to*page, len(b)); i++ {
			b[i] = 0xAB
		}
		require.NoError(t, os.WriteFile(path, b, 0o600))
	}
	damage(2, len(good)/page+1)
	for range 2 {
		// The second time shows that the failed Open released the file.
		_, err = Open(dir, WithLockTimeout(100*time.Millisecond))
		require.ErrorIs(t, err, ErrCorrupt)
	}
	caught := 0
	for p := 2; p < len(good)/page; p++ {
		damage(p, p+1)
		s, err := Open(dir, WithLockTimeout(100*time.Millisecond))
		if err != nil {
			require.ErrorIs(t, err, ErrCorrupt, "page %d", p)
			caught++
			continue
		}
		// The page was free, or held nothing that loading reads.
		require.NoError(t, s.Close())
	}
	assert.Positive(t, caught)
}

// rawUpdate changes the database file of a closed store directly.
func rawUpdate(t *testing.T, dir string, f func(tx *bbolt.Tx) error) {
	t.Helper()
	db, err := bbolt.Open(filepath.Join(dir, FileName), 0o600, &bbolt.Options{Timeout: time.Second})
	require.NoError(t, err)
	require.NoError(t, db.Update(f))
	require.NoError(t, db.Close())
}

func TestOpenRefusesUnknownFormat(t *testing.T) {
	t.Run("NewerVersion", func(t *testing.T) {
		dir := t.TempDir()
		s, err := Open(dir)
		require.NoError(t, err)
		require.NoError(t, s.Close())
		rawUpdate(t, dir, func(tx *bbolt.Tx) error { return tx.Bucket(bucketMeta).Put(keyVersion, []byte("99")) })
		_, err = Open(dir)
		require.ErrorContains(t, err, `storage format version "99" is not supported`)
	})
	t.Run("ForeignFile", func(t *testing.T) {
		dir := t.TempDir()
		rawUpdate(t, dir, func(tx *bbolt.Tx) error {
			_, err := tx.CreateBucket([]byte("something else"))
			return err
		})
		_, err := Open(dir)
		require.ErrorIs(t, err, ErrCorrupt)
		require.ErrorContains(t, err, "no format version")
	})
}

func TestOpenRefusesBadRecords(t *testing.T) {
	cases := map[string]struct {
		bucket, key, value []byte
		want               string
	}{
		"NodeNotJSON":  {bucketNodes, []byte("action:x"), []byte("{"), `node "action:x"`},
		"NodeInvalid":  {bucketNodes, []byte("action:x"), []byte(`{"id":"action:x","kind":"Action","name":"X"}`), "no citation"},
		"NodeFraction": {bucketNodes, []byte("action:x"), []byte(`{"id":"action:x","kind":"Action","name":"X","props":{"n":1.5},"citations":[{"document":"d","section":"s","quote":"q"}]}`), "not an integer"},
		"NodeVersion":  {bucketNodes, []byte("action:x"), []byte(`{"id":"action:x","kind":"Action","name":"X","citations":[{"document":"d","section":"s","quote":"q"}],"version":-2}`), "version -2"},
		"NodeWrongKey": {bucketNodes, []byte("action:y"), []byte(`{"id":"action:x","kind":"Action","name":"X","citations":[{"document":"d","section":"s","quote":"q"}]}`), "stored under key"},
		"EdgeDangling": {bucketEdges, edgeKey(kg.EdgeKey{Type: kg.RelEngages, From: "action:x", To: "mechanism:y"}), []byte(`{"type":"ENGAGES","from":"action:x","to":"mechanism:y","citations":[{"document":"d","section":"s","quote":"q"}]}`), "does not exist"},
		"EdgeWrongKey": {bucketEdges, []byte("k"), []byte(`{"type":"ENGAGES","from":"action:x","to":"mechanism:y","citations":[{"document":"d","section":"s","quote":"q"}]}`), "stored under key"},
		"EdgeNotJSON":  {bucketEdges, []byte("k"), []byte(`[`), `edge "k"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			s, err := Open(dir)
			require.NoError(t, err)
			require.NoError(t, s.Close())
			rawUpdate(t, dir, func(tx *bbolt.Tx) error { return tx.Bucket(tc.bucket).Put(tc.key, tc.value) })
			_, err = Open(dir)
			require.ErrorIs(t, err, ErrCorrupt)
			require.ErrorContains(t, err, tc.want)
			// The failed Open released the file.
			rawUpdate(t, dir, func(tx *bbolt.Tx) error { return nil })
		})
	}
}

// A file written before nodes had versions holds none: its nodes read as
// version 1, and the next change makes them version 2.
func TestNodesWithoutVersionReadAsVersionOne(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	const stored = `{"id":"action:x","kind":"Action","name":"X","citations":[{"document":"d","section":"s","quote":"q"}]}`
	rawUpdate(t, dir, func(tx *bbolt.Tx) error { return tx.Bucket(bucketNodes).Put([]byte("action:x"), []byte(stored)) })

	s = open(t, dir)
	ctx := context.Background()
	got, err := s.Nodes(ctx, []string{"action:x"})
	require.NoError(t, err)
	require.NotNil(t, got[0])
	assert.Equal(t, int64(1), got[0].Version)
	n := got[0].Clone()
	n.Name = "X, renamed"
	res, err := s.Apply(ctx, kg.ChangeSet{Actor: "test", Expect: []kg.Expectation{{ID: n.ID, Version: 1}}, PutNodes: []kg.Node{*n}})
	require.NoError(t, err)
	assert.Equal(t, int64(2), res.Versions[n.ID])
	assert.Contains(t, res.Entries[0].Before, `"version":1`, "the audit entry shows the version read")
	assert.Contains(t, res.Entries[0].After, `"version":2`)
}

func TestClosed(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	require.NoError(t, s.Close())
	ctx := context.Background()
	_, err = s.Nodes(ctx, []string{"action:x"})
	assert.Equal(t, kg.CodeUnavailable, kg.ErrorCode(err))
	_, err = s.History(ctx, "action:x")
	assert.Equal(t, kg.CodeUnavailable, kg.ErrorCode(err))
	_, err = s.Apply(ctx, kg.ChangeSet{Actor: "x"})
	assert.Equal(t, kg.CodeUnavailable, kg.ErrorCode(err))
	assert.Equal(t, kg.CodeUnavailable, kg.ErrorCode(s.Ping(ctx)))
}

func node(id string, kind kg.Kind, name string) kg.Node {
	return kg.Node{ID: id, Kind: kind, Name: name, Citations: []kg.Citation{{Document: "D", Section: "S", Quote: name}}}
}

// TestFailedWriteChangesNothing makes the transaction fail after the plan
// is made, and checks that neither memory nor the file saw any of it.
func TestFailedWriteChangesNothing(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	ctx := context.Background()
	_, err := s.Apply(ctx, kg.ChangeSet{Actor: "t", PutNodes: []kg.Node{node("action:kept", kg.KindAction, "Kept")}})
	require.NoError(t, err)

	cs := kg.ChangeSet{Actor: "t", PutNodes: []kg.Node{node("action:lost", kg.KindAction, "Lost")}, DeleteNodes: []string{"action:kept"}}
	check := func(t *testing.T, s *Store, fileOpen bool) {
		t.Helper()
		got, err := s.Nodes(ctx, []string{"action:kept", "action:lost"})
		require.NoError(t, err)
		require.NotNil(t, got[0])
		assert.Nil(t, got[1])
		if fileOpen {
			h, err := s.History(ctx, "action:lost")
			require.NoError(t, err)
			assert.Empty(t, h)
		}
	}

	t.Run("CanceledDuringWrite", func(t *testing.T) {
		ctx, cancel := context.WithCancel(ctx)
		s.now = func() time.Time { cancel(); return time.Now() }
		defer func() { s.now = time.Now }()
		_, err := s.Apply(ctx, cs)
		require.ErrorIs(t, err, context.Canceled)
		check(t, s, true)
	})

	t.Run("CommitFails", func(t *testing.T) {
		// The file goes away under the store: the write cannot happen.
		require.NoError(t, s.db.Close())
		_, err := s.Apply(ctx, cs)
		require.Error(t, err)
		assert.Equal(t, kg.CodeInternal, kg.ErrorCode(err))
		check(t, s, false)
		s.closed = true
		check(t, open(t, dir), true)
	})
}

const crashDirEnv = "MARRAKECHGRAPH_BOLT_CRASH_DIR"

// crashChangeSet is change set i of TestCrash: an action, a mechanism and
// an edge between them.
func crashChangeSet(i int) kg.ChangeSet {
	a := node(fmt.Sprintf("action:crash-%d", i), kg.KindAction, fmt.Sprintf("Crash action %d", i))
	a.Props = kg.Props{kg.PropSeq: int64(i)}
	m := node(fmt.Sprintf("mechanism:crash-%d", i), kg.KindMechanism, fmt.Sprintf("Crash mechanism %d", i))
	return kg.ChangeSet{
		Actor: "crash", Reason: fmt.Sprintf("write %d", i),
		PutNodes: []kg.Node{a, m},
		PutEdges: []kg.Edge{{Type: kg.RelEngages, From: a.ID, To: m.ID, Citations: a.Citations}},
	}
}

// TestCrashChild is the process TestCrash kills: it applies change sets
// until it dies, reporting each one once it is committed.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("run by TestCrash")
	}
	s, err := Open(dir)
	if err != nil {
		fmt.Printf("error %v\n", err)
		os.Exit(1)
	}
	for i := 0; ; i++ {
		if _, err := s.Apply(context.Background(), crashChangeSet(i)); err != nil {
			fmt.Printf("error %v\n", err)
			os.Exit(1)
		}
		fmt.Printf("applied %d\n", i)
	}
}

// TestCrash kills a writing process with SIGKILL and checks that the file
// opens, holds every change set reported as committed, and holds no part
// of a change set without the rest.
func TestCrash(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	killed := false
	defer func() {
		if !killed {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}()

	lines := bufio.NewScanner(out)
	reported := -1
	for reported < 40 && lines.Scan() {
		line := lines.Text()
		require.False(t, strings.HasPrefix(line, "error"), "child: %s", line)
		if n, ok := strings.CutPrefix(line, "applied "); ok {
			_, err := fmt.Sscan(n, &reported)
			require.NoError(t, err)
		}
	}
	require.Equal(t, 40, reported, "child stopped early: %v", lines.Err())

	// While the child holds the file, another process cannot open it.
	_, err = Open(dir, WithLockTimeout(100*time.Millisecond))
	require.ErrorContains(t, err, "locked by another process")

	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()
	killed = true

	s := open(t, dir)
	ctx := context.Background()
	stats, err := s.Stats(ctx)
	require.NoError(t, err)
	n := stats.Nodes[kg.KindAction]
	assert.GreaterOrEqual(t, n, reported+1, "a committed change set was lost")
	assert.Equal(t, n, stats.Nodes[kg.KindMechanism], "a change set was half applied")
	assert.Equal(t, n, stats.Edges[kg.RelEngages], "a change set was half applied")

	var lastSeq uint64
	for i := range n {
		cs := crashChangeSet(i)
		got, err := s.Nodes(ctx, []string{cs.PutNodes[0].ID, cs.PutNodes[1].ID})
		require.NoError(t, err)
		require.True(t, cs.PutNodes[0].Equal(got[0]), "change set %d: %+v", i, got[0])
		require.True(t, cs.PutNodes[1].Equal(got[1]), "change set %d: %+v", i, got[1])
		h, err := s.History(ctx, cs.PutNodes[0].ID)
		require.NoError(t, err)
		require.Len(t, h, 2, "change set %d", i)
		for _, e := range h {
			require.Greater(t, e.Seq, lastSeq)
			lastSeq = e.Seq
		}
		h, err = s.History(ctx, cs.PutNodes[1].ID)
		require.NoError(t, err)
		require.Len(t, h, 1, "change set %d", i)
		// Applying it again changes nothing.
		res, err := s.Apply(ctx, cs)
		require.NoError(t, err)
		require.Equal(t, 3, res.Unchanged)
	}
	res, err := s.Apply(ctx, crashChangeSet(n))
	require.NoError(t, err)
	require.Equal(t, 3, res.Created)
	assert.Greater(t, res.Entries[0].Seq, lastSeq)
}

// benchGraph loads a graph of 2,000 actions, 200 mechanisms and 20
// objectives, with 8,000 edges.
func benchGraph(b *testing.B) *Store {
	b.Helper()
	s := open(b, b.TempDir())
	cs := kg.ChangeSet{Actor: "bench"}
	for i := range 20 {
		cs.PutNodes = append(cs.PutNodes, node(fmt.Sprintf("objective:o%d", i), kg.KindObjective, fmt.Sprintf("Objective %d", i)))
	}
	for i := range 200 {
		m := node(fmt.Sprintf("mechanism:m%d", i), kg.KindMechanism, fmt.Sprintf("Mechanism %d for human rights defenders", i))
		m.Props = kg.Props{kg.PropSeq: int64(i)}
		cs.PutNodes = append(cs.PutNodes, m)
	}
	pillars := []string{"Protection", "Promotion", "Cooperation"}
	for i := range 2000 {
		a := node(fmt.Sprintf("action:a%d", i), kg.KindAction, fmt.Sprintf("Action %d", i))
		a.Props = kg.Props{kg.PropSeq: int64(i), "pillar": pillars[i%3], "year": int64(2000 + i%25), kg.PropText: "Support defenders and civic space, item " + fmt.Sprint(i)}
		cs.PutNodes = append(cs.PutNodes, a)
		cs.PutEdges = append(cs.PutEdges, kg.Edge{Type: kg.RelUnderObjective, From: a.ID, To: fmt.Sprintf("objective:o%d", i%20), Citations: a.Citations})
		for j := range 3 {
			cs.PutEdges = append(cs.PutEdges, kg.Edge{Type: kg.RelEngages, From: a.ID, To: fmt.Sprintf("mechanism:m%d", (i+j*67)%200), Citations: a.Citations})
		}
	}
	_, err := s.Apply(context.Background(), cs)
	require.NoError(b, err)
	return s
}

func BenchmarkNodes(b *testing.B) {
	s := benchGraph(b)
	ids := make([]string, 100)
	for i := range ids {
		ids[i] = fmt.Sprintf("action:a%d", i*17)
	}
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.Nodes(ctx, ids); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNeighbors(b *testing.B) {
	s := benchGraph(b)
	ids := make([]string, 50)
	for i := range ids {
		ids[i] = fmt.Sprintf("mechanism:m%d", i)
	}
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.Neighbors(ctx, ids, kg.NeighborQuery{Direction: kg.Incoming, Types: []kg.RelType{kg.RelEngages}}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFind(b *testing.B) {
	s := benchGraph(b)
	q := kg.FindQuery{
		Kind:    kg.KindAction,
		Props:   []kg.PropFilter{{Key: "pillar", Values: []any{"Protection", "Promotion"}}},
		Related: []kg.RelFilter{{Types: []kg.RelType{kg.RelUnderObjective}, Direction: kg.Outgoing, IDs: []string{"objective:o1", "objective:o2", "objective:o4"}}},
		OrderBy: "year", Desc: true, First: 50,
	}
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.Find(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSearch(b *testing.B) {
	s := benchGraph(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.Search(ctx, kg.SearchQuery{Text: "defenders", Limit: 20}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApply updates one node per change set; each commit is synced
// to disk.
func BenchmarkApply(b *testing.B) {
	s := benchGraph(b)
	ctx := context.Background()
	n := node("action:a1", kg.KindAction, "Action 1")
	i := 0
	for b.Loop() {
		i++
		n.Description = fmt.Sprintf("revision %d", i)
		res, err := s.Apply(ctx, kg.ChangeSet{Actor: "bench", PutNodes: []kg.Node{n}})
		if err != nil {
			b.Fatal(err)
		}
		if res.Updated != 1 {
			b.Fatalf("updated %d", res.Updated)
		}
	}
}

// BenchmarkOpen loads the benchmark graph from its file.
func BenchmarkOpen(b *testing.B) {
	s := benchGraph(b)
	dir := s.Dir()
	require.NoError(b, s.Close())
	for b.Loop() {
		s, err := Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
