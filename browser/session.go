package browser

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/samlgo/samlgo/child"
)

// ErrClosed is returned when the person closes the browser window (or
// every tab) before the SAMLResponse arrives.
var ErrClosed = errors.New("the browser window was closed before the sign-in finished")

// session is one running sign-in.
type session struct {
	o      *Options
	log    *slog.Logger
	status func(string)
	bctx   context.Context // the browser and its first tab

	outcome chan outcome
	done    chan struct{}
	started time.Duration // Chrome's start-up, set before the capture can happen

	mu       sync.Mutex
	pages    map[target.ID]context.Context
	current  context.Context // the page that changed last
	activity time.Time
	seen     map[context.Context]formState // the last look at each page
	// elsewherePages wait for the person on another device (a push).
	elsewherePages map[context.Context]bool
	steps          []Step

	// askMu serialises questions on the terminal; while one is open the
	// sign-in is waiting for the person, not stalled.
	askMu     sync.Mutex
	prompting atomic.Int32
	// userMu guards Autofill.Username, which page workers share.
	userMu sync.Mutex
}

type outcome struct {
	res *Result
	err error
}

// SignIn opens the IdP sign-on URL in Chrome, lets the person (or the
// autofill) sign in, and returns the SAMLResponse the IdP posts to AWS,
// answering that POST locally. It returns when the response is caught, ctx
// ends (the caller's timeout, Ctrl-C), the window is closed (ErrClosed), or
// a headless sign-in stalls (*StallError). No Chrome process outlives it.
func SignIn(ctx context.Context, o Options) (*Result, error) {
	s := &session{
		o: &o, log: o.Log, status: o.Status,
		outcome: make(chan outcome, 8), done: make(chan struct{}),
		pages: map[target.ID]context.Context{}, activity: time.Now(),
		seen: map[context.Context]formState{}, elsewherePages: map[context.Context]bool{},
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.status == nil {
		s.status = func(string) {}
	}
	if o.Autofill != nil {
		// The session learns the username once it is asked; the caller's
		// Autofill stays as it was.
		af := *o.Autofill
		s.o.Autofill = &af
	}
	if o.StallAfter == 0 {
		o.StallAfter = 30 * time.Second
	}
	if len(o.KerberosHosts) > 0 {
		if err := allowNegotiate(o.ProfileDir); err != nil {
			return nil, err
		}
	}
	// Chrome is stopped by samlgo, not by ctx: a cancelled ctx kills it at
	// once, a successful sign-in closes it gracefully so the profile keeps
	// the IdP's cookies.
	actx, cancelAlloc := chromedp.NewExecAllocator(context.WithoutCancel(ctx), o.allocatorOptions()...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	s.bctx = bctx
	background := false // set when a successful capture hands the close to a goroutine
	defer func() {
		close(s.done)
		if !background {
			cancelBrowser()
			cancelAlloc()
			killLeftovers(o.ProfileDir, 0)
		}
	}()

	start := time.Now()
	if err := runCtx(ctx, func() error { return chromedp.Do(bctx) }); err != nil {
		return nil, startError(o.ExecPath, o.Headless, err)
	}
	s.started = time.Since(start)
	if b := chromedp.FromContext(bctx).Browser; b != nil && b.Process() != nil {
		if err := child.EndWithUs(b.Process().Pid); err != nil {
			s.log.Debug("chrome may outlive samlgo", "error", err)
		}
	}
	// The stall clock starts with Chrome: a slow start (a loaded machine,
	// a first run) is not the IdP's silence.
	s.touch(nil)
	s.log.Debug("chrome started", "elapsed", s.started, "headless", o.Headless)
	if o.KeepSessionCookies {
		// A missing or damaged file is a sign-in that asks again, nothing worse.
		if n, err := restoreSessionCookies(bctx, o.ProfileDir); err != nil {
			s.log.Debug("restoring the IdP's session cookies", "error", err)
		} else if n > 0 {
			s.log.Debug("restored the IdP's session cookies", "cookies", n)
		}
	}

	paused := chromedp.BrowserEvents(bctx, fetch.RequestPaused)
	created := chromedp.BrowserEvents(bctx, target.TargetCreated)
	destroyed := chromedp.BrowserEvents(bctx, target.TargetDestroyed)
	if _, err := chromedp.CallBrowser(bctx, fetch.Enable, fetch.EnableParams{Patterns: fetchPatterns}); err != nil {
		return nil, fmt.Errorf("setting up the capture in Chrome: %w", err)
	}
	first := chromedp.FromContext(bctx).Target.TargetID
	s.addPage(first, bctx)
	go s.intercept(paused)
	go s.watchTargets(created, destroyed)
	go func() {
		if err := chromedp.Do(bctx, chromedp.Navigate(o.URL)); err != nil && !s.finished() {
			if strings.Contains(err.Error(), "net::ERR_") {
				s.finish(nil, fmt.Errorf("cannot open %s: %w", redactURL(o.URL), err))
			}
		}
	}()
	s.status("waiting for sign-in in the browser… (Ctrl-C to cancel)")

	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case out := <-s.outcome:
			if out.err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				return nil, out.err
			}
			out.res.Timings.Pages = time.Since(start) - out.res.Timings.Start
			s.mu.Lock()
			out.res.Timings.Steps = append([]Step(nil), s.steps...)
			s.mu.Unlock()
			s.log.Debug("sign-in phases", "chrome_start", out.res.Timings.Start, "pages", out.res.Timings.Pages)
			// Close in the background, gracefully so the profile keeps the
			// IdP's cookies, while the caller gets the credentials.
			closed, abort := make(chan struct{}), make(chan struct{})
			out.res.Closed = closed
			var once sync.Once
			out.res.Abort = func() { once.Do(func() { close(abort) }) }
			background = true
			go func() {
				defer close(closed)
				if o.KeepSessionCookies {
					if err := saveSessionCookies(bctx, o.ProfileDir); err != nil {
						s.log.Debug("saving the IdP's session cookies", "error", err)
					}
				}
				closeGracefully(bctx, 5*time.Second, abort)
				cancelBrowser()
				cancelAlloc()
				killLeftovers(o.ProfileDir, 0) // helpers that outlived the browser process
			}()
			return out.res, nil
		case <-tick.C:
			if o.Headless && s.idle() > o.StallAfter {
				return nil, s.stall("nothing happened for " + o.StallAfter.String() + " (no page change, no form samlgo could fill)")
			}
		}
	}
}

func (s *session) finish(res *Result, err error) {
	select {
	case s.outcome <- outcome{res, err}:
	default:
	}
}

func (s *session) finished() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

func (s *session) touch(page context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.activity = time.Now()
	if page != nil {
		s.current = page
	}
}

// saw keeps the last look at a page, for a stall message.
func (s *session) saw(page context.Context, st formState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen[page] = st
}

// lastSeen describes the current page as the autofill last saw it.
func (s *session) lastSeen() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.seen[s.current]
	if !ok {
		return ""
	}
	return st.describe()
}

// recordStep notes how long the autofill took to act on a page, from the
// moment the page (or its current step) had its final layout.
func (s *session) recordStep(page context.Context, st formState) {
	ctx, cancel := context.WithTimeout(page, time.Second)
	defer cancel()
	now, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`performance.now()`))
	if err != nil || st.Since <= 0 {
		return
	}
	added := time.Duration((now - st.Since) * float64(time.Millisecond))
	s.log.Debug("autofill acted", "page", st.Title, "after", added)
	s.mu.Lock()
	s.steps = append(s.steps, Step{Page: st.Title, Added: added})
	s.mu.Unlock()
}

func (s *session) idle() time.Duration {
	if s.prompting.Load() > 0 {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.elsewherePages) > 0 {
		s.activity = time.Now() // the stall clock starts again when the page moves on
		return 0
	}
	return time.Since(s.activity)
}

// ask runs a question for the person, outside any lock the main loop takes,
// and restarts the stall clock afterwards.
func (s *session) ask(q func() (string, error)) (string, error) {
	s.askMu.Lock()
	defer s.askMu.Unlock()
	s.prompting.Add(1)
	defer func() {
		s.prompting.Add(-1)
		s.touch(nil)
	}()
	return q()
}

// watchTargets follows tabs and popups: each page gets an autofill worker,
// and when the last page is gone the window was closed.
func (s *session) watchTargets(created func(func(target.EventTargetCreated, error) bool), destroyed func(func(target.EventTargetDestroyed, error) bool)) {
	go func() {
		for ev, err := range destroyed {
			if err != nil {
				return
			}
			s.mu.Lock()
			_, known := s.pages[ev.TargetID]
			delete(s.pages, ev.TargetID)
			left := len(s.pages)
			s.mu.Unlock()
			if known && left == 0 && !s.finished() {
				s.finish(nil, ErrClosed)
			}
		}
	}()
	for ev, err := range created {
		if err != nil {
			return
		}
		if ev.TargetInfo == nil || ev.TargetInfo.Type != "page" {
			continue
		}
		s.mu.Lock()
		_, known := s.pages[ev.TargetInfo.TargetID]
		s.mu.Unlock()
		if known {
			continue
		}
		tctx, _ := chromedp.NewContext(s.bctx, chromedp.WithTargetID(ev.TargetInfo.TargetID))
		s.addPage(ev.TargetInfo.TargetID, tctx)
	}
}

func (s *session) addPage(id target.ID, tctx context.Context) {
	s.mu.Lock()
	s.pages[id] = tctx
	if s.current == nil {
		s.current = tctx
	}
	s.mu.Unlock()
	go s.autofill(tctx)
}
