//go:build unix

package awsfiles

import "syscall"

// Open flags that keep a read or a lock from following a symlink swapped in
// at the last step, or from hanging on a FIFO.
const (
	oNoFollow = syscall.O_NOFOLLOW
	oNonBlock = syscall.O_NONBLOCK
)
