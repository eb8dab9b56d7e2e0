// Package credcache keeps credential_process documents in a private cache,
// one small file per account and role, so a cached call reads one file.
//
// It imports only the standard library: the small samlgo-credential-process
// program links it, and its start-up cost is the cached call's.
package credcache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/samlgo/samlgo/input"
	"github.com/samlgo/samlgo/private"
	"github.com/samlgo/samlgo/untrusted"
)

// RefreshBefore is how long before expiry a cached document is renewed:
// the caller (an SDK, the AWS CLI) must get credentials that stay valid
// while it works.
const RefreshBefore = 5 * time.Minute

// maxDocument bounds a cache file; a credential_process document is a few
// kilobytes.
const maxDocument = 64 << 10

// Dir is the cache directory under the user cache directory.
func Dir(userCacheDir string) string {
	return filepath.Join(userCacheDir, "samlgo", "credential-process")
}

// Entry is the cache file of one account and role.
type Entry struct {
	// Path is the document's file; the lock file is Path + ".lock".
	Path string
}

// For returns the entry of an account and role selector under dir, for
// the config in effect (ConfigKey). The name is a hash, so any account or
// role spelling makes a safe file name, and two configs that both name an
// account "corp" never share an entry.
func For(dir, config, account, role string) Entry {
	sum := sha256.Sum256([]byte(config + "\x00" + account + "\x00" + role))
	return Entry{Path: filepath.Join(dir, hex.EncodeToString(sum[:16])+".json")}
}

// maxConfig bounds the config file ConfigKey reads; a real one is a few
// kilobytes, and samlgo refuses one over a megabyte.
const maxConfig = 1 << 20

// ConfigKey identifies the config in effect for the cache: its absolute
// path and a digest of its contents (a missing or unreadable file has
// none), so that a cached document is served only for the config, and the
// settings, that made it. samlgo and samlgo-credential-process compute it
// the same way from the same path.
func ConfigKey(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	f, st, err := input.Open(path, input.FollowSymlink)
	if err != nil {
		return path + "\x00-"
	}
	defer f.Close()
	if st.Size() > maxConfig {
		return path + "\x00-"
	}
	h := sha256.New()
	if _, err := io.Copy(h, io.LimitReader(f, maxConfig)); err != nil {
		return path + "\x00-"
	}
	return path + "\x00" + hex.EncodeToString(h.Sum(nil))
}

// LockPath is the file whose flock makes one process refresh at a time.
func (e Entry) LockPath() string { return e.Path + ".lock" }

// document is what a cached file must hold to be served: the
// credential_process Version 1 fields that matter.
type document struct {
	Version         int
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string
	Expiration      time.Time
}

// Fresh returns the cached document when it is valid for more than
// RefreshBefore after now, and ok false otherwise (missing, unreadable,
// malformed, expiring). A file that is not a regular file, or not the
// caller's own private file, is never served.
func (e Entry) Fresh(now time.Time) (doc []byte, ok bool) {
	b, err := private.ReadOwn(e.Path, maxDocument)
	if err != nil {
		return nil, false
	}
	var d document
	if json.Unmarshal(b, &d) != nil || d.Version != 1 || d.AccessKeyID == "" || d.SecretAccessKey == "" {
		return nil, false
	}
	if !d.Expiration.After(now.Add(RefreshBefore)) {
		return nil, false
	}
	return b, true
}

// Store writes a credential_process document atomically, mode 0600 in a
// 0700 directory (private.WriteFile), after removing what an interrupted
// Store left. The caller holds the entry's lock.
func (e Entry) Store(doc []byte) error {
	dir := filepath.Dir(e.Path)
	if err := private.MkdirAll(dir); err != nil {
		return fmt.Errorf("creating the credential cache %s: %w", untrusted.Path(dir), err)
	}
	private.RemoveStaleTemps(e.Path)
	if err := private.WriteFile(e.Path, doc, 0o600); err != nil {
		return fmt.Errorf("writing the credential cache: %w", err)
	}
	return nil
}

// Remove drops the entry (credentials STS or the caller found bad).
func (e Entry) Remove() error {
	if err := os.Remove(e.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
