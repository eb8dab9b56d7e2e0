// Package private writes and reads the files that hold secrets (cached
// credentials, tokens, the AWS credentials file): 0600 in 0700
// directories, replaced atomically, read only when they are the user's own.
//
// It imports only the standard library (and samlgo's input): the small
// samlgo-credential-process program reads its cache through it. Writers
// hold the file's lock (package filelock) while they write.
package private

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/samlgo/samlgo/input"
	"github.com/samlgo/samlgo/untrusted"
)

// ErrNotPrivate is wrapped by ReadOwn's error for a file another user owns,
// or that others may read or change.
var ErrNotPrivate = errors.New("not a private file of this user")

// MkdirAll creates dir (and its parents) and makes dir itself 0700.
func MkdirAll(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", untrusted.Path(dir))
	}
	if fi.Mode().Perm() != 0o700 {
		return os.Chmod(dir, 0o700)
	}
	return nil
}

// TempPrefix starts the name WriteFile gives its temporary file for path:
// "." + the file's name + ".tmp-".
func TempPrefix(path string) string { return "." + filepath.Base(path) + ".tmp-" }

// WriteFile replaces path with b atomically: a temporary file beside it
// (TempPrefix), created with mode (0600 for a secret), written, synced and
// renamed over path, then the directory synced, so readers see the old
// file or the new one and a crash leaves one of them. A kill before the
// rename leaves the temporary file: RemoveStaleTemps removes it, under the
// lock, at the next write. The caller holds path's lock.
func WriteFile(path string, b []byte, mode fs.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, TempPrefix(path)+"*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // nothing left to remove after the rename
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := replace(tmp, path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// RemoveStaleTemps removes the temporary files an interrupted WriteFile of
// each path left (they may hold secrets). The caller holds the lock under
// which every writer of those paths writes, so every such file is stale,
// however young.
func RemoveStaleTemps(paths ...string) {
	for _, path := range paths {
		dir := filepath.Dir(path)
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		prefix := TempPrefix(path)
		for _, e := range entries {
			if e.Type().IsRegular() && strings.HasPrefix(e.Name(), prefix) {
				_ = os.Remove(filepath.Join(dir, e.Name()))
			}
		}
	}
}

// ReadOwn reads a private file: a regular file reached without a symlink,
// opened without blocking, at most limit bytes, owned by this user and
// neither readable nor writable by others (where the system keeps such
// modes; see owner_*.go). A missing file is an error wrapping
// fs.ErrNotExist; any other refusal wraps ErrNotPrivate or
// input.ErrNotRegular.
func ReadOwn(path string, limit int64) ([]byte, error) {
	f, st, err := input.Open(path, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if !OwnedByMe(st) || !privateMode(st.Mode()) {
		return nil, &fs.PathError{Op: "read", Path: path, Err: ErrNotPrivate}
	}
	if st.Size() > limit {
		return nil, &fs.PathError{Op: "read", Path: path, Err: &input.TooLargeError{Limit: limit}}
	}
	b := make([]byte, st.Size())
	if n, err := f.ReadAt(b, 0); n != len(b) {
		return nil, &fs.PathError{Op: "read", Path: path, Err: errors.Join(err, errors.New("short read"))}
	}
	return b, nil
}

// Loose reports whether mode lets other users read or write, where modes
// mean that (ModesMean).
func Loose(mode fs.FileMode) bool { return !privateMode(mode) }
