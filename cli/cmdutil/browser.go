package cmdutil

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/samlgo/samlgo/browser"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/config"
	"github.com/samlgo/samlgo/flow"
)

// BrowserFlags are the flags of a sign-in in Chrome.
type BrowserFlags struct {
	URL           string
	Headless      bool
	NoHeadless    bool
	Browser       string
	Timeout       time.Duration
	Username      string
	PasswordStdin bool
	FreshSession  bool
}

// Register adds the browser flags.
func (b *BrowserFlags) Register(f *pflag.FlagSet) {
	f.StringVar(&b.URL, "url", "", "IdP sign-on URL (default: the account's url)")
	b.RegisterChrome(f)
}

// RegisterChrome adds the browser flags but --url, for a sign-in whose
// first page comes from elsewhere (sso login's authorization page).
func (b *BrowserFlags) RegisterChrome(f *pflag.FlagSet) {
	f.BoolVar(&b.Headless, "headless", false, "run Chrome without a window")
	f.BoolVar(&b.NoHeadless, "no-headless", false, "show the Chrome window even if the config says headless")
	f.StringVar(&b.Browser, "browser", "", "Chrome or Chromium to run (default $SAMLGO_BROWSER, the config, then PATH)")
	f.DurationVar(&b.Timeout, "timeout", 5*time.Minute, "give up when the sign-in has not finished after this long")
	f.StringVar(&b.Username, "username", "", "username the autofill types (default: the account's username)")
	f.BoolVar(&b.PasswordStdin, "password-stdin", false, "read the IdP password from the first line of stdin")
	f.BoolVar(&b.FreshSession, "fresh-session", false, "forget the saved IdP session and sign in from scratch")
}

// Capturer prepares a browser sign-in for an account; what can be checked
// before Chrome starts is checked here. The account's profile lives under
// the user cache directory.
func (b *BrowserFlags) Capturer(ctx context.Context, f *Factory, cfg *config.Config, acct config.Account, acctName string) (*flow.Browser, error) {
	signOn := First(b.URL, acct.URL)
	if signOn == "" {
		where := "the config"
		if cfg != nil && cfg.Path != "" {
			where = cfg.Path
		}
		return nil, UsageError(fmt.Errorf("no IdP sign-on URL: no account in %s gives one", where),
			"hint: run samlgo init (it asks for the URL and writes the config), or pass --url, or --saml-file")
	}
	what := "--url"
	if b.URL == "" {
		what = "the account's url"
	}
	if err := CheckSignOnURL(what, signOn); err != nil {
		return nil, err
	}
	fb, err := b.Chrome(ctx, f, cfg, acct, acctName)
	if err != nil {
		return nil, err
	}
	fb.Options.URL = signOn
	return fb, nil
}

// Chrome prepares the sign-in driver for an account (acctName names its
// saved IdP session; acct may be the zero Account) without a first page:
// the browser, window or headless, the autofill and its password source.
func (b *BrowserFlags) Chrome(ctx context.Context, f *Factory, cfg *config.Config, acct config.Account, acctName string) (*flow.Browser, error) {
	ios := f.IOStreams
	if b.Headless && b.NoHeadless {
		return nil, UsageErrorf("--headless and --no-headless contradict each other")
	}
	if b.Timeout <= 0 {
		return nil, UsageErrorf("--timeout must be positive")
	}
	display := browser.HasDisplay()
	headless := !display
	if acct.Headless != nil {
		headless = *acct.Headless
	}
	switch {
	case b.Headless:
		headless = true
	case b.NoHeadless:
		headless = false
	}
	if !headless && !display {
		return nil, UsageError(errors.New("a visible browser window needs a display, and DISPLAY and WAYLAND_DISPLAY are empty"),
			"hint: pass --headless (samlgo fills ordinary login forms itself)")
	}
	exe, err := browser.Find(First(b.Browser, f.Getenv("SAMLGO_BROWSER"), acct.Browser, cfg.Browser))
	if err != nil {
		return nil, err
	}
	password, err := b.passwordSource(ctx, f)
	if err != nil {
		return nil, err
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return nil, fmt.Errorf("finding the cache directory for the browser profile: %w", err)
	}
	status := func(msg string) {
		if ios.ErrTTY {
			fmt.Fprintf(ios.ErrOut, "samlgo: %s\n", msg)
		}
	}
	autofill := &browser.Autofill{
		Username:       First(b.Username, acct.Username),
		Selectors:      browser.Selectors(acct.Selectors),
		NoStaySignedIn: acct.StaySignedIn != nil && !*acct.StaySignedIn,
	}
	if ios.CanPrompt() {
		autofill.AskUsername = func() (string, error) { return f.Prompter.Line("IdP username: ") }
		autofill.OTP = func() (string, error) { return f.Prompter.Secret("one-time code: ") }
	}
	f.Log.Debug("browser sign-in", "browser", exe, "headless", headless)
	return &flow.Browser{
		Options: browser.Options{
			ExecPath: exe, Headless: headless, KeepSessionCookies: acct.KeepSessionCookies == nil || *acct.KeepSessionCookies,
			KerberosHosts: acct.KerberosHosts, NoSandbox: os.Geteuid() == 0,
			Status: status, DebugDir: filepath.Join(cache, "samlgo", "debug"), Log: f.Log,
			Autofill: autofill,
		},
		ProfileDir: browser.ProfileDir(cache, acctName),
		Fresh:      b.FreshSession,
		Timeout:    b.Timeout,
		Password:   password,
		Display:    display,
		Notify:     func(msg string) { fmt.Fprintf(ios.ErrOut, "samlgo: %s\n", msg) },
		WaitingForProfile: func() {
			status("another samlgo sign-in is using this account's browser profile; waiting…")
		},
	}, nil
}

// passwordSource returns, for a headless or visible sign-in, what answers
// the autofill's request for a password: --password-stdin (read now, before
// Chrome starts), SAMLGO_PASSWORD, or a no-echo prompt on the terminal. A
// visible window without one of these leaves the password to the person.
func (b *BrowserFlags) passwordSource(ctx context.Context, f *Factory) (func(headless bool) func() (string, error), error) {
	ios := f.IOStreams
	fixed := func(pw string) func(bool) func() (string, error) {
		return func(bool) func() (string, error) { return func() (string, error) { return pw, nil } }
	}
	switch {
	case b.PasswordStdin:
		line, err := iostreams.Await(ctx, func() (string, error) { return bufio.NewReader(ios.In).ReadString('\n') })
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err != nil && line == "" {
			return nil, UsageErrorf("--password-stdin: no password on stdin")
		}
		return fixed(strings.TrimRight(line, "\r\n")), nil
	case f.Getenv("SAMLGO_PASSWORD") != "":
		return fixed(f.Getenv("SAMLGO_PASSWORD")), nil
	}
	var once sync.Once
	var pw string
	var perr error
	ask := func() (string, error) {
		once.Do(func() { pw, perr = f.Prompter.Secret("IdP password: ") })
		return pw, perr
	}
	return func(headless bool) func() (string, error) {
		switch {
		case ios.CanPrompt():
			return ask
		case headless:
			return func() (string, error) {
				return "", UsageError(errors.New("the IdP asks for a password and there is no terminal to ask on"),
					"hint: pass --password-stdin or set SAMLGO_PASSWORD")
			}
		}
		return nil // the person types it in the window
	}, nil
}

// SignInError turns the ways a browser sign-in ends into errors with exit
// codes and hints.
func SignInError(err error, timeout time.Duration) error {
	var stall *browser.StallError
	var rejected *browser.RejectedError
	switch {
	case errors.Is(err, browser.ErrClosed):
		return &ExitError{ExitCancelled, err, nil}
	case errors.Is(err, browser.ErrNoWindow):
		return FailureError(err, "hint: pass --headless (samlgo fills ordinary login forms itself), or set DISPLAY to a display that answers")
	case errors.Is(err, context.DeadlineExceeded):
		return FailureError(fmt.Errorf("no sign-in within %s; the IdP never posted to AWS", timeout),
			"hint: pass a longer --timeout, or --no-headless to see the page")
	case errors.As(err, &stall):
		hints := []string{"hint: run with --no-headless on a machine with a display to finish the sign-in by hand"}
		if stall.HTML != "" {
			hints = append(hints, "hint: the page's HTML is in "+stall.HTML+"; login-field CSS selectors can go in the config ([accounts.NAME.selectors])")
		}
		return FailureError(err, hints...)
	case errors.As(err, &rejected):
		return FailureError(err)
	}
	return err
}
