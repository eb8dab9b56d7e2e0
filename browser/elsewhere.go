package browser

import (
	"context"
	"regexp"
	"strings"
	"sync"
)

// Pages that wait for the person somewhere else (a push to approve on the
// phone, a number to type into it: Entra number matching, Okta Verify,
// Duo), and pages that refuse an automated or headless browser (Google's
// "This browser or app may not be secure"), in the languages the autofill
// reads.
var (
	pushWords    = pageWords(`approve (the |this )?sign[- ]?in|approve (the |this )?request|check your (phone|device|mobile)|push (notification )?(was )?sent|sent (you )?a push|enter the number shown|number shown|tap the number|open your authenticator app|verify it's you on|duo push|okta verify|waiting for (your )?approval|anmeldeanforderung genehmigen|anmeldung genehmigen|approuver la (demande|connexion)|aprobar (la )?solicitud|サインイン要求を承認|批准登录请求`)
	refusedWords = pageWords(`this browser or app may not be secure|browser (is )?not supported|unsupported browser|automated (browser|software|queries)|headless browsers? (is|are) not|navigateur (n'est )?(pas sécurisé|non pris en charge)|browser wird nicht unterstützt|dieser browser oder diese app ist möglicherweise nicht sicher`)
	// numberShown is a number of two or three digits standing alone on a
	// push page: the one to type on the phone.
	numberShown = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?:^|[^\d:./-])(\d{2,3})(?:$|[^\d:./-])`) })
)

// elsewhere looks at a settled page for a sign-in that waits on another
// device or that the IdP refuses to an automated browser. A push page
// says what to do on the terminal once, and stops the stall clock while it
// is shown (the sign-in waits up to the timeout instead); a refusal ends a
// headless sign-in at once, so that a window opens where there is a
// display. It reports whether the page is one of them.
func (s *session) elsewhere(tctx context.Context, st formState, said map[string]bool) (bool, error) {
	text := st.Title + " " + st.Text
	lower := strings.ToLower(text)
	switch {
	case refusedWords().MatchString(lower):
		if !s.o.Headless {
			return true, nil // the person sees it
		}
		quote := refusedWords().FindString(lower)
		return true, s.stall("the IdP refuses a headless or automated browser (it says \"" + quote + "\")")
	case pushWords().MatchString(lower) && st.Pass == "" && st.OTP == "":
		s.waitingElsewhere(tctx, true)
		key := st.URL
		msg := "approve the sign-in on your phone or other device; waiting (Ctrl-C to cancel)"
		if m := numberShown().FindStringSubmatch(st.Text); m != nil && strings.Contains(lower, "number") {
			msg = "approve the sign-in on your phone; the number is " + m[1] + "; waiting (Ctrl-C to cancel)"
			key += " " + m[1]
		}
		if !said[key] {
			said[key] = true
			s.log.Debug("waiting for an approval on another device", "page", st.Title)
			s.status(msg)
		}
		return true, nil
	}
	s.waitingElsewhere(tctx, false)
	return false, nil
}

// waitingElsewhere notes whether a page waits for the person on another
// device; while one does, the sign-in is not stalled.
func (s *session) waitingElsewhere(page context.Context, waiting bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if waiting {
		s.elsewherePages[page] = true
	} else {
		delete(s.elsewherePages, page)
	}
}
