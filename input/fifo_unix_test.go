//go:build unix

package input

import (
	"errors"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestOpenFIFODoesNotWait: a FIFO with no writer is refused at once, not
// waited on.
func TestOpenFIFODoesNotWait(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := Open(path, FollowSymlink)
	if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "a FIFO") {
		t.Fatalf("Open(fifo) = %v, want a FIFO refused", err)
	}
}
