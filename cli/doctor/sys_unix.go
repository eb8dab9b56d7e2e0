//go:build unix

package doctor

import (
	"golang.org/x/sys/unix"
)

// writableDir reports whether the process may create files in dir,
// without creating one (access(2) with W_OK).
func writableDir(dir string) error { return unix.Access(dir, unix.W_OK) }
