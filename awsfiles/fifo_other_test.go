//go:build !unix

package awsfiles

import "testing"

// mkfifo skips the test: this system has no FIFOs in the file system.
func mkfifo(t *testing.T, p string) {
	t.Helper()
	t.Skip("no FIFOs here")
}
