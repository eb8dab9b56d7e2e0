package credcache

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// TestConfigKeySeparatesConfigs: two configs that both name an account
// "corp" shared one cache entry (issue 14); an edited config is a new key.
func TestConfigKeySeparatesConfigs(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.toml"), filepath.Join(dir, "b.toml")
	for _, p := range []string{a, b} {
		if err := os.WriteFile(p, []byte("[accounts.corp]\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ka, kb := ConfigKey(a), ConfigKey(b)
	if ka == kb || For(dir, ka, "corp", "Admin") == For(dir, kb, "corp", "Admin") {
		t.Errorf("configs at two paths share a key")
	}
	if ConfigKey(a) != ka {
		t.Errorf("the key of an unchanged config changed")
	}
	if err := os.WriteFile(a, []byte("[accounts.corp]\nduration = \"2h\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if ConfigKey(a) == ka {
		t.Errorf("an edited config kept its key")
	}
	if ConfigKey(filepath.Join(dir, "missing.toml")) == ConfigKey(filepath.Join(dir, "other-missing.toml")) {
		t.Errorf("two missing configs share a key")
	}
}

// TestCacheServedWithWindowsModes: Windows reports every file as 0666, so
// the owner-only check refused every cache entry there, and each AWS CLI
// call signed in again (issue 16). On Windows an entry is served whatever
// its reported mode; on Unix a loose one is still refused.
func TestCacheServedWithWindowsModes(t *testing.T) {
	e := For(t.TempDir(), "cfg", "corp", "Admin")
	doc := []byte(`{"Version":1,"AccessKeyId":"ASIAEXAMPLE000000001","SecretAccessKey":"x","SessionToken":"y","Expiration":"` +
		time.Now().Add(time.Hour).UTC().Format(time.RFC3339) + `"}`)
	if err := e.Store(doc); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(e.Path, 0o666); err != nil { // what Windows reports anyway
		t.Fatal(err)
	}
	got, ok := e.Fresh(time.Now())
	if runtime.GOOS == "windows" {
		if !ok || string(got) != string(doc) {
			t.Errorf("a fresh entry was not served on Windows: %q, %v", got, ok)
		}
		return
	}
	if ok {
		t.Errorf("a world-writable entry was served on Unix")
	}
}
