//go:build !windows

package private

import "os"

// replace renames tmp over path: atomic, whoever holds path open.
func replace(tmp, path string) error { return os.Rename(tmp, path) }
