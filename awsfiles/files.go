package awsfiles

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/filelock"
	"github.com/samlgo/samlgo/input"
	"github.com/samlgo/samlgo/private"
	"github.com/samlgo/samlgo/untrusted"
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
	// Account and Role record what samlgo made the credentials from, so
	// that it can make them again (refresh, renewal in place): the config
	// account it signed in with and the role ARN. Empty when not known;
	// written as KeyAccount and KeyRole.
	Account, Role string
}

// FileError reports an AWS file samlgo will not read or change: it does
// not parse as the AWS CLI parses it, or it is not a regular file (a
// directory, device, FIFO or socket, or a dangling symlink). Callers map
// it to exit code 2: the person must look at the file. Err wraps a
// *SyntaxError, ErrNotRegularFile or ErrDanglingSymlink.
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string {
	var se *SyntaxError
	if errors.As(e.Err, &se) {
		return fmt.Sprintf("%s does not parse as the AWS CLI reads it: %v; fix or move the file and try again", untrusted.Path(e.Path), e.Err)
	}
	return fmt.Sprintf("%s: %v", untrusted.Path(e.Path), e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

// Kinds of FileError about the path rather than the contents.
var (
	ErrNotRegularFile = input.ErrNotRegular // what input.Open refuses, too

	ErrDanglingSymlink = errors.New("a dangling symlink")
)

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
			return "", fmt.Errorf("expanding %s: %w", untrusted.Path(p), err)
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

// Check reports whether an AWS file parses as the AWS CLI parses it and is
// a regular file (or a symlink to one); a missing file is fine.
func Check(path string) error {
	_, _, err := load(path)
	return err
}

// CheckCredentials reports whether WriteCredentials could store the named
// profiles: the file parses and none of them holds a long-term key.
func CheckCredentials(path string, profiles []string) error {
	doc, _, err := load(path)
	if err != nil {
		return err
	}
	return checkProtected(doc, path, profiles)
}

func checkProtected(doc *document, path string, profiles []string) error {
	for _, p := range profiles {
		start, end, ok := doc.section(p)
		if !ok {
			continue
		}
		if id, ok := doc.get(start, end, KeyAccessKeyID); ok && strings.HasPrefix(id, "AKIA") {
			return &ProtectedProfileError{Path: path, Profile: p}
		}
	}
	return nil
}

// load reads and parses the file at path, following a symlink to a
// regular file; a missing file is an empty document.
func load(path string) (*document, fs.FileMode, error) {
	real, exists, err := target(path)
	if err != nil || !exists {
		return &document{eol: "\n"}, 0, err
	}
	b, mode, err := readRegular(path, real)
	if err != nil {
		return nil, 0, err
	}
	doc, err := parseDocument(b)
	if err != nil {
		return nil, 0, &FileError{Path: path, Err: err}
	}
	return doc, mode, nil
}

// target returns the file an edit of path changes: path itself, or the
// final target of a symlink, so that a dotfiles link stays a link. It
// refuses, before anything is created, a path or link target that exists
// and is not a regular file, and a dangling link (writing would replace
// the link with a file). exists is false when nothing is at path.
func target(path string) (real string, exists bool, err error) {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return path, false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("reading %s: %w", untrusted.Path(path), unwrapPath(err))
	}
	real = path
	if fi.Mode()&fs.ModeSymlink != 0 {
		dest, _ := os.Readlink(path)
		if real, err = filepath.EvalSymlinks(path); err != nil {
			return "", false, &FileError{Path: path, Err: fmt.Errorf("%w: it points to %s, which does not exist (or is a loop); samlgo keeps links as links, so create that file or remove the link", ErrDanglingSymlink, untrusted.Path(dest))}
		}
		if fi, err = os.Stat(real); err != nil {
			return "", false, fmt.Errorf("reading %s: %w", untrusted.Path(real), unwrapPath(err))
		}
		if !fi.Mode().IsRegular() {
			return "", false, &FileError{Path: path, Err: fmt.Errorf("%w: it is a symlink to %s, %s; samlgo writes only regular files, so point it at one", ErrNotRegularFile, untrusted.Path(real), describe(fi.Mode()))}
		}
		return real, true, nil
	}
	if !fi.Mode().IsRegular() {
		return "", false, &FileError{Path: path, Err: fmt.Errorf("%w: it is %s; samlgo writes only regular files, so name a file instead", ErrNotRegularFile, describe(fi.Mode()))}
	}
	return real, true, nil
}

// describe names the kind of file a mode is, for messages.
func describe(m fs.FileMode) string { return input.Describe(m) }

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// readRegular reads real as input.Open opens a file samlgo is handed: not
// following a symlink in its last part, not blocking on a FIFO swapped in
// since target looked at it, sharing deletion on Windows so a writer can
// replace it; what it opens must be a regular file. path is the name the
// person gave.
func readRegular(path, real string) ([]byte, fs.FileMode, error) {
	f, fi, err := input.Open(real, 0)
	if errors.Is(err, input.ErrNotRegular) {
		return nil, 0, &FileError{Path: path, Err: unwrapPath(err)}
	}
	if err != nil {
		return nil, 0, fmt.Errorf("reading %s: %w", untrusted.Path(path), unwrapPath(err))
	}
	defer f.Close()
	buf := bytes.NewBuffer(make([]byte, 0, fi.Size()+bytes.MinRead)) // one allocation, not ReadAll's doublings
	if _, err := buf.ReadFrom(f); err != nil {
		return nil, 0, fmt.Errorf("reading %s: %w", untrusted.Path(path), unwrapPath(err))
	}
	return buf.Bytes(), fi.Mode().Perm(), nil
}

// WriteCredentials stores the profiles in the credentials file at path:
// under a lock, keeping every other profile, key and comment byte for byte,
// removing a stale aws_security_token, saving the previous file as
// path+".bak", and replacing the file atomically with mode 0600 (or the
// file's own mode when it is stricter). Credentials that fail
// creds.Credentials.Validate are refused before anything is touched, so no
// endpoint can inject a section into the file.
func WriteCredentials(ctx context.Context, path string, profiles []Profile) error {
	return WriteCredentialsOrigin(ctx, path, profiles, "")
}

// WriteCredentialsOrigin is WriteCredentials that also records in each
// profile how its credentials were made (KeyOrigin); an empty origin
// removes a stale one, so a recorded origin always belongs to the keys
// beside it when samlgo wrote them.
func WriteCredentialsOrigin(ctx context.Context, path string, profiles []Profile, origin Origin) error {
	if !originPattern().MatchString(string(origin)) {
		return fmt.Errorf("origin %q is not a word", origin)
	}
	names := make([]string, len(profiles))
	for i, p := range profiles {
		if err := ValidProfileName(p.Name); err != nil {
			return err
		}
		if err := p.Credentials.Validate(); err != nil {
			return fmt.Errorf("profile %q: %w", p.Name, err)
		}
		for _, v := range []string{p.Account, p.Role} {
			if v != "" && !validConfigValue(v) {
				return fmt.Errorf("profile %q: %q cannot be recorded in the credentials file", p.Name, v)
			}
		}
		names[i] = p.Name
	}
	return edit(ctx, path, true, func(doc *document) error {
		if err := checkProtected(doc, path, names); err != nil {
			return err
		}
		for _, p := range profiles {
			c := p.Credentials
			start, end, ok := doc.section(p.Name)
			set := []keyValue{
				{KeyAccessKeyID, c.AccessKeyID},
				{KeySecretAccessKey, c.SecretAccessKey},
				{KeySessionToken, c.SessionToken},
				{KeyExpires, c.Expiration.UTC().Format(time.RFC3339)},
			}
			remove := []string{KeySecurityToken}
			// What is recorded always belongs to the keys beside it: a key
			// not known this time is removed, not left stale.
			for _, kv := range []keyValue{{KeyOrigin, string(origin)}, {KeyAccount, p.Account}, {KeyRole, p.Role}} {
				if kv.value != "" {
					set = append(set, kv)
				} else {
					remove = append(remove, kv.key)
				}
			}
			doc.update(start, end, ok, p.Name, set, remove, false)
		}
		return nil
	})
}

// regionPattern is what an AWS region name looks like ("us-east-1",
// "us-gov-west-1", "eusc-de-east-1"), loose enough for the names local
// emulators accept: lower-case letters and digits in dash-separated words.
var regionPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`) })

// ValidRegion reports whether name can be a region: what EnsureRegion
// writes, and what samlgo's commands and config readers accept.
func ValidRegion(name string) bool { return regionPattern().MatchString(name) }

// EnsureRegion gives a profile a region in the config file at path when it
// has none, touching nothing else; the file is left alone when nothing
// needs to change. The profile's section is the one botocore reads for
// it: the last of "[default]", "[profile NAME]" or any other spelling
// botocore takes for the same profile.
func EnsureRegion(ctx context.Context, path, profile, region string) error {
	return EnsureRegions(ctx, path, []ProfileRegion{{Profile: profile, Region: region}})
}

// ProfileRegion is a profile and the region EnsureRegions gives it.
type ProfileRegion struct {
	Profile, Region string
}

// EnsureRegions is EnsureRegion for many profiles in one locked write, in
// their order: a login with --all-roles or sso creds --all over hundreds
// of roles took a lock, parsed the file and synced it once a profile.
// Nothing is written when one of them is refused.
func EnsureRegions(ctx context.Context, path string, prs []ProfileRegion) error {
	var todo []ProfileRegion
	for _, pr := range prs {
		if pr.Region == "" {
			continue
		}
		if !ValidRegion(pr.Region) {
			return fmt.Errorf("region %q is not an AWS region name", pr.Region)
		}
		if err := ValidProfileName(pr.Profile); err != nil {
			return err
		}
		todo = append(todo, pr)
	}
	if len(todo) == 0 {
		return nil
	}
	return edit(ctx, path, false, func(doc *document) error {
		for _, pr := range todo {
			start, end, ok := doc.sectionWhere(func(s string) bool {
				p, ok := configProfile(s)
				return ok && p == pr.Profile
			})
			doc.update(start, end, ok, ConfigSection(pr.Profile), []keyValue{{"region", pr.Region}}, nil, true)
		}
		return nil
	})
}

// edit runs change on the file at path under an exclusive lock and writes
// the result atomically when it differs. A symlink is followed to its
// target, which must be a regular file; nothing is created when it is not.
// secret makes the new file 0600, or the old file's mode when that is
// stricter; otherwise an existing file keeps its mode.
func edit(ctx context.Context, path string, secret bool, change func(*document) error) error {
	real, exists, err := target(path)
	if err != nil {
		return err
	}
	lockPath := real + ".lock"
	if fi, err := os.Lstat(lockPath); err == nil && !fi.Mode().IsRegular() {
		return &FileError{Path: lockPath, Err: fmt.Errorf("%w: the lock file is %s; remove it", ErrNotRegularFile, describe(fi.Mode()))}
	}
	dir := filepath.Dir(real)
	if !exists {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("creating %s: %w", untrusted.Path(dir), unwrapPath(err))
		}
	}
	// filelock: a lock file swapped for a symlink is not followed; new
	// lock files are created 0600 and nothing is chmod-ed through a path.
	unlock, err := filelock.Lock(ctx, lockPath, nil)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("locking %s: %w", untrusted.Path(path), err)
	}
	defer unlock()
	private.RemoveStaleTemps(real, real+".bak")

	var old []byte
	var oldMode fs.FileMode
	if _, err := os.Lstat(real); err == nil {
		old, oldMode, err = readRegular(path, real)
		if err != nil {
			return err
		}
		exists = true
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("reading %s: %w", untrusted.Path(path), unwrapPath(err))
	} else {
		exists = false
	}
	doc, err := parseDocument(old)
	if err != nil {
		return &FileError{Path: path, Err: err}
	}
	if err := change(doc); err != nil {
		return err
	}
	updated := doc.bytes()
	mode := fs.FileMode(0o600)
	if exists {
		if string(updated) == string(old) {
			return nil
		}
		mode = oldMode
		if secret {
			mode &= 0o600 // never looser than 0600, never looser than it was
		}
		if err := writeAtomic(real+".bak", old, mode&0o600); err != nil {
			return fmt.Errorf("keeping the previous file as %s: %w", untrusted.Path(real+".bak"), err)
		}
	}
	if err := writeAtomic(real, updated, mode); err != nil {
		return fmt.Errorf("writing %s: %w", untrusted.Path(path), err)
	}
	return nil
}

// writeAtomic is private.WriteFile: a temporary file beside path, synced
// and renamed over it, so readers see the old file or the new one; what a
// kill leaves is removed under the lock by the next edit.
func writeAtomic(path string, b []byte, mode fs.FileMode) error {
	return private.WriteFile(path, b, mode)
}

// ReadCredentials returns the credentials stored in a profile.
func ReadCredentials(path, profile string) (creds.Credentials, error) {
	doc, _, err := load(path)
	if err != nil {
		return creds.Credentials{}, err
	}
	start, end, ok := doc.section(profile)
	if !ok {
		return creds.Credentials{}, fmt.Errorf("profile %q not found in %s", profile, untrusted.Path(path))
	}
	get := func(k string) string { v, _ := doc.get(start, end, k); return v }
	c := creds.Credentials{
		AccessKeyID:     get(KeyAccessKeyID),
		SecretAccessKey: get(KeySecretAccessKey),
		SessionToken:    get(KeySessionToken),
	}
	if v := get(KeyExpires); v != "" {
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			c.Expiration = t
		}
	}
	if c.AccessKeyID == "" || c.SecretAccessKey == "" {
		return creds.Credentials{}, fmt.Errorf("profile %q in %s has no access key", profile, untrusted.Path(path))
	}
	return c, nil
}
