package flow

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/samlgo/samlgo/assertion"
	"github.com/samlgo/samlgo/browser"
)

// Saved captures a response saved by hand (a file or stdin): Read is
// called once; there is no fresher one to capture.
type Saved struct {
	// Name names the input in errors about its content ("SAML response
	// \"resp.txt\"").
	Name string
	Read func() (*assertion.Response, error)
}

// Source implements Named.
func (s Saved) Source() string { return s.Name }

// Named is a Capturer that names its input, so that what is wrong with a
// response (a failed status, no roles, expired) says which one.
type Named interface {
	Source() string
}

// Capture implements Capturer.
func (s Saved) Capture(context.Context) (*assertion.Response, error) { return s.Read() }

// Recapturable implements Capturer: a saved response cannot be renewed.
func (Saved) Recapturable() bool { return false }

// Close implements Capturer.
func (Saved) Close() {}

// Browser runs sign-ins in Chrome with the account's saved IdP session:
// the one driver for login, the credential-process refresh and sso login.
type Browser struct {
	// Options are the sign-in's settings; ProfileDir is set per capture
	// from the locked profile, and Autofill.Password from Password.
	Options browser.Options
	// ProfileDir is the account's Chrome profile (see browser.ProfileDir).
	ProfileDir string
	// Fresh deletes the saved IdP session before the first capture.
	Fresh bool
	// Timeout bounds each sign-in.
	Timeout time.Duration
	// Password returns the autofill's password source for a headless or a
	// visible sign-in (nil: the person types it in the window).
	Password func(headless bool) func() (string, error)
	// Display says a visible window can be opened: a headless sign-in that
	// stalls is then reopened for the person.
	Display bool
	// Notify receives lines the person must see (a stall, a reopened
	// window); WaitingForProfile is called when another samlgo holds the
	// profile.
	Notify            func(msg string)
	WaitingForProfile func()

	mu      sync.Mutex
	closing []chan struct{}
	timings browser.Timings
}

// Recapturable implements Capturer: another sign-in yields a new response.
func (b *Browser) Recapturable() bool { return true }

// Timings are the phases of the last sign-in.
func (b *Browser) Timings() browser.Timings {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.timings
}

// Close implements Capturer: it waits until every Chrome this capturer
// started has exited, so no process outlives samlgo.
func (b *Browser) Close() {
	b.mu.Lock()
	closing := b.closing
	b.closing = nil
	b.mu.Unlock()
	for _, c := range closing {
		<-c
	}
}

// Capture implements Capturer: it locks the profile, signs in, and
// reopens a stalled headless sign-in visibly when there is a display.
// Chrome closes in the background afterwards; Close waits for it.
func (b *Browser) Capture(ctx context.Context) (*assertion.Response, error) {
	res, err := b.signIn(ctx, b.Options)
	if err != nil {
		return nil, err
	}
	resp, err := assertion.Parse([]byte(res.SAMLResponse))
	if err != nil {
		return nil, fmt.Errorf("the SAMLResponse the IdP posted to AWS: %w", err)
	}
	return resp, nil
}

// Visit runs the same sign-in from url until a page whose URL done
// accepts (the loopback callback of an IAM Identity Center
// authorization), pressing the controls click lists on the way. It
// returns once Chrome has closed, so the profile keeps the IdP session.
func (b *Browser) Visit(ctx context.Context, url string, done func(string) bool, click []string) error {
	o := b.Options
	o.URL, o.Done, o.Click = url, done, click
	res, err := b.signIn(ctx, o)
	if err != nil {
		return err
	}
	// Chrome closes by itself (up to 5 s); Ctrl-C meanwhile kills it.
	select {
	case <-res.Closed:
	case <-ctx.Done():
		res.Abort()
	}
	b.Close()
	return nil
}

// signIn locks the profile and runs one sign-in with o, reopening a
// stalled headless one visibly when there is a display. Chrome closes in
// the background afterwards; Close waits for it.
func (b *Browser) signIn(ctx context.Context, o browser.Options) (*browser.Result, error) {
	profile, err := browser.OpenProfile(ctx, b.ProfileDir, b.Fresh, b.WaitingForProfile)
	if err != nil {
		return nil, err
	}
	handedOff := false // Chrome closes in the background after a capture
	defer func() {
		if !handedOff {
			profile.Close()
		}
	}()
	b.Fresh = false // a re-capture reuses the session just made
	o.ProfileDir = profile.Dir
	o.Autofill = b.autofill(o.Headless)
	ctx, cancel := context.WithTimeout(ctx, b.Timeout)
	defer cancel()
	res, err := browser.SignIn(ctx, o)
	var stall *browser.StallError
	if errors.As(err, &stall) && o.Headless && b.Display && ctx.Err() == nil {
		if b.Notify != nil {
			b.Notify(stall.Error())
			b.Notify("the sign-in needs you; opening a browser window")
		}
		o.Headless = false
		o.Autofill = b.autofill(false)
		res, err = browser.SignIn(ctx, o)
	}
	if err != nil {
		return nil, err
	}
	// The profile stays locked until Chrome has exited.
	handedOff = true
	released := make(chan struct{})
	go func() {
		<-res.Closed
		profile.Close()
		close(released)
	}()
	b.mu.Lock()
	b.closing = append(b.closing, released)
	b.timings = res.Timings
	b.mu.Unlock()
	return res, nil
}

// autofill is a copy of the configured autofill with the password source
// for this kind of window.
func (b *Browser) autofill(headless bool) *browser.Autofill {
	if b.Options.Autofill == nil {
		return nil
	}
	a := *b.Options.Autofill
	if b.Password != nil {
		a.Password = b.Password(headless)
	}
	return &a
}
