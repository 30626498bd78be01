//go:build !linux

package testdisk

import (
	"errors"
	"os"
	"testing"
)

var errNoMount = errors.New("mounting a test file system is only done on Linux")

func needDisk(t testing.TB, what string, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s: %v", what, err)
	}
	t.Skipf("%s: %v", what, err)
}

// Tmpfs mounts a tmpfs; on this system the test is skipped.
func Tmpfs(t testing.TB, size string) string {
	needDisk(t, "mount a tmpfs", errNoMount)
	return ""
}

// Fill fills the file system of dir; on this system the test is skipped.
func Fill(t testing.TB, dir string) (free func()) {
	needDisk(t, "fill a file system", errNoMount)
	return func() {}
}

// Ext4 is an ext4 file system on a loop device (Linux only).
type Ext4 struct {
	// Dir is where the file system is mounted.
	Dir string
}

// NewExt4 makes an ext4 file system; on this system the test is skipped.
func NewExt4(t testing.TB, sizeMB int) *Ext4 {
	needDisk(t, "make an ext4 file system", errNoMount)
	return &Ext4{}
}

// FailReadOnly turns the file system read-only.
func (d *Ext4) FailReadOnly() {}

// Repair repairs the file system and mounts it again.
func (d *Ext4) Repair() {}
