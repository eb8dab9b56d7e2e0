package configureprofile

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/child"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/config"
	"github.com/samlgo/samlgo/internal/testenv"
)

func options(t *testing.T, exe string) (*Options, any) {
	t.Helper()
	dir := t.TempDir()
	ios, _, _, _ := iostreams.Test()
	return &Options{IO: ios, Profile: "corp-admin", Account: "corp", Role: "Admin",
		Config: func() (*config.Config, error) {
			return &config.Config{Accounts: map[string]config.Account{"corp": {Region: "eu-west-1"}}}, nil
		},
		Executable:      func() (string, error) { return exe, nil },
		ConfigFile:      filepath.Join(dir, "config"),
		CredentialsFile: filepath.Join(dir, "credentials"),
	}, nil
}

func TestWritesCredentialProcessLine(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "my bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(bin, "samlgo"+child.ExeSuffix)
	if err := os.WriteFile(exe, []byte("samlgo"), 0o755); err != nil {
		t.Fatal(err)
	}
	o, _ := options(t, exe)
	if err := configureProfileRun(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	checkLine(t, o, exe, "credential-process", "--account", "corp", "--role", "Admin")
	if b, _ := os.ReadFile(o.ConfigFile); !strings.HasPrefix(string(b), "[profile corp-admin]\ncredential_process = ") || !strings.HasSuffix(string(b), "\nregion = eu-west-1\n") {
		t.Errorf("config =\n%s", b)
	}
	// With the fast program beside samlgo, the line runs it.
	fast := filepath.Join(bin, "samlgo-credential-process"+child.ExeSuffix)
	if err := os.WriteFile(fast, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	o.Role = "team/Deploy*"
	if err := configureProfileRun(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	checkLine(t, o, fast, "--account", "corp", "--role", "team/Deploy*")
}

// checkLine splits the credential_process line written as the AWS CLI
// splits it on this system and expects program (the same file, under
// another name on Windows when it has a space) and then args.
func checkLine(t *testing.T, o *Options, program string, args ...string) {
	t.Helper()
	line, err := awsfiles.ConfigValue(o.ConfigFile, o.Profile, "credential_process")
	if err != nil {
		t.Fatal(err)
	}
	var words []string
	if runtime.GOOS == "windows" {
		words = windowsSplit(line)
	} else {
		// Unix: POSIX shell words; the program path has a space, so it is
		// single-quoted, as is the role with a '*'.
		want := shellQuote(program) + " " + strings.Join(func() []string {
			q := make([]string, len(args))
			for i, a := range args {
				q[i] = shellQuote(a)
			}
			return q
		}(), " ")
		if !strings.HasPrefix(shellQuote(program), "'") || line != want {
			t.Fatalf("credential_process = %s, want %s", line, want)
		}
		return
	}
	if len(words) != len(args)+1 || !slices.Equal(words[1:], args) {
		t.Fatalf("credential_process = %s, split %q; want %q then %q", line, words, program, args)
	}
	a, errA := os.Stat(words[0])
	b, errB := os.Stat(program)
	if errA != nil || errB != nil || !os.SameFile(a, b) {
		t.Errorf("the line runs %q (%v), want %q", words[0], errA, program)
	}
	if strings.Contains(words[0], " ") && !strings.Contains(o.IO.ErrOut.(interface{ String() string }).String(), "has a space") {
		t.Errorf("a program path with a space and no warning: %s", line)
	}
}

// TestCredentialProcessLineSplitOnWindows: configure-profile wrote the
// path in single quotes, which botocore's Windows splitter keeps as part
// of the word, so the line ran nothing (issue 16). Every line is split
// back here as that splitter splits it: by windowsSplit, and where the
// AWS CLI's Python is installed, by botocore itself.
func TestCredentialProcessLineSplitOnWindows(t *testing.T) {
	cases := [][]string{
		{`C:\Users\alice\AppData\Local\Programs\samlgo\samlgo-credential-process.exe`, "--account", "corp", "--role", "Admin"},
		{`C:\Program Files\samlgo\samlgo.exe`, "credential-process", "--config", `C:\Users\a b\samlgo\config.toml`, "--account", "corp", "--role", "team/Deploy*"},
		{`C:\Users\o'neil\samlgo.exe`, "credential-process", "--account", "it's", "--role", `quote"d`},
		{`C:\dir with trailing\`, "--role", `a\\"b`, "&calc", "%PATH%"},
	}
	lines := make([]string, len(cases))
	for i, words := range cases {
		lines[i] = joinWords("windows", words)
		if got := windowsSplit(lines[i]); !slices.Equal(got, words) {
			t.Errorf("line %s splits into %q, want %q", lines[i], got, words)
		}
	}
	if !strings.HasPrefix(lines[0], `C:\Users`) {
		t.Errorf("a path without spaces was quoted: %s", lines[0])
	}
	if runtime.GOOS == "windows" {
		return // no botocore here
	}
	py := testenv.AWSCLIPython(t)
	in, _ := json.Marshal(lines)
	cmd := exec.Command(py, "-c", `import json, sys
from awscli.botocore.compat import _windows_shell_split
print(json.dumps([_windows_shell_split(l) for l in json.load(sys.stdin)]))`)
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("botocore: %v", err)
	}
	var split [][]string
	if err := json.Unmarshal(out, &split); err != nil {
		t.Fatal(err)
	}
	for i, words := range cases {
		if !slices.Equal(split[i], words) {
			t.Errorf("botocore splits %s into %q, want %q", lines[i], split[i], words)
		}
	}
}

// windowsSplit splits a command line as the Microsoft C runtime does, the
// rules botocore.compat._windows_shell_split follows: blanks separate
// words outside double quotes; 2n backslashes before a quote are n
// backslashes and the quote opens or closes; 2n+1 are n and a literal
// quote; other backslashes are literal.
func windowsSplit(s string) []string {
	var words []string
	var w strings.Builder
	inWord, quoted, slashes := false, false, 0
	for _, r := range s {
		switch {
		case r == '\\':
			slashes++
			inWord = true
			continue
		case r == '"':
			w.WriteString(strings.Repeat(`\`, slashes/2))
			if slashes%2 == 1 {
				w.WriteRune('"')
			} else {
				quoted = !quoted
			}
			inWord = true
		case (r == ' ' || r == '\t') && !quoted:
			w.WriteString(strings.Repeat(`\`, slashes))
			if inWord {
				words = append(words, w.String())
				w.Reset()
			}
			inWord = false
		default:
			w.WriteString(strings.Repeat(`\`, slashes))
			w.WriteRune(r)
			inWord = true
		}
		slashes = 0
	}
	w.WriteString(strings.Repeat(`\`, slashes))
	if inWord {
		words = append(words, w.String())
	}
	return words
}

func TestWarnsAboutShadowingKeys(t *testing.T) {
	o, _ := options(t, "/usr/bin/samlgo")
	if err := os.WriteFile(o.CredentialsFile, []byte("[corp-admin]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := configureProfileRun(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(o.IO.ErrOut.(interface{ String() string }).String(), "warning:") {
		t.Errorf("no warning about the credentials file's keys: %q", o.IO.ErrOut)
	}
}

func TestRefusals(t *testing.T) {
	for name, set := range map[string]func(*Options){
		"profile with a space": func(o *Options) { o.Profile = "my profile" },
		"no role":              func(o *Options) { o.Role = "" },
		"unknown account":      func(o *Options) { o.Account = "nope" },
		"bad region":           func(o *Options) { o.Region = "us east" },
	} {
		t.Run(name, func(t *testing.T) {
			o, _ := options(t, "/usr/bin/samlgo")
			set(o)
			err := configureProfileRun(context.Background(), o)
			if code, _ := cmdutil.Classify(err); code != cmdutil.ExitUsage {
				t.Errorf("err = %v (exit %d)", err, code)
			}
			if _, err := os.Stat(o.ConfigFile); !os.IsNotExist(err) {
				t.Errorf("config written")
			}
		})
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{"plain/path-1.2": "plain/path-1.2", "a b": "'a b'", "it's": `'it'"'"'s'`, "": "''", "*:Admin": "'*:Admin'"} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
