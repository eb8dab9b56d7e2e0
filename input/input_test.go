package input

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/internal/testenv"
)

func TestOpenRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	testenv.Symlink(t, file, link)
	if _, _, err := Open(dir, FollowSymlink); !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "a directory") {
		t.Errorf("Open(dir) = %v, want a directory refused", err)
	}
	if _, _, err := Open(link, 0); err == nil {
		t.Errorf("Open(link) without FollowSymlink succeeded")
	}
	f, st, err := Open(link, FollowSymlink)
	if err != nil {
		t.Fatalf("Open(link, FollowSymlink): %v", err)
	}
	f.Close()
	if st.Size() != 1 {
		t.Errorf("size %d, want 1", st.Size())
	}
	if _, _, err := Open(filepath.Join(dir, "missing"), 0); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open(missing) = %v, want fs.ErrNotExist", err)
	}
}

func TestReadFileTooLarge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big")
	if err := os.WriteFile(path, make([]byte, 11), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := ReadFile(context.Background(), path, 0, 10)
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Limit != 10 {
		t.Fatalf("ReadFile = %v, want a TooLargeError of 10", err)
	}
	b, _, err := ReadFile(context.Background(), path, 0, 11)
	if err != nil || len(b) != 11 {
		t.Fatalf("ReadFile at the limit = %d bytes, %v", len(b), err)
	}
}

// TestReadAllEndsOnCancel: a pipe whose writer never closes (stdin held
// open) must not hold a read after the context ends.
func TestReadAllEndsOnCancel(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := ReadAll(ctx, r, 100)
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("ReadAll = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ReadAll still waiting 5 s after cancel")
	}
}

func TestReadAllLimit(t *testing.T) {
	_, err := ReadAll(context.Background(), strings.NewReader("12345"), 4)
	var tl *TooLargeError
	if !errors.As(err, &tl) {
		t.Fatalf("ReadAll over the limit = %v, want TooLargeError", err)
	}
	b, err := ReadAll(context.Background(), strings.NewReader("1234"), 4)
	if err != nil || string(b) != "1234" {
		t.Fatalf("ReadAll at the limit = %q, %v", b, err)
	}
}
