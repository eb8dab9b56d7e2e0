//go:build !windows

package configureprofile

// exeSuffix ends the names of programs.
const exeSuffix = ""

// shortPath: only Windows has short names.
func shortPath(path string) string { return path }
