package browser

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/samlgo/samlgo/child"
)

// AllocatorOptions are the Chrome flags samlgo starts with, for benchmarks
// that compare samlgo with Chrome alone.
func AllocatorOptions(o *Options) []chromedp.ExecAllocatorOption { return o.allocatorOptions() }

// allocatorOptions are the Chrome flags samlgo starts with.
func (o *Options) allocatorOptions() []chromedp.ExecAllocatorOption {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(o.ExecPath),
		chromedp.UserDataDir(o.ProfileDir),
		chromedp.NoFirstRun,            // --no-first-run: no welcome page
		chromedp.NoDefaultBrowserCheck, // --no-default-browser-check
		// No calls home (updates, safe-browsing lists, sync): they slow the
		// start and fail on closed networks.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("metrics-recording-only", true),
		// IdPs that open the AWS sign-in in a popup must not be blocked.
		chromedp.Flag("disable-popup-blocking", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		// No desktop keyring or macOS keychain prompt for the private profile.
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("use-mock-keychain", true),
		// Small /dev/shm in containers crashes tabs.
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("window-size", "1100,900"),
		// samlgo's environment less its secrets (SAMLGO_PASSWORD): Chrome
		// and the pages it runs never need them.
		chromedp.NoInheritEnv,
		chromedp.Env(child.Environ(os.Environ())...),
	}
	if len(o.KerberosHosts) > 0 {
		// Negotiate with these hosts only; no delegation flag, so Chrome
		// never forwards the ticket.
		opts = append(opts, chromedp.Flag("auth-server-allowlist", strings.Join(o.KerberosHosts, ",")))
	}
	if o.Headless {
		opts = append(opts, chromedp.Headless)
	}
	if o.NoSandbox {
		opts = append(opts, chromedp.NoSandbox)
	}
	return opts
}

// closeGracefully asks Chrome to close (Browser.close), so it writes the
// IdP's cookies to the profile, and waits at most limit, or until abort
// is closed: chromedp.Cancel waits for the process without a deadline of
// its own.
func closeGracefully(bctx context.Context, limit time.Duration, abort <-chan struct{}) {
	done := make(chan struct{})
	go func() {
		_ = chromedp.Cancel(bctx)
		close(done)
	}()
	t := time.NewTimer(limit)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	case <-abort: // nil: never
	}
}

// runCtx runs f, giving up when ctx ends.
func runCtx(ctx context.Context, f func() error) error {
	errc := make(chan error, 1)
	go func() { errc <- f() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// startError explains a Chrome that did not start. chromedp reports
// "chrome failed to start:" followed by whatever the program printed,
// which is nothing for a program that is not Chrome at all.
func startError(exe string, headless bool, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	said := strings.Join(strings.Fields(err.Error()), " ")
	if !headless && noWindow().MatchString(said) {
		// Chrome's own lines (dbus, zygote) say nothing a person can act on.
		return fmt.Errorf("starting %s: %w (DISPLAY=%q, WAYLAND_DISPLAY=%q)", exe, ErrNoWindow, os.Getenv("DISPLAY"), os.Getenv("WAYLAND_DISPLAY"))
	}
	if strings.HasSuffix(said, "chrome failed to start:") {
		return fmt.Errorf("starting %s: it exited without answering as Chrome does; pass a Chrome or Chromium with --browser, SAMLGO_BROWSER or the config's browser: %w", exe, errors.New(said))
	}
	return fmt.Errorf("starting %s: %w", exe, err)
}

// ErrNoWindow is a visible Chrome that could not open a window: no X
// server or Wayland compositor answers at the display the environment
// names (a stale DISPLAY in an SSH or tmux session).
var ErrNoWindow = errors.New("could not open a Chrome window on the display")

// noWindow matches what Chrome prints when it finds no display to draw on.
var noWindow = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`Missing X server or \$DISPLAY|The platform failed to initialize|cannot open display|Failed to connect to Wayland display`)
})
