// Package browser captures the SAMLResponse an identity provider posts to
// AWS during a sign-in in a real Chrome.
package browser

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// onPath are the names Chrome and its kin go by on PATH (exec.LookPath
// adds .exe on Windows).
var onPath = []string{
	"chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
	"chrome", "microsoft-edge", "microsoft-edge-stable", "brave-browser", "msedge", "brave",
}

// installed are where each system's installers put Chrome, Chromium, Edge
// and Brave, relative to the folders installedRoots gives.
var installed = map[string][]string{
	"darwin": {
		"Google Chrome.app/Contents/MacOS/Google Chrome",
		"Chromium.app/Contents/MacOS/Chromium",
		"Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
		"Brave Browser.app/Contents/MacOS/Brave Browser",
	},
	"windows": {
		"Google/Chrome/Application/chrome.exe",
		"Chromium/Application/chrome.exe",
		"Microsoft/Edge/Application/msedge.exe",
		"BraveSoftware/Brave-Browser/Application/brave.exe",
	},
}

// installedRoots are the folders installed's paths are under: on macOS
// /Applications and ~/Applications; on Windows Program Files, Program
// Files (x86) and the per-user %LOCALAPPDATA% (Chrome's and Brave's
// installs without administrator rights).
func installedRoots(goos string, getenv func(string) string) []string {
	switch goos {
	case "darwin":
		roots := []string{"/Applications"}
		if home := getenv("HOME"); home != "" {
			roots = append(roots, filepath.Join(home, "Applications"))
		}
		return roots
	case "windows":
		var roots []string
		for _, v := range []string{"ProgramFiles", "ProgramFiles(x86)", "LOCALAPPDATA"} {
			if d := getenv(v); d != "" {
				roots = append(roots, d)
			}
		}
		return roots
	}
	return nil
}

// ErrNoBrowser is returned by Find when no Chrome or Chromium is installed.
var ErrNoBrowser = errors.New("no Chrome, Chromium, Edge or Brave found")

// install says how to get a browser on each system.
var install = map[string]string{
	"darwin":  "install Google Chrome (or Chromium, Edge, Brave) into /Applications or ~/Applications, or pass --browser PATH",
	"windows": "install Google Chrome or Microsoft Edge, or pass --browser PATH to chrome.exe or msedge.exe",
}

// Find returns the Chrome to run: explicit (from --browser, SAMLGO_BROWSER
// or the config, in that order of the caller's choosing) when set, else the
// first Chrome-like program on PATH, else the first in the places this
// system installs them.
func Find(explicit string) (string, error) {
	return find(explicit, runtime.GOOS, os.Getenv)
}

func find(explicit, goos string, getenv func(string) string) (string, error) {
	if explicit != "" {
		p, err := exec.LookPath(explicit)
		if err != nil {
			return "", fmt.Errorf("browser %q: %w", explicit, errors.Unwrap(err))
		}
		return p, nil
	}
	for _, name := range onPath {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	for _, root := range installedRoots(goos, getenv) {
		for _, rel := range installed[goos] {
			p := filepath.Join(root, filepath.FromSlash(rel))
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
				return p, nil
			}
		}
	}
	how, ok := install[goos]
	if !ok {
		how = "install one (Debian/Ubuntu: sudo apt install chromium; Fedora: sudo dnf install chromium) or pass --browser PATH"
	}
	return "", fmt.Errorf("%w; %s", ErrNoBrowser, how)
}

// HasDisplay reports whether a visible window can be shown: on Linux and
// the BSDs an X11 or Wayland display must be set; elsewhere there always is
// one.
func HasDisplay() bool {
	switch runtime.GOOS {
	case "darwin", "windows":
		return true
	}
	return os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
}
