//go:build unix

package filelock

import "syscall"

const oNoFollow = syscall.O_NOFOLLOW
