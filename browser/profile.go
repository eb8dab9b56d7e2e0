package browser

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"time"

	"github.com/gofrs/flock"
)

// Profile is a Chrome user data directory kept between logins, so the IdP
// remembers the person. One Chrome at a time may use it: Chrome hands a
// second start on the same directory over to the first and exits.
type Profile struct {
	// Dir is the user data directory (mode 0700).
	Dir  string
	lock *flock.Flock
}

var unsafeName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^A-Za-z0-9._-]+`) })

// ProfileDir is where an account's profile lives under the user cache
// directory: <cache>/samlgo/chrome/<account>.
func ProfileDir(cacheDir, account string) string {
	if account == "" {
		account = "default"
	}
	return filepath.Join(cacheDir, "samlgo", "chrome", unsafeName().ReplaceAllString(account, "_"))
}

// OpenProfile locks the profile directory dir, waiting while another samlgo
// holds it (wait is told once), and creates it with mode 0700. With fresh,
// the saved session is deleted first.
func OpenProfile(ctx context.Context, dir string, fresh bool, wait func()) (*Profile, error) {
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return nil, fmt.Errorf("creating %s: %w", filepath.Dir(dir), err)
	}
	lock := flock.New(dir + ".lock")
	ok, err := lock.TryLock()
	if err != nil {
		return nil, fmt.Errorf("locking the browser profile %s: %w", dir, err)
	}
	if !ok {
		if wait != nil {
			wait()
		}
		if ok, err = lock.TryLockContext(ctx, 100*time.Millisecond); err != nil || !ok {
			return nil, fmt.Errorf("waiting for the browser profile %s: %w", dir, errors.Join(err, ctx.Err()))
		}
	}
	p := &Profile{Dir: dir, lock: lock}
	if fresh {
		if err := os.RemoveAll(dir); err != nil {
			p.Close()
			return nil, fmt.Errorf("forgetting the saved session in %s: %w", dir, err)
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		p.Close()
		return nil, fmt.Errorf("creating %s: %w", dir, err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// Close releases the lock.
func (p *Profile) Close() error { return p.lock.Unlock() }
