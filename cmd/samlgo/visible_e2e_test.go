//go:build unix

package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/samlgo/samlgo/browser"
	"github.com/samlgo/samlgo/internal/idp"
	"github.com/samlgo/samlgo/internal/testenv"
)

// startXvfb runs a virtual X display for the test and returns its DISPLAY.
func startXvfb(t *testing.T) string {
	t.Helper()
	bin := testenv.Need(t, "Xvfb", ".ci/run installs Debian's xvfb")
	// Xvfb picks a free display itself and writes its number to fd 3
	// when it is ready (-displayfd): guessing free numbers ran out once
	// killed servers had left their lock files behind.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd := exec.Command(bin, "-displayfd", "3", "-screen", "0", "1280x1024x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	// SIGTERM, not a kill: Xvfb then removes its lock file and socket.
	t.Cleanup(func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait() })
	number := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		number <- strings.TrimSpace(line)
	}()
	select {
	case n := <-number:
		if n == "" {
			t.Fatal("Xvfb exited without a display")
		}
		return ":" + n
	case <-time.After(20 * time.Second):
		t.Fatal("Xvfb gave no display within 20s")
		return ""
	}
}

// watchModes records, while a login runs, whether its Chrome processes ran
// headless, visible, or both.
func watchModes(profile string, stop <-chan struct{}) func() (headless, visible bool) {
	var mu sync.Mutex
	var h, v bool
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			for _, pid := range browser.Processes(profile) {
				b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
				cmdline := string(b)
				if strings.Contains(cmdline, "--type=") {
					continue // helpers inherit nothing telling
				}
				mu.Lock()
				if strings.Contains(cmdline, "--headless") {
					h = true
				} else {
					v = true
				}
				mu.Unlock()
			}
		}
	}()
	return func() (bool, bool) { mu.Lock(); defer mu.Unlock(); return h, v }
}

// TestVisibleWindow: with a display and no headless setting, the window is
// visible; a headless sign-in that needs a person (a one-time code with no
// terminal) reopens visibly.
func TestVisibleWindow(t *testing.T) {
	w := newBrowserWorld(t)
	display := startXvfb(t)
	w.extra = []string{"DISPLAY=" + display}
	dave := &idp.User{Name: "dave", Password: "d", SessionName: "dave@example.com", Roles: []string{pair(adminA, provA)}, OTP: "271828"}
	srv := idp.NewServer(w.signer, dave)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })

	t.Run("visible by default", func(t *testing.T) {
		w.write(".config/samlgo/config.toml", fmt.Sprintf("[accounts.corp]\nurl = %q\nusername = \"alice\"\n", w.idp.SignOnURL("")))
		stop := make(chan struct{})
		modes := watchModes(w.profile, stop)
		r := w.run("correct horse\n", "--debug", "login", "--account", "corp", "--password-stdin")
		close(stop)
		h, v := modes()
		if r.code != 0 || h || !v {
			t.Errorf("exit %d, headless %v, visible %v: %s", r.code, h, v, r.stderr)
		}
		noChromeLeft(t, w.profile)
	})
	t.Run("a stalled headless sign-in reopens visibly", func(t *testing.T) {
		profile := filepath.Join(w.home, ".cache", "samlgo", "chrome", "mfa")
		w.write(".config/samlgo/config.toml", fmt.Sprintf("[accounts.mfa]\nurl = %q\nusername = \"dave\"\n", srv.SignOnURL("")))
		stop := make(chan struct{})
		modes := watchModes(profile, stop)
		r := w.run("d\n", "login", "--account", "mfa", "--headless", "--password-stdin", "--timeout", "8s")
		close(stop)
		h, v := modes()
		// Nobody types the code in the window, so the timeout ends it.
		if !strings.Contains(r.stderr, "one-time code") || !strings.Contains(r.stderr, "opening a browser window") || !h || !v {
			t.Errorf("headless %v, visible %v: %s", h, v, r.stderr)
		}
		// The visible window waits for the person (here: until the timeout)
		// instead of stalling again.
		if r.code != 1 || strings.Count(r.stderr, "stalled") != 1 || !strings.Contains(r.stderr, "no sign-in within 8s") {
			t.Errorf("exit %d: %s", r.code, r.stderr)
		}
		noChromeLeft(t, profile)
	})
}
