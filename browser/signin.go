package browser

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Options configure one sign-in.
type Options struct {
	// ExecPath is the Chrome binary (see Find).
	ExecPath string
	// URL is the IdP-initiated sign-on URL.
	URL string
	// ProfileDir is Chrome's user data directory (--user-data-dir), kept
	// between logins so the IdP remembers the person; see OpenProfile.
	ProfileDir string
	// Headless runs Chrome without a window (--headless, --hide-scrollbars,
	// --mute-audio).
	Headless bool
	// NoSandbox adds --no-sandbox, which Chrome needs when run as root.
	NoSandbox bool
	// Autofill fills login forms; nil leaves them to the person.
	Autofill *Autofill
	// Status receives progress lines for the person.
	Status func(string)
	// StallAfter is how long a headless sign-in may go without a page change
	// or a form samlgo can fill before it gives up with a *StallError
	// (default 30s). It does not apply to a visible window.
	StallAfter time.Duration
	// DebugDir receives a stalled page's screenshot and HTML.
	DebugDir string
	// Log receives debug records; never secrets.
	Log *slog.Logger
}

// Autofill is what samlgo may type into login forms.
type Autofill struct {
	// Username is typed into an empty username field.
	Username string
	// AskUsername is asked (once) when a form wants a username and
	// Username is empty; nil means there is no one to ask.
	AskUsername func() (string, error)
	// Password is asked for when a password field appears; nil leaves the
	// password to the person.
	Password func() (string, error)
	// OTP is asked for when a one-time-code field appears; nil means there
	// is no one to ask.
	OTP func() (string, error)
	// Selectors override the guesses.
	Selectors Selectors
}

// Selectors are CSS selectors for login fields, from the config.
type Selectors struct {
	Username string `json:"username"`
	Password string `json:"password"`
	OTP      string `json:"otp"`
	Submit   string `json:"submit"`
}

// Result is the form POST that was bound for AWS; it never left the
// browser.
type Result struct {
	// ACS is the AWS sign-in URL it was addressed to.
	ACS string
	// SAMLResponse is the form field as posted (base64).
	SAMLResponse string
	RelayState   string
	// Timings split the sign-in into phases, for benchmarks and --debug.
	Timings Timings
	// Closed is closed once Chrome, closing in the background after the
	// capture, has exited with all its helpers. The caller must wait for it
	// before it exits or reuses the profile.
	Closed <-chan struct{}
}

// Timings are the phases of one sign-in.
type Timings struct {
	// Start is the time from SignIn's call until Chrome answered.
	Start time.Duration
	// Pages is the time from then until the SAMLResponse was caught: IdP
	// pages, autofill and the person.
	Pages time.Duration
}

// ErrClosed is returned when the person closes the browser window (or
// every tab) before the SAMLResponse arrives.
var ErrClosed = errors.New("the browser window was closed before the sign-in finished")

// StallError reports a headless sign-in that needs a person: a page samlgo
// cannot fill, a one-time code with no terminal, or no progress at all.
type StallError struct {
	URL        string
	Reason     string
	Screenshot string // path, empty when it could not be taken
	HTML       string // path
}

func (e *StallError) Error() string {
	msg := fmt.Sprintf("sign-in stalled at %s: %s", redactURL(e.URL), e.Reason)
	if e.Screenshot != "" {
		msg += "; screenshot: " + e.Screenshot
	}
	return msg
}

// RejectedError reports an IdP that asked for the same thing again after
// samlgo filled it: a wrong password or code. samlgo does not retry, so as
// not to lock the account.
type RejectedError struct{ What string }

func (e *RejectedError) Error() string {
	return fmt.Sprintf("the IdP asked for the %s again; check it (samlgo does not retry, to avoid locking the account)", e.What)
}

// acsURL matches the AWS sign-in endpoints the IdP posts to: global,
// regional, China and GovCloud, with any query string.
var acsURL = regexp.MustCompile(`^https://([a-z0-9-]+\.)?signin\.(aws\.amazon\.com|amazonaws\.cn|amazonaws-us-gov\.com)/saml(\?.*)?$`)

// fetchPatterns pause those requests browser-wide, so a POST from a popup
// or at the end of a redirect chain is caught too. The glob is loose; each
// paused request is checked against acsURL.
var fetchPatterns = []*fetch.RequestPattern{
	{URLPattern: "https://*signin.aws.amazon.com/saml*"},
	{URLPattern: "https://*signin.amazonaws.cn/saml*"},
	{URLPattern: "https://*signin.amazonaws-us-gov.com/saml*"},
}

const signedInPage = `<!doctype html><html><head><meta charset="utf-8"><title>Signed in</title></head>
<body style="font-family:sans-serif;max-width:30em;margin:4em auto"><h1>Signed in &mdash; you can close this window</h1>
<p>samlgo has the sign-in response and is getting your AWS credentials. Nothing was sent to AWS from this browser.</p></body></html>`

//go:embed detect.js
var detectJS string

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
	}
	if o.Headless {
		opts = append(opts, chromedp.Headless)
	}
	if o.NoSandbox {
		opts = append(opts, chromedp.NoSandbox)
	}
	return opts
}

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
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.status == nil {
		s.status = func(string) {}
	}
	if o.StallAfter == 0 {
		o.StallAfter = 30 * time.Second
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
		return nil, fmt.Errorf("starting %s: %w", o.ExecPath, err)
	}
	s.started = time.Since(start)
	s.log.Debug("chrome started", "elapsed", s.started, "headless", o.Headless)

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
			s.log.Debug("sign-in phases", "chrome_start", out.res.Timings.Start, "pages", out.res.Timings.Pages)
			// Close in the background, gracefully so the profile keeps the
			// IdP's cookies, while the caller gets the credentials.
			closed := make(chan struct{})
			out.res.Closed = closed
			background = true
			go func() {
				defer close(closed)
				closeGracefully(bctx, 5*time.Second)
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

// closeGracefully asks Chrome to close (Browser.close), so it writes the
// IdP's cookies to the profile, and waits at most limit: chromedp.Cancel
// waits for the process without a deadline of its own.
func closeGracefully(bctx context.Context, limit time.Duration) {
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

func (s *session) idle() time.Duration {
	if s.prompting.Load() > 0 {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
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

// intercept answers every paused AWS sign-in POST locally and reports the
// first SAMLResponse; other paused requests go on unchanged.
func (s *session) intercept(events func(func(fetch.EventRequestPaused, error) bool)) {
	for ev, err := range events {
		if err != nil {
			if !s.finished() {
				s.finish(nil, ErrClosed)
			}
			return
		}
		req := ev.Request
		if req == nil || req.Method != "POST" || !acsURL.MatchString(req.URL) {
			_, _ = chromedp.CallBrowser(s.bctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
			continue
		}
		var body []byte
		for _, e := range req.PostDataEntries {
			body = append(body, e.Bytes...)
		}
		_, _ = chromedp.CallBrowser(s.bctx, fetch.FulfillRequest, fetch.FulfillRequestParams{
			RequestID: ev.RequestID, ResponseCode: 200, Body: []byte(signedInPage),
			ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "text/html; charset=utf-8"}, {Name: "Cache-Control", Value: "no-store"}},
		})
		form, perr := url.ParseQuery(string(body))
		switch {
		case len(body) == 0 && req.HasPostData:
			s.finish(nil, errors.New("the IdP's POST to AWS was too large for Chrome to report its body"))
		case perr != nil || form.Get("SAMLResponse") == "":
			s.finish(nil, fmt.Errorf("the IdP posted to %s without a SAMLResponse", redactURL(req.URL)))
		default:
			s.log.Debug("SAMLResponse captured", "acs", redactURL(req.URL), "bytes", len(body))
			s.finish(&Result{ACS: req.URL, SAMLResponse: form.Get("SAMLResponse"), RelayState: form.Get("RelayState"), Timings: Timings{Start: s.started}}, nil)
		}
		return
	}
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

// formState is what detect.js reports about a page.
type formState struct {
	URL       string `json:"url"`
	User      string `json:"user"`
	UserValue string `json:"userValue"`
	Pass      string `json:"pass"`
	OTP       string `json:"otp"`
	Submit    string `json:"submit"`
}

// autofill watches one page and fills the login forms it recognises, once
// each: a form that comes back after it was filled means the IdP refused.
func (s *session) autofill(tctx context.Context) {
	sel := Selectors{}
	if s.o.Autofill != nil {
		sel = s.o.Autofill.Selectors
	}
	selJSON, _ := json.Marshal(sel)
	expr := "(" + strings.TrimSpace(detectJS) + ")(" + string(selJSON) + ")"
	filled := map[string]int{}
	lastURL := ""
	// A look costs about a millisecond of the page's time; looking often
	// keeps the autofill from adding delay to each page.
	tick := time.NewTicker(40 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-tctx.Done():
			return
		case <-tick.C:
		}
		st, err := chromedp.Run(tctx, chromedp.Evaluate[formState](expr))
		if err != nil {
			if errors.Is(err, chromedp.ErrTargetDetached) {
				return
			}
			continue // navigating: the page has no context yet
		}
		if st.URL != lastURL {
			lastURL = st.URL
			s.touch(tctx)
			s.log.Debug("page", "url", redactURL(st.URL))
		}
		if s.o.Autofill == nil {
			continue
		}
		if err := s.fill(tctx, st, filled); err != nil {
			s.finish(nil, err)
			return
		}
	}
}

// username returns the username to type, asking for it once if needed.
func (s *session) username() (string, error) {
	s.userMu.Lock()
	defer s.userMu.Unlock()
	a := s.o.Autofill
	if a.Username == "" && a.AskUsername != nil {
		u, err := s.ask(a.AskUsername)
		if err != nil {
			return "", err
		}
		a.Username, a.AskUsername = u, nil
	}
	return a.Username, nil
}

// fill types into one recognised form and submits it.
func (s *session) fill(tctx context.Context, st formState, filled map[string]int) error {
	a := s.o.Autofill
	needUser := st.User != "" && st.UserValue == ""
	user := ""
	if needUser && (st.Pass == "" || a.Password != nil) {
		var err error
		if user, err = s.username(); err != nil {
			return err
		}
	}
	switch {
	case st.Pass != "":
		if a.Password == nil {
			return nil // the person types it
		}
		if filled["pass"] > 0 {
			return &RejectedError{What: "password"}
		}
		if needUser {
			if user == "" {
				return s.needsPerson("the login form asks for a username and none was given (--username or the config)")
			}
			if err := s.typeInto(tctx, st.User, user); err != nil {
				return nil
			}
		}
		pw, err := s.ask(a.Password)
		if err != nil {
			return err
		}
		filled["pass"]++
		s.status("signing in" + userSuffix(user) + "…")
		return s.submit(tctx, st, st.Pass, pw)
	case st.OTP != "":
		if a.OTP == nil {
			return s.needsPerson("the IdP asks for a one-time code and there is no terminal to ask on")
		}
		if filled["otp"] > 0 {
			return &RejectedError{What: "one-time code"}
		}
		code, err := s.ask(a.OTP)
		if err != nil {
			return err
		}
		filled["otp"]++
		return s.submit(tctx, st, st.OTP, code)
	case needUser && user != "":
		if filled["user"] > 0 {
			return &RejectedError{What: "username"}
		}
		filled["user"]++
		return s.submit(tctx, st, st.User, user)
	}
	return nil
}

func userSuffix(u string) string {
	if u == "" {
		return ""
	}
	return " as " + u
}

// typeInto focuses a field and enters text with Input.insertText, the way
// a paste or an input method enters it (the page sees focus, beforeinput
// and input events), in one call instead of one key event per character.
// It marks the field filled.
func (s *session) typeInto(tctx context.Context, field, text string) error {
	insert := func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, input.InsertText, input.InsertTextParams{Text: text})
		return chromedp.Void{}, err
	}
	if err := chromedp.Do(tctx, chromedp.Focus(chromedp.CSS(field)), insert); err != nil {
		return err
	}
	_, _ = chromedp.Run(tctx, chromedp.Evaluate[bool](`(() => { const e = document.querySelector('`+field+`'); if (e) e.setAttribute("data-samlgo-filled", ""); return true })()`))
	return nil
}

// submit types text into field and submits its form by clicking the
// submit button, or pressing Enter when there is none.
func (s *session) submit(tctx context.Context, st formState, field, text string) error {
	if err := s.typeInto(tctx, field, text); err != nil {
		return nil // the page changed under us; the next look decides
	}
	s.touch(tctx)
	if st.Submit != "" {
		_ = chromedp.Do(tctx, chromedp.Click(chromedp.CSS(st.Submit)))
		return nil
	}
	_ = chromedp.Do(tctx, chromedp.SendKeys(chromedp.CSS(field), kb.Enter))
	return nil
}

// needsPerson ends a headless sign-in with a *StallError; in a visible
// window the person is there to answer, so it leaves the page to them.
func (s *session) needsPerson(reason string) error {
	if !s.o.Headless {
		return nil
	}
	return s.stall(reason)
}

// stall saves the current page's screenshot and HTML for the person and
// returns a *StallError.
func (s *session) stall(reason string) error {
	s.mu.Lock()
	page := s.current
	s.mu.Unlock()
	e := &StallError{Reason: reason}
	if page == nil {
		return e
	}
	ctx, cancel := context.WithTimeout(page, 5*time.Second)
	defer cancel()
	e.URL, _ = chromedp.Run(ctx, chromedp.Location())
	if s.o.DebugDir == "" {
		return e
	}
	dir := filepath.Join(s.o.DebugDir, time.Now().Format("20060102-150405"))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return e
	}
	if png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
		p := filepath.Join(dir, "screenshot.png")
		if os.WriteFile(p, png, 0o600) == nil {
			e.Screenshot = p
		}
	}
	if html, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("html"))); err == nil {
		p := filepath.Join(dir, "page.html")
		if os.WriteFile(p, []byte(html), 0o600) == nil {
			e.HTML = p
		}
	}
	return e
}

// redactURL drops the query string, which can carry SAML messages or
// tokens, before a URL is shown or logged.
func redactURL(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		return u[:i]
	}
	return u
}
