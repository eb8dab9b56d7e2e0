//go:build unix

package awsfiles

import (
	"syscall"
	"testing"
)

// mkfifo makes a FIFO at p, or skips the test.
func mkfifo(t *testing.T, p string) {
	t.Helper()
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
}
