package browser

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// RejectedError reports an IdP that asked for the same thing again after
// samlgo filled it: a wrong password or code. samlgo does not retry, so as
// not to lock the account.
type RejectedError struct {
	What string
	// IdPMessage is the error the page showed, in the IdP's words, when it
	// showed one.
	IdPMessage string
}

func (e *RejectedError) Error() string {
	said := ""
	if e.IdPMessage != "" {
		said = fmt.Sprintf(" (it says %q)", e.IdPMessage)
	}
	return fmt.Sprintf("the IdP asked for the %s again%s; check it (samlgo does not retry, to avoid locking the account)", e.What, said)
}

//go:embed detect.js
var detectJS string

// formState is what detect.js reports about a page. The element fields
// hold a mark (the value of data-samlgo), empty when nothing was found.
type formState struct {
	URL       string `json:"url"`
	Title     string `json:"title"`
	Settled   bool   `json:"settled"`
	User      string `json:"user"`
	UserValue string `json:"userValue"`
	Pass      string `json:"pass"`
	OTP       string `json:"otp"`
	Submit    string `json:"submit"`
	// FilledShown counts visible fields samlgo filled: the page it
	// submitted is still there.
	FilledShown int `json:"filledShown"`
	// Since is when the page (or its current step) took its present
	// layout, in the page's milliseconds (performance.now()).
	Since float64 `json:"since"`
	// Error is the error text the page shows, if any.
	Error   string       `json:"error"`
	Text    string       `json:"text"`
	Fields  []string     `json:"fields"`
	Buttons []buttonSeen `json:"buttons"`
}

// buttonSeen is one control a person could press.
type buttonSeen struct {
	Mark     string `json:"mark"`
	Label    string `json:"label"`
	Primary  bool   `json:"primary"`
	Negative bool   `json:"negative"`
}

// describe says what the page showed, for a stall message a person can
// write selectors from.
func (st formState) describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "page %q", st.Title)
	if len(st.Fields) > 0 {
		fmt.Fprintf(&b, ", fields [%s]", strings.Join(st.Fields, "; "))
	} else {
		b.WriteString(", no fields")
	}
	var labels []string
	for _, bt := range st.Buttons {
		if bt.Label != "" {
			labels = append(labels, strconv.Quote(bt.Label))
		}
		if len(labels) == 10 {
			labels = append(labels, "…")
			break
		}
	}
	if len(labels) > 0 {
		fmt.Fprintf(&b, ", buttons [%s]", strings.Join(labels, " "))
	} else {
		b.WriteString(", no buttons")
	}
	if st.Error != "" {
		fmt.Fprintf(&b, ", the IdP says %q", st.Error)
	}
	return b.String()
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
	said := map[string]bool{} // push pages already told about
	defer s.waitingElsewhere(tctx, false)
	lastURL := ""
	// A look costs about a millisecond of the page's time; looking often
	// keeps the autofill from adding delay to each page. Two looks with the
	// same layout make a settled page.
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
			s.checkDone(tctx, "") // an error page has no context for detect.js
			continue              // navigating: the page has no context yet
		}
		if st.URL != lastURL {
			lastURL = st.URL
			s.touch(tctx)
			s.log.Debug("page", "url", redactURL(st.URL))
		}
		if s.checkDone(tctx, st.URL) {
			return
		}
		s.saw(tctx, st)
		if !st.Settled {
			continue
		}
		if s.pressListed(tctx) {
			continue
		}
		if other, err := s.elsewhere(tctx, st, said); err != nil {
			s.finish(nil, err)
			return
		} else if other || s.o.Autofill == nil {
			continue
		}
		if err := s.fill(tctx, st, filled); err != nil {
			s.finish(nil, err)
			return
		}
	}
}

// checkDone ends a sign-in that waits for a page (Options.Done) when the
// page's URL is that page. url is the URL detect.js read; empty asks
// Chrome for the tab's URL (a page detect.js cannot run on).
func (s *session) checkDone(tctx context.Context, url string) bool {
	if s.o.Done == nil {
		return false
	}
	if url == "" {
		ctx, cancel := context.WithTimeout(tctx, time.Second)
		loc, err := chromedp.Run(ctx, chromedp.Location())
		cancel()
		if err != nil {
			return false
		}
		url = loc
	}
	if !s.o.Done(url) {
		return false
	}
	s.log.Debug("the sign-in reached its last page", "url", redactURL(url))
	s.finish(&Result{URL: url, Timings: Timings{Start: s.started}}, nil)
	return true
}

// pressListed presses the first control on the page that matches one of
// Options.Click and was not pressed before, and reports whether it did.
func (s *session) pressListed(tctx context.Context) bool {
	if len(s.o.Click) == 0 {
		return false
	}
	sels, _ := json.Marshal(s.o.Click)
	ctx, cancel := context.WithTimeout(tctx, actionTimeout)
	defer cancel()
	pressed, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { for (const s of `+string(sels)+`) { const b = document.querySelector(s);
  if (b && !b.dataset.samlgoClicked) { b.dataset.samlgoClicked = "1"; b.click(); return true } } return false })()`))
	if err != nil || !pressed {
		return false
	}
	s.log.Debug("pressed a listed control")
	s.touch(tctx)
	return true
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

// knownUsername is the username if it is known without asking.
func (s *session) knownUsername() string {
	s.userMu.Lock()
	defer s.userMu.Unlock()
	return s.o.Autofill.Username
}

// prefilledOK reports whether a username the page already holds can stay:
// the IdP remembered the person, and it is the one samlgo would type (or
// samlgo was given none).
func (s *session) prefilledOK(value string) bool {
	value = strings.TrimSpace(value)
	if value == "" {
		return false
	}
	want := s.knownUsername()
	return want == "" || strings.EqualFold(value, want)
}

// fill acts on one settled page: types into a recognised form and submits
// it, or answers the pages between the form and the IdP's POST (an account
// picker, "Stay signed in?", a consent page with one button).
func (s *session) fill(tctx context.Context, st formState, filled map[string]int) error {
	a := s.o.Autofill
	typeUser := st.User != "" && !s.prefilledOK(st.UserValue)
	user := ""
	if typeUser && (st.Pass == "" || a.Password != nil) {
		var err error
		if user, err = s.username(); err != nil {
			return err
		}
		typeUser = user != "" && !strings.EqualFold(strings.TrimSpace(st.UserValue), user)
	}
	switch {
	case st.Pass != "":
		if a.Password == nil {
			return nil // the person types it
		}
		if filled["pass"] > 0 {
			if filled["otp"] > 0 {
				// Many IdPs start over at the password when the code was
				// wrong: the code is what was refused.
				return &RejectedError{What: "one-time code", IdPMessage: st.Error}
			}
			return &RejectedError{What: "password", IdPMessage: st.Error}
		}
		if st.User != "" && typeUser {
			if err := s.typeInto(tctx, st.User, user); err != nil {
				return s.actionFailed(tctx, "typing into the username field", st.User, err)
			}
		} else if st.User != "" && user == "" && !s.prefilledOK(st.UserValue) {
			return s.needsPerson("the login form asks for a username and none was given (--username or the config)")
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
			return &RejectedError{What: "one-time code", IdPMessage: st.Error}
		}
		code, err := s.ask(a.OTP)
		if err != nil {
			return err
		}
		filled["otp"]++
		return s.submit(tctx, st, st.OTP, code)
	case st.User != "":
		if filled["user"] > 0 && (typeUser || st.Error != "") {
			return &RejectedError{What: "username", IdPMessage: st.Error}
		}
		if typeUser || s.prefilledOK(st.UserValue) {
			filled["user"]++
			if !typeUser {
				s.log.Debug("keeping the username the page holds")
				return s.submit(tctx, st, st.User, "")
			}
			return s.submit(tctx, st, st.User, user)
		}
		return nil
	case st.FilledShown > 0:
		return nil // the form samlgo submitted is still on screen
	}
	return s.between(tctx, st, filled)
}

// Words pages use for the questions samlgo answers by itself.
var (
	pickAccount  = pageWords(`pick an account|choose an account|select an account|konto auswählen|choisissez un compte|choisir un compte|elegir una cuenta|seleccione una cuenta|アカウントを選択|选择帐户|选择账户`)
	anotherAcct  = pageWords(`another account|other account|different account|anderes konto|autre compte|otra cuenta|別のアカウント|其他帐户|其他账户`)
	staySignedIn = pageWords(`stay signed in|keep me signed in|remain signed in|stay logged in|angemeldet bleiben|rester connecté|mantener la sesión iniciada|¿desea mantener|サインインの状態を維持|保持登录`)
	yesWord      = pageWords(`^(yes|ja|oui|sí|si|はい|是|예)$`)
	noWord       = pageWords(`^(no|nein|non|いいえ|否|아니요)$`)
)

// between answers a page without fields: an account picker (the tile that
// names the username, else "use another account"), "Stay signed in?" (yes
// unless Autofill.NoStaySignedIn) and, once a password was accepted, a
// page whose only primary control is a Continue or Accept. Each kind is
// answered once per page address, so a page that comes back stalls.
func (s *session) between(tctx context.Context, st formState, filled map[string]int) error {
	once := func(kind string) bool {
		k := kind + " " + redactURL(st.URL)
		if filled[k] > 0 {
			return false
		}
		filled[k]++
		return true
	}
	text := strings.ToLower(st.Title + " " + st.Text)
	switch {
	case staySignedIn().MatchString(text):
		want := yesWord
		if s.o.Autofill.NoStaySignedIn {
			want = noWord
		}
		for _, b := range st.Buttons {
			if want().MatchString(strings.ToLower(strings.TrimSpace(b.Label))) && once("stay signed in") {
				s.log.Debug("answering stay signed in", "answer", b.Label)
				return s.click(tctx, st, b.Mark)
			}
		}
	case pickAccount().MatchString(text):
		user, err := s.username()
		if err != nil {
			return err
		}
		var other string
		for _, b := range st.Buttons {
			label := strings.ToLower(b.Label)
			if user != "" && strings.Contains(label, strings.ToLower(user)) && !anotherAcct().MatchString(label) {
				if once("pick an account") {
					return s.click(tctx, st, b.Mark)
				}
				return nil
			}
			if anotherAcct().MatchString(label) {
				other = b.Mark
			}
		}
		if other != "" && once("use another account") {
			return s.click(tctx, st, other)
		}
	case filled["pass"] > 0 || filled["otp"] > 0:
		var only *buttonSeen
		for i, b := range st.Buttons {
			if b.Primary {
				if only != nil {
					return nil // two choices: not samlgo's to make
				}
				only = &st.Buttons[i]
			}
		}
		if only != nil && once("continue") {
			s.log.Debug("pressing the one button of an interstitial", "label", only.Label)
			return s.click(tctx, st, only.Mark)
		}
	}
	return nil
}

func pageWords(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)` + expr) })
}

func userSuffix(u string) string {
	if u == "" {
		return ""
	}
	return " as " + u
}

// actionTimeout bounds one action on a page (focus, type, click): an
// element that went away would otherwise hold the autofill until the
// stall.
const actionTimeout = 5 * time.Second

// findJS returns the element with a mark, open shadow roots included.
const findJS = `((k) => { const walk = (root) => { const el = root.querySelector('[data-samlgo="' + k + '"]'); if (el) return el;
  for (const h of root.querySelectorAll("*")) if (h.shadowRoot) { const f = walk(h.shadowRoot); if (f) return f; } return null; }; return walk(document); })`

func markArg(mark string) string {
	b, _ := json.Marshal(mark)
	return string(b)
}

// errGone is an element that is no longer on the page.
var errGone = errors.New("the element is no longer on the page")

// focus focuses a marked field, selects its text, so typed text replaces
// a wrong pre-filled value, and marks it filled (in one round trip: each
// one adds to the time the autofill takes on a page).
func focus(ctx context.Context, mark string) error {
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const e = `+findJS+`(`+markArg(mark)+`); if (!e) return false;
  e.setAttribute("data-samlgo-filled", ""); e.scrollIntoView({block: "center"}); e.focus(); if (e.select) e.select(); return true })()`))
	if err == nil && !ok {
		err = errGone
	}
	return err
}

// typeInto focuses a field and enters text with Input.insertText, the way
// a paste or an input method enters it (the page sees focus, beforeinput
// and input events), in one call instead of one key event per character.
// The field is marked filled.
func (s *session) typeInto(tctx context.Context, mark, text string) error {
	insert := func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, input.InsertText, input.InsertTextParams{Text: text})
		return chromedp.Void{}, err
	}
	ctx, cancel := context.WithTimeout(tctx, actionTimeout)
	defer cancel()
	if err := focus(ctx, mark); err != nil {
		return err
	}
	return chromedp.Do(ctx, insert)
}

func markFilled(ctx context.Context, mark string) error {
	_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const e = `+findJS+`(`+markArg(mark)+`); if (e) e.setAttribute("data-samlgo-filled", ""); return true })()`))
	return err
}

// click presses a marked control the way a person does: a mouse click at
// its centre when nothing covers it there, else the element's click().
func (s *session) click(tctx context.Context, st formState, mark string) error {
	ctx, cancel := context.WithTimeout(tctx, actionTimeout)
	defer cancel()
	type point struct {
		X, Y  float64
		Found bool
		Hit   bool
	}
	p, err := chromedp.Run(ctx, chromedp.Evaluate[point](`(() => { const e = `+findJS+`(`+markArg(mark)+`); if (!e) return {Found: false};
  window.__samlgoClicked = false; e.addEventListener("click", () => { window.__samlgoClicked = true }, {once: true, capture: true});
  e.scrollIntoView({block: "center"}); const r = e.getBoundingClientRect(); const x = r.left + r.width / 2, y = r.top + r.height / 2;
  let h = document.elementFromPoint(x, y); while (h && h.shadowRoot) { const d = h.shadowRoot.elementFromPoint(x, y); if (!d || d === h) break; h = d; }
  return {X: x, Y: y, Found: true, Hit: !!h && (h === e || e.contains(h))} })()`))
	if err == nil && !p.Found {
		err = errGone
	}
	if err != nil {
		return s.actionFailed(tctx, "clicking", mark, err)
	}
	s.recordStep(tctx, st)
	if p.Hit {
		err = chromedp.Do(ctx, chromedp.MouseClickXY(p.X, p.Y))
		if err == nil && !s.clickArrived(ctx, mark) {
			// A window the display has only just shown can drop a
			// synthesized mouse click: press the control itself.
			s.log.Debug("the mouse click did not reach the control; pressing it directly")
			_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const e = `+findJS+`(`+markArg(mark)+`); if (e) e.click(); return true })()`))
		}
	} else {
		_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const e = `+findJS+`(`+markArg(mark)+`); if (e) e.click(); return true })()`))
	}
	if err != nil {
		return s.actionFailed(tctx, "clicking", mark, err)
	}
	s.touch(tctx)
	return nil
}

// clickArrived reports whether a mouse click reached the marked control
// (its listener, set before the click, saw it), waiting a moment for the
// page to handle it. A page that navigated away, or a control that is
// gone, took the click.
func (s *session) clickArrived(ctx context.Context, mark string) bool {
	for range 10 {
		arrived, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!window.__samlgoClicked || !`+findJS+`(`+markArg(mark)+`)`))
		if err != nil || arrived {
			return true
		}
		t := time.NewTimer(30 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return true
		case <-t.C:
		}
	}
	return false
}

// submit types text (when there is any) into field and submits its form
// by clicking the submit control, or pressing Enter in the field when
// there is none.
func (s *session) submit(tctx context.Context, st formState, field, text string) error {
	if text != "" {
		if err := s.typeInto(tctx, field, text); err != nil {
			return s.actionFailed(tctx, "typing into the form", field, err)
		}
	} else {
		ctx, cancel := context.WithTimeout(tctx, actionTimeout)
		err := markFilled(ctx, field)
		cancel()
		if err != nil {
			return s.actionFailed(tctx, "marking the field", field, err)
		}
	}
	s.touch(tctx)
	if st.Submit != "" {
		return s.click(tctx, st, st.Submit)
	}
	ctx, cancel := context.WithTimeout(tctx, actionTimeout)
	defer cancel()
	if err := focus(ctx, field); err != nil {
		return s.actionFailed(tctx, "pressing Enter in the form", field, err)
	}
	s.recordStep(tctx, st)
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
		return s.actionFailed(tctx, "pressing Enter in the form", field, err)
	}
	return nil
}

// actionFailed decides what a failed action on a page means. When the page
// moved on meanwhile (it navigated, or the element is gone), the next look
// decides and nothing failed. When the element is still there, the
// autofill cannot work this page: it says so at once instead of waiting
// for the stall.
func (s *session) actionFailed(tctx context.Context, what, mark string, err error) error {
	if tctx.Err() != nil || errors.Is(err, chromedp.ErrTargetDetached) || errors.Is(err, errGone) {
		return nil
	}
	ctx, cancel := context.WithTimeout(tctx, time.Second)
	defer cancel()
	present, cerr := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!`+findJS+`(`+markArg(mark)+`)`))
	if cerr != nil || !present {
		return nil
	}
	return fmt.Errorf("autofill: %s ([data-samlgo=%q]) failed: %w", what, mark, err)
}
