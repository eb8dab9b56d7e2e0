package credcache

import (
	"os"
	"path/filepath"
	"testing"
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
