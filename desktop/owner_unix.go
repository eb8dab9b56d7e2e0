//go:build unix

package desktop

import (
	"io/fs"
	"os"
	"syscall"
)

// ownedByMe reports whether this user owns the file: only its own
// leftovers are removed from a shared temporary directory.
func ownedByMe(info fs.FileInfo) bool {
	st, ok := info.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Getuid()
}
