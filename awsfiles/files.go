package awsfiles

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"
	"github.com/samlgo/samlgo/creds"
	"gopkg.in/ini.v1"
)

// Keys samlgo owns in a credentials profile. x_security_token_expires is
// the expiry key saml2aws and aws-vault users already know.
const (
	KeyAccessKeyID     = "aws_access_key_id"
	KeySecretAccessKey = "aws_secret_access_key"
	KeySessionToken    = "aws_session_token"
	KeyExpires         = "x_security_token_expires"
	// KeySecurityToken is the pre-2014 name of the session token; a stale one
	// would shadow the new token in old SDKs, so samlgo removes it.
	KeySecurityToken = "aws_security_token"
)

// Profile names one profile and the credentials to store in it.
type Profile struct {
	Name        string
	Credentials creds.Credentials
}

// FileError reports an AWS file samlgo will not change because it cannot
// read it safely (exit code 2: the person must look at the file).
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string {
	return fmt.Sprintf("%s does not parse: %v; fix or move the file and try again", e.Path, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

// ProtectedProfileError reports a profile holding long-term IAM user keys
// (AKIA…) that a temporary login would overwrite.
type ProtectedProfileError struct {
	Path, Profile string
}

func (e *ProtectedProfileError) Error() string {
	return fmt.Sprintf("profile %q in %s holds a long-term access key (AKIA…); samlgo will not overwrite it", e.Profile, e.Path)
}

// CredentialsPath returns the shared credentials file: flag, else
// AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials.
func CredentialsPath(flag string) (string, error) {
	return resolve(flag, "AWS_SHARED_CREDENTIALS_FILE", "credentials")
}

// ConfigPath returns the shared config file: flag, else AWS_CONFIG_FILE,
// else ~/.aws/config.
func ConfigPath(flag string) (string, error) {
	return resolve(flag, "AWS_CONFIG_FILE", "config")
}

func resolve(flag, env, name string) (string, error) {
	p := flag
	if p == "" {
		p = os.Getenv(env)
	}
	if p == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("finding ~/.aws/%s: %w; set %s", name, err, env)
		}
		return filepath.Join(home, ".aws", name), nil
	}
	if strings.HasPrefix(p, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("expanding %q: %w", p, err)
		}
		p = filepath.Join(home, p[2:])
	}
	return p, nil
}

// ConfigSection is the config-file section of a profile: "default" or
// "profile NAME".
func ConfigSection(profile string) string {
	if profile == "default" {
		return "default"
	}
	return "profile " + profile
}

// Check reports whether an AWS file parses; a missing file is fine.
func Check(path string) error {
	_, err := load(path)
	return err
}

// CheckCredentials reports whether WriteCredentials could store the named
// profiles: the file parses and none of them holds a long-term key.
func CheckCredentials(path string, profiles []string) error {
	doc, err := load(path)
	if err != nil {
		return err
	}
	return checkProtected(doc, path, profiles)
}

func checkProtected(doc *document, path string, profiles []string) error {
	for _, p := range profiles {
		if id, ok := doc.get(p, KeyAccessKeyID); ok && strings.HasPrefix(id, "AKIA") {
			return &ProtectedProfileError{Path: path, Profile: p}
		}
	}
	return nil
}

// load reads and parses a file; a missing file is an empty document.
func load(path string) (*document, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &document{eol: "\n"}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return parseFile(path, b)
}

// parseFile parses the contents of the file at path, which must satisfy
// both samlgo's line reader and ini.v1 (botocore's reading of the format).
func parseFile(path string, b []byte) (*document, error) {
	doc, err := parseDocument(b)
	if err != nil {
		return nil, &FileError{Path: path, Err: err}
	}
	if _, err := ini.LoadSources(iniOptions, b); err != nil {
		return nil, &FileError{Path: path, Err: err}
	}
	return doc, nil
}

// iniOptions read the files as botocore does: ':' and '=' delimit keys,
// indented lines continue a value, '#' inside a value is part of it.
var iniOptions = ini.LoadOptions{
	AllowPythonMultilineValues: true,
	IgnoreInlineComment:        true,
	KeyValueDelimiters:         "=:",
	SpaceBeforeInlineComment:   true,
}

// WriteCredentials stores the profiles in the credentials file at path:
// under a lock, keeping every other profile, key and comment byte for byte,
// removing a stale aws_security_token, saving the previous file as
// path+".bak", and replacing the file atomically with mode 0600.
func WriteCredentials(ctx context.Context, path string, profiles []Profile) error {
	names := make([]string, len(profiles))
	for i, p := range profiles {
		names[i] = p.Name
	}
	return edit(ctx, path, 0o600, true, func(doc *document) error {
		if err := checkProtected(doc, path, names); err != nil {
			return err
		}
		for _, p := range profiles {
			c := p.Credentials
			doc.update(p.Name, []keyValue{
				{KeyAccessKeyID, c.AccessKeyID},
				{KeySecretAccessKey, c.SecretAccessKey},
				{KeySessionToken, c.SessionToken},
				{KeyExpires, c.Expiration.UTC().Format(time.RFC3339)},
			}, []string{KeySecurityToken}, false)
		}
		return nil
	})
}

// EnsureRegion gives a profile a region in the config file at path when it
// has none, touching nothing else; the file is left alone when nothing
// needs to change.
func EnsureRegion(ctx context.Context, path, profile, region string) error {
	if region == "" {
		return nil
	}
	return edit(ctx, path, 0o600, false, func(doc *document) error {
		doc.update(ConfigSection(profile), []keyValue{{"region", region}}, nil, true)
		return nil
	})
}

// lockWait is how often a waiting writer retries the lock.
const lockWait = 20 * time.Millisecond

// edit runs change on the file at path under an exclusive lock and writes
// the result atomically when it differs. secret forces mode 0600 on the new
// file; otherwise an existing file keeps its mode.
func edit(ctx context.Context, path string, newMode fs.FileMode, secret bool, change func(*document) error) error {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real // a dotfiles symlink stays a symlink
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	lock := flock.New(path + ".lock")
	ok, err := lock.TryLockContext(ctx, lockWait)
	if err != nil || !ok {
		return fmt.Errorf("locking %s: %w", path, errors.Join(err, ctx.Err()))
	}
	defer lock.Unlock()
	_ = os.Chmod(path+".lock", 0o600)

	old, err := os.ReadFile(path)
	existed := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	doc, err := parseFile(path, old)
	if err != nil {
		return err
	}
	if err := change(doc); err != nil {
		return err
	}
	updated := doc.bytes()
	mode := newMode
	if existed {
		if string(updated) == string(old) {
			return nil
		}
		if st, err := os.Stat(path); err == nil && !secret {
			mode = st.Mode().Perm()
		}
		if err := writeAtomic(path+".bak", old, 0o600); err != nil {
			return fmt.Errorf("keeping the previous file as %s.bak: %w", path, err)
		}
	}
	if err := writeAtomic(path, updated, mode); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// writeAtomic writes b to a temporary file beside path, syncs it and
// renames it over path, so readers see the old file or the new one.
func writeAtomic(path string, b []byte, mode fs.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after the rename
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
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// ReadCredentials returns the credentials stored in a profile.
func ReadCredentials(path, profile string) (creds.Credentials, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return creds.Credentials{}, fmt.Errorf("reading %s: %w", path, err)
	}
	f, err := ini.LoadSources(iniOptions, b)
	if err != nil {
		return creds.Credentials{}, &FileError{Path: path, Err: err}
	}
	s, err := f.GetSection(profile)
	if err != nil {
		return creds.Credentials{}, fmt.Errorf("profile %q not found in %s", profile, path)
	}
	c := creds.Credentials{
		AccessKeyID:     s.Key(KeyAccessKeyID).String(),
		SecretAccessKey: s.Key(KeySecretAccessKey).String(),
		SessionToken:    s.Key(KeySessionToken).String(),
	}
	if v := s.Key(KeyExpires).String(); v != "" {
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			c.Expiration = t
		}
	}
	if c.AccessKeyID == "" || c.SecretAccessKey == "" {
		return creds.Credentials{}, fmt.Errorf("profile %q in %s has no access key", profile, path)
	}
	return c, nil
}
