package configpath

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/samlgo/samlgo/internal/testenv"
)

func write(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("# x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestDotConfigReadOnMacAndWindows: on macOS and Windows samlgo read only
// ~/Library/Application Support or %AppData%, so a config put in
// ~/.config/samlgo, where the README said, was silently ignored (issue
// 16). It is read there when the system's own place has none.
func TestDotConfigReadOnMacAndWindows(t *testing.T) {
	defer func(g string) { goos = g }(goos)
	home := t.TempDir()
	testenv.Home(t, home)
	t.Setenv("SAMLGO_CONFIG", "")
	dir, err := os.UserConfigDir()
	if err != nil {
		t.Fatal(err)
	}
	own := filepath.Join(dir, "samlgo", "config.toml")
	dot := filepath.Join(home, ".config", "samlgo", "config.toml")
	goos = runtime.GOOS
	if goos == "linux" {
		goos = "darwin" // the rule, run with Linux's config directory
	}
	if p, explicit, _ := Find(""); p != own || explicit {
		t.Errorf("nothing written: %q %v, want %s", p, explicit, own)
	}
	write(t, dot)
	if p, _, _ := Find(""); p != dot && own != dot {
		t.Errorf("only ~/.config has one: %q, want %s", p, dot)
	}
	write(t, own)
	if p, _, _ := Find(""); p != own {
		t.Errorf("both have one: %q, want the system's own %s", p, own)
	}
	goos = "linux"
	os.Remove(own)
	if p, _, _ := Find(""); p != own {
		t.Errorf("Linux: %q, want %s", p, own)
	}
	for _, c := range []struct{ flag, env, want string }{
		{"", "/e.toml", "/e.toml"},
		{"/f.toml", "/e.toml", "/f.toml"},
	} {
		t.Setenv("SAMLGO_CONFIG", c.env)
		if p, explicit, _ := Find(c.flag); p != c.want || !explicit {
			t.Errorf("flag %q env %q: %q %v", c.flag, c.env, p, explicit)
		}
	}
}
