//go:build unix

package main

// End-to-end tests of the browser sign-in: the real binary drives real
// headless Chromium through the test IdP (crewjam IdentityProvider) on
// 127.0.0.1, and the STS emulator and the AWS CLI check the result.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/browser"
	"github.com/samlgo/samlgo/internal/idp"
	"github.com/samlgo/samlgo/internal/testenv"
)

// browserWorld is a world with an IdP server and a config account "corp".
type browserWorld struct {
	*world
	idp     *idp.Server
	profile string // the account's Chrome profile directory
}

func newBrowserWorld(t *testing.T) *browserWorld {
	t.Helper()
	_, err := browser.Find(os.Getenv("SAMLGO_BROWSER"))
	testenv.Require(t, "Chromium", err, "make test and .ci/run install Debian's chromium")
	w := newWorld(t)
	srv := idp.NewServer(w.signer,
		&idp.User{Name: "alice", Password: "correct horse", SessionName: userName, Roles: []string{pair(adminA, provA)}},
		&idp.User{Name: "bob@example.com", Password: "b0b!", SessionName: "bob@example.com", Roles: []string{pair(adminA, provA), pair(deployB, provB)}},
	)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	w.write(".config/samlgo/config.toml", fmt.Sprintf("default_account = \"corp\"\n[accounts.corp]\nurl = %q\nheadless = true\nusername = \"alice\"\n", srv.SignOnURL("")))
	bw := &browserWorld{world: w, idp: srv, profile: filepath.Join(w.home, ".cache", "samlgo", "chrome", "corp")}
	t.Cleanup(func() {
		if pids := browser.Processes(bw.profile); len(pids) > 0 {
			t.Errorf("Chrome processes left behind: %v", pids)
			for _, p := range pids {
				_ = syscall.Kill(p, syscall.SIGKILL)
			}
		}
	})
	return bw
}

func noChromeLeft(t *testing.T, profile string) {
	t.Helper()
	if pids := browser.Processes(profile); len(pids) > 0 {
		t.Errorf("Chrome processes left behind: %v", pids)
	}
}

func TestBrowserLogin(t *testing.T) {
	w := newBrowserWorld(t)
	r := w.run("correct horse\n", "login", "--password-stdin", "--profile", "corp")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	noChromeLeft(t, w.profile)
	arn, err := w.callerIdentity("corp", w.emu.URL)
	if err != nil || !strings.Contains(arn, "assumed-role/Admin/"+userName) {
		t.Fatalf("AWS CLI: %q, %v", arn, err)
	}
	if st, err := os.Stat(w.profile); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("profile directory: %v %v", st, err)
	}

	// The saved IdP session: no password source at all, and no new login.
	r = w.run("", "login", "--profile", "corp2")
	if r.code != 0 || w.idp.Logins() != 1 {
		t.Fatalf("second login: exit %d, %d IdP logins: %s", r.code, w.idp.Logins(), r.stderr)
	}
	noChromeLeft(t, w.profile)

	// --fresh-session forgets it: now a password is needed again.
	r = w.run("", "login", "--fresh-session", "--profile", "corp3")
	if r.code != 2 || !strings.Contains(r.stderr, "no terminal to ask on") || !strings.Contains(r.stderr, "--password-stdin") {
		t.Errorf("fresh session without a password: exit %d %q", r.code, r.stderr)
	}
	r = w.run("correct horse\n", "login", "--fresh-session", "--password-stdin", "--profile", "corp3")
	if r.code != 0 || w.idp.Logins() != 2 {
		t.Errorf("fresh session: exit %d, %d IdP logins: %s", r.code, w.idp.Logins(), r.stderr)
	}
}

func TestBrowserPopupRedirectTwoStep(t *testing.T) {
	w := newBrowserWorld(t)
	for _, c := range []struct{ name, query, user, pass, role string }{
		{"popup", "via=popup", "alice", "correct horse", adminA},
		{"307 to regional", "via=redirect&login=twostep", "bob@example.com", "b0b!", deployB},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := w.run(c.pass+"\n", "login", "--url", w.idp.SignOnURL(c.query), "--username", c.user, "--password-stdin",
				"--role", c.role, "--format", "json", "--fresh-session")
			if r.code != 0 || !strings.Contains(r.stdout, `"AccessKeyId":"ASIA`) {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			calls := w.emu.Calls()
			if last := calls[len(calls)-1]; last.RoleARN != c.role || last.ErrorCode != "" {
				t.Errorf("STS call %+v", last)
			}
		})
	}
	noChromeLeft(t, w.profile)
}

func TestBrowserTimeout(t *testing.T) {
	w := newBrowserWorld(t)
	before := "[keep]\nk = v\n"
	w.write(".aws/credentials", before)
	start := time.Now()
	r := w.run("correct horse\n", "login", "--url", w.idp.SignOnURL("via=never"), "--password-stdin", "--timeout", "4s")
	if r.code != 1 || !strings.Contains(r.stderr, "no sign-in within 4s") {
		t.Fatalf("exit %d %q", r.code, r.stderr)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("a 4s timeout took %v", d)
	}
	noChromeLeft(t, w.profile)
	if readFile(t, w.creds) != before {
		t.Errorf("credentials changed")
	}
}

// startLogin runs samlgo login in the background and waits until its Chrome
// has the IdP page open.
func (w *browserWorld) startLogin(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(samlgoBin, append([]string{"login"}, args...)...)
	cmd.Env = w.env()
	cmd.Stdin = strings.NewReader("correct horse\n")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	// Ready when the IdP has accepted the autofilled login: Chrome runs and
	// shows the page that never posts. Bounded, with samlgo's stderr on
	// failure (the machine may be busy with other packages' Chromes).
	if !testenv.Eventually(45*time.Second, 50*time.Millisecond, func() bool { return w.idp.Logins() > 0 }) {
		t.Fatalf("no IdP login within 45s; samlgo stderr: %s", stderr.String())
	}
	testenv.Pause(t.Context(), 300*time.Millisecond) // the never-posting page loads
	return cmd, &stderr
}

func exitCode(t *testing.T, cmd *exec.Cmd) int { return waitExit(t, cmd, 30*time.Second) }

// waitExit waits at most limit for cmd to end and returns its exit code.
func waitExit(t *testing.T, cmd *exec.Cmd, limit time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(limit):
		t.Fatalf("samlgo still running after %s", limit)
	}
	return -1
}

func TestBrowserCtrlC(t *testing.T) {
	w := newBrowserWorld(t)
	cmd, stderr := w.startLogin(t, "--url", w.idp.SignOnURL("via=never"), "--password-stdin")
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if code := exitCode(t, cmd); code != 130 || !strings.Contains(stderr.String(), "samlgo: cancelled") {
		t.Errorf("exit %d %q", code, stderr)
	}
	noChromeLeft(t, w.profile)
	if _, err := os.Stat(w.creds); err == nil {
		t.Error("a cancelled login wrote credentials")
	}
}

// TestBrowserWindowClosed ends Chrome the way closing its last window does:
// the browser process exits.
func TestBrowserWindowClosed(t *testing.T) {
	w := newBrowserWorld(t)
	cmd, stderr := w.startLogin(t, "--url", w.idp.SignOnURL("via=never"), "--password-stdin")
	for _, pid := range browser.Processes(w.profile) {
		cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if !strings.Contains(string(cmdline), "--type=") {
			_ = syscall.Kill(pid, syscall.SIGTERM)
		}
	}
	if code := exitCode(t, cmd); code != 130 || !strings.Contains(stderr.String(), "window was closed") {
		t.Errorf("exit %d %q", code, stderr)
	}
	noChromeLeft(t, w.profile)
}

// TestBrowserRecapturesExpiredAssertion: when STS says the assertion
// expired, samlgo signs in once more (with the saved session) by itself.
func TestBrowserRecapturesExpiredAssertion(t *testing.T) {
	w := newBrowserWorld(t)
	w.emu.FailNext("AssumeRoleWithSAML", "ExpiredTokenException", "Token must be redeemed within 5 minutes of issuance", 400)
	r := w.run("correct horse\n", "login", "--password-stdin")
	if r.code != 0 || !strings.Contains(r.stderr, "signing in again") {
		t.Fatalf("exit %d %q", r.code, r.stderr)
	}
	if n := len(w.emu.Calls()); n != 2 || w.idp.Logins() != 1 {
		t.Errorf("%d STS calls, %d IdP logins; want 2 and 1", n, w.idp.Logins())
	}
	// Twice expired: the second failure is reported, not retried again.
	w.emu.FailNext("AssumeRoleWithSAML", "ExpiredTokenException", "expired", 400)
	w.emu.FailNext("AssumeRoleWithSAML", "ExpiredTokenException", "expired", 400)
	r = w.run("", "login")
	if r.code != 1 || !strings.Contains(r.stderr, "log in again") {
		t.Errorf("twice expired: exit %d %q", r.code, r.stderr)
	}
	noChromeLeft(t, w.profile)
}

func TestBrowserSetupErrors(t *testing.T) {
	w := newBrowserWorld(t)
	cases := []struct {
		name  string
		extra []string
		args  []string
		code  int
		want  string
	}{
		{"missing browser", nil, []string{"--browser", "/nonexistent/chrome"}, 1, "/nonexistent/chrome"},
		{"no browser on PATH", []string{"PATH=/nonexistent"}, nil, 1, "apt install chromium"},
		{"visible without a display", []string{"DISPLAY=", "WAYLAND_DISPLAY="}, []string{"--no-headless"}, 2, "needs a display"},
		{"no url", nil, []string{"--account", "other"}, 2, "no IdP sign-on URL"},
	}
	w.write(".config/samlgo/config.toml", fmt.Sprintf("default_account = \"corp\"\n[accounts.corp]\nurl = %q\nheadless = true\n[accounts.other]\n", w.idp.SignOnURL("")))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w.extra = c.extra
			defer func() { w.extra = nil }()
			r := w.run("", append([]string{"login"}, c.args...)...)
			if r.code != c.code || !strings.Contains(r.stderr, c.want) {
				t.Errorf("exit %d %q", r.code, r.stderr)
			}
		})
	}
	noChromeLeft(t, w.profile)
}

// TestStatusRefreshAndRenewalInPlace: a person's day (issue 15). Two
// roles of one account and one of another are logged in; status lists
// them; when all have expired, refresh renews them with one sign-in per
// account (the saved IdP sessions, no password) and three STS calls; when
// one has expired again, exec renews it in place with the same role before
// running the command.
func TestStatusRefreshAndRenewalInPlace(t *testing.T) {
	w := newBrowserWorld(t)
	w.write(".config/samlgo/config.toml", fmt.Sprintf("default_account = \"corp\"\n[accounts.corp]\nurl = %q\nheadless = true\nusername = \"bob@example.com\"\n[accounts.corp.aliases]\n%q = \"prod\"\n"+
		"[accounts.lab]\nurl = %q\nheadless = true\nusername = \"alice\"\n", w.idp.SignOnURL(""), acctA, w.idp.SignOnURL("")))
	if r := w.run("b0b!\n", "login", "--password-stdin", "--role", adminA, "--profile", "corp-admin"); r.code != 0 {
		t.Fatalf("login: %+v", r)
	}
	if r := w.run("correct horse\n", "login", "-a", "lab", "--password-stdin", "--profile", "lab-admin"); r.code != 0 {
		t.Fatalf("login to lab: %+v", r)
	}
	if r := w.run("", "login", "--role", deployB, "--profile", "corp-deploy"); r.code != 0 {
		t.Fatalf("second login: %+v", r)
	}
	r := w.run("", "status", "--output", "json")
	var entries []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &entries); r.code != 0 || err != nil || len(entries) != 3 {
		t.Fatalf("status: %+v %v", r, err)
	}
	if e := entries[0]; e["profile"] != "corp-admin" || e["account"] != "corp" || e["alias"] != "prod" || e["role_name"] != "Admin" || e["source"] != "saml" || e["seconds_left"].(float64) < 3000 {
		t.Errorf("status entry %v", e)
	}
	if r := w.run("", "status"); r.code != 0 || !strings.Contains(r.stdout, acctA+" (prod)") || !strings.Contains(r.stdout, "corp-deploy") {
		t.Errorf("status text: %+v", r)
	}

	expire := func(profiles ...string) { w.expire(t, profiles...) }
	if r := w.run("", "refresh"); r.code != 0 || !strings.Contains(r.stderr, "nothing to refresh: 3 profiles") {
		t.Errorf("refresh with nothing due: %+v", r)
	}
	expire("corp-admin", "corp-deploy", "lab-admin")
	before, sts, logins := w.idp.Assertions(), samlCalls(w), w.idp.Logins()
	r = w.run("", "refresh")
	if r.code != 0 || !strings.Contains(r.stderr, "account corp: renewing 2 profiles with one sign-in") || !strings.Contains(r.stderr, "account lab: renewing 1 profile with one sign-in") {
		t.Fatalf("refresh: %+v", r)
	}
	if w.idp.Assertions() != before+2 || samlCalls(w) != sts+3 || w.idp.Logins() != logins {
		t.Errorf("refresh: %d sign-ins, %d STS calls, %d password logins; want 2 (one per account), 3, 0", w.idp.Assertions()-before, samlCalls(w)-sts, w.idp.Logins()-logins)
	}
	for _, p := range []string{"corp-admin", "corp-deploy", "lab-admin"} {
		if m, _, _ := awsfiles.ReadMade(w.creds, p); time.Until(m.Expires) < 50*time.Minute {
			t.Errorf("%s not renewed: %+v", p, m)
		}
	}
	noChromeLeft(t, w.profile)

	// Renewal in place: exec on an expired profile signs in again (the
	// saved session), with the same role, then runs the command.
	expire("corp-deploy")
	before = w.idp.Assertions()
	r = w.run("", "exec", "-p", "corp-deploy", "--", "sh", "-c", `printf %s "$SAMLGO_PROFILE"`)
	if r.code != 0 || r.stdout != "corp-deploy" || !strings.Contains(r.stderr, "renewing it (account corp, role "+deployB+")") || w.idp.Assertions() != before+1 {
		t.Fatalf("exec renewal: %+v, %d sign-ins", r, w.idp.Assertions()-before)
	}
	if m, _, _ := awsfiles.ReadMade(w.creds, "corp-deploy"); m.Role != deployB || time.Until(m.Expires) < 50*time.Minute {
		t.Errorf("after exec: %+v", m)
	}
	noChromeLeft(t, w.profile)
	noChromeLeft(t, filepath.Join(w.home, ".cache", "samlgo", "chrome", "lab"))
}

// expire makes stored profiles look expired a minute ago, as an hour
// passing would, by rewriting their x_security_token_expires.
func (w *world) expire(t *testing.T, profiles ...string) {
	t.Helper()
	b, err := os.ReadFile(w.creds)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, p := range profiles {
		i := strings.Index(text, "["+p+"]")
		j := strings.Index(text[max(i, 0):], "x_security_token_expires = ")
		if i < 0 || j < 0 {
			t.Fatalf("no expiry for profile %s", p)
		}
		j += i + len("x_security_token_expires = ")
		text = text[:j] + time.Now().Add(-time.Minute).UTC().Format(time.RFC3339) + text[j+len("2006-01-02T15:04:05Z"):]
	}
	if err := os.WriteFile(w.creds, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestSessionCookieIdP: an IdP that keeps its session in a cookie without
// an expiry (issue 17). After one password sign-in, a second login and a
// credential-process refresh need no password, each in a new Chrome;
// --fresh-session forgets the session and asks again.
func TestSessionCookieIdP(t *testing.T) {
	w := newBrowserWorld(t)
	w.idp.SessionCookie = true // before the first request
	start := time.Now()
	if r := w.run("correct horse\n", "login", "--password-stdin", "--profile", "first"); r.code != 0 {
		t.Fatalf("first login: %+v", r)
	}
	first := time.Since(start)
	start = time.Now()
	if r := w.run("", "login", "--profile", "second"); r.code != 0 || w.idp.Logins() != 1 {
		t.Fatalf("second login: %+v, %d password logins", r, w.idp.Logins())
	}
	second := time.Since(start)
	t.Logf("first login (password) %s, second (kept session cookie) %s", first.Round(time.Millisecond), second.Round(time.Millisecond))
	if r := w.run("", "credential-process", "--account", "corp", "--role", "Admin"); r.code != 0 || !strings.Contains(r.stdout, `"AccessKeyId"`) || w.idp.Logins() != 1 {
		t.Fatalf("credential-process refresh: %+v, %d password logins", r, w.idp.Logins())
	}
	st, err := os.Stat(filepath.Join(w.profile, "samlgo-session-cookies.json"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("kept cookies: %v %v", st, err)
	}
	if r := w.run("", "login", "--fresh-session", "--profile", "third"); r.code != 2 || !strings.Contains(r.stderr, "no terminal to ask on") {
		t.Errorf("fresh session without a password: %+v", r)
	}
	noChromeLeft(t, w.profile)
}
