// Package browser captures the SAMLResponse an identity provider posts to
// AWS during a sign-in in a real Chrome.
package browser

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
)

// candidates are the names Chrome and Chromium go by on PATH.
var candidates = []string{
	"chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
	"chrome", "microsoft-edge", "microsoft-edge-stable", "brave-browser",
}

// macApps are the usual install paths on macOS.
var macApps = []string{
	"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
	"/Applications/Chromium.app/Contents/MacOS/Chromium",
	"/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
}

// ErrNoBrowser is returned by Find when no Chrome or Chromium is installed.
var ErrNoBrowser = errors.New("no Chrome or Chromium found; install one (Debian/Ubuntu: sudo apt install chromium) or pass --browser PATH")

// Find returns the Chrome to run: explicit (from --browser, SAMLGO_BROWSER
// or the config, in that order of the caller's choosing) when set, else the
// first Chrome-like program on PATH.
func Find(explicit string) (string, error) {
	if explicit != "" {
		p, err := exec.LookPath(explicit)
		if err != nil {
			return "", fmt.Errorf("browser %q: %w", explicit, errors.Unwrap(err))
		}
		return p, nil
	}
	for _, name := range candidates {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	if runtime.GOOS == "darwin" {
		for _, p := range macApps {
			if _, err := os.Stat(p); err == nil {
				return p, nil
			}
		}
	}
	return "", ErrNoBrowser
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
