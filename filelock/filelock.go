// Package filelock takes the lock under which a private file is written:
// a lock file that is never reached through a symlink, waited for no
// longer than the context allows, and released by the system if the
// process dies.
package filelock

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/gofrs/flock"

	"github.com/samlgo/samlgo/input"
	"github.com/samlgo/samlgo/untrusted"
)

// retry is how often a waiting caller tries the lock again.
const retry = 20 * time.Millisecond

// ErrNotLockFile is wrapped by Lock's error when something other than a
// regular file (a symlink, a FIFO, a directory) sits at the lock's path.
var ErrNotLockFile = errors.New("the lock file is not a regular file")

// Lock takes the exclusive lock on path (created 0600 if missing; the
// caller makes its directory), waiting while another process holds it
// until ctx ends.
// A symlink at path is refused and nothing is created through it
// (O_NOFOLLOW, and a check before for systems without it). unlock releases
// it; a killed holder's lock is released by the system. waiting, when not
// nil, is called once if the lock is held by another process.
func Lock(ctx context.Context, path string, waiting func()) (unlock func(), err error) {
	if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "lock", Path: path, Err: fmt.Errorf("%w: it is %s; remove it", ErrNotLockFile, input.Describe(fi.Mode()))}
	}
	l := flock.New(path, flock.SetFlag(os.O_CREATE|os.O_RDWR|oNoFollow), flock.SetPermissions(0o600))
	ok, err := l.TryLock()
	if err == nil && !ok {
		if waiting != nil {
			waiting()
		}
		ok, err = l.TryLockContext(ctx, retry)
	}
	if err != nil || !ok {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("locking %s: %w", untrusted.Path(path), err)
	}
	return func() { _ = l.Unlock() }, nil
}
