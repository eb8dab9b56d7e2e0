package browser

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

// StallError reports a headless sign-in that needs a person: a page samlgo
// cannot fill, a one-time code with no terminal, or no progress at all.
type StallError struct {
	URL    string
	Reason string
	// Seen is what the autofill last saw on the page: its title, fields,
	// buttons and any error text, enough to write selectors from.
	Seen       string
	Screenshot string // path, empty when it could not be taken
	HTML       string // path
}

func (e *StallError) Error() string {
	msg := fmt.Sprintf("sign-in stalled at %s: %s", redactURL(e.URL), e.Reason)
	if e.Seen != "" {
		msg += "; saw " + e.Seen
	}
	if e.Screenshot != "" {
		msg += "; screenshot: " + e.Screenshot
	}
	return msg
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
	e := &StallError{Reason: reason, Seen: s.lastSeen()}
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
