package chain

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/filelock"
	"github.com/samlgo/samlgo/private"
)

// Cache keeps MFA sessions in a private directory: one 0600 file per
// session, in a 0700 directory, written atomically, read only while the
// session has more than RefreshBefore to live. aws-vault keeps its MFA
// sessions the same way so that one code serves many commands.
type Cache struct {
	Dir string
	Now func() time.Time
}

// RefreshBefore is how long before its expiry a cached session is no
// longer used.
const RefreshBefore = 5 * time.Minute

// DefaultCache is the cache under the user cache directory
// (os.UserCacheDir()/samlgo/mfa).
func DefaultCache() (*Cache, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return nil, fmt.Errorf("finding the cache directory for MFA sessions: %w", err)
	}
	return &Cache{Dir: filepath.Join(dir, "samlgo", "mfa"), Now: time.Now}, nil
}

// CacheKey names the session of a source profile's key with an MFA
// device; the file name is its hash, so no name or key id shows.
func CacheKey(profile, keyID, serial string) string {
	sum := sha256.Sum256([]byte(profile + "\x00" + keyID + "\x00" + serial))
	return hex.EncodeToString(sum[:16])
}

func (c *Cache) path(key string) string { return filepath.Join(c.Dir, key+".json") }

// maxSession bounds a cached session file (a credential_process document).
const maxSession = 64 << 10

// Get returns a cached session with more than RefreshBefore to live. A file
// that is not this user's private file (another owner, a mode that lets
// others read it, a symlink) is never used, and one this user could have
// let others read is removed.
func (c *Cache) Get(key string) (creds.Credentials, bool) {
	p := c.path(key)
	b, err := private.ReadOwn(p, maxSession)
	if err != nil {
		if errors.Is(err, private.ErrNotPrivate) {
			_ = os.Remove(p) // in this user's own directory: a loose copy goes
		}
		return creds.Credentials{}, false
	}
	cr, err := creds.ParseProcessOutput(b)
	if err != nil || cr.Validate() != nil || !c.Now().Add(RefreshBefore).Before(cr.Expiration) {
		_ = os.Remove(p)
		return creds.Credentials{}, false
	}
	return cr, true
}

// Put stores a session: 0700 directory, 0600 file, written atomically
// (private.WriteFile) under the session's lock, after removing what an
// interrupted Put left.
func (c *Cache) Put(key string, cr creds.Credentials) error {
	if err := private.MkdirAll(c.Dir); err != nil {
		return err
	}
	p := c.path(key)
	unlock, err := filelock.Lock(context.Background(), p+".lock", nil) // held by another samlgo only for a write
	if err != nil {
		return err
	}
	defer unlock()
	private.RemoveStaleTemps(p)
	return private.WriteFile(p, cr.JSON(), 0o600)
}

// Remove forgets a session (STS refused it).
func (c *Cache) Remove(key string) error {
	err := os.Remove(c.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
