package embedded

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	berrors "go.etcd.io/bbolt/errors"

	"marrakechgraph/embedded/testdisk"
	"marrakechgraph/kg"
)

// faultLog collects what a store logs, to count its reports.
type faultLog struct{ buf bytes.Buffer }

func (l *faultLog) logger() *slog.Logger { return slog.New(slog.NewTextHandler(&l.buf, nil)) }

func (l *faultLog) count(msg string) int { return strings.Count(l.buf.String(), msg) }

// bigChangeSet is an action with a description of 8 KiB: a few such writes
// need new pages at the end of the file.
func bigChangeSet(i int) kg.ChangeSet {
	n := node(fmt.Sprintf("action:disk-%d", i), kg.KindAction, fmt.Sprintf("Disk action %d", i))
	n.Description = strings.Repeat(fmt.Sprintf("%06d ", i), 8<<10/7)
	return kg.ChangeSet{Actor: "disk", PutNodes: []kg.Node{n}}
}

// writes applies change sets from first on, n of them, and returns which
// were acknowledged and which refused; every refusal must be UNAVAILABLE
// with the store's message, never INTERNAL.
func writes(t *testing.T, s *Store, first, n int) (acked, refused []int) {
	t.Helper()
	for i := first; i < first+n; i++ {
		_, err := s.Apply(context.Background(), bigChangeSet(i))
		if err == nil {
			acked = append(acked, i)
			continue
		}
		refused = append(refused, i)
		require.Equal(t, kg.CodeUnavailable, kg.ErrorCode(err), "write %d: %v", i, err)
		require.Equal(t, "the store cannot write: disk full or read-only", kg.ClientMessage(err))
	}
	return acked, refused
}

// holds checks that the store has exactly the acknowledged writes, in
// memory and in the audit log.
func holds(t *testing.T, s *Store, acked, refused []int) {
	t.Helper()
	ctx := context.Background()
	for _, want := range []struct {
		ids   []int
		there bool
	}{{acked, true}, {refused, false}} {
		for _, i := range want.ids {
			id := fmt.Sprintf("action:disk-%d", i)
			got, err := s.Nodes(ctx, []string{id})
			require.NoError(t, err)
			h, err := s.History(ctx, id)
			require.NoError(t, err)
			if want.there {
				require.NotNil(t, got[0], "acknowledged write %d is missing", i)
				assert.Equal(t, bigChangeSet(i).PutNodes[0].Description, got[0].Description)
				assert.Len(t, h, 1, "audit entries of write %d", i)
			} else {
				assert.Nil(t, got[0], "refused write %d is visible", i)
				assert.Empty(t, h, "refused write %d has audit entries", i)
			}
		}
	}
}

// TestDiskFull fills a real (tmpfs) file system under the store: writes
// answer UNAVAILABLE, the store is not ready, reads go on; when space
// returns the next write succeeds and the store is ready again without a
// restart; every acknowledged write is there, after a reopen too.
func TestDiskFull(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(testdisk.Tmpfs(t, "2m"), "data")
	var log faultLog
	s, err := Open(dir, WithLogger(log.logger()))
	require.NoError(t, err)
	defer func() { require.NoError(t, s.Close()) }()

	acked, refused := writes(t, s, 0, 5)
	require.Len(t, acked, 5, "the disk is not full yet")
	require.NoError(t, s.Ping(ctx))

	free := testdisk.Fill(t, filepath.Dir(dir))
	a, r := writes(t, s, 5, 40)
	acked, refused = append(acked, a...), append(refused, r...)
	require.NotEmpty(t, refused, "no write failed on a full disk")
	t.Logf("full disk: %d writes acknowledged, %d refused", len(a), len(r))

	err = s.Ping(ctx)
	require.Error(t, err, "a store that cannot write is not ready")
	assert.Equal(t, kg.CodeUnavailable, kg.ErrorCode(err))
	assert.Equal(t, 1, log.count("the store cannot write"), "one report per episode:\n%s", log.buf.String())
	holds(t, s, acked, refused)
	st, err := s.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, len(acked), st.Nodes[kg.KindAction], "reads go on")

	free()
	require.NoError(t, s.Ping(ctx), "space came back: ready again")
	assert.Equal(t, 1, log.count("the store can write again"))
	a, r = writes(t, s, 100, 5)
	require.Empty(t, r, "space came back: writes succeed")
	acked = append(acked, a...)
	holds(t, s, acked, refused)

	require.NoError(t, s.Close())
	s = open(t, dir)
	holds(t, s, acked, refused)
}

// TestDiskFullWriteRecovers is TestDiskFull without a probe: the first
// write after space returns succeeds and ends the episode by itself.
func TestDiskFullWriteRecovers(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(testdisk.Tmpfs(t, "1m"), "data")
	var log faultLog
	s := open(t, dir, WithLogger(log.logger()))
	free := testdisk.Fill(t, filepath.Dir(dir))
	acked, refused := writes(t, s, 0, 40)
	require.NotEmpty(t, refused)
	free()
	a, r := writes(t, s, 100, 3)
	require.Empty(t, r)
	require.NoError(t, s.Ping(ctx))
	assert.Equal(t, 1, log.count("the store can write again"), log.buf.String())
	holds(t, s, append(acked, a...), refused)
}

// TestReadOnlyDisk turns the file system read-only under the open store,
// as the kernel does when a disk fails: writes answer UNAVAILABLE, the
// store is not ready, reads go on; after the operator repairs the file
// system, the store opens with every acknowledged write.
func TestReadOnlyDisk(t *testing.T) {
	ctx := context.Background()
	disk := testdisk.NewExt4(t, 16)
	dir := filepath.Join(disk.Dir, "data")
	var log faultLog
	s, err := Open(dir, WithLogger(log.logger()))
	require.NoError(t, err)
	defer s.Close()
	acked, refused := writes(t, s, 0, 5)
	require.Len(t, acked, 5)

	disk.FailReadOnly()
	a, r := writes(t, s, 5, 5)
	require.Empty(t, a, "no write succeeds on a read-only file system")
	refused = append(refused, r...)
	err = s.Ping(ctx)
	require.Error(t, err)
	assert.Equal(t, kg.CodeUnavailable, kg.ErrorCode(err))
	assert.Contains(t, err.Error(), "read-only file system")
	assert.Equal(t, 1, log.count("the store cannot write"), log.buf.String())
	holds(t, s, acked, refused)
	require.NoError(t, s.Close())

	disk.Repair()
	s = open(t, dir)
	holds(t, s, acked, refused)
	a, r = writes(t, s, 100, 3)
	require.Empty(t, r)
	holds(t, s, append(acked, a...), refused)
}

// TestIsStorageFault: the file system's refusals are storage faults,
// wrapped or (as bbolt reports a failure to grow the file) as text only;
// the program's own errors are not.
func TestIsStorageFault(t *testing.T) {
	for err, want := range map[error]bool{
		fmt.Errorf("write graph.db: %w", syscall.ENOSPC):                    true,
		&os.PathError{Op: "write", Path: "graph.db", Err: syscall.EROFS}:    true,
		&os.PathError{Op: "sync", Path: "graph.db", Err: syscall.EIO}:       true,
		fmt.Errorf("quota: %w", syscall.EDQUOT):                             true,
		fmt.Errorf("file resize error: %s", syscall.ENOSPC):                 true,
		fmt.Errorf("file sync error: %s", syscall.EROFS):                    true,
		berrors.ErrDatabaseNotOpen:                                          false,
		context.Canceled:                                                    false,
		errors.New("put node x: no space left on device in the plan"):       false,
		fmt.Errorf("file resize error: %s", errors.New("invalid argument")): false,
	} {
		assert.Equal(t, want, isStorageFault(err), "%v", err)
	}
}
