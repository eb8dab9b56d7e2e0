package filelock

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/samlgo/samlgo/internal/testenv"
)

// TestSymlinkAtLockRefused: a symlink planted at the credential-process
// .lock was followed and its target created (issue 14).
func TestSymlinkAtLockRefused(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "elsewhere")
	lock := filepath.Join(dir, "entry.json.lock")
	testenv.Symlink(t, target, lock)
	if _, err := Lock(context.Background(), lock, nil); !errors.Is(err, ErrNotLockFile) {
		t.Fatalf("Lock through a symlink = %v, want ErrNotLockFile", err)
	}
	if _, err := os.Lstat(target); !os.IsNotExist(err) {
		t.Errorf("the symlink's target was created: %v", err)
	}
}

// TestLockWaitEndsWithContext: a lock another holder keeps is waited for
// only until ctx ends.
func TestLockWaitEndsWithContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.lock")
	unlock, err := Lock(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	waited := false
	if _, err := Lock(ctx, path, func() { waited = true }); !errors.Is(err, context.DeadlineExceeded) || !waited {
		t.Fatalf("second Lock = %v (told it waits: %v), want the context's end", err, waited)
	}
	testenv.Mode(t, path, 0o600)
}
