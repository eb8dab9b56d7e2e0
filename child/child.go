// Package child starts the programs samlgo runs for the person (a
// credential_process, Chrome for doctor's probe) so that none of them holds
// samlgo past a cancel, and gives every program samlgo starts (those, exec's
// command, Chrome, the desktop opener) an environment without samlgo's own
// secrets.
package child

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// SecretVariables are samlgo's environment variables that hold secrets:
// the IdP password. No program samlgo starts needs it, so none gets it.
// (SAMLGO_CONFIG, SAMLGO_BROWSER and SAMLGO_PROFILE name things and are
// kept: a nested samlgo reads them.)
var SecretVariables = []string{"SAMLGO_PASSWORD"}

// Environ returns env (KEY=value entries) without SecretVariables.
func Environ(env []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if !isSecret(k) {
			out = append(out, kv)
		}
	}
	return out
}

func isSecret(k string) bool {
	for _, s := range SecretVariables {
		if strings.EqualFold(k, s) {
			return true
		}
	}
	return false
}

// WaitDelay is how long a cancelled child's output pipes may stay open
// after it was killed (a grandchild that inherited them): then Wait
// returns anyway.
const WaitDelay = 500 * time.Millisecond

// Command is exec.CommandContext for a program samlgo runs on the person's
// behalf: its environment is env less SecretVariables, and it runs in a
// process group of its own that is killed whole when ctx ends, so a
// grandchild holding its stdout (sh -c "sleep 30; echo") cannot keep
// samlgo waiting (on Windows only the child itself is killed; see
// group_windows.go). Wait returns within WaitDelay of the kill.
func Command(ctx context.Context, env []string, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = Environ(env)
	ownGroup(cmd)
	cmd.Cancel = func() error { return killGroup(cmd) }
	cmd.WaitDelay = WaitDelay
	return cmd
}

// Output runs argv (no shell) as Command does, with stderr going to
// errOut, and returns at most limit bytes of its stdout.
func Output(ctx context.Context, env []string, errOut io.Writer, limit int, argv []string) ([]byte, error) {
	cmd := Command(ctx, env, argv[0], argv[1:]...)
	var out bytes.Buffer
	cmd.Stdout = &capped{w: &out, n: limit}
	cmd.Stderr = errOut
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	return out.Bytes(), nil
}

// capped keeps the first n bytes written to it and drops the rest, so a
// child printing without end cannot fill memory.
type capped struct {
	w io.Writer
	n int
}

func (c *capped) Write(p []byte) (int, error) {
	if len(p) > c.n {
		_, _ = c.w.Write(p[:c.n])
		c.n = 0
		return len(p), nil
	}
	c.n -= len(p)
	return c.w.Write(p)
}

// ExeSuffix ends the file names of programs on this system (.exe on
// Windows).
var ExeSuffix = exeSuffix()

func exeSuffix() string {
	if runtime.GOOS == "windows" {
		return ".exe"
	}
	return ""
}

// Runnable reports whether path is a program samlgo could start: a
// regular file, with an execute bit on Unix (Windows goes by the name).
func Runnable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular() && (runtime.GOOS == "windows" || st.Mode()&0o111 != 0)
}
