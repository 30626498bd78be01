package embedded

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"marrakechgraph/kg"
)

// errCannotWrite is what a client reads when the file system refuses a
// write: the store is up, reads go on, and writes resume by themselves
// once the file system takes writes again.
var errCannotWrite = kg.Errorf(kg.CodeUnavailable, "the store cannot write: disk full or read-only")

// storageErrnos are the file system's answers that say a write cannot
// happen now, whatever it holds: no space, no quota, a read-only or failing
// device, a file too big, permissions taken away.
var storageErrnos = []syscall.Errno{
	syscall.ENOSPC, syscall.EDQUOT, syscall.EROFS, syscall.EIO, syscall.EFBIG, syscall.EACCES, syscall.EPERM,
}

// isStorageFault reports whether a failed write transaction failed because
// of the file system rather than of the data or the program.
func isStorageFault(err error) bool {
	for _, errno := range storageErrnos {
		if errors.Is(err, errno) {
			return true
		}
	}
	// bbolt reports a failure to grow or sync the file while growing it
	// as text only ("file resize error: …", "file sync error: …").
	msg := err.Error()
	if strings.Contains(msg, "file resize error") || strings.Contains(msg, "file sync error") {
		for _, errno := range storageErrnos {
			if strings.Contains(msg, errno.Error()) {
				return true
			}
		}
	}
	return false
}

// probeSize is how much the readiness probe writes: room for a few pages
// of the database file, so that a ready store can take a write.
const probeSize = 64 << 10

// probeName is the file the readiness probe writes next to the database
// file, and removes.
const probeName = ".probe"

// writeFailed records that a write failed for cause, a storage fault. The
// first failure of an episode is logged; the next ones only counted.
func (s *Store) writeFailed(cause error) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	if s.fault == nil {
		s.log.Error("the store cannot write: writes are refused until the file system takes them again",
			"dir", s.dir, "err", cause)
	}
	s.fault = cause
	s.faultCount++
}

// recovered ends a storage fault episode.
func (s *Store) recovered() {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	if s.fault != nil {
		s.log.Info("the store can write again", "dir", s.dir, "refused_writes", s.faultCount)
	}
	s.fault, s.faultCount = nil, 0
}

// faulted reports whether the last write failed for a storage fault.
func (s *Store) faulted() bool {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	return s.fault != nil
}

// probe checks, while writes fail, whether the file system takes writes
// again: it writes, syncs and removes a small file in the store's
// directory, and ends the episode when that works. A write that succeeds
// does not end it alone: on a full disk, a small write may still fit in
// the pages the database file already has. The caller holds
// writeMu, so no write's outcome can cross the probe's.
func (s *Store) probe() error {
	if !s.faulted() {
		return nil
	}
	if err := writeProbe(filepath.Join(s.dir, probeName)); err != nil {
		return fmt.Errorf("embedded store: ping: %w: %w", errCannotWrite, err)
	}
	s.recovered()
	return nil
}

func writeProbe(path string) (err error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("create probe file: %w", err)
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close probe file: %w", cerr)
		}
		if rerr := os.Remove(path); rerr != nil && err == nil {
			err = fmt.Errorf("remove probe file: %w", rerr)
		}
	}()
	if _, err := f.Write(make([]byte, probeSize)); err != nil {
		return fmt.Errorf("write probe file: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync probe file: %w", err)
	}
	return nil
}
