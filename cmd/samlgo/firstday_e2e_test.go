//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samlgo/samlgo/browser"
	"github.com/samlgo/samlgo/internal/idp"
	"github.com/samlgo/samlgo/internal/testenv"
)

// TestFirstDay is a new user's first session through the binary, against
// the test IdP and the STS emulator, headless (issue 15): init, login,
// status, exec, expiry and renewal in place, refresh. Each command and what
// it printed is logged (go test -v shows the transcript).
func TestFirstDay(t *testing.T) {
	_, err := browser.Find(os.Getenv("SAMLGO_BROWSER"))
	testenv.Require(t, "Chromium", err, "make test and .ci/run install Debian's chromium")
	w := newWorld(t)
	srv := idp.NewServer(w.signer, &idp.User{Name: "bob@example.com", Password: "b0b!", SessionName: "bob@example.com", Roles: []string{pair(adminA, provA), pair(deployB, provB)}})
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	profileDir := filepath.Join(w.home, ".cache", "samlgo", "chrome", "example")
	t.Cleanup(func() { noChromeLeft(t, profileDir) })
	url := srv.SignOnURL("")
	w.extra = append(w.extra, "SAMLGO_BROWSER="+mustFind(t))

	step := func(stdin string, args ...string) result {
		t.Helper()
		r := w.run(stdin, args...)
		t.Logf("$ samlgo %s\n%s%s[exit %d]", strings.Join(args, " "), r.stdout, r.stderr, r.code)
		if r.code != 0 {
			t.Fatalf("samlgo %s: exit %d", strings.Join(args, " "), r.code)
		}
		return r
	}
	step("", "init", "--url", url, "--account", "example", "--username", "bob@example.com", "--profile", "corp-admin", "--region", "eu-west-1")
	r := step("b0b!\n", "login", "--headless", "--password-stdin", "--role", "Admin")
	if !strings.Contains(r.stderr, `profile "corp-admin"`) {
		t.Errorf("login wrote elsewhere: %s", r.stderr)
	}
	step("", "login", "--headless", "--role", deployB, "--profile", "corp-deploy")
	step("", "status")
	r = step("", "exec", "--", "sh", "-c", `echo "running as $SAMLGO_PROFILE"`)
	if !strings.Contains(r.stdout, "running as corp-admin") {
		t.Errorf("exec used %q", r.stdout)
	}

	expire := func(profiles ...string) {
		w.expire(t, profiles...)
		t.Logf("(an hour passes: %s expired)", strings.Join(profiles, ", "))
	}
	expire("corp-admin")
	before := srv.Assertions()
	r = step("", "whoami")
	if !strings.Contains(r.stderr, "renewing it") || srv.Assertions() != before+1 || !strings.Contains(r.stdout, "assumed-role/Admin/") {
		t.Errorf("whoami did not renew in place: %+v", r)
	}
	expire("corp-admin", "corp-deploy")
	before = srv.Assertions()
	step("", "refresh")
	if srv.Assertions() != before+1 || srv.Logins() != 1 {
		t.Errorf("refresh: %d sign-ins, %d password logins in all; want 1 and 1", srv.Assertions()-before, srv.Logins())
	}
	step("", "status")
}

func mustFind(t *testing.T) string {
	exe, err := browser.Find(os.Getenv("SAMLGO_BROWSER"))
	if err != nil {
		t.Fatal(err)
	}
	return exe
}
