// Package creds renders temporary AWS credentials in the forms other
// programs read: shell export lines and credential_process JSON.
package creds

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// Credentials are temporary AWS credentials (STS Credentials, "AWS Security
// Token Service API Reference", data type Credentials).
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
}

// Bounds of the values STS returns. AccessKeyId: "Length Constraints:
// Minimum length of 16. Maximum length of 128. Pattern: [\w]*" (STS API
// Reference, data type Credentials). SecretAccessKey and SessionToken have
// no documented pattern; real ones are base64 text (40 characters for a
// secret, a few hundred to a few thousand for a token), so samlgo accepts
// the base64 alphabet within generous lengths.
const (
	minKeyIDLen    = 16
	maxKeyIDLen    = 128
	minSecretLen   = 16
	maxSecretLen   = 128
	maxTokenLen    = 32 << 10
	base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
)

// ErrMalformed is the kind of every error Validate returns, for errors.Is.
var ErrMalformed = errors.New("malformed credentials")

// Validate checks credentials that came back from STS (or any endpoint)
// before they are written anywhere: an access key id of 16–128 word
// characters, a secret and a session token in the base64 alphabet within
// bounded lengths (so no newline, space, quote or control character can
// reach a file or a shell), and an expiry. The error never contains a
// value; it wraps ErrMalformed.
func (c Credentials) Validate() error {
	bad := func(what string) error {
		return fmt.Errorf("%w: the %s is not what AWS issues; samlgo will not use it (is AWS_ENDPOINT_URL_STS or the profile's endpoint_url pointing at the right service?)", ErrMalformed, what)
	}
	switch {
	case !within(c.AccessKeyID, minKeyIDLen, maxKeyIDLen) || !only(c.AccessKeyID, isWordChar):
		return bad(fmt.Sprintf("access key id (%d characters; want %d–%d letters, digits or '_')", len(c.AccessKeyID), minKeyIDLen, maxKeyIDLen))
	case !within(c.SecretAccessKey, minSecretLen, maxSecretLen) || !only(c.SecretAccessKey, isBase64Char):
		return bad(fmt.Sprintf("secret access key (%d characters; want %d–%d of A–Z a–z 0–9 + / =)", len(c.SecretAccessKey), minSecretLen, maxSecretLen))
	case !within(c.SessionToken, 1, maxTokenLen) || !only(c.SessionToken, isBase64Char):
		return bad(fmt.Sprintf("session token (%d characters; want 1–%d of A–Z a–z 0–9 + / =)", len(c.SessionToken), maxTokenLen))
	case c.Expiration.IsZero():
		return bad("expiry (none given)")
	}
	return nil
}

// How far ahead an expiry may lie. STS issues sessions of at most 36 h
// (GetSessionToken and GetFederationToken for an IAM user; roles stop at
// 12 h), and IAM Identity Center role credentials last at most 12 h (the
// permission set's session duration).
const (
	MaxAhead    = 36 * time.Hour
	MaxAheadSSO = 12 * time.Hour
)

// ErrExpiry is the kind of every error CheckExpiry returns, for errors.Is.
var ErrExpiry = errors.New("unusable expiry")

// CheckExpiry refuses an expiry that has passed at now or lies more than
// maxAhead after it (plus a minute for the endpoint's clock): an endpoint
// that answered 1970 or 9999 would otherwise have its credentials written
// as valid, or pin a cache for ever. The message names the expiry (not a
// secret) and wraps ErrExpiry.
func (c Credentials) CheckExpiry(now time.Time, maxAhead time.Duration) error {
	const skew = time.Minute
	e := c.Expiration.UTC().Format(time.RFC3339)
	switch {
	case c.Expiration.IsZero():
		return fmt.Errorf("%w: no expiry given", ErrExpiry)
	case !c.Expiration.After(now):
		return fmt.Errorf("%w: the credentials expired at %s, before they arrived (is this computer's clock right, and does the endpoint answer for AWS?)", ErrExpiry, e)
	case c.Expiration.After(now.Add(maxAhead + skew)):
		return fmt.Errorf("%w: the credentials claim to last until %s, more than the %s AWS issues (is this computer's clock right, and does the endpoint answer for AWS?)", ErrExpiry, e, strings.TrimSuffix(strings.TrimSuffix(maxAhead.String(), "0s"), "0m"))
	}
	return nil
}

// ValidateAt is Validate and CheckExpiry: what every set of temporary
// credentials from an endpoint must pass before samlgo uses or writes it.
func (c Credentials) ValidateAt(now time.Time, maxAhead time.Duration) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return c.CheckExpiry(now, maxAhead)
}

func within(s string, lo, hi int) bool { return len(s) >= lo && len(s) <= hi }

func only(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

func isWordChar(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z'
}

func isBase64Char(b byte) bool { return strings.IndexByte(base64Alphabet, b) >= 0 }

// String hides the secrets, so a stray %v never prints them.
func (c Credentials) String() string {
	return fmt.Sprintf("{AccessKeyID:%s SecretAccessKey:<hidden> SessionToken:<hidden> Expiration:%s}", c.AccessKeyID, c.Expiration.UTC().Format(time.RFC3339))
}

// GoString hides the secrets from %#v too.
func (c Credentials) GoString() string { return c.String() }

// ProcessOutput is the credential_process document version 1 (AWS SDKs and
// Tools Reference Guide, "Sourcing credentials with an external process").
type ProcessOutput struct {
	Version         int    `json:"Version"`
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	SessionToken    string `json:"SessionToken,omitempty"`
	Expiration      string `json:"Expiration,omitempty"`
}

// JSON returns the credential_process document, with a trailing newline.
func (c Credentials) JSON() []byte {
	out := ProcessOutput{Version: 1, AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}
	if !c.Expiration.IsZero() {
		out.Expiration = c.Expiration.UTC().Format(time.RFC3339)
	}
	b, _ := json.Marshal(out) // strings only: cannot fail
	return append(b, '\n')
}

// Shell is a shell syntax for export lines.
type Shell string

// The shells samlgo writes export lines for.
const (
	Bash       Shell = "bash"
	Zsh        Shell = "zsh"
	Fish       Shell = "fish"
	PowerShell Shell = "powershell"
	// Cmd is cmd.exe: set "K=V" lines, for
	//   for /f "delims=" %i in ('samlgo env') do %i
	Cmd Shell = "cmd"
)

// ParseShell reads a --shell value; empty means the shell named by $SHELL
// (Git Bash and MSYS set it on Windows too), else the system's own:
// PowerShell on Windows, bash elsewhere.
func ParseShell(flag, shellEnv string) (Shell, error) {
	if flag == "" && shellEnv == "" && goos == "windows" {
		return PowerShell, nil
	}
	name := flag
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(shellEnv), ".exe")
	}
	switch strings.ToLower(name) {
	case "bash", "sh", "dash", "ksh", "":
		return Bash, nil
	case "zsh":
		return Zsh, nil
	case "fish":
		return Fish, nil
	case "powershell", "pwsh":
		return PowerShell, nil
	case "cmd":
		return Cmd, nil
	}
	if flag == "" {
		return Bash, nil
	}
	return "", fmt.Errorf("unknown shell %q; use bash, zsh, fish, powershell or cmd", flag)
}

// goos is the system ParseShell defaults for (tests set it).
var goos = runtime.GOOS

// Env returns lines that set the credentials (and region, when known) in
// the shell and unset AWS_SECURITY_TOKEN, whose stale value old SDKs would
// prefer to the new AWS_SESSION_TOKEN.
func (c Credentials) Env(sh Shell, region string) string {
	vars := [][2]string{
		{"AWS_ACCESS_KEY_ID", c.AccessKeyID},
		{"AWS_SECRET_ACCESS_KEY", c.SecretAccessKey},
		{"AWS_SESSION_TOKEN", c.SessionToken},
	}
	if !c.Expiration.IsZero() {
		vars = append(vars, [2]string{"AWS_CREDENTIAL_EXPIRATION", c.Expiration.UTC().Format(time.RFC3339)})
	}
	if region != "" {
		vars = append(vars, [2]string{"AWS_REGION", region}, [2]string{"AWS_DEFAULT_REGION", region})
	}
	var b strings.Builder
	for _, v := range vars {
		b.WriteString(setLine(sh, v[0], v[1]))
	}
	b.WriteString(unsetLine(sh, "AWS_SECURITY_TOKEN"))
	return b.String()
}

// setLine is the line that sets variable k to v in sh.
func setLine(sh Shell, k, v string) string {
	switch sh {
	case Fish:
		return "set -gx " + k + " " + fishQuote(v) + ";\n"
	case PowerShell:
		return "$Env:" + k + " = " + psQuote(v) + "\n"
	case Cmd:
		// Inside set "K=V" cmd.exe takes & | < > ^ as they are; a quote,
		// a percent sign, an exclamation mark or a line break it would
		// act on, so such a value is not set.
		if strings.ContainsAny(v, "\"%!\r\n") {
			return "rem samlgo: " + k + " not set: its value has a character cmd.exe would act on\n"
		}
		return `set "` + k + "=" + v + "\"\n"
	}
	return "export " + k + "=" + shQuote(v) + "\n"
}

// Environ returns the variables Env sets, as KEY=value for exec.
func (c Credentials) Environ(region string) []string {
	env := []string{
		"AWS_ACCESS_KEY_ID=" + c.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + c.SecretAccessKey,
		"AWS_SESSION_TOKEN=" + c.SessionToken,
	}
	if !c.Expiration.IsZero() {
		env = append(env, "AWS_CREDENTIAL_EXPIRATION="+c.Expiration.UTC().Format(time.RFC3339))
	}
	if region != "" {
		env = append(env, "AWS_REGION="+region, "AWS_DEFAULT_REGION="+region)
	}
	return env
}

func shQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// psQuotes are the characters PowerShell ends a single-quoted string at:
// the apostrophe and the typographic single quotes U+2018–U+201B. Doubling
// any of them inside the string stands for one of itself.
var psQuotes = strings.NewReplacer("'", "''", "\u2018", "\u2018\u2018", "\u2019", "\u2019\u2019", "\u201a", "\u201a\u201a", "\u201b", "\u201b\u201b")

func psQuote(s string) string { return "'" + psQuotes.Replace(s) + "'" }
