//go:build !unix

package desktop

import "io/fs"

// ownedByMe: on Windows the temporary directory is the user's own
// (%LOCALAPPDATA%\Temp), so everything in it is.
func ownedByMe(fs.FileInfo) bool { return true }
