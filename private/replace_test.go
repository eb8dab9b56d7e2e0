package private

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/samlgo/samlgo/input"
)

// TestRenameWhileReaderHoldsFile: on Windows, replacing a file that
// another process had open failed at once with "Access is denied": under
// wine, samlgo's own reader of the credential cache made its writer fail,
// so ten callers signed in ten times (issue 16). The writer now waits, a
// little, for readers to let go: samlgo's own (input.Open, which also
// shares deletion, so Windows 10 may replace the file at once) and a
// foreign one (os.Open, as the AWS CLI's Python opens it).
func TestRenameWhileReaderHoldsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "entry.json")
	if err := WriteFile(path, []byte("one"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		open func() (io.Closer, error)
	}{
		{"samlgo's reader", func() (io.Closer, error) { f, _, err := input.Open(path, 0); return f, err }},
		{"a foreign reader", func() (io.Closer, error) { return os.Open(path) }},
	} {
		r, err := c.open()
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			time.Sleep(300 * time.Millisecond)
			r.Close()
		}()
		if err := WriteFile(path, []byte(c.name), 0o600); err != nil {
			t.Fatalf("replacing a file %s held for 300ms: %v", c.name, err)
		}
		if b, err := ReadOwn(path, 100); string(b) != c.name || err != nil {
			t.Fatalf("after the write: %q, %v", b, err)
		}
	}
	if runtime.GOOS != "windows" {
		return // Unix replaces a file whoever holds it
	}
	// A reader that never lets go: the wait is bounded, the file intact.
	r, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	start := time.Now()
	if err := WriteFile(path, []byte("never"), 0o600); err == nil || time.Since(start) > 3*replaceWait {
		t.Errorf("replacing a file held open for good = %v after %v; want an error within %v", err, time.Since(start), replaceWait)
	}
	if b, _ := ReadOwn(path, 100); string(b) != "a foreign reader" {
		t.Errorf("the file now holds %q", b)
	}
}
