package config

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/internal/testenv"
)

func TestExampleParses(t *testing.T) {
	c, err := Load(filepath.Join("..", "config.toml.example"), true)
	if err != nil {
		t.Fatal(err)
	}
	a, name, err := c.Account("")
	if err != nil || name != "corp" {
		t.Fatalf("default account = %q, %v", name, err)
	}
	if a.SessionDuration() != 8*time.Hour || a.Aliases["123456789012"] != "prod" || a.Region != "eu-west-1" {
		t.Errorf("account = %+v", a)
	}
}

func TestStrictErrors(t *testing.T) {
	cases := []struct {
		name, body string
		line       int
		key        string
	}{
		{"unknown top-level key", "default_account = \"\"\nbrowsr = \"x\"\n", 2, "browsr"},
		{"unknown account key", "[accounts.a]\nurl = \"u\"\n\nrolee = \"Admin\"\n", 4, "accounts.a.rolee"},
		{"wrong type", "[accounts.a]\nregion = 5\n", 2, "accounts.a.region"},
		{"bad duration", "[accounts.a]\nduration = \"forever\"\n", 2, "accounts.a.duration"},
		{"duration as float", "[accounts.a]\nduration = 1.5\n", 2, "accounts.a.duration"},
		{"duration as integer", "[accounts.a]\n\nduration = 3600\n", 3, "accounts.a.duration"},
		{"missing default", "default_account = \"x\"\n", 0, "default_account"},
		{"bad alias", "[accounts.a.aliases]\n\"12\" = \"p\"\n", 2, "accounts.a.aliases.12"},
		{"bad duration, dotted key", "[accounts]\nb.url = \"u\"\nb.duration = \"1x\"\n", 3, "accounts.b.duration"},
		{"not toml", "[accounts\n", 1, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("/etc/samlgo.toml", []byte(c.body))
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v (%T)", err, err)
			}
			if ce.Line != c.line || ce.Key != c.key {
				t.Errorf("line %d key %q, want line %d key %q (%v)", ce.Line, ce.Key, c.line, c.key, err)
			}
			if !strings.Contains(err.Error(), "/etc/samlgo.toml") || strings.Contains(err.Error(), "\n") {
				t.Errorf("message %q must name the file on one line", err)
			}
		})
	}
}

func TestPathAndLoad(t *testing.T) {
	dir := t.TempDir()
	testenv.Home(t, dir)
	t.Setenv("SAMLGO_CONFIG", "")
	p, explicit, err := Path("")
	want := map[string]string{ // the user config directory of each system
		"windows": filepath.Join(dir, "AppData", "Roaming", "samlgo", "config.toml"),
		"darwin":  filepath.Join(dir, "Library", "Application Support", "samlgo", "config.toml"),
	}[runtime.GOOS]
	if want == "" {
		want = filepath.Join(dir, ".config", "samlgo", "config.toml") // $XDG_CONFIG_HOME
	}
	if err != nil || explicit || p != want {
		t.Fatalf("default path = %q %v %v", p, explicit, err)
	}
	c, err := Load(p, explicit)
	if err != nil || c.DefaultAccount != "" {
		t.Fatalf("missing default file = %+v, %v", c, err)
	}
	t.Setenv("SAMLGO_CONFIG", filepath.Join(dir, "nope.toml"))
	p, explicit, _ = Path("")
	if _, err := Load(p, explicit); err == nil {
		t.Fatalf("a missing file named by SAMLGO_CONFIG loaded")
	}
	if p, _, _ := Path("/flag.toml"); p != "/flag.toml" {
		t.Errorf("flag path = %q", p)
	}
	good := filepath.Join(dir, "c.toml")
	os.WriteFile(good, []byte("[accounts.x]\nprofile = \"p\"\n"), 0o600)
	c, err = Load(good, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Account("y"); err == nil || !strings.Contains(err.Error(), "known accounts: x") {
		t.Errorf("unknown account error = %v", err)
	}
}

func TestDurationForms(t *testing.T) {
	for body, want := range map[string]time.Duration{"duration = \"3600\"": time.Hour, "duration = \"90m\"": 90 * time.Minute, "duration = '7200'": 2 * time.Hour} {
		c, err := Parse("c.toml", []byte("[accounts.a]\n"+body+"\n"))
		if err != nil || c.Accounts["a"].SessionDuration() != want {
			t.Errorf("%s: %v, %v", body, c, err)
		}
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{"1h": time.Hour, "3600": time.Hour, " 90m ": 90 * time.Minute, "1h30m": 90 * time.Minute} {
		if got, err := ParseDuration(in); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "0", "-5", "abc", "-1h", "1d"} {
		if _, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) accepted", in)
		}
	}
}

// FuzzParse checks that no config text panics the loader and that every
// refusal is a *config.Error.
func FuzzParse(f *testing.F) {
	b, _ := os.ReadFile(filepath.Join("..", "config.toml.example"))
	f.Add(b)
	f.Add([]byte("[accounts.a]\nduration = \"1h\"\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		_, err := Parse("f.toml", in)
		var ce *Error
		if err != nil && !errors.As(err, &ce) {
			t.Fatalf("error %T: %v", err, err)
		}
	})
}

// TestLoadRefusesFIFO: --config naming a FIFO was opened with a plain
// open, which waits for a writer for ever (issue 14).
func TestLoadRefusesFIFO(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fifo")
	if err := mkfifo(path); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := Load(path, true)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "a FIFO") {
			t.Fatalf("Load(fifo) = %v, want a FIFO refused", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Load(fifo) still waiting after 5 s")
	}
}

// TestPlainErrors: a type error says what the key must hold, not Go's
// struct path, and an unknown key near a known one gets a suggestion
// (issue 15).
func TestPlainErrors(t *testing.T) {
	for doc, want := range map[string]string{
		"[accounts.x]\nheadless = \"yes\"\n":      `key "accounts.x.headless": is a string; it must be true or false`,
		"browser = true\n":                        `key "browser": is a boolean; it must be a string in quotes`,
		"[accounts.x]\naliases = 3\n":             `is an integer; it must be a table ([accounts.x.aliases]`,
		"[accounts.x]\nurll = \"u\"\n":            `unknown key (did you mean "url"?)`,
		"default_acount = \"x\"\n":                `(did you mean "default_account"?)`,
		"[accounts.x.selectors]\npasword = 'x'\n": `(did you mean "password"?)`,
		"[accounts.x]\nzzzzzzzz = 1\n":            `key "accounts.x.zzzzzzzz": unknown key (samlgo config example`,
	} {
		_, err := Parse("c.toml", []byte(doc))
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "config.Account") {
			t.Errorf("%q: %v, want %q", doc, err, want)
		}
	}
	c, _ := Parse("/home/a/.config/samlgo/config.toml", []byte("[accounts.corp]\nurl = \"https://x\"\n"))
	if _, _, err := c.Account("corp2"); err == nil || !strings.Contains(err.Error(), "/home/a/.config/samlgo/config.toml") {
		t.Errorf("unknown account: %v", err)
	}
	if _, _, err := (&Config{Path: "/p/config.toml"}).Account("corp"); err == nil || !strings.Contains(err.Error(), "samlgo init --account corp") || !strings.Contains(err.Error(), "/p/config.toml") {
		t.Errorf("no accounts: %v", err)
	}
}

func TestKerberosHosts(t *testing.T) {
	c, err := Parse("c.toml", []byte("[accounts.corp]\nurl = \"https://adfs.corp.example.com/x\"\nkerberos_hosts = [\"adfs.corp.example.com\", \"*.idp.example.org\"]\n"))
	if err != nil || len(c.Accounts["corp"].KerberosHosts) != 2 {
		t.Fatalf("%+v %v", c, err)
	}
	for _, bad := range []string{`"a,b"`, `"*"`, `"https://adfs.example.com"`, `"adfs example"`, `""`} {
		_, err := Parse("c.toml", []byte("[accounts.corp]\nkerberos_hosts = ["+bad+"]\n"))
		if err == nil || !strings.Contains(err.Error(), "kerberos_hosts") {
			t.Errorf("%s: %v", bad, err)
		}
	}
}
