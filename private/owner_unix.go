//go:build unix

package private

import (
	"io/fs"
	"os"
	"syscall"
)

// OwnedByMe reports whether this (effective) user owns the file.
func OwnedByMe(st fs.FileInfo) bool {
	s, ok := st.Sys().(*syscall.Stat_t)
	return ok && int(s.Uid) == os.Geteuid()
}

// privateMode reports whether no one but the owner may read or write.
func privateMode(m fs.FileMode) bool { return m.Perm()&0o077 == 0 }

// ModesMean reports whether permission bits say who may read a file here.
const ModesMean = true
