//go:build !windows

package input

import "os"

// openRead opens path for reading with mode's flags.
func openRead(path string, mode int) (*os.File, error) { return os.OpenFile(path, mode, 0) }
