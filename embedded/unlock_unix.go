//go:build unix

package embedded

import (
	"os"
	"syscall"
)

// unlock releases bbolt's lock on f. Closing f alone is not enough when
// bbolt panicked after mapping the file: the mapping keeps the lock alive.
func unlock(f *os.File) { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
