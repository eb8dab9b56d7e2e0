// Package configedit adds an account to samlgo's config file without
// changing a byte of what the file already holds.
package configedit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2"

	"github.com/samlgo/samlgo/config"
	"github.com/samlgo/samlgo/filelock"
	"github.com/samlgo/samlgo/input"
	"github.com/samlgo/samlgo/private"
)

// Account is what a first run asks for; empty keys are left out.
type Account struct {
	URL      string `toml:"url"`
	Username string `toml:"username,omitempty"`
	Profile  string `toml:"profile,omitempty"`
	Region   string `toml:"region,omitempty"`
}

// ErrExists is wrapped by AddAccount's error when the file already has
// an account of that name.
var ErrExists = errors.New("the config already has this account")

// Added says what AddAccount did.
type Added struct {
	// Created is true when there was no config file before.
	Created bool
	// Default is the default_account the file names afterwards ("" for
	// none).
	Default string
}

// AddAccount adds an [accounts.NAME] table to the config file at path:
// appended to the text that is there, with a top-level default_account
// line put first when the file has no account yet. A missing file (and its 0700
// directory) is created 0600; an existing one keeps its mode. The result
// is loaded as samlgo loads a config before it replaces the file (the
// target of a symlink),
// atomically, under path's lock, so an edit that would break the file is
// refused and the file is left as it was.
func AddAccount(ctx context.Context, path, name string, a Account) (Added, error) {
	// A config kept elsewhere (a dotfiles repository) stays a symlink: its
	// target is what changes.
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	// A directory that is there (the home directory, a dotfiles folder, a
	// symlink to one) is the person's: left as it is. A missing one is
	// made private.
	if _, err := os.Stat(filepath.Dir(path)); errors.Is(err, fs.ErrNotExist) {
		if err := private.MkdirAll(filepath.Dir(path)); err != nil {
			return Added{}, fmt.Errorf("creating the config directory: %w", err)
		}
	}
	unlock, err := filelock.Lock(ctx, path+".lock", nil)
	if err != nil {
		return Added{}, err
	}
	defer unlock()
	private.RemoveStaleTemps(path)

	old, fi, err := input.ReadFile(ctx, path, input.FollowSymlink, 1<<20)
	created := errors.Is(err, fs.ErrNotExist)
	if err != nil && !created {
		return Added{}, fmt.Errorf("reading %s: %w", path, err)
	}
	mode := fs.FileMode(0o600)
	if fi != nil {
		mode = fi.Mode().Perm()
	}
	cfg := &config.Config{}
	if !created {
		if cfg, err = config.Parse(path, old); err != nil {
			return Added{}, fmt.Errorf("%w; fix it first, or move it aside", err)
		}
	}
	if _, ok := cfg.Accounts[name]; ok {
		return Added{}, fmt.Errorf("account %q in %s: %w", name, path, ErrExists)
	}
	if !ValidName(name) {
		return Added{}, fmt.Errorf("account name %q: use letters, digits, - and _", name)
	}
	for _, v := range []string{a.URL, a.Username, a.Profile, a.Region} {
		// TOML is UTF-8; a control character has no business in these.
		if !utf8.ValidString(v) || strings.ContainsFunc(v, unicode.IsControl) {
			return Added{}, fmt.Errorf("%q cannot be written to the config: it is not one line of text", v)
		}
	}
	keys, err := toml.Marshal(a)
	if err != nil {
		return Added{}, err
	}
	table := append([]byte("[accounts."+name+"]\n"), keys...)
	var b bytes.Buffer
	// The first account becomes the default; with accounts already there
	// and none the default, a plain login keeps asking for --account.
	def := cfg.DefaultAccount
	if def == "" && len(cfg.Accounts) == 0 {
		def = name
		line, err := toml.Marshal(map[string]string{"default_account": name})
		if err != nil {
			return Added{}, err
		}
		b.Write(line)
		if len(old) > 0 {
			b.WriteString("\n")
		}
	}
	b.Write(old)
	if len(old) > 0 && !bytes.HasSuffix(old, []byte("\n")) {
		b.WriteString("\n")
	}
	if b.Len() > 0 {
		b.WriteString("\n")
	}
	b.Write(table)
	if _, err := config.Parse(path, b.Bytes()); err != nil {
		return Added{}, fmt.Errorf("the edited config would not load (%w); %s is unchanged", err, path)
	}
	if err := private.WriteFile(path, b.Bytes(), mode); err != nil {
		return Added{}, fmt.Errorf("writing %s: %w", path, err)
	}
	return Added{Created: created, Default: def}, nil
}

// ValidName reports whether name can be an account's name: a bare TOML
// key (letters, digits, - and _), as --account is typed.
func ValidName(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}
