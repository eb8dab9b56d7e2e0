//go:build unix

package credcache

import (
	"io/fs"
	"os"
	"syscall"
)

// noFollow keeps a symlink planted at the cache path from being read.
const noFollow = syscall.O_NOFOLLOW

// ownedByMe reports whether the file belongs to the running user: another
// user's file in the cache directory is never served.
func ownedByMe(st fs.FileInfo) bool {
	s, ok := st.Sys().(*syscall.Stat_t)
	return ok && int(s.Uid) == os.Geteuid()
}
