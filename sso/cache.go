// Package sso is IAM Identity Center sign-in, token cache and role
// credentials.
package sso

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/samlgo/samlgo/filelock"
	"github.com/samlgo/samlgo/input"
	"github.com/samlgo/samlgo/private"
	"github.com/samlgo/samlgo/untrusted"
)

// ExpiryWindow is how long before its expiry a cached token or client
// registration is treated as expired, as botocore does (_EXPIRY_WINDOW).
const ExpiryWindow = 15 * time.Minute

// Token is one entry of the AWS CLI's SSO token cache
// (~/.aws/sso/cache/<sha1>.json), in the format botocore's SSOTokenFetcher
// writes and aws-sdk-go-v2's ssocreds reads.
type Token struct {
	StartURL              string    `json:"startUrl"`
	Region                string    `json:"region"`
	AccessToken           string    `json:"accessToken"`
	ExpiresAt             time.Time `json:"-"`
	ClientID              string    `json:"clientId,omitempty"`
	ClientSecret          string    `json:"clientSecret,omitempty"`
	RegistrationExpiresAt time.Time `json:"-"`
	RefreshToken          string    `json:"refreshToken,omitempty"`
}

// tokenJSON is Token as stored: times as RFC 3339 UTC strings without
// fractions ("2026-11-22T12:00:00Z"), as botocore's _sso_json_dumps writes.
type tokenJSON struct {
	StartURL              string `json:"startUrl"`
	Region                string `json:"region"`
	AccessToken           string `json:"accessToken"`
	ExpiresAt             string `json:"expiresAt"`
	ClientID              string `json:"clientId,omitempty"`
	ClientSecret          string `json:"clientSecret,omitempty"`
	RegistrationExpiresAt string `json:"registrationExpiresAt,omitempty"`
	RefreshToken          string `json:"refreshToken,omitempty"`
}

// String hides the secrets.
func (t Token) String() string {
	return fmt.Sprintf("sso.Token{StartURL:%q Region:%q ExpiresAt:%s refresh:%v}", t.StartURL, t.Region, t.ExpiresAt.UTC().Format(time.RFC3339), t.RefreshToken != "")
}

// GoString hides the secrets.
func (t Token) GoString() string { return t.String() }

// Valid reports whether the access token can still be used at now: it
// expires more than ExpiryWindow later.
func (t *Token) Valid(now time.Time) bool {
	return t.AccessToken != "" && now.Add(ExpiryWindow).Before(t.ExpiresAt)
}

// Refreshable reports whether the token's refresh token and client
// registration can still get a new access token at now.
func (t *Token) Refreshable(now time.Time) bool {
	return t.RefreshToken != "" && t.ClientID != "" && t.ClientSecret != "" &&
		(t.RegistrationExpiresAt.IsZero() || now.Before(t.RegistrationExpiresAt))
}

const cacheTime = "2006-01-02T15:04:05Z"

// MarshalJSON writes the cache format.
func (t Token) MarshalJSON() ([]byte, error) {
	j := tokenJSON{
		StartURL: t.StartURL, Region: t.Region, AccessToken: t.AccessToken,
		ExpiresAt: t.ExpiresAt.UTC().Format(cacheTime),
		ClientID:  t.ClientID, ClientSecret: t.ClientSecret, RefreshToken: t.RefreshToken,
	}
	if !t.RegistrationExpiresAt.IsZero() {
		j.RegistrationExpiresAt = t.RegistrationExpiresAt.UTC().Format(cacheTime)
	}
	return json.Marshal(j)
}

// CacheError reports a cache file that cannot be used; the file is left
// alone and a new login replaces it.
type CacheError struct {
	Path string
	Err  error
}

func (e *CacheError) Error() string {
	return fmt.Sprintf("sso cache file %s: %v", untrusted.Path(e.Path), e.Err)
}
func (e *CacheError) Unwrap() error { return e.Err }

// maxCacheFile bounds what is read from a cache file.
const maxCacheFile = 1 << 20

// ParseToken reads a token cache entry as botocore and the SDKs read it:
// accessToken and expiresAt are required; expiresAt is RFC 3339 (botocore
// parses any ISO 8601, samlgo takes RFC 3339 with or without fractions and
// offsets). Errors never quote the file's contents.
func ParseToken(b []byte) (*Token, error) {
	if len(b) > maxCacheFile {
		return nil, errors.New("larger than 1 MiB")
	}
	var j tokenJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, fmt.Errorf("not a JSON object with string fields: %w", jsonErr(err))
	}
	if j.AccessToken == "" {
		return nil, errors.New("no accessToken")
	}
	exp, err := parseTime(j.ExpiresAt)
	if err != nil {
		return nil, fmt.Errorf("expiresAt: %w", err)
	}
	t := &Token{
		StartURL: j.StartURL, Region: j.Region, AccessToken: j.AccessToken, ExpiresAt: exp,
		ClientID: j.ClientID, ClientSecret: j.ClientSecret, RefreshToken: j.RefreshToken,
	}
	if j.RegistrationExpiresAt != "" {
		if t.RegistrationExpiresAt, err = parseTime(j.RegistrationExpiresAt); err != nil {
			return nil, fmt.Errorf("registrationExpiresAt: %w", err)
		}
	}
	return t, nil
}

// jsonErr drops the offending bytes from a JSON error, which may be part
// of a token.
func jsonErr(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("syntax error at byte %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Errorf("field %q is a JSON %s", te.Field, te.Value)
	}
	return errors.New("invalid JSON")
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, errors.New("missing")
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05UTC"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errors.New("not an RFC 3339 time")
}

// Registration is a cached client registration (RegisterClient), stored
// as botocore stores it: clientId, clientSecret, expiresAt, scopes.
// samlgo adds grantTypes, so a registration for the device flow is not
// used for the authorization-code flow (other tools ignore the key).
type Registration struct {
	ClientID     string    `json:"clientId"`
	ClientSecret string    `json:"clientSecret"`
	ExpiresAt    time.Time `json:"-"`
	Scopes       []string  `json:"scopes,omitempty"`
	GrantTypes   []string  `json:"grantTypes,omitempty"`
}

type registrationJSON struct {
	ClientID     string   `json:"clientId"`
	ClientSecret string   `json:"clientSecret"`
	ExpiresAt    string   `json:"expiresAt"`
	Scopes       []string `json:"scopes,omitempty"`
	GrantTypes   []string `json:"grantTypes,omitempty"`
}

// MarshalJSON writes the cache format.
func (r Registration) MarshalJSON() ([]byte, error) {
	return json.Marshal(registrationJSON{r.ClientID, r.ClientSecret, r.ExpiresAt.UTC().Format(cacheTime), r.Scopes, r.GrantTypes})
}

// ParseRegistration reads a cached client registration.
func ParseRegistration(b []byte) (*Registration, error) {
	if len(b) > maxCacheFile {
		return nil, errors.New("larger than 1 MiB")
	}
	var j registrationJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, fmt.Errorf("not a client registration: %w", jsonErr(err))
	}
	if j.ClientID == "" || j.ClientSecret == "" {
		return nil, errors.New("no clientId or clientSecret")
	}
	exp, err := parseTime(j.ExpiresAt)
	if err != nil {
		return nil, fmt.Errorf("expiresAt: %w", err)
	}
	return &Registration{j.ClientID, j.ClientSecret, exp, j.Scopes, j.GrantTypes}, nil
}

// Valid reports whether the registration can be used at now for the grant
// type (empty: any), with the ExpiryWindow.
func (r *Registration) Valid(now time.Time, grantType string) bool {
	if !now.Add(ExpiryWindow).Before(r.ExpiresAt) {
		return false
	}
	if len(r.GrantTypes) == 0 {
		// Written by botocore's device flow, which registers without
		// grant types: good for the device code only.
		return grantType != GrantAuthorizationCode
	}
	return grantType == "" || slices.Contains(r.GrantTypes, grantType)
}

// Cache is the AWS CLI's SSO cache directory, shared with the AWS CLI and
// the SDKs: one file per session for tokens and one per registration.
type Cache struct {
	// Dir is ~/.aws/sso/cache unless a test says otherwise.
	Dir string
	// LockDir holds samlgo's lock files for the cache's files: samlgo's
	// own directory (the user cache directory's samlgo/sso-locks), never
	// the AWS CLI's. Empty means Dir + "-samlgo-locks" (tests).
	LockDir string
}

// DefaultCache is ~/.aws/sso/cache, where the AWS CLI and the SDKs look,
// with its locks under the user cache directory.
func DefaultCache() (*Cache, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return nil, fmt.Errorf("finding ~/.aws/sso/cache: %w", err)
	}
	c := &Cache{Dir: filepath.Join(home, ".aws", "sso", "cache")}
	if dir, err := os.UserCacheDir(); err == nil {
		c.LockDir = filepath.Join(dir, "samlgo", "sso-locks")
	}
	return c, nil
}

// lockPath is the lock file of one of the cache's files, in LockDir.
func (c *Cache) lockPath(p string) string {
	dir := c.LockDir
	if dir == "" {
		dir = c.Dir + "-samlgo-locks"
	}
	return filepath.Join(dir, filepath.Base(p)+".lock")
}

func sha1Hex(s string) string {
	h := sha1.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

// TokenPath is the token's file: the SHA-1 of the session name, or of the
// start URL for a legacy profile without a session (botocore
// _token_cache_key, ssocreds.StandardCachedTokenFilepath).
func (c *Cache) TokenPath(s Session) string {
	key := s.StartURL
	if s.Name != "" {
		key = s.Name
	}
	return filepath.Join(c.Dir, sha1Hex(key)+".json")
}

// RegistrationPath is the client registration's file, keyed as botocore
// keys it (_registration_cache_key): the SHA-1 of the sorted JSON of tool,
// startUrl, region, scopes and session_name, written as Python's
// json.dumps writes it.
func (c *Cache) RegistrationPath(s Session) string {
	var b strings.Builder
	b.WriteString(`{"region": ` + pyJSON(s.Region) + `, "scopes": `)
	if len(s.Scopes) == 0 || s.Name == "" {
		b.WriteString("null")
	} else {
		b.WriteString("[")
		for i, sc := range s.Scopes {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(pyJSON(sc))
		}
		b.WriteString("]")
	}
	b.WriteString(`, "session_name": `)
	if s.Name == "" {
		b.WriteString("null")
	} else {
		b.WriteString(pyJSON(s.Name))
	}
	b.WriteString(`, "startUrl": ` + pyJSON(s.StartURL) + `, "tool": "botocore"}`)
	return filepath.Join(c.Dir, sha1Hex(b.String())+".json")
}

// pyJSON encodes a string as Python's json.dumps does (ensure_ascii).
func pyJSON(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20 || r > 0x7e:
			if r > 0xffff {
				r -= 0x10000
				fmt.Fprintf(&b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// LoadToken returns the session's cached token; (nil, nil) when there is
// none.
func (c *Cache) LoadToken(s Session) (*Token, error) {
	p := c.TokenPath(s)
	b, err := readSmall(p)
	if err != nil || b == nil {
		return nil, err
	}
	t, err := ParseToken(b)
	if err != nil {
		return nil, &CacheError{p, err}
	}
	return t, nil
}

// SaveToken stores the session's token (see write).
func (c *Cache) SaveToken(ctx context.Context, s Session, t *Token) error {
	b, err := json.Marshal(t)
	if err != nil {
		return err
	}
	return c.write(ctx, c.TokenPath(s), b)
}

// RemoveToken drops the session's token (after a 401), under the lock.
func (c *Cache) RemoveToken(ctx context.Context, s Session) error {
	p := c.TokenPath(s)
	unlock, err := c.lock(ctx, p)
	if err != nil {
		return err
	}
	defer unlock()
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing the cached sso token: %w", err)
	}
	return nil
}

// LoadRegistration returns the session's cached client registration; (nil,
// nil) when there is none or it does not parse.
func (c *Cache) LoadRegistration(s Session) (*Registration, error) {
	b, err := readSmall(c.RegistrationPath(s))
	if err != nil || b == nil {
		return nil, err
	}
	r, err := ParseRegistration(b)
	if err != nil {
		return nil, nil // a broken registration is replaced by a new one
	}
	return r, nil
}

// SaveRegistration stores the session's client registration.
func (c *Cache) SaveRegistration(ctx context.Context, s Session, r *Registration) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return c.write(ctx, c.RegistrationPath(s), b)
}

// readSmall reads one of the cache's files: no symlink, no blocking open,
// a regular file of at most maxCacheFile bytes; nil when there is none.
// (The AWS CLI writes them 0600; older ones may be looser, so the mode is
// not judged here.)
func readSmall(p string) ([]byte, error) {
	b, _, err := input.ReadFile(context.Background(), p, 0, maxCacheFile) // a regular file: nothing to wait for
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, &CacheError{p, unwrapPathErr(err)}
	}
	return b, nil
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// lock takes the lock of one of the cache's files (its lock file lives in
// LockDir), waiting while another samlgo holds it; ctx ends the wait.
func (c *Cache) lock(ctx context.Context, p string) (func(), error) {
	if err := mkdirPrivate(c.Dir); err != nil {
		return nil, err
	}
	lp := c.lockPath(p)
	if err := private.MkdirAll(filepath.Dir(lp)); err != nil {
		return nil, fmt.Errorf("creating samlgo's lock directory: %w", err)
	}
	unlock, err := filelock.Lock(ctx, lp, nil)
	if err != nil {
		return nil, fmt.Errorf("locking the sso cache: %w", err)
	}
	return unlock, nil
}

// mkdirPrivate makes the AWS CLI's cache directory 0700. Unlike
// private.MkdirAll it follows a symlink at dir: the directory is the AWS
// CLI's, and people keep ~/.aws/sso/cache behind links.
func mkdirPrivate(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating the sso cache directory: %w", err)
	}
	// The AWS CLI creates ~/.aws/sso/cache 0700 as well; an existing
	// directory samlgo created loosely is tightened.
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("securing the sso cache directory: %w", err)
	}
	return nil
}

// write replaces the file atomically under its lock (private.WriteFile,
// mode 0600), after removing what an interrupted write left.
func (c *Cache) write(ctx context.Context, p string, b []byte) error {
	unlock, err := c.lock(ctx, p)
	if err != nil {
		return err
	}
	defer unlock()
	return c.writeLocked(p, b)
}

// writeLocked is write for a caller that holds p's lock.
func (c *Cache) writeLocked(p string, b []byte) error {
	private.RemoveStaleTemps(p)
	if err := private.WriteFile(p, b, 0o600); err != nil {
		return fmt.Errorf("writing the sso cache: %w", err)
	}
	return nil
}
