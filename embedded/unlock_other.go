//go:build !unix

package embedded

import "os"

// unlock does nothing where bbolt's lock ends with the file handle.
func unlock(*os.File) {}
