package creds

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/internal/testenv"
)

var sample = Credentials{
	AccessKeyID:     "ASIAEXAMPLE",
	SecretAccessKey: `se'cr"et/\+$HOME`,
	SessionToken:    "tok'en+/== $(echo pwned) `x`",
	Expiration:      time.Date(2026, 11, 22, 4, 0, 0, 0, time.FixedZone("X", 7200)),
}

func TestJSON(t *testing.T) {
	var got map[string]any
	if err := json.Unmarshal(sample.JSON(), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"Version": 1.0, "AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": sample.SecretAccessKey,
		"SessionToken": sample.SessionToken, "Expiration": "2026-11-22T02:00:00Z"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("JSON = %v, want %v", got, want)
	}
}

func TestStringHidesSecrets(t *testing.T) {
	for _, s := range []string{fmt.Sprint(sample), fmt.Sprintf("%+v", sample), fmt.Sprintf("%#v", sample)} {
		if strings.Contains(s, "se'cr") || strings.Contains(s, "tok'en") {
			t.Errorf("secret printed: %s", s)
		}
	}
}

// TestEnvInRealShells evaluates the export lines in each shell and reads
// the variables back, so quoting mistakes show up as wrong values.
func TestEnvInRealShells(t *testing.T) {
	shells := []struct {
		sh   Shell
		bin  string
		args func(script string) []string
	}{
		{Bash, "bash", func(s string) []string {
			return []string{"-c", s + `printf '%s\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN" "$AWS_CREDENTIAL_EXPIRATION" "$AWS_REGION" "${AWS_SECURITY_TOKEN-unset}"`}
		}},
		{Zsh, "zsh", func(s string) []string {
			return []string{"-c", s + `printf '%s\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN" "$AWS_CREDENTIAL_EXPIRATION" "$AWS_REGION" "${AWS_SECURITY_TOKEN-unset}"`}
		}},
		{Fish, "fish", func(s string) []string {
			return []string{"-c", s + `printf '%s\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN" "$AWS_CREDENTIAL_EXPIRATION" "$AWS_REGION"; set -q AWS_SECURITY_TOKEN; or echo unset`}
		}},
	}
	for _, c := range shells {
		t.Run(string(c.sh), func(t *testing.T) {
			bin := testenv.Need(t, c.bin, ".ci/run installs Debian's "+c.bin)
			cmd := exec.Command(bin, c.args(sample.Env(c.sh, "eu-west-1"))...)
			cmd.Env = append(os.Environ(), "AWS_SECURITY_TOKEN=stale")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", c.bin, err, out)
			}
			want := strings.Join([]string{sample.AccessKeyID, sample.SecretAccessKey, sample.SessionToken, "2026-11-22T02:00:00Z", "eu-west-1", "unset"}, "\n") + "\n"
			if string(out) != want {
				t.Errorf("%s read back\n%q\nwant\n%q", c.bin, out, want)
			}
		})
	}
}

func TestPowerShellLines(t *testing.T) {
	got := sample.Env(PowerShell, "")
	if !strings.Contains(got, `$Env:AWS_SECRET_ACCESS_KEY = 'se''cr"et/\+$HOME'`) ||
		!strings.Contains(got, "Remove-Item Env:AWS_SECURITY_TOKEN") || strings.Contains(got, "AWS_REGION") {
		t.Errorf("powershell lines:\n%s", got)
	}
}

func TestParseShell(t *testing.T) {
	defer func(g string) { goos = g }(goos)
	goos = "linux" // Windows' default: TestEnvWithoutShellOnWindows
	cases := []struct {
		flag, env string
		want      Shell
		err       bool
	}{
		{"", "/usr/bin/fish", Fish, false},
		{"", "/bin/zsh", Zsh, false},
		{"", "", Bash, false},
		{"", "/usr/bin/nushell", Bash, false},
		{"pwsh", "/bin/zsh", PowerShell, false},
		{"tcsh", "", "", true},
	}
	for _, c := range cases {
		got, err := ParseShell(c.flag, c.env)
		if got != c.want || (err != nil) != c.err {
			t.Errorf("ParseShell(%q, %q) = %q, %v", c.flag, c.env, got, err)
		}
	}
}

// psUnquote reads a PowerShell single-quoted string literal the way its
// tokenizer does: any of ' U+2018 U+2019 U+201A U+201B ends it, unless the
// next character is also one of them, which then stands for itself. It
// returns the value and what follows the literal.
func psUnquote(t *testing.T, s string) (value, rest string) {
	t.Helper()
	isQuote := func(r rune) bool { return strings.ContainsRune("'\u2018\u2019\u201a\u201b", r) }
	rs := []rune(s)
	if len(rs) == 0 || !isQuote(rs[0]) {
		t.Fatalf("%q does not start with a single quote", s)
	}
	var b strings.Builder
	for i := 1; i < len(rs); i++ {
		if isQuote(rs[i]) {
			if i+1 < len(rs) && isQuote(rs[i+1]) {
				i++
				b.WriteRune(rs[i])
				continue
			}
			return b.String(), string(rs[i+1:])
		}
		b.WriteRune(rs[i])
	}
	t.Fatalf("%q is not closed", s)
	return "", ""
}

// TestPowerShellTypographicQuotes: only ' was doubled, but PowerShell also
// ends a single-quoted string at U+2018–U+201B, so a value holding one of
// them broke out of the string. (pwsh is not installed here; psUnquote
// follows PowerShell's tokenizer.)
func TestPowerShellTypographicQuotes(t *testing.T) {
	for _, v := range []string{
		"plain", "it's", "\u2018; Remove-Item -Recurse ~ ;\u2018", "a\u2019b\u201ac\u201bd", "''\u2018\u2019", "\u201b",
	} {
		lit := psQuote(v)
		got, rest := psUnquote(t, lit)
		if got != v || rest != "" {
			t.Errorf("psQuote(%q) = %s, which PowerShell reads as %q followed by %q", v, lit, got, rest)
		}
	}
	c := sample
	c.SessionToken = "x\u2019; calc; \u2019"
	line := strings.Split(c.Env(PowerShell, ""), "\n")[2]
	if v, rest := psUnquote(t, strings.TrimPrefix(line, "$Env:AWS_SESSION_TOKEN = ")); v != c.SessionToken || rest != "" {
		t.Errorf("token line %q reads as %q then %q", line, v, rest)
	}
}

// TestValidate: values from STS (or any endpoint) were written unchecked;
// a SessionToken holding "\n[default]\n…" injected a section. Validate
// accepts what AWS issues and refuses the rest without quoting it.
func TestValidate(t *testing.T) {
	good := Credentials{
		AccessKeyID:     "ASIAZ2EXAMPLE7KEYID4",
		SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		SessionToken:    "IQoJb3JpZ2luX2VjEXAMPLE+/abc==",
		Expiration:      time.Date(2026, 11, 22, 4, 0, 0, 0, time.UTC),
	}
	if err := good.Validate(); err != nil {
		t.Fatalf("AWS-shaped credentials refused: %v", err)
	}
	bad := map[string]func(c *Credentials){
		"token with a section":   func(c *Credentials) { c.SessionToken = "tok\n[default]\naws_access_key_id = EVIL" },
		"token with a space":     func(c *Credentials) { c.SessionToken = "tok EVIL" },
		"token with a quote":     func(c *Credentials) { c.SessionToken = "tok'EVIL" },
		"empty token":            func(c *Credentials) { c.SessionToken = "" },
		"huge token":             func(c *Credentials) { c.SessionToken = strings.Repeat("A", maxTokenLen+1) },
		"key id too short":       func(c *Credentials) { c.AccessKeyID = "ASIA" },
		"key id too long":        func(c *Credentials) { c.AccessKeyID = strings.Repeat("A", 129) },
		"key id with a dash":     func(c *Credentials) { c.AccessKeyID = "ASIA-EVIL-EXAMPLE-KEY" },
		"secret with a newline":  func(c *Credentials) { c.SecretAccessKey = "wJalrXUtnFEMI/K7MDENG\nEVIL" },
		"secret with a control":  func(c *Credentials) { c.SecretAccessKey = "wJalrXUtnFEMI/K7MDENG\x00EVIL" },
		"secret too short":       func(c *Credentials) { c.SecretAccessKey = "short" },
		"secret non-ASCII":       func(c *Credentials) { c.SecretAccessKey = "wJalrXUtnFEMI/K7MDENG\u2019EVIL" },
		"no expiry":              func(c *Credentials) { c.Expiration = time.Time{} },
		"token with a CR":        func(c *Credentials) { c.SessionToken = "tok\rEVIL" },
		"token with a semicolon": func(c *Credentials) { c.SessionToken = "tok;EVIL" },
		"token with a dollar":    func(c *Credentials) { c.SessionToken = "tok$(EVIL)" },
	}
	for name, mutate := range bad {
		t.Run(name, func(t *testing.T) {
			c := good
			mutate(&c)
			err := c.Validate()
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("Validate = %v, want ErrMalformed", err)
			}
			if strings.Contains(err.Error(), "EVIL") || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q quotes the value or spans lines", err)
			}
		})
	}
}

// TestCheckExpiryRefusesHostileExpirations: expiries of 2020, 1970 and 9999
// from an endpoint were written with exit 0 ("expires … in -60729h59m"),
// and 9999 pinned the credential-process cache for ever (issue 14).
func TestCheckExpiryRefusesHostileExpirations(t *testing.T) {
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		exp      time.Time
		maxAhead time.Duration
		ok       bool
		says     string
	}{
		{now.Add(time.Hour), MaxAhead, true, ""},
		{now.Add(36 * time.Hour), MaxAhead, true, ""},
		{now.Add(12 * time.Hour), MaxAheadSSO, true, ""},
		{now.Add(13 * time.Hour), MaxAheadSSO, false, "more than the 12h"},
		{now.Add(37 * time.Hour), MaxAhead, false, "more than the 36h"},
		{time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), MaxAhead, false, "expired at 2020-01-01T00:00:00Z"},
		{time.Unix(0, 0), MaxAhead, false, "expired at 1970-01-01T00:00:00Z"},
		{time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), MaxAhead, false, "until 9999-12-31T00:00:00Z"},
		{now, MaxAhead, false, "expired"},
	} {
		c := Credentials{AccessKeyID: "ASIAEXAMPLE000000001", SecretAccessKey: "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY", SessionToken: "token", Expiration: tc.exp}
		err := c.ValidateAt(now, tc.maxAhead)
		if tc.ok {
			if err != nil {
				t.Errorf("%s: %v", tc.exp, err)
			}
			continue
		}
		if !errors.Is(err, ErrExpiry) || !strings.Contains(err.Error(), tc.says) || strings.ContainsAny(err.Error(), "\r\n") {
			t.Errorf("%s: error %v, want ErrExpiry saying %q on one line", tc.exp, err, tc.says)
		}
	}
}

// TestEnvWithoutShellOnWindows: without $SHELL, env printed bash export
// lines on Windows, where PowerShell and cmd.exe are the shells (issue 16).
// $SHELL still wins there (Git Bash, MSYS); --shell cmd gives cmd.exe's.
func TestEnvWithoutShellOnWindows(t *testing.T) {
	defer func(g string) { goos = g }(goos)
	goos = "windows"
	for _, c := range []struct {
		flag, env string
		want      Shell
	}{{"", "", PowerShell}, {"", `C:\Program Files\Git\usr\bin\bash.exe`, Bash}, {"cmd", "", Cmd}, {"CMD", "/bin/zsh", Cmd}} {
		if got, err := ParseShell(c.flag, c.env); got != c.want || err != nil {
			t.Errorf("on Windows ParseShell(%q, %q) = %q, %v; want %q", c.flag, c.env, got, err, c.want)
		}
	}
	goos = "linux"
	if got, _ := ParseShell("", ""); got != Bash {
		t.Errorf("on Linux without $SHELL: %q, want bash", got)
	}
}

// TestCmdLines: cmd.exe's lines set the variables, refuse a value cmd.exe
// would act on, and, on Windows, are run by cmd.exe itself.
func TestCmdLines(t *testing.T) {
	plain := Credentials{AccessKeyID: "ASIAEXAMPLE0000000001", SecretAccessKey: "wJalr/XUtn+FEMI=K7&MDENG^x", SessionToken: "IQoJb3JpZ2luX2Vj/+==", Expiration: time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC)}
	lines := plain.Env(Cmd, "eu-west-1")
	for _, want := range []string{`set "AWS_ACCESS_KEY_ID=ASIAEXAMPLE0000000001"`, `set "AWS_SECRET_ACCESS_KEY=wJalr/XUtn+FEMI=K7&MDENG^x"`, `set "AWS_REGION=eu-west-1"`, `set "AWS_SECURITY_TOKEN="`} {
		if !strings.Contains(lines, want+"\n") {
			t.Errorf("cmd lines lack %s:\n%s", want, lines)
		}
	}
	hostile := plain
	hostile.SessionToken = `x" & calc & "`
	if got := hostile.Env(Cmd, ""); strings.Contains(got, "calc") || !strings.Contains(got, "rem samlgo: AWS_SESSION_TOKEN not set") {
		t.Errorf("a value with a quote:\n%s", got)
	}
	if runtime.GOOS != "windows" {
		return
	}
	bat := filepath.Join(t.TempDir(), "env.bat")
	script := "@echo off\r\nset AWS_SECURITY_TOKEN=stale\r\n" + strings.ReplaceAll(lines, "\n", "\r\n") +
		"echo %AWS_ACCESS_KEY_ID%\r\necho \"%AWS_SECRET_ACCESS_KEY%\"\r\necho %AWS_REGION%\r\nif defined AWS_SECURITY_TOKEN (echo set) else (echo unset)\r\n"
	if err := os.WriteFile(bat, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("cmd.exe", "/c", bat).CombinedOutput()
	want := "ASIAEXAMPLE0000000001\r\n\"wJalr/XUtn+FEMI=K7&MDENG^x\"\r\neu-west-1\r\nunset\r\n"
	if err != nil || string(out) != want {
		t.Errorf("cmd.exe read back %q, %v; want %q", out, err, want)
	}
}
