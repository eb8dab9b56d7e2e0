package browser

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// RejectedError reports an IdP that asked for the same thing again after
// samlgo filled it: a wrong password or code. samlgo does not retry, so as
// not to lock the account.
type RejectedError struct{ What string }

func (e *RejectedError) Error() string {
	return fmt.Sprintf("the IdP asked for the %s again; check it (samlgo does not retry, to avoid locking the account)", e.What)
}

//go:embed detect.js
var detectJS string

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
				return s.actionFailed(tctx, "typing into the username field", st.User, err)
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

// actionTimeout bounds one action on a page (focus, type, click): chromedp
// waits for a missing element, which would otherwise last until the stall.
const actionTimeout = 5 * time.Second

// typeInto focuses a field and enters text with Input.insertText, the way
// a paste or an input method enters it (the page sees focus, beforeinput
// and input events), in one call instead of one key event per character.
// It marks the field filled.
func (s *session) typeInto(tctx context.Context, field, text string) error {
	insert := func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, input.InsertText, input.InsertTextParams{Text: text})
		return chromedp.Void{}, err
	}
	ctx, cancel := context.WithTimeout(tctx, actionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS(field)), insert); err != nil {
		return err
	}
	_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const e = document.querySelector('`+field+`'); if (e) e.setAttribute("data-samlgo-filled", ""); return true })()`))
	return err
}

// submit types text into field and submits its form by clicking the
// submit button, or pressing Enter when there is none.
func (s *session) submit(tctx context.Context, st formState, field, text string) error {
	if err := s.typeInto(tctx, field, text); err != nil {
		return s.actionFailed(tctx, "typing into the form", field, err)
	}
	s.touch(tctx)
	ctx, cancel := context.WithTimeout(tctx, actionTimeout)
	defer cancel()
	if st.Submit != "" {
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(st.Submit))); err != nil {
			return s.actionFailed(tctx, "clicking the submit button", st.Submit, err)
		}
		return nil
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(field), kb.Enter)); err != nil {
		return s.actionFailed(tctx, "pressing Enter in the form", field, err)
	}
	return nil
}

// actionFailed decides what a failed action on a page means. When the page
// moved on meanwhile (it navigated, or the element is gone), the next look
// decides and nothing failed. When the element is still there, the
// autofill cannot work this page: it says so at once instead of waiting
// for the stall.
func (s *session) actionFailed(tctx context.Context, what, selector string, err error) error {
	if tctx.Err() != nil || errors.Is(err, chromedp.ErrTargetDetached) {
		return nil
	}
	ctx, cancel := context.WithTimeout(tctx, time.Second)
	defer cancel()
	present, cerr := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.querySelector('`+selector+`')`))
	if cerr != nil || !present {
		return nil
	}
	return fmt.Errorf("autofill: %s (%s) failed: %w", what, selector, err)
}
