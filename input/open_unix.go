//go:build unix

package input

import "syscall"

// O_NONBLOCK keeps an open of a FIFO from waiting for a writer; O_NOFOLLOW
// refuses a symlink in the last part of a path.
const (
	oNonBlock = syscall.O_NONBLOCK
	oNoFollow = syscall.O_NOFOLLOW
)
