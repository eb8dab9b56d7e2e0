//go:build unix

package private

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestReadOwnRefusesAnotherUsersFile: the MFA-session cache used a 0600
// file that another user owned (issue 14).
func TestReadOwnRefusesAnotherUsersFile(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give a file to another user")
	}
	path := filepath.Join(t.TempDir(), "session.json")
	if err := os.WriteFile(path, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(path, 65534, 65534); err != nil { // nobody
		t.Fatal(err)
	}
	if _, err := ReadOwn(path, 100); !errors.Is(err, ErrNotPrivate) {
		t.Fatalf("ReadOwn(nobody's file) = %v, want ErrNotPrivate", err)
	}
}
