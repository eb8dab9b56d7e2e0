package configedit

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samlgo/samlgo/config"
	"github.com/samlgo/samlgo/internal/testenv"
)

// TestAddAccountLeavesExistingDirectory: a config in a directory that is
// there (the home directory, a dotfiles folder) leaves its mode alone; it
// was made 0700.
func TestAddAccountLeavesExistingDirectory(t *testing.T) {
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	if _, err := AddAccount(context.Background(), filepath.Join(dir, "samlgo.toml"), "corp", Account{URL: "https://x"}); err != nil {
		t.Fatal(err)
	}
	testenv.Mode(t, dir, 0o755)
	// A symlinked config directory with no file yet.
	real := filepath.Join(dir, "real")
	os.Mkdir(real, 0o755)
	link := filepath.Join(dir, "link")
	testenv.Symlink(t, real, link)
	if _, err := AddAccount(context.Background(), filepath.Join(link, "config.toml"), "corp", Account{URL: "https://x"}); err != nil {
		t.Fatalf("symlinked directory: %v", err)
	}
	if _, err := os.Stat(filepath.Join(real, "config.toml")); err != nil {
		t.Error(err)
	}
}

func TestAddAccountCreates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "samlgo", "config.toml")
	added, err := AddAccount(context.Background(), path, "corp", Account{URL: "https://idp.example.com/sso?x=1&y='2'", Username: "alice@example.com", Region: "eu-west-1"})
	if err != nil || !added.Created || added.Default != "corp" {
		t.Fatalf("added %+v, %v", added, err)
	}
	c, err := config.Load(path, true)
	if err != nil {
		t.Fatal(err)
	}
	a, name, _ := c.Account("")
	if name != "corp" || a.URL != "https://idp.example.com/sso?x=1&y='2'" || a.Username != "alice@example.com" || a.Region != "eu-west-1" || a.Profile != "" {
		t.Errorf("loaded %q %+v", name, a)
	}
	testenv.Mode(t, path, 0o600)
	testenv.Mode(t, filepath.Dir(path), 0o700)
}

// TestAddAccountKeepsText: what the person wrote (comments, order, an
// existing default) stays byte for byte; the new table is appended.
func TestAddAccountKeepsText(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "dotfiles.toml")
	orig := "# my settings\nbrowser = \"/usr/bin/chromium\"   # keep\n\n[accounts.old]\nurl = \"https://old.example/sso\"\n[accounts.old.aliases]\n\"123456789012\" = \"prod\""
	os.WriteFile(target, []byte(orig), 0o640)
	path := filepath.Join(dir, "config.toml")
	testenv.Symlink(t, target, path)
	added, err := AddAccount(context.Background(), path, "new", Account{URL: "https://new.example/sso"})
	// The file has accounts and no default: it stays without one.
	if err != nil || added.Created || added.Default != "" {
		t.Fatalf("added %+v, %v", added, err)
	}
	b, _ := os.ReadFile(target)
	if !strings.HasPrefix(string(b), orig+"\n") || !strings.Contains(string(b), "[accounts.new]") {
		t.Errorf("file now:\n%s", b)
	}
	if fi, _ := os.Lstat(path); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the symlink was replaced by a file")
	}
	testenv.Mode(t, target, 0o640) // the file's own
	c, err := config.Load(path, true)
	if err != nil || c.Accounts["old"].Aliases["123456789012"] != "prod" || c.Accounts["new"].URL != "https://new.example/sso" {
		t.Fatalf("loaded %+v, %v", c, err)
	}
	if added, err := AddAccount(context.Background(), path, "third", Account{URL: "https://3.example/sso"}); err != nil || added.Default != "" {
		t.Errorf("third: %+v, %v", added, err)
	}
	if _, err := AddAccount(context.Background(), path, "old", Account{URL: "https://x.example/"}); !errors.Is(err, ErrExists) {
		t.Errorf("an existing name: %v", err)
	}
}

// TestAddAccountRefusesBrokenConfig: a file samlgo cannot load is left
// alone, with the reason.
func TestAddAccountRefusesBrokenConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	os.WriteFile(path, []byte("[accounts.x]\nurll = \"typo\"\n"), 0o600)
	if _, err := AddAccount(context.Background(), path, "corp", Account{URL: "https://idp.example/"}); err == nil || !strings.Contains(err.Error(), "urll") {
		t.Errorf("err %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "[accounts.x]\nurll = \"typo\"\n" {
		t.Errorf("the file changed: %q", b)
	}
}

// FuzzAddAccount: for any config samlgo loads, adding an account keeps
// every byte of it, and the result loads with the account in it; for any
// other, the file is left as it was.
func FuzzAddAccount(f *testing.F) {
	f.Add([]byte("# c\nbrowser = \"x\"\n[accounts.a]\nurl = \"https://a\"\n"), "b", "https://idp.example/sso?a=1&b='2'")
	f.Add([]byte("default_account = \"a\"\n[accounts.a]\nurl = \"u\"\n[accounts.a.aliases]\n\"123456789012\" = \"p\""), "c", "https://x\"y")
	f.Add([]byte(""), "work", "https://idp\n[evil]")
	f.Add([]byte("[accounts]\n"), "x", "https://x")
	f.Fuzz(func(t *testing.T, old []byte, name, url string) {
		path := filepath.Join(t.TempDir(), "config.toml")
		if err := os.WriteFile(path, old, 0o600); err != nil {
			t.Fatal(err)
		}
		before, loadErr := config.Parse(path, old)
		_, err := AddAccount(context.Background(), path, name, Account{URL: url})
		after, _ := os.ReadFile(path)
		if err != nil {
			if string(after) != string(old) {
				t.Fatalf("a refused edit changed the file: %v", err)
			}
			return
		}
		if loadErr != nil || !ValidName(name) {
			t.Fatalf("added to a config that does not load (%v) or under a bad name %q", loadErr, name)
		}
		if !strings.Contains(string(after), string(old)) {
			t.Fatalf("the old text is not kept:\n%q\n%q", old, after)
		}
		c, err := config.Parse(path, after)
		if err != nil || c.Accounts[name].URL != url || len(c.Accounts) != len(before.Accounts)+1 {
			t.Fatalf("the result: %v, %+v", err, c)
		}
	})
}
