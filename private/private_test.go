package private

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/samlgo/samlgo/internal/testenv"
)

// TestStaleTempsRemoved: a kill between creating and renaming a temporary
// file left it, holding live credentials (issue 14); the next write under
// the lock removes it.
func TestStaleTempsRemoved(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "session.json")
	stale := filepath.Join(dir, TempPrefix(path)+"123456")
	other := filepath.Join(dir, ".other.tmp-1")
	for _, p := range []string{stale, other} {
		if err := os.WriteFile(p, []byte("secret"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	RemoveStaleTemps(path)
	if err := WriteFile(path, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temporary file kept: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another file's temporary removed: %v", err)
	}
	b, err := ReadOwn(path, 100)
	if err != nil || string(b) != "new" {
		t.Fatalf("ReadOwn = %q, %v", b, err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), TempPrefix(path)) {
			t.Errorf("WriteFile left %s", e.Name())
		}
	}
}

func TestReadOwnRefuses(t *testing.T) {
	dir := t.TempDir()
	loose := filepath.Join(dir, "loose.json")
	if err := os.WriteFile(loose, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" { // modes say nothing there: see owner_other.go
		if _, err := ReadOwn(loose, 100); !errors.Is(err, ErrNotPrivate) {
			t.Errorf("ReadOwn(0644) = %v, want ErrNotPrivate", err)
		}
	}
	link := filepath.Join(dir, "link.json")
	good := filepath.Join(dir, "good.json")
	os.WriteFile(good, []byte("{}"), 0o600)
	if _, err := ReadOwn(good, 1); err == nil {
		t.Errorf("ReadOwn over the limit succeeded")
	}
	testenv.Symlink(t, good, link)
	if _, err := ReadOwn(link, 100); err == nil {
		t.Errorf("ReadOwn followed a symlink")
	}
}
