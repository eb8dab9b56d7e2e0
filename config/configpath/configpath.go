// Package configpath finds the config file in effect. It imports only the
// standard library, so samlgo-credential-process finds the file exactly
// as samlgo does without samlgo's start-up cost.
package configpath

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// Find returns the config file to read: flag, else SAMLGO_CONFIG, else
// <user config dir>/samlgo/config.toml (~/.config on Linux,
// ~/Library/Application Support on macOS, %AppData% on Windows). On macOS
// and Windows, where people used to Unix tools put it in ~/.config/samlgo,
// that file is read when it exists and the system's own does not.
// explicit is true when the person named the file, which must then exist.
func Find(flag string) (path string, explicit bool, err error) {
	if flag != "" {
		return flag, true, nil
	}
	if p := os.Getenv("SAMLGO_CONFIG"); p != "" {
		return p, true, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", false, fmt.Errorf("finding the config directory: %w; pass --config", err)
	}
	own := filepath.Join(dir, "samlgo", "config.toml")
	if goos == "darwin" || goos == "windows" {
		if home, err := os.UserHomeDir(); err == nil {
			dot := filepath.Join(home, ".config", "samlgo", "config.toml")
			if !exists(own) && exists(dot) {
				return dot, false, nil
			}
		}
	}
	return own, false, nil
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// goos is the system Find behaves as (tests set it).
var goos = runtime.GOOS
