// Package testdisk gives tests real file systems that fail: a small
// tmpfs to fill, an ext4 image the kernel turns read-only. It needs root;
// under CI=true a test that cannot mount fails instead of skipping.
package testdisk

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// needDisk ends a test that cannot make its file system: it fails under
// CI=true, where mounting must work, and is skipped elsewhere.
func needDisk(t testing.TB, what string, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (CI runs as root, able to mount): %v", what, err)
	}
	t.Skipf("%s: %v", what, err)
}

// Tmpfs mounts a tmpfs of the given size ("1m") on a new temporary
// directory and returns it; it is unmounted when the test ends.
func Tmpfs(t testing.TB, size string) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0700"); err != nil {
		needDisk(t, "mount a tmpfs", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// Fill writes a file in dir until its file system is full, and returns a
// function that removes it to give the space back.
func Fill(t testing.TB, dir string) (free func()) {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatalf("fill %s: %v", dir, err)
	}
	chunk := bytes.Repeat([]byte{0xA5}, 4096)
	for {
		if _, err = f.Write(chunk); err != nil {
			break
		}
	}
	_ = f.Close()
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("fill %s: want ENOSPC, got %v", dir, err)
	}
	return func() {
		t.Helper()
		if err := os.Remove(path); err != nil {
			t.Fatalf("free %s: %v", dir, err)
		}
	}
}

// Ext4 is an ext4 file system in an image file on a loop device, mounted
// with errors=remount-ro: an error makes the kernel turn it read-only
// under the files open on it, as a failing disk does.
type Ext4 struct {
	t     testing.TB
	image string
	dev   string
	// Dir is where the file system is mounted.
	Dir string
}

// NewExt4 makes and mounts an ext4 file system of sizeMB megabytes; it is
// unmounted and its loop device released when the test ends.
func NewExt4(t testing.TB, sizeMB int) *Ext4 {
	t.Helper()
	base := t.TempDir()
	d := &Ext4{t: t, image: filepath.Join(base, "disk.img"), Dir: filepath.Join(base, "mnt")}
	if err := os.Mkdir(d.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(d.image)
	if err != nil {
		t.Fatal(err)
	}
	err = f.Truncate(int64(sizeMB) << 20)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("mkfs.ext4", "-q", "-F", d.image).CombinedOutput()
	if err != nil {
		needDisk(t, "make an ext4 file system (mkfs.ext4 from e2fsprogs)", errors.New(strings.TrimSpace(string(out))+": "+err.Error()))
	}
	out, err = exec.Command("losetup", "--find", "--show", d.image).CombinedOutput()
	if err != nil {
		needDisk(t, "attach a loop device", errors.New(strings.TrimSpace(string(out))+": "+err.Error()))
	}
	d.dev = strings.TrimSpace(string(out))
	t.Cleanup(func() {
		if err := syscall.Unmount(d.Dir, syscall.MNT_DETACH); err != nil && !errors.Is(err, syscall.EINVAL) {
			t.Errorf("unmount %s: %v", d.Dir, err)
		}
		if out, err := exec.Command("losetup", "-d", d.dev).CombinedOutput(); err != nil {
			t.Errorf("release %s: %v: %s", d.dev, err, out)
		}
	})
	d.mount()
	return d
}

func (d *Ext4) mount() {
	d.t.Helper()
	if err := syscall.Mount(d.dev, d.Dir, "ext4", 0, "errors=remount-ro"); err != nil {
		needDisk(d.t, "mount "+d.dev, err)
	}
}

// FailReadOnly reports an error on the file system as the kernel would on
// a failing disk, which turns it read-only at once: from now on every
// write to it fails with EROFS.
func (d *Ext4) FailReadOnly() {
	d.t.Helper()
	trigger := filepath.Join("/sys/fs/ext4", filepath.Base(d.dev), "trigger_fs_error")
	if err := os.WriteFile(trigger, []byte("test: disk failure\n"), 0o200); err != nil {
		needDisk(d.t, "trigger an ext4 error", err)
	}
	probe := filepath.Join(d.Dir, "probe")
	if err := os.WriteFile(probe, nil, 0o600); !errors.Is(err, syscall.EROFS) {
		d.t.Fatalf("after an error %s should be read-only, writing a file gave %v", d.Dir, err)
	}
}

// Repair unmounts the file system, checks and repairs it as an operator
// would, and mounts it again writable.
func (d *Ext4) Repair() {
	d.t.Helper()
	if err := syscall.Unmount(d.Dir, 0); err != nil {
		d.t.Fatalf("unmount %s: %v", d.Dir, err)
	}
	// e2fsck exits 1 when it corrected errors: that is a success.
	if out, err := exec.Command("e2fsck", "-f", "-y", d.dev).CombinedOutput(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() > 1 {
			d.t.Fatalf("e2fsck %s: %v: %s", d.dev, err, out)
		}
	}
	d.mount()
}
