package browser

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/samlgo/samlgo/internal/testenv"
)

// TestWindowClosed ends Chrome the way closing its last window does (the
// browser process exits) and expects ErrClosed.
func TestWindowClosed(t *testing.T) {
	srv := testIdP(t)
	profile := filepath.Join(t.TempDir(), "profile")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	returned := make(chan struct{})
	var killed atomic.Int32
	go func() {
		// Close once the sign-in is under way (the IdP accepted the login):
		// on a busy machine a fixed delay can land while Chrome still starts.
		// The browser process is asked again until the sign-in returns: a
		// signal that lands while Chrome starts its shutdown handling can
		// be lost.
		testenv.Eventually(80*time.Second, 50*time.Millisecond, func() bool { return srv.Logins() > 0 })
		testenv.Pause(ctx, 200*time.Millisecond) // the never-posting page loads
		for {
			for _, pid := range Processes(profile) {
				cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
				if !strings.Contains(string(cmdline), "--type=") { // the browser process
					_ = syscall.Kill(pid, syscall.SIGTERM)
					killed.Add(1)
				}
			}
			select {
			case <-returned:
				return
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
			}
		}
	}()
	var calls int32
	_, err := signIn(t, ctx, Options{Headless: true, URL: srv.SignOnURL("via=never"), ProfileDir: profile, StallAfter: 2 * time.Minute,
		Autofill: &Autofill{Username: "alice", Password: password("correct horse", &calls)}})
	close(returned)
	if !errors.Is(err, ErrClosed) {
		t.Fatalf("err = %v, want ErrClosed (logins %d, signals sent %d)", err, srv.Logins(), killed.Load())
	}
}
