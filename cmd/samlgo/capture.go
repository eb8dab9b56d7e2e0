package main

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
	"golang.org/x/term"

	"github.com/samlgo/samlgo/assertion"
	"github.com/samlgo/samlgo/browser"
	"github.com/samlgo/samlgo/config"
)

// browserOptions are login's flags for the browser sign-in.
type browserOptions struct {
	URL           string
	Headless      bool
	NoHeadless    bool
	Browser       string
	Timeout       time.Duration
	Username      string
	PasswordStdin bool
	FreshSession  bool

	// profileDir replaces the account's saved profile (demo, tests).
	profileDir string
	// password replaces the password sources (demo).
	password func() (string, error)
}

func (b *browserOptions) addFlags(f *pflag.FlagSet) {
	f.StringVar(&b.URL, "url", "", "IdP sign-on URL (default: the account's url)")
	f.BoolVar(&b.Headless, "headless", false, "run Chrome without a window")
	f.BoolVar(&b.NoHeadless, "no-headless", false, "show the Chrome window even if the config says headless")
	f.StringVar(&b.Browser, "browser", "", "Chrome or Chromium to run (default $SAMLGO_BROWSER, the config, then PATH)")
	f.DurationVar(&b.Timeout, "timeout", 5*time.Minute, "give up when the sign-in has not finished after this long")
	f.StringVar(&b.Username, "username", "", "username the autofill types (default: the account's username)")
	f.BoolVar(&b.PasswordStdin, "password-stdin", false, "read the IdP password from the first line of stdin")
	f.BoolVar(&b.FreshSession, "fresh-session", false, "forget the saved IdP session and sign in from scratch")
}

// captureFunc signs in and returns the response; login calls it again once
// when STS says the response expired.
type captureFunc func(ctx context.Context) (*assertion.Response, error)

// browserCapture prepares a browser sign-in for the account: what can be
// checked before Chrome starts is checked here.
func (o *loginOptions) browserCapture(cfg *config.Config, acct config.Account, acctName string) (captureFunc, error) {
	a, b := o.app, &o.Browser
	signOn := firstNonEmpty(b.URL, acct.URL)
	if signOn == "" {
		return nil, usageErrorf("no IdP sign-on URL: pass --url, set url in an [accounts.NAME] table of the config, or pass --saml-file")
	}
	if b.Headless && b.NoHeadless {
		return nil, usageErrorf("--headless and --no-headless contradict each other")
	}
	if b.Timeout <= 0 {
		return nil, usageErrorf("--timeout must be positive")
	}
	headless := !browser.HasDisplay()
	if acct.Headless != nil {
		headless = *acct.Headless
	}
	switch {
	case b.Headless:
		headless = true
	case b.NoHeadless:
		headless = false
	}
	if !headless && !browser.HasDisplay() {
		return nil, usageError(errors.New("a visible browser window needs a display, and DISPLAY and WAYLAND_DISPLAY are empty"),
			"hint: pass --headless (samlgo fills ordinary login forms itself)")
	}
	exe, err := browser.Find(firstNonEmpty(b.Browser, os.Getenv("SAMLGO_BROWSER"), acct.Browser, cfg.Browser))
	if err != nil {
		return nil, err
	}
	password, err := o.passwordSource()
	if err != nil {
		return nil, err
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return nil, fmt.Errorf("finding the cache directory for the browser profile: %w", err)
	}
	profileDir := b.profileDir
	if profileDir == "" {
		profileDir = browser.ProfileDir(cache, acctName)
	}
	username := firstNonEmpty(b.Username, acct.Username)
	fresh := b.FreshSession
	status := func(msg string) {
		if a.io.ErrTTY {
			fmt.Fprintf(a.io.ErrOut, "samlgo: %s\n", msg)
		}
	}
	opts := browser.Options{
		ExecPath: exe, URL: signOn, Headless: headless, NoSandbox: os.Geteuid() == 0,
		Status: status, DebugDir: filepath.Join(cache, "samlgo", "debug"), Log: a.log,
		Autofill: &browser.Autofill{
			Username:    username,
			AskUsername: o.usernameSource(),
			Selectors:   browser.Selectors(acct.Selectors),
			OTP:         o.otpSource(),
		},
	}
	return func(ctx context.Context) (*assertion.Response, error) {
		profile, err := browser.OpenProfile(ctx, profileDir, fresh, func() {
			status("another samlgo sign-in is using this account's browser profile; waiting…")
		})
		if err != nil {
			return nil, err
		}
		closing := false // Chrome closes in the background after a capture
		defer func() {
			if !closing {
				profile.Close()
			}
		}()
		fresh = false // a re-capture reuses the session just made
		so := opts
		autofill := *opts.Autofill
		so.Autofill = &autofill
		so.ProfileDir = profile.Dir
		autofill.Password = password(so.Headless)
		ctx, cancel := context.WithTimeout(ctx, b.Timeout)
		defer cancel()
		a.log.Debug("browser sign-in", "browser", exe, "headless", so.Headless, "profile", profile.Dir)
		res, err := browser.SignIn(ctx, so)
		var stall *browser.StallError
		if errors.As(err, &stall) && so.Headless && browser.HasDisplay() && ctx.Err() == nil {
			fmt.Fprintf(a.io.ErrOut, "samlgo: %v\nsamlgo: the sign-in needs you; opening a browser window\n", stall)
			so.Headless = false
			autofill.Password = password(false)
			res, err = browser.SignIn(ctx, so)
		}
		if err != nil {
			return nil, signInError(err, b.Timeout)
		}
		// The profile stays locked until Chrome has exited; login waits
		// for that before samlgo exits.
		closing = true
		released := make(chan struct{})
		go func() {
			<-res.Closed
			profile.Close()
			close(released)
		}()
		o.closing = append(o.closing, released)
		o.timings = res.Timings
		resp, err := assertion.Parse([]byte(res.SAMLResponse))
		if err != nil {
			return nil, fmt.Errorf("the SAMLResponse the IdP posted to AWS: %w", err)
		}
		return resp, nil
	}, nil
}

// signInError turns the ways a browser sign-in ends into samlgo errors.
func signInError(err error, timeout time.Duration) error {
	var stall *browser.StallError
	var rejected *browser.RejectedError
	switch {
	case errors.Is(err, browser.ErrClosed):
		return &exitError{exitCancelled, err, nil}
	case errors.Is(err, context.DeadlineExceeded):
		return &exitError{exitFailure, fmt.Errorf("no sign-in within %s; the IdP never posted to AWS", timeout),
			[]string{"hint: pass a longer --timeout, or --no-headless to see the page"}}
	case errors.As(err, &stall):
		hints := []string{"hint: run with --no-headless on a machine with a display to finish the sign-in by hand"}
		if stall.HTML != "" {
			hints = append(hints, "hint: the page's HTML is in "+stall.HTML+"; login-field CSS selectors can go in the config ([accounts.NAME.selectors])")
		}
		return &exitError{exitFailure, err, hints}
	case errors.As(err, &rejected):
		return &exitError{exitFailure, err, nil}
	}
	return err
}

// passwordSource returns, for a headless or visible sign-in, what answers
// the autofill's request for a password: --password-stdin (read now, before
// Chrome starts), SAMLGO_PASSWORD, or a no-echo prompt on the terminal. A
// visible window without one of these leaves the password to the person.
func (o *loginOptions) passwordSource() (func(headless bool) func() (string, error), error) {
	a, b := o.app, &o.Browser
	fixed := func(pw string) func(bool) func() (string, error) {
		return func(bool) func() (string, error) { return func() (string, error) { return pw, nil } }
	}
	switch {
	case b.password != nil:
		return func(bool) func() (string, error) { return b.password }, nil
	case b.PasswordStdin:
		line, err := bufio.NewReader(a.io.In).ReadString('\n')
		if err != nil && line == "" {
			return nil, usageErrorf("--password-stdin: no password on stdin")
		}
		return fixed(strings.TrimRight(line, "\r\n")), nil
	case os.Getenv("SAMLGO_PASSWORD") != "":
		return fixed(os.Getenv("SAMLGO_PASSWORD")), nil
	}
	var once sync.Once
	var pw string
	var perr error
	ask := func() (string, error) {
		once.Do(func() { pw, perr = a.readSecret("IdP password: ") })
		return pw, perr
	}
	return func(headless bool) func() (string, error) {
		switch {
		case a.io.CanPrompt():
			return ask
		case headless:
			return func() (string, error) {
				return "", usageError(errors.New("the IdP asks for a password and there is no terminal to ask on"),
					"hint: pass --password-stdin or set SAMLGO_PASSWORD")
			}
		}
		return nil // the person types it in the window
	}, nil
}

// usernameSource asks for the username on the terminal (echoed), or
// returns nil when there is none.
func (o *loginOptions) usernameSource() func() (string, error) {
	a := o.app
	if !a.io.CanPrompt() {
		return nil
	}
	return func() (string, error) {
		fmt.Fprint(a.io.ErrOut, "IdP username: ")
		line, err := bufio.NewReader(a.io.In).ReadString('\n')
		if err != nil && line == "" {
			return "", fmt.Errorf("reading the username: %w", err)
		}
		return strings.TrimSpace(line), nil
	}
}

// otpSource asks for one-time codes on the terminal, or returns nil when
// there is none.
func (o *loginOptions) otpSource() func() (string, error) {
	a := o.app
	if !a.io.CanPrompt() {
		return nil
	}
	return func() (string, error) { return a.readSecret("one-time code: ") }
}

// readSecret prompts on stderr and reads a line from the terminal without
// echo.
func (a *app) readSecret(prompt string) (string, error) {
	if a.io.InFile == nil {
		return "", errors.New("no terminal to read from")
	}
	fmt.Fprint(a.io.ErrOut, prompt)
	b, err := term.ReadPassword(int(a.io.InFile.Fd()))
	fmt.Fprintln(a.io.ErrOut)
	if err != nil {
		return "", fmt.Errorf("reading from the terminal: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}
