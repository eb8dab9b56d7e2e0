package chain

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/samlgo/samlgo/creds"
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

// Get returns a cached session with more than RefreshBefore to live. A file
// another user could read or change is ignored and removed.
func (c *Cache) Get(key string) (creds.Credentials, bool) {
	p := c.path(key)
	fi, err := os.Lstat(p)
	if err != nil || !fi.Mode().IsRegular() {
		return creds.Credentials{}, false
	}
	if fi.Mode().Perm()&0o077 != 0 {
		_ = os.Remove(p)
		return creds.Credentials{}, false
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return creds.Credentials{}, false
	}
	cr, err := creds.ParseProcessOutput(b)
	if err != nil || cr.Validate() != nil || !c.Now().Add(RefreshBefore).Before(cr.Expiration) {
		_ = os.Remove(p)
		return creds.Credentials{}, false
	}
	return cr, true
}

// Put stores a session: 0700 directory, 0600 file, temp file and rename.
func (c *Cache) Put(key string, cr creds.Credentials) error {
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return err
	}
	fi, err := os.Lstat(c.Dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%q is not a directory", c.Dir)
	}
	if fi.Mode().Perm() != 0o700 {
		if err := os.Chmod(c.Dir, 0o700); err != nil {
			return err
		}
	}
	f, err := os.CreateTemp(c.Dir, ".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(cr.JSON()); err != nil {
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
	return os.Rename(tmp, c.path(key))
}

// Remove forgets a session (STS refused it).
func (c *Cache) Remove(key string) error {
	err := os.Remove(c.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
