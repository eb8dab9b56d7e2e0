package browser

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/chromedp/chromedp"
)

// Approval is a page in Chrome that the person (or samlgo, pressing a
// button) approves, ending on a URL samlgo serves itself: the IAM
// Identity Center authorization page and its loopback redirect.
type Approval struct {
	// Options are the browser's: ExecPath, URL (the page to open),
	// ProfileDir (the saved IdP session), Headless, NoSandbox, Status, Log.
	// StallAfter ends a headless approval whose page does not change (a
	// *StallError); Autofill does not apply.
	Options
	// Done reports whether a page's URL is the end of the approval (the
	// loopback callback).
	Done func(url string) bool
	// Click are CSS selectors of buttons samlgo presses, once per page,
	// when they appear (an "Allow" button); empty leaves every button to
	// the person.
	Click []string
}

// Approve opens the approval page in Chrome and returns nil once a tab
// shows a URL Done accepts, ErrClosed when the window is closed first, or
// ctx's error when ctx ends (the caller got what it waited for some other
// way, a timeout, Ctrl-C). Chrome is closed gracefully, so the profile
// keeps the IdP's cookies, and no Chrome process outlives the call.
func Approve(ctx context.Context, a Approval) error {
	log := a.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.WithoutCancel(ctx), a.allocatorOptions()...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer func() {
		closeGracefully(bctx, 5*time.Second)
		cancelBrowser()
		cancelAlloc()
		killLeftovers(a.ProfileDir, 0)
	}()
	if err := runCtx(ctx, func() error { return chromedp.Do(bctx) }); err != nil {
		return fmt.Errorf("starting %s: %w", a.ExecPath, err)
	}
	navErr := make(chan error, 1)
	go func() { navErr <- chromedp.Do(bctx, chromedp.Navigate(a.URL)) }()
	if a.Status != nil {
		a.Status("waiting for the approval in the browser… (Ctrl-C to cancel)")
	}
	clickJS := "false"
	if len(a.Click) > 0 {
		sels, _ := json.Marshal(a.Click)
		clickJS = `(() => { for (const s of ` + string(sels) + `) { const b = document.querySelector(s);
  if (b && !b.dataset.samlgoClicked) { b.dataset.samlgoClicked = "1"; b.click(); return true } } return false })()`
	}
	stallAfter := a.StallAfter
	if stallAfter == 0 {
		stallAfter = 30 * time.Second
	}
	last, changed := "", time.Now()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-navErr:
			if err != nil && ctx.Err() == nil && bctx.Err() == nil {
				log.Debug("approval page navigation", "error", err)
			}
		case <-tick.C:
		}
		if bctx.Err() != nil {
			return ErrClosed
		}
		loc, err := chromedp.Run(bctx, chromedp.Location())
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if bctx.Err() != nil || errors.Is(err, context.Canceled) {
				return ErrClosed
			}
			continue // between pages
		}
		if a.Done != nil && a.Done(loc) {
			return nil
		}
		if loc != last {
			last, changed = loc, time.Now()
		} else if a.Headless && a.Done != nil && time.Since(changed) > stallAfter {
			// Headless, no one can answer the page: a sign-in the saved
			// IdP session does not cover, or a button samlgo must not
			// press on its own.
			return &StallError{URL: loc, Reason: "the approval page did not move on for " + stallAfter.String() + "; sign in with a visible window (no --headless) or press Allow yourself"}
		}
		if clicked, err := chromedp.Run(bctx, chromedp.Evaluate[bool](clickJS)); err == nil && clicked {
			log.Debug("pressed a button on the approval page")
		}
	}
}
