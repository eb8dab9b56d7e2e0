// Package config loads samlgo's TOML configuration file strictly.
package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/samlgo/samlgo/config/configpath"
	"github.com/samlgo/samlgo/input"
)

// Config is the whole file; config.toml.example documents every key.
type Config struct {
	// DefaultAccount names the account used when --account is not given.
	DefaultAccount string `toml:"default_account"`
	// Browser is the Chrome or Chromium to run (after --browser and
	// SAMLGO_BROWSER).
	Browser string `toml:"browser"`
	// Accounts are the IdP sign-in setups, by name.
	Accounts map[string]Account `toml:"accounts"`
	// Path is the file it was read from (or would be), for messages.
	Path string `toml:"-"`
}

// Account is one IdP sign-in setup and its defaults.
type Account struct {
	// URL is the IdP-initiated sign-on URL for AWS.
	URL string `toml:"url"`
	// Profile is the profile written by default.
	Profile string `toml:"profile"`
	// ProfileTemplate names profiles for --all-roles.
	ProfileTemplate string `toml:"profile_template"`
	// Role is the default role selector.
	Role string `toml:"role"`
	// Principal is the SAML provider ARN, needed with an encrypted assertion.
	Principal string `toml:"principal"`
	// Duration is the session length ("8h" or "28800"); see SessionDuration.
	Duration string `toml:"duration"`
	// Region is the STS region and the region written to ~/.aws/config.
	Region string `toml:"region"`
	// Aliases maps account ids to names shown and matched in role selectors.
	Aliases map[string]string `toml:"aliases"`
	// Headless runs Chrome without a window; unset means "when there is no
	// display".
	Headless *bool `toml:"headless"`
	// Username is typed into the IdP's login form.
	Username string `toml:"username"`
	// StaySignedIn is the autofill's answer to "Stay signed in?"; unset
	// means yes.
	StaySignedIn *bool `toml:"stay_signed_in"`
	// KeepSessionCookies keeps the IdP's session cookies (no expiry)
	// between Chrome runs in the account's profile; unset means yes.
	KeepSessionCookies *bool `toml:"keep_session_cookies"`
	// KerberosHosts are the hosts Chrome may sign in to with Kerberos
	// (Negotiate/SPNEGO, Windows Integrated Authentication): Chrome's
	// --auth-server-allowlist, delegation off.
	KerberosHosts []string `toml:"kerberos_hosts"`
	// Browser overrides the top-level browser for this account.
	Browser string `toml:"browser"`
	// Selectors override the autofill's guesses with CSS selectors.
	Selectors Selectors `toml:"selectors"`
}

// Selectors are CSS selectors of an IdP's login fields.
type Selectors struct {
	Username string `toml:"username"`
	Password string `toml:"password"`
	OTP      string `toml:"otp"`
	Submit   string `toml:"submit"`
}

// ParseDuration reads "1h", "90m", "1h30m" or a whole number of seconds.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil {
		if n <= 0 {
			return 0, fmt.Errorf("duration %q must be positive", s)
		}
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("duration %q is neither like \"1h\" nor a number of seconds", s)
	}
	return d, nil
}

// Error reports a config file that samlgo will not use; the message names
// the file, line and key.
type Error struct {
	Path string
	Line int
	Key  string
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("config ")
	b.WriteString(e.Path)
	if e.Line > 0 {
		fmt.Fprintf(&b, " line %d", e.Line)
	}
	if e.Key != "" {
		fmt.Fprintf(&b, ": key %q", e.Key)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// Path returns the config file to read (configpath.Find): flag, else
// SAMLGO_CONFIG, else the user config directory's samlgo/config.toml.
// explicit is true when the person named the file, which must then exist.
func Path(flag string) (path string, explicit bool, err error) {
	return configpath.Find(flag)
}

// maxFile bounds a config file; a real one is a few kilobytes.
const maxFile = 1 << 20

// Load reads the config file at path. A missing file that was not named
// explicitly is an empty config. A FIFO, a device or a directory is
// refused at once, never waited on.
func Load(path string, explicit bool) (*Config, error) {
	b, _, err := input.ReadFile(context.Background(), path, input.FollowSymlink, maxFile) // a regular file: no wait to cancel
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		return &Config{Path: path}, nil
	}
	if err != nil {
		return nil, &Error{Path: path, Msg: fmt.Sprintf("cannot be read: %v", unwrapPath(err))}
	}
	return Parse(path, b)
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Parse decodes config file contents; path is only used in errors.
func Parse(path string, b []byte) (*Config, error) {
	var c Config
	dec := toml.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, decodeError(path, err)
	}
	if err := c.validate(path, b); err != nil {
		return nil, err
	}
	c.Path = path
	return &c, nil
}

func decodeError(path string, err error) error {
	var sme *toml.StrictMissingError
	if errors.As(err, &sme) && len(sme.Errors) > 0 {
		e := sme.Errors[0]
		row, _ := e.Position()
		return &Error{Path: path, Line: row, Key: strings.Join(e.Key(), "."), Msg: "unknown key" + suggest(e.Key()) + " (samlgo config example shows every key)"}
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		row, _ := de.Position()
		return &Error{Path: path, Line: row, Key: strings.Join(de.Key(), "."), Msg: typeMessage(de.Key(), de.Error())}
	}
	return &Error{Path: path, Msg: err.Error()}
}

func (c *Config) validate(path string, b []byte) error {
	if c.DefaultAccount != "" {
		if _, ok := c.Accounts[c.DefaultAccount]; !ok {
			return &Error{Path: path, Key: "default_account", Msg: fmt.Sprintf("names account %q, which has no [accounts.%s] table", c.DefaultAccount, c.DefaultAccount)}
		}
	}
	for name, a := range c.Accounts {
		for id := range a.Aliases {
			if len(id) != 12 || strings.Trim(id, "0123456789") != "" {
				return &Error{Path: path, Line: keyLine(b, "accounts", name, "aliases", id), Key: "accounts." + name + ".aliases." + id, Msg: "alias keys are 12-digit account ids"}
			}
		}
		for i, h := range a.KerberosHosts {
			if !kerberosHost().MatchString(h) {
				return &Error{Path: path, Line: keyLine(b, "accounts", name, "kerberos_hosts"), Key: "accounts." + name + ".kerberos_hosts", Msg: fmt.Sprintf("entry %d, %q, is not a host name or a pattern like \"*.corp.example.com\"", i+1, h)}
			}
		}
		if a.Duration != "" {
			if _, err := ParseDuration(a.Duration); err != nil {
				return &Error{Path: path, Line: keyLine(b, "accounts", name, "duration"), Key: "accounts." + name + ".duration", Msg: err.Error()}
			}
		}
	}
	return nil
}

// SessionDuration is the account's duration key, zero when it is not set.
// Parse has checked it.
func (a Account) SessionDuration() time.Duration {
	d, _ := ParseDuration(a.Duration)
	return d
}

// keyLine finds the line of a key in a TOML document that go-toml has
// already accepted, for errors found after decoding; 0 when not found.
func keyLine(doc []byte, want ...string) int {
	var p unstable.Parser
	p.Reset(doc)
	var table []string
	for p.NextExpression() {
		e := p.Expression()
		if e.Kind != unstable.Table && e.Kind != unstable.ArrayTable && e.Kind != unstable.KeyValue {
			continue
		}
		var key []string
		line := 0
		for it := e.Key(); it.Next(); {
			n := it.Node()
			if line == 0 {
				line = p.Shape(n.Raw).Start.Line
			}
			key = append(key, string(n.Data))
		}
		if e.Kind != unstable.KeyValue {
			table = key
			continue
		}
		full := append(append([]string(nil), table...), key...)
		if slices.Equal(full, want) {
			return line
		}
	}
	return 0
}

// Account returns the named account and its name, or the default account
// when name is empty. With neither, it returns an empty Account and no error;
// a name that is not configured is an error listing the known ones.
func (c *Config) Account(name string) (Account, string, error) {
	if name == "" {
		name = c.DefaultAccount
	}
	if name == "" {
		return Account{}, "", nil
	}
	a, ok := c.Accounts[name]
	if !ok {
		known := make([]string, 0, len(c.Accounts))
		for k := range c.Accounts {
			known = append(known, k)
		}
		sort.Strings(known)
		if len(known) == 0 {
			return Account{}, "", fmt.Errorf("account %q is not configured in %s; run samlgo init --account %s, or add an [accounts.%s] table", name, c.where(), name, name)
		}
		return Account{}, "", fmt.Errorf("account %q is not configured in %s; known accounts: %s", name, c.where(), strings.Join(known, ", "))
	}
	return a, name, nil
}

// where names the config file for a message.
func (c *Config) where() string {
	if c.Path == "" {
		return "the config file"
	}
	return c.Path
}

// kerberosHost is a host name, or a pattern with a leading "*." as
// Chrome's --auth-server-allowlist takes it; no commas (its separator).
var kerberosHost = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$`)
})
