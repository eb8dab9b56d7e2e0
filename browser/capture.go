package browser

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sync"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
)

// Result is how a sign-in ended: the form POST that was bound for AWS
// (it never left the browser), or the page Options.Done accepted.
type Result struct {
	// URL is the page Options.Done accepted; empty for a SAML capture.
	URL string
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
	// Abort stops waiting for Chrome to close by itself (Ctrl-C): it is
	// killed at once, and Closed follows.
	Abort func()
}

// Timings are the phases of one sign-in.
type Timings struct {
	// Start is the time from SignIn's call until Chrome answered.
	Start time.Duration
	// Pages is the time from then until the SAMLResponse was caught: IdP
	// pages, autofill and the person.
	Pages time.Duration
	// Steps are the autofill's actions, one per page (or page step) it
	// submitted or answered.
	Steps []Step
}

// Step is one autofill action and the time it added to its page: from the
// moment the page (or its current step) had its final layout to the click
// or Enter.
type Step struct {
	Page  string // the page's title
	Added time.Duration
}

// acsURL matches the AWS sign-in endpoints the IdP posts to: global,
// regional, China and GovCloud, with any query string, and the same hosts
// behind Microsoft Defender for Cloud Apps session control, whose reverse
// proxy appends its own suffix to every host (signin.aws.amazon.com.mcas.ms;
// mcas-gov.us and mcas-gov.ms for the US government clouds; the older
// regional cas.ms forms such as .us2.cas.ms and .eu.cas.ms).
var acsURL = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^https://([a-z0-9-]+\.)?signin\.(aws\.amazon\.com|amazonaws\.cn|amazonaws-us-gov\.com)` +
		`(\.mcas\.ms|\.mcas-gov\.us|\.mcas-gov\.ms|\.(us|us2|us3|eu|eu2)\.cas\.ms)?/saml(\?.*)?$`)
})

// fetchPatterns pause those requests browser-wide, so a POST from a popup
// or at the end of a redirect chain is caught too. The globs are loose;
// each paused request is checked against acsURL.
var fetchPatterns = []*fetch.RequestPattern{
	{URLPattern: "https://*signin.aws.amazon.com/saml*"},
	{URLPattern: "https://*signin.amazonaws.cn/saml*"},
	{URLPattern: "https://*signin.amazonaws-us-gov.com/saml*"},
	{URLPattern: "https://*signin.aws.amazon.com.*/saml*"},
	{URLPattern: "https://*signin.amazonaws.cn.*/saml*"},
	{URLPattern: "https://*signin.amazonaws-us-gov.com.*/saml*"},
}

const signedInPage = `<!doctype html><html><head><meta charset="utf-8"><title>Signed in</title></head>
<body style="font-family:sans-serif;max-width:30em;margin:4em auto"><h1>Signed in &mdash; you can close this window</h1>
<p>samlgo has the sign-in response and is getting your AWS credentials. Nothing was sent to AWS from this browser.</p></body></html>`

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
		if req == nil || req.Method != "POST" || !acsURL().MatchString(req.URL) {
			_, _ = chromedp.CallBrowser(s.bctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
			continue
		}
		s.answerLocally(ev.RequestID)
		if s.o.Done != nil {
			continue // not what this sign-in waits for, but it never leaves the browser
		}
		var body []byte
		for _, e := range req.PostDataEntries {
			body = append(body, e.Bytes...)
		}
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

// answerLocally answers a paused AWS sign-in POST with samlgo's own page.
func (s *session) answerLocally(id fetch.RequestID) {
	_, _ = chromedp.CallBrowser(s.bctx, fetch.FulfillRequest, fetch.FulfillRequestParams{
		RequestID: id, ResponseCode: 200, Body: []byte(signedInPage),
		ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "text/html; charset=utf-8"}, {Name: "Cache-Control", Value: "no-store"}},
	})
}
