package browser

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/samlgo/samlgo/assertion"
	"github.com/samlgo/samlgo/internal/idp"
	"github.com/samlgo/samlgo/internal/testenv"
)

// chromePath is the Chromium the tests drive; under CI=true a missing one
// fails the run.
var chromePath string

// sharedBrowser is one Chrome for the tests that only need tabs (the form
// detector); sign-in tests start their own, as samlgo does.
var sharedBrowser context.Context

func TestMain(m *testing.M) {
	p, err := Find(os.Getenv("SAMLGO_BROWSER"))
	if err != nil && testenv.Strict() {
		fmt.Fprintln(os.Stderr, "Chromium is required under CI=true (.ci/run installs Debian's chromium):", err)
		os.Exit(1)
	}
	chromePath = p
	code := func() int {
		if chromePath == "" {
			return m.Run()
		}
		profile, err := os.MkdirTemp("", "samlgo-browser-test-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(profile)
		o := Options{ExecPath: chromePath, ProfileDir: profile, Headless: true, NoSandbox: os.Geteuid() == 0}
		actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), o.allocatorOptions()...)
		bctx, cancelBrowser := chromedp.NewContext(actx)
		defer func() {
			cancelBrowser()
			cancelAlloc()
			killLeftovers(profile, 0)
		}()
		if err := chromedp.Do(bctx); err != nil {
			fmt.Fprintln(os.Stderr, "starting Chromium:", err)
			return 1
		}
		sharedBrowser = bctx
		return m.Run()
	}()
	os.Exit(code)
}

func needChrome(t *testing.T) {
	t.Helper()
	if chromePath == "" {
		t.Skip("no Chrome or Chromium installed")
	}
}

const (
	roleA = "arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/TestIdP"
	roleB = "arn:aws:iam::210987654321:role/team/Deployer,arn:aws:iam::210987654321:saml-provider/TestIdP"
)

func testIdP(t *testing.T) *idp.Server {
	t.Helper()
	signer, err := idp.NewSigner("https://idp.test/metadata")
	if err != nil {
		t.Fatal(err)
	}
	srv := idp.NewServer(signer,
		&idp.User{Name: "alice", Password: "correct horse", SessionName: "alice@example.com", Roles: []string{roleA}},
		&idp.User{Name: "bob@example.com", Password: "b0b!", SessionName: "bob@example.com", Roles: []string{roleA, roleB}},
		&idp.User{Name: "dave", Password: "d", SessionName: "dave@example.com", Roles: []string{roleB}, OTP: "314159"},
	)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// signIn runs SignIn with a fresh profile directory and checks afterwards
// that no Chrome process is left. It keeps the caller's Headless: a test
// that asks for a visible window and has no display fails.
func signIn(t *testing.T, ctx context.Context, o Options) (*Result, error) {
	t.Helper()
	needChrome(t)
	if o.ProfileDir == "" {
		o.ProfileDir = filepath.Join(t.TempDir(), "profile")
	}
	o.ExecPath = chromePath
	if !o.Headless && !HasDisplay() {
		t.Fatal("a visible sign-in needs a display; pass Headless: true")
	}
	o.NoSandbox = os.Geteuid() == 0
	if o.DebugDir == "" {
		o.DebugDir = filepath.Join(t.TempDir(), "debug")
	}
	res, err := SignIn(ctx, o)
	if res != nil {
		<-res.Closed
	}
	if pids := Processes(o.ProfileDir); len(pids) > 0 {
		t.Errorf("Chrome processes left behind: %v", pids)
	}
	return res, err
}

func password(pw string, calls *int32) func() (string, error) {
	return func() (string, error) {
		atomic.AddInt32(calls, 1)
		return pw, nil
	}
}

func roleARNs(t *testing.T, res *Result) []string {
	t.Helper()
	r, err := assertion.Parse([]byte(res.SAMLResponse))
	if err != nil {
		t.Fatalf("captured response does not parse: %v", err)
	}
	var out []string
	for _, role := range r.Roles {
		out = append(out, role.RoleARN)
	}
	return out
}

func TestSignInFlows(t *testing.T) {
	srv := testIdP(t)
	cases := []struct {
		name, query, user, pass string
		wantACS                 string
		wantRoles               int
	}{
		{"one-page form", "", "alice", "correct horse", "https://signin.aws.amazon.com/saml", 1},
		{"two-step form", "login=twostep", "bob@example.com", "b0b!", "https://signin.aws.amazon.com/saml", 2},
		{"popup", "via=popup", "alice", "correct horse", "https://signin.aws.amazon.com/saml", 1},
		{"307 to a regional endpoint", "via=redirect", "bob@example.com", "b0b!", "https://eu-west-1.signin.aws.amazon.com/saml", 2},
		// Defender for Cloud Apps session control rewrites the form to its
		// proxy host; the POST must be caught there too (issue 17).
		{"Defender for Cloud Apps proxy", "via=mcas", "alice", "correct horse", "https://signin.aws.amazon.com.mcas.ms/saml", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var calls int32
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			res, err := signIn(t, ctx, Options{Headless: true, URL: srv.SignOnURL(c.query), Autofill: &Autofill{Username: c.user, Password: password(c.pass, &calls)}})
			if err != nil {
				t.Fatal(err)
			}
			if res.ACS != c.wantACS || res.RelayState != "https://console.aws.amazon.com/" {
				t.Errorf("ACS %q relay %q", res.ACS, res.RelayState)
			}
			if got := roleARNs(t, res); len(got) != c.wantRoles {
				t.Errorf("roles %v", got)
			}
			if calls != 1 {
				t.Errorf("password asked %d times", calls)
			}
		})
	}
}

func TestSavedSession(t *testing.T) {
	srv := testIdP(t)
	profile := filepath.Join(t.TempDir(), "profile")
	var calls int32
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	o := Options{Headless: true, URL: srv.SignOnURL(""), ProfileDir: profile, Autofill: &Autofill{Username: "alice", Password: password("correct horse", &calls)}}
	if _, err := signIn(t, ctx, o); err != nil {
		t.Fatal(err)
	}
	if _, err := signIn(t, ctx, o); err != nil {
		t.Fatal(err)
	}
	if calls != 1 || srv.Logins() != 1 {
		t.Errorf("second login asked for the password (%d asks, %d IdP logins)", calls, srv.Logins())
	}
	if st, err := os.Stat(profile); err != nil || st.Mode().Perm()&0o077 != 0 {
		t.Errorf("profile dir %v %v", st, err)
	}
}

func TestOneTimeCode(t *testing.T) {
	srv := testIdP(t)
	var pw, otp int32
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := signIn(t, ctx, Options{Headless: true, URL: srv.SignOnURL(""), Autofill: &Autofill{
		Username: "dave", Password: password("d", &pw), OTP: password("314159", &otp),
	}})
	if err != nil || otp != 1 || len(roleARNs(t, res)) != 1 {
		t.Fatalf("err %v, otp asked %d times", err, otp)
	}
	// Without anyone to ask, the code page is a stall with a screenshot.
	_, err = signIn(t, ctx, Options{Headless: true, URL: srv.SignOnURL(""), Autofill: &Autofill{Username: "dave", Password: password("d", &pw)}})
	var se *StallError
	if !errors.As(err, &se) || !strings.Contains(se.Reason, "one-time code") || se.Screenshot == "" {
		t.Fatalf("err = %v", err)
	}
	if b, _ := os.ReadFile(se.Screenshot); len(b) < 100 || string(b[1:4]) != "PNG" {
		t.Errorf("screenshot %s is not a PNG", se.Screenshot)
	}
	if b, _ := os.ReadFile(se.HTML); !strings.Contains(string(b), "authenticator") {
		t.Errorf("saved HTML %s lacks the page", se.HTML)
	}
}

func TestWrongPasswordIsNotRetried(t *testing.T) {
	srv := testIdP(t)
	var calls int32
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	_, err := signIn(t, ctx, Options{Headless: true, URL: srv.SignOnURL(""), Autofill: &Autofill{Username: "alice", Password: password("wrong", &calls)}})
	var re *RejectedError
	if !errors.As(err, &re) || re.What != "password" || calls != 1 {
		t.Fatalf("err = %v, password asked %d times", err, calls)
	}
}

// TestWrongCodeIsNotCalledPassword: an IdP that starts over at the
// password page after a wrong one-time code was reported as refusing the
// password (issue 15).
func TestWrongCodeIsNotCalledPassword(t *testing.T) {
	srv := testIdP(t)
	var calls int32
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	_, err := signIn(t, ctx, Options{Headless: true, URL: srv.SignOnURL(""), Autofill: &Autofill{Username: "dave", Password: password("d", &calls),
		OTP: func() (string, error) { return "000000", nil }}})
	var re *RejectedError
	if !errors.As(err, &re) || re.What != "one-time code" || re.IdPMessage != "Wrong code." || calls != 1 {
		t.Fatalf("err = %v, password asked %d times", err, calls)
	}
}

func TestStallAndTimeout(t *testing.T) {
	srv := testIdP(t)
	t.Run("a page that never posts stalls", func(t *testing.T) {
		var calls int32
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		_, err := signIn(t, ctx, Options{Headless: true, URL: srv.SignOnURL("via=never"), StallAfter: 10 * time.Second,
			Autofill: &Autofill{Username: "alice", Password: password("correct horse", &calls)}})
		var se *StallError
		if !errors.As(err, &se) || !strings.Contains(se.URL, "/sso/aws") || se.Screenshot == "" {
			t.Fatalf("err = %v", err)
		}
		if strings.Contains(err.Error(), "via=never") {
			t.Errorf("the error shows the query string: %v", err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		var calls int32
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		start := time.Now()
		_, err := signIn(t, ctx, Options{Headless: true, URL: srv.SignOnURL("via=never"), StallAfter: time.Minute,
			Autofill: &Autofill{Username: "alice", Password: password("correct horse", &calls)}})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v", err)
		}
		if d := time.Since(start); d > 15*time.Second {
			t.Errorf("took %v to stop after a 3s timeout", d)
		}
	})
}

func TestFindAndProfile(t *testing.T) {
	if _, err := Find("/nonexistent/chrome"); err == nil {
		t.Error("Find accepted a missing browser")
	}
	t.Setenv("PATH", t.TempDir())
	if _, err := find("", "linux", os.Getenv); !errors.Is(err, ErrNoBrowser) || !strings.Contains(err.Error(), "apt install chromium") {
		t.Errorf("Find on an empty PATH = %v", err)
	}
	dir := filepath.Join(t.TempDir(), "cache", "samlgo", "chrome", "corp")
	p, err := OpenProfile(context.Background(), dir, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "Cookies"), []byte("x"), 0o600)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	waited := false
	if _, err := OpenProfile(ctx, dir, false, func() { waited = true }); err == nil || !waited {
		t.Errorf("a second OpenProfile did not wait for the lock: %v", err)
	}
	p.Close()
	p, err = OpenProfile(context.Background(), dir, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, err := os.Stat(filepath.Join(dir, "Cookies")); err == nil {
		t.Error("fresh session kept the old profile")
	}
	if got := ProfileDir("/c", "my corp/prod"); got != filepath.Join("/c", "samlgo", "chrome", "my_corp_prod") {
		t.Errorf("ProfileDir = %q", got)
	}
}

// TestNoWindowOnStaleDisplay: a visible Chrome whose DISPLAY names no X
// server printed Chrome's raw lines; it is ErrNoWindow, which the command
// layer turns into "pass --headless" (issue 15).
func TestNoWindowOnStaleDisplay(t *testing.T) {
	t.Setenv("DISPLAY", ":97")
	t.Setenv("WAYLAND_DISPLAY", "")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	_, err := signIn(t, ctx, Options{URL: "http://127.0.0.1:1/never"})
	if !errors.Is(err, ErrNoWindow) || strings.Contains(err.Error(), "dbus") || !strings.Contains(err.Error(), `DISPLAY=":97"`) {
		t.Fatalf("err = %v, want ErrNoWindow without Chrome's raw lines", err)
	}
}

// TestSessionCookieKept: an IdP whose session cookie has no expiry asked
// for the password again after every Chrome restart. With
// KeepSessionCookies the second sign-in needs none; without, it does
// (issue 17).
func TestSessionCookieKept(t *testing.T) {
	srv := testIdP(t)
	srv.SessionCookie = true
	for _, keep := range []bool{true, false} {
		profile := filepath.Join(t.TempDir(), "profile")
		var calls int32
		o := Options{Headless: true, URL: srv.SignOnURL(""), ProfileDir: profile, KeepSessionCookies: keep,
			Autofill: &Autofill{Username: "alice", Password: password("correct horse", &calls)}}
		var took [2]time.Duration
		for i := range 2 {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			start := time.Now()
			res, err := signIn(t, ctx, o)
			cancel()
			if err != nil {
				t.Fatalf("keep=%v, sign-in %d: %v", keep, i+1, err)
			}
			took[i] = time.Since(start)
			if res.SAMLResponse == "" || res.ACS == "" {
				t.Fatalf("no capture")
			}
		}
		want := int32(2)
		if keep {
			want = 1
		}
		if calls != want {
			t.Errorf("keep=%v: password asked %d times, want %d", keep, calls, want)
		}
		st, err := os.Stat(filepath.Join(profile, sessionCookiesFile))
		if keep && (err != nil || st.Mode().Perm() != 0o600) {
			t.Errorf("session cookies file: %v %v", st, err)
		}
		if !keep && err == nil {
			t.Error("session cookies kept with KeepSessionCookies off")
		}
		t.Logf("keep=%v: first sign-in %s, second %s", keep, took[0].Round(time.Millisecond), took[1].Round(time.Millisecond))
	}
}
