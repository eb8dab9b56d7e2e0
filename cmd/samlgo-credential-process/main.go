// Command samlgo-credential-process is the fast path of
// `samlgo credential-process`: the AWS CLI and SDKs run it for every
// process that needs credentials, so a cached answer must cost as little
// as a Go program can. It serves the cached document when it is fresh and
// hands every other case, unchanged, to `samlgo credential-process` found
// beside it (or on PATH), which signs in once for all waiting callers.
//
// It links only the standard library and samlgo's credcache: samlgo
// itself starts in about 20 ms, most of it the initialisation of the
// libraries the sign-in needs.
package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/samlgo/samlgo/child"
	"github.com/samlgo/samlgo/config/configpath"
	"github.com/samlgo/samlgo/credcache"
)

func main() {
	args := os.Args[1:]
	if account, role, configFlag, ok := simple(args); ok {
		dir, err := os.UserCacheDir()
		configPath, _, cerr := configpath.Find(configFlag)
		if err == nil && cerr == nil {
			if doc, fresh := credcache.For(credcache.Dir(dir), credcache.ConfigKey(configPath), account, role).Fresh(time.Now()); fresh {
				if _, err := os.Stdout.Write(doc); err == nil {
					os.Exit(0)
				}
			}
		}
	}
	os.Exit(handOff(args))
}

// simple reads the one command line the fast path serves: --account A and
// --role R (and --config F), in any order, with or without '='. Anything
// else (another flag, a default account from the config) is samlgo's to
// interpret.
func simple(args []string) (account, role, config string, ok bool) {
	seen := 0
	for i := 0; i < len(args); i++ {
		name, value, hasValue := strings.Cut(args[i], "=")
		if !hasValue {
			if i+1 >= len(args) {
				return "", "", "", false
			}
			i++
			value = args[i]
		}
		switch name {
		case "--account":
			account = value
			seen++
		case "--role":
			role = value
			seen++
		case "--config":
			config = value
		default:
			return "", "", "", false
		}
	}
	return account, role, config, seen == 2 && account != "" && role != ""
}

// samlgo finds the full program: beside this one (samlgo.exe on
// Windows, where no execute bit exists), else on PATH.
func samlgo() (string, error) {
	if self, err := os.Executable(); err == nil {
		if p, ok := besideIn(filepath.Dir(self)); ok {
			return p, nil
		}
	}
	return exec.LookPath("samlgo")
}

// besideIn is samlgo's path in dir, when it is there.
func besideIn(dir string) (string, bool) {
	p := filepath.Join(dir, "samlgo"+child.ExeSuffix)
	return p, child.Runnable(p)
}
