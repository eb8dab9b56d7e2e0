//go:build !unix

package filelock

// Without O_NOFOLLOW, Lock's Lstat check is the guard against a symlink.
const oNoFollow = 0
