package browser

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeInstall puts an empty program at root/rel.
func fakeInstall(t *testing.T, root, rel string) string {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, nil, 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestChromeFoundInProgramFiles: samlgo looked for Chrome on PATH only
// (and in /Applications), so on Windows, where installers put it under
// Program Files or the user's AppData and not on PATH, it found none and
// said "apt install chromium" (issue 16). A fake tree stands in for each
// place, in the order they are tried.
func TestChromeFoundInProgramFiles(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	dir := t.TempDir()
	env := map[string]string{
		"ProgramFiles":      filepath.Join(dir, "Program Files"),
		"ProgramFiles(x86)": filepath.Join(dir, "Program Files (x86)"),
		"LOCALAPPDATA":      filepath.Join(dir, "Users", "alice", "AppData", "Local"),
	}
	getenv := func(k string) string { return env[k] }
	_, err := find("", "windows", getenv)
	if !errors.Is(err, ErrNoBrowser) || !strings.Contains(err.Error(), "Microsoft Edge") || strings.Contains(err.Error(), "apt") {
		t.Errorf("nothing installed: %v", err)
	}
	for _, c := range []struct{ root, rel string }{
		{env["LOCALAPPDATA"], "BraveSoftware/Brave-Browser/Application/brave.exe"},
		{env["LOCALAPPDATA"], "Google/Chrome/Application/chrome.exe"}, // a per-user Chrome
		{env["ProgramFiles(x86)"], "Microsoft/Edge/Application/msedge.exe"},
		{env["ProgramFiles"], "Google/Chrome/Application/chrome.exe"},
	} {
		want := fakeInstall(t, c.root, c.rel)
		if got, err := find("", "windows", getenv); got != want || err != nil {
			t.Errorf("with %s: find = %q, %v; want it", want, got, err)
		}
	}
}

// TestChromeFoundInUserApplications: macOS looked in /Applications only,
// for Chrome, Chromium and Edge; ~/Applications and Brave were missed.
func TestChromeFoundInUserApplications(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	home := t.TempDir()
	getenv := func(k string) string { return map[string]string{"HOME": home}[k] }
	if _, err := os.Stat("/Applications"); err == nil {
		t.Skip("this machine has /Applications: the fake home would not be the only place")
	}
	if _, err := find("", "darwin", getenv); !errors.Is(err, ErrNoBrowser) || !strings.Contains(err.Error(), "~/Applications") {
		t.Errorf("nothing installed: %v", err)
	}
	want := fakeInstall(t, filepath.Join(home, "Applications"), "Brave Browser.app/Contents/MacOS/Brave Browser")
	if got, err := find("", "darwin", getenv); got != want || err != nil {
		t.Errorf("find = %q, %v; want %s", got, err, want)
	}
}
