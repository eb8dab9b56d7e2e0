//go:build !windows

package configureprofile

// shortPath: only Windows has short names.
func shortPath(path string) string { return path }
