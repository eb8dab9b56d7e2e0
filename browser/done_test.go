package browser

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samlgo/samlgo/internal/testenv"
)

// approvalServer serves an approval page whose Allow button goes to
// /callback, and a page that never moves on.
func approvalServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/approve":
			fmt.Fprint(w, `<!doctype html><form action="/callback"><button id="allow" type="submit">Allow</button></form>`)
		case "/callback":
			fmt.Fprint(w, `<!doctype html>done`)
		default:
			fmt.Fprint(w, `<!doctype html>waiting forever`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// approval is a sign-in that ends on the /callback page (Options.Done).
func approval(t *testing.T, url string) Options {
	if chromePath == "" {
		testenv.Require(t, "Chromium", errors.New("not found"), "install chromium")
	}
	return Options{
		ExecPath: chromePath, URL: url, ProfileDir: filepath.Join(t.TempDir(), "profile"), Headless: true, NoSandbox: os.Geteuid() == 0,
		Done: func(u string) bool { return strings.Contains(u, "/callback") },
	}
}

// TestDonePressesListed: a sign-in that ends on a page presses the listed
// Allow button and ends on the callback, with Chrome closed afterwards.
func TestDonePressesListed(t *testing.T) {
	srv := approvalServer(t)
	a := approval(t, srv.URL+"/approve")
	a.Click = []string{"#allow"}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := SignIn(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	<-res.Closed
	if !strings.HasPrefix(res.URL, srv.URL+"/callback") || res.SAMLResponse != "" {
		t.Errorf("ended on %q (SAMLResponse %q)", res.URL, res.SAMLResponse)
	}
	if n := len(Processes(a.ProfileDir)); n != 0 {
		t.Errorf("%d Chrome processes left", n)
	}
}

// TestDoneStallsHeadless: a headless approval no one can answer ends
// with a *StallError instead of waiting out the 10-minute limit.
func TestDoneStallsHeadless(t *testing.T) {
	srv := approvalServer(t)
	a := approval(t, srv.URL+"/never")
	a.StallAfter = time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var se *StallError
	if _, err := SignIn(ctx, a); !errors.As(err, &se) {
		t.Fatalf("err = %v, want a *StallError", err)
	}
	if n := len(Processes(a.ProfileDir)); n != 0 {
		t.Errorf("%d Chrome processes left", n)
	}
}

// TestDoneCancel: ending ctx (the code arrived another way, Ctrl-C)
// closes Chrome promptly.
func TestDoneCancel(t *testing.T) {
	srv := approvalServer(t)
	a := approval(t, srv.URL+"/never")
	ctx, cancel := context.WithCancel(context.Background())
	a.Status = func(string) { time.AfterFunc(500*time.Millisecond, cancel) }
	start := time.Now()
	if _, err := SignIn(ctx, a); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("took %s", d)
	}
	if n := len(Processes(a.ProfileDir)); n != 0 {
		t.Errorf("%d Chrome processes left", n)
	}
}

// TestDoneAfterLoginForm: the autofill answers the IdP's login form on the
// way to the approval page, as it does on the way to a SAMLResponse.
func TestDoneAfterLoginForm(t *testing.T) {
	var gotUser, gotPass string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/login":
			fmt.Fprint(w, `<!doctype html><title>Sign in</title><form method="post" action="/approve">
<label>Username <input name="user" autocomplete="username"></label>
<label>Password <input type="password" name="pass"></label><button type="submit">Sign in</button></form>`)
		case "/approve":
			gotUser, gotPass = r.PostFormValue("user"), r.PostFormValue("pass")
			fmt.Fprint(w, `<!doctype html><title>Authorize</title><form action="/callback"><button id="allow" type="submit">Allow</button><button id="deny" type="button">Deny</button></form>`)
		default:
			fmt.Fprint(w, `<!doctype html>done`)
		}
	}))
	t.Cleanup(srv.Close)
	a := approval(t, srv.URL+"/login")
	a.Click = []string{"#allow"}
	a.Autofill = &Autofill{Username: "alice", Password: func() (string, error) { return "s3cret", nil }}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := SignIn(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	<-res.Closed
	if gotUser != "alice" || gotPass != "s3cret" || !strings.Contains(res.URL, "/callback") {
		t.Errorf("posted %q/%q, ended on %q", gotUser, gotPass, res.URL)
	}
}

// TestACSURL: the AWS sign-in endpoints, and the same hosts behind the
// Defender for Cloud Apps proxy, are caught; look-alikes are not.
func TestACSURL(t *testing.T) {
	for u, want := range map[string]bool{
		"https://signin.aws.amazon.com/saml":                      true,
		"https://eu-west-1.signin.aws.amazon.com/saml?x=1":        true,
		"https://signin.amazonaws.cn/saml":                        true,
		"https://signin.amazonaws-us-gov.com/saml":                true,
		"https://signin.aws.amazon.com.mcas.ms/saml":              true,
		"https://eu-west-1.signin.aws.amazon.com.mcas.ms/saml":    true,
		"https://signin.amazonaws-us-gov.com.mcas-gov.us/saml":    true,
		"https://signin.aws.amazon.com.us2.cas.ms/saml":           true,
		"https://signin.aws.amazon.com.evil.example/saml":         false,
		"https://signin.aws.amazon.com.mcas.ms.evil.example/saml": false,
		"https://evilsignin.aws.amazon.com.mcas.ms/saml":          false,
		"http://signin.aws.amazon.com.mcas.ms/saml":               false,
		"https://signin.aws.amazon.com.mcas.ms/saml2":             false,
	} {
		if got := acsURL().MatchString(u); got != want {
			t.Errorf("%s: %v, want %v", u, got, want)
		}
	}
}

// pushServer serves an Entra-like number-matching page (/push?n=42) or a
// plain push page (/push), which polls until the test approves and then
// goes to /callback; and a page that refuses automated browsers.
func pushServer(t *testing.T) (*httptest.Server, func()) {
	var approved atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/push":
			number := ""
			if n := r.URL.Query().Get("n"); n != "" {
				number = `<p>Open your Authenticator app, and enter the number shown to sign in.</p><div class="number">` + n + `</div>`
			}
			fmt.Fprint(w, `<!doctype html><title>Approve sign in request</title><h1>Approve sign in request</h1>`+number+`
<script>setInterval(async () => { const r = await fetch("/push/status"); if (await r.text() === "yes") location = "/callback" }, 200)</script>`)
		case "/push/status":
			fmt.Fprint(w, map[bool]string{true: "yes", false: "no"}[approved.Load()])
		case "/refuse":
			fmt.Fprint(w, `<!doctype html><title>Sign in</title><h1>Couldn't sign you in</h1><p>This browser or app may not be secure. Try using a different browser.</p>`)
		default:
			fmt.Fprint(w, `<!doctype html>done`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, func() { approved.Store(true) }
}

// TestPushWaitsPastTheStall: a page that waits for an approval on the
// phone is not a stall: the number is said on the terminal, and the
// sign-in waits (here past a 1 s stall timer) until the page moves on
// (issue 17).
func TestPushWaitsPastTheStall(t *testing.T) {
	for _, c := range []struct{ query, want string }{
		{"?n=42", "the number is 42"},
		{"", "approve the sign-in on your phone or other device"},
	} {
		srv, approve := pushServer(t)
		a := approval(t, srv.URL+"/push"+c.query)
		a.StallAfter = time.Second
		var said []string
		var mu sync.Mutex
		a.Status = func(msg string) { mu.Lock(); said = append(said, msg); mu.Unlock() }
		time.AfterFunc(3*time.Second, approve) // longer than the stall timer
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		res, err := SignIn(ctx, a)
		cancel()
		if err != nil {
			t.Fatalf("%q: %v", c.query, err)
		}
		<-res.Closed
		mu.Lock()
		if !strings.Contains(strings.Join(said, "\n"), c.want) {
			t.Errorf("%q: said %q", c.query, said)
		}
		mu.Unlock()
	}
}

// TestAutomationRefused: a page that refuses automated browsers ends a
// headless sign-in at once with the reason in the IdP's words, instead of
// a stall after the timer (the caller then opens a window where there is
// a display).
func TestAutomationRefused(t *testing.T) {
	srv, _ := pushServer(t)
	a := approval(t, srv.URL+"/refuse")
	a.StallAfter = 5 * time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var se *StallError
	if _, err := SignIn(ctx, a); !errors.As(err, &se) || !strings.Contains(se.Reason, "refuses a headless or automated browser") || !strings.Contains(se.Reason, "may not be secure") {
		t.Fatalf("err = %v", err)
	}
}
