package main

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/samlgo/samlgo/config"
)

// TestConfigPathAsSamlgoFindsIt: the fast program keys the cache by the
// config in effect, found by its own standard-library copy of
// config.Path; the two must agree, or a cached call and a refresh would
// use different entries.
func TestConfigPathAsSamlgoFindsIt(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv("HOME", dir)
	for _, c := range []struct{ flag, env string }{
		{"", ""},
		{"", filepath.Join(dir, "env.toml")},
		{filepath.Join(dir, "flag.toml"), filepath.Join(dir, "env.toml")},
	} {
		t.Setenv("SAMLGO_CONFIG", c.env)
		want, _, err := config.Path(c.flag)
		if err != nil {
			t.Fatal(err)
		}
		got, err := configPath(c.flag)
		if err != nil || got != want {
			t.Errorf("flag %q env %q: fast program %q (%v), samlgo %q", c.flag, c.env, got, err, want)
		}
	}
}

// TestFindsSamlgoBeside: on Windows the fast program looked for "samlgo"
// with an execute bit beside it, and never found samlgo.exe (issue 16).
func TestFindsSamlgoBeside(t *testing.T) {
	dir := t.TempDir()
	if _, ok := besideIn(dir); ok {
		t.Fatal("found samlgo in an empty folder")
	}
	name := "samlgo"
	if runtime.GOOS == "windows" {
		name = "samlgo.exe"
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if p, ok := besideIn(dir); !ok || p != filepath.Join(dir, name) {
		t.Errorf("besideIn = %q, %v; want %s", p, ok, name)
	}
}
