//go:build !unix

package awsfiles

// Without O_NOFOLLOW and O_NONBLOCK, target's Lstat and Stat checks are the
// only guard against symlinks and special files.
const (
	oNoFollow = 0
	oNonBlock = 0
)
