//go:build !unix

package input

// Without O_NONBLOCK and O_NOFOLLOW (Windows), Open checks the kind of file
// after opening it and Lstat refuses a symlink before.
const (
	oNonBlock = 0
	oNoFollow = 0
)
