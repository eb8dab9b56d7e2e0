//go:build unix

package main

// End to end for samlgo sso: the binary against the IAM Identity Center
// emulator, Chrome approving the PKCE sign-in, and the AWS CLI v2 (and its
// botocore) sharing the token cache.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/browser"
	"github.com/samlgo/samlgo/internal/ssoemu"
	"github.com/samlgo/samlgo/internal/testenv"
	"github.com/samlgo/samlgo/sso"
)

const ssoStart = "https://my-org.awsapps.com/start"

var ssoSession = sso.Session{Name: "my-sso", StartURL: ssoStart, Region: "eu-west-1"}

// ssoWorld is a world whose SSO OIDC and portal endpoints are the emulator.
func ssoWorld(t testing.TB) (*world, *ssoemu.Emulator) {
	t.Helper()
	w := newWorld(t)
	e := ssoemu.New()
	e.Accounts = []ssoemu.Account{
		{ID: acctA, Name: "prod", Roles: []string{"AdministratorAccess", "ReadOnly"}},
		{ID: acctB, Name: "dev", Roles: []string{"Developer"}},
	}
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	w.extra = append(w.extra, "AWS_ENDPOINT_URL_SSO_OIDC="+e.URL, "AWS_ENDPOINT_URL_SSO="+e.URL)
	return w, e
}

func (w *world) cache() *sso.Cache {
	return &sso.Cache{Dir: filepath.Join(w.home, ".aws", "sso", "cache")}
}

func TestSSODeviceLoginRolesCreds(t *testing.T) {
	w, e := ssoWorld(t)
	e.AutoApprove = true
	r := w.run("", "sso", "login", "--session", "my-sso", "--start-url", ssoStart, "--sso-region", "eu-west-1", "--write-config", "--use-device-code", "--no-browser")
	if r.code != 0 || !strings.Contains(r.stderr, "enter the code") || r.stdout != "" {
		t.Fatalf("login: %+v", r)
	}
	tok, err := w.cache().LoadToken(ssoSession)
	if err != nil || tok == nil || !e.ValidAccessToken(tok.AccessToken) {
		t.Fatalf("cached token: %v, %v", tok, err)
	}
	if strings.Contains(r.stderr, tok.AccessToken) || strings.Contains(r.stderr, tok.ClientSecret) {
		t.Fatal("a secret reached stderr")
	}
	fi, err := os.Stat(w.cache().TokenPath(ssoSession))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file mode: %v %v", fi.Mode(), err)
	}

	// --session alone is enough now.
	r = w.run("", "sso", "roles", "--session", "my-sso", "--output", "json")
	var as []sso.Assignment
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &as) != nil || len(as) != 3 {
		t.Fatalf("roles: %+v", r)
	}
	r = w.run("", "sso", "creds", "--session", "my-sso", "--account", acctA, "--role", "ReadOnly", "--profile", "ro")
	if r.code != 0 {
		t.Fatalf("creds: %+v", r)
	}
	c, err := awsfiles.ReadCredentials(w.creds, "ro")
	if err != nil || c.Validate() != nil {
		t.Fatalf("profile ro: %v %v", c, err)
	}
	r = w.run("", "sso", "creds", "--session", "my-sso", "--all")
	if r.code != 0 {
		t.Fatalf("creds --all: %+v", r)
	}
	for _, p := range []string{"prod-AdministratorAccess", "prod-ReadOnly", "dev-Developer"} {
		if _, err := awsfiles.ReadCredentials(w.creds, p); err != nil {
			t.Errorf("--all profile %s: %v", p, err)
		}
	}

	// A 401 with a valid refresh token: the token is refreshed and the
	// call made again. (It used to drop the whole cache file, refresh
	// token included, without trying: issue 14.)
	before, _ := w.cache().LoadToken(ssoSession)
	refreshes := e.Calls()["CreateToken"]
	e.FailNext("GetRoleCredentials", "UnauthorizedException")
	r = w.run("", "sso", "creds", "--session", "my-sso", "--account", acctA, "--role", "ReadOnly", "--format", "json")
	if r.code != 0 || !strings.Contains(r.stdout, `"AccessKeyId"`) {
		t.Fatalf("401 with a refresh token: %+v", r)
	}
	if after, _ := w.cache().LoadToken(ssoSession); after == nil || before == nil || after.AccessToken == before.AccessToken || e.Calls()["CreateToken"] != refreshes+1 {
		t.Fatalf("the refused token was not refreshed once (%d refreshes)", e.Calls()["CreateToken"]-refreshes)
	}
	// A 401 whose refresh is refused too drops the token and says to log
	// in again.
	e.FailNext("GetRoleCredentials", "UnauthorizedException")
	e.FailNext("CreateToken", "InvalidGrantException")
	r = w.run("", "sso", "creds", "--session", "my-sso", "--account", acctA, "--role", "ReadOnly", "--format", "json")
	if r.code != 1 || !strings.Contains(r.stderr, "samlgo sso login --session my-sso") || r.stdout != "" {
		t.Fatalf("401: %+v", r)
	}
	if tok, _ := w.cache().LoadToken(ssoSession); tok != nil {
		t.Fatal("token still cached after a 401 and a refused refresh")
	}
	r = w.run("", "sso", "roles", "--session", "my-sso")
	if r.code != 1 || !strings.Contains(r.stderr, "log in") {
		t.Fatalf("after the 401: %+v", r)
	}
}

// ssoTokenDueForRefresh signs in to the emulator (device code, approved at
// once) and moves the cached token inside the 15-minute window, so the
// next use refreshes it; it returns the token as it was cached.
func ssoTokenDueForRefresh(t *testing.T) (*world, *ssoemu.Emulator, *sso.Token) {
	t.Helper()
	w, e := ssoWorld(t)
	e.AutoApprove = true
	if r := w.run("", "sso", "login", "--start-url", ssoStart, "--sso-region", "eu-west-1", "--session", "my-sso", "--write-config", "--use-device-code", "--no-browser"); r.code != 0 {
		t.Fatalf("login: %+v", r)
	}
	old, _ := w.cache().LoadToken(ssoSession)
	old.ExpiresAt = time.Now().Add(5 * time.Minute)
	if err := w.cache().SaveToken(context.Background(), ssoSession, old); err != nil {
		t.Fatal(err)
	}
	return w, e, old
}

// TestSSORefreshAfterExpiry: an access token inside the 15-minute window
// is replaced with the refresh token, and the rotated one is stored.
func TestSSORefreshAfterExpiry(t *testing.T) {
	w, e, old := ssoTokenDueForRefresh(t)
	if r := w.run("", "sso", "creds", "--session", "my-sso", "--account", acctB, "--role", "Developer", "--format", "json"); r.code != 0 {
		t.Fatalf("creds: %+v", r)
	}
	now, _ := w.cache().LoadToken(ssoSession)
	if now.AccessToken == old.AccessToken || now.RefreshToken == old.RefreshToken || !e.ValidAccessToken(now.AccessToken) {
		t.Fatal("the token was not refreshed and rotated")
	}
}

func TestSSOBadInput(t *testing.T) {
	w, e := ssoWorld(t)
	for _, args := range [][]string{
		{"sso", "creds", "--account", acctA, "--role", "ReadOnly"},
		{"sso", "login", "--session", "nope", "--no-browser"},
		{"sso", "login", "--start-url", "http://insecure/start", "--sso-region", "eu-west-1", "--no-browser"},
		{"sso", "creds", "--start-url", ssoStart, "--sso-region", "eu-west-1", "--all", "--format", "env"},
		{"sso", "roles", "--start-url", ssoStart, "--sso-region", "eu-west-1", "--output", "yaml"},
	} {
		r := w.run("", args...)
		if r.code != 2 || strings.Count(strings.TrimSpace(r.stderr), "\n") > 1 || strings.Contains(r.stderr, "goroutine") {
			t.Errorf("%v: %+v", args, r)
		}
	}
	// A config file the AWS CLI could not read either (a duplicate
	// section), and an sso-session without a region.
	for _, cfg := range []string{
		"[sso-session my-sso]\nsso_start_url = " + ssoStart + "\n[sso-session my-sso]\nsso_region = eu-west-1\n",
		"[sso-session my-sso]\nsso_start_url = " + ssoStart + "\n",
	} {
		w.write(".aws/config", cfg)
		before, _ := os.ReadFile(w.config)
		r := w.run("", "sso", "roles", "--session", "my-sso")
		after, _ := os.ReadFile(w.config)
		if r.code != 2 || strings.Count(strings.TrimSpace(r.stderr), "\n") > 1 || string(before) != string(after) {
			t.Errorf("config %q: %+v", cfg, r)
		}
	}
	if len(e.Calls()) != 0 {
		t.Errorf("bad input reached the emulator: %v", e.Calls())
	}
}

// TestSSOPKCEInChrome: the authorization-code sign-in with Chrome
// (headless) pressing the emulator's Allow button; the emulator checks the
// redirect URI, state and PKCE verifier.
func TestSSOPKCEInChrome(t *testing.T) {
	chrome := testenv.Chrome(t)
	w, e := ssoWorld(t)
	w.write(".aws/config", "[sso-session my-sso]\nsso_start_url = "+ssoStart+"\nsso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n")
	w.extra = append(w.extra, "SAMLGO_BROWSER="+chrome)
	r := w.run("", "sso", "login", "--session", "my-sso", "--headless", "--allow-selector", "#allow")
	if r.code != 0 {
		t.Fatalf("login: %+v", r)
	}
	tok, _ := w.cache().LoadToken(ssoSession)
	if tok == nil || !e.ValidAccessToken(tok.AccessToken) || tok.RefreshToken == "" {
		t.Fatalf("cached token %v", tok)
	}
	if calls := e.Calls(); calls["Authorize"] != 1 || calls["CreateToken"] != 1 {
		t.Errorf("calls %v", calls)
	}
	if n := len(browser.Processes(filepath.Join(w.home, ".cache", "samlgo", "chrome", "my-sso"))); n != 0 {
		t.Errorf("%d Chrome processes left", n)
	}

	// The device code in the same Chrome: the verification page's Allow.
	r = w.run("", "sso", "login", "--session", "my-sso", "--use-device-code", "--headless", "--allow-selector", "#allow")
	if r.code != 0 {
		t.Fatalf("device login in Chrome: %+v", r)
	}
	if tok2, _ := w.cache().LoadToken(ssoSession); tok2 == nil || tok2.AccessToken == tok.AccessToken || !e.ValidAccessToken(tok2.AccessToken) {
		t.Fatal("no new token from the device login in Chrome")
	}
	if n := len(browser.Processes(filepath.Join(w.home, ".cache", "samlgo", "chrome", "my-sso"))); n != 0 {
		t.Errorf("%d Chrome processes left after the device login", n)
	}
}

// TestSSOLoginThroughIdPPages: a headless sso login with no saved IdP
// session signs in through the IdP's username and password pages, as login
// does (--username, --password-stdin); the next one uses the saved
// session, with no password; a wrong password is reported as the IdP's
// refusal. No Chrome is left running.
func TestSSOLoginThroughIdPPages(t *testing.T) {
	chrome := testenv.Chrome(t)
	w, e := ssoWorld(t)
	e.Users = map[string]string{"alice": "correct horse"}
	w.write(".aws/config", "[sso-session my-sso]\nsso_start_url = "+ssoStart+"\nsso_region = eu-west-1\n")
	w.extra = append(w.extra, "SAMLGO_BROWSER="+chrome)
	profile := filepath.Join(w.home, ".cache", "samlgo", "chrome", "my-sso")

	r := w.run("wrong\n", "sso", "login", "--session", "my-sso", "--headless", "--username", "alice", "--password-stdin", "--allow-selector", "#allow")
	if r.code != 1 || !strings.Contains(r.stderr, "asked for the password again") || !strings.Contains(r.stderr, "Incorrect password") || strings.Contains(r.stderr, "wrong") {
		t.Fatalf("wrong password: %+v", r)
	}
	r = w.run("correct horse\n", "sso", "login", "--session", "my-sso", "--headless", "--username", "alice", "--password-stdin", "--allow-selector", "#allow")
	if r.code != 0 {
		t.Fatalf("login through the IdP pages: %+v", r)
	}
	tok, _ := w.cache().LoadToken(ssoSession)
	if tok == nil || !e.ValidAccessToken(tok.AccessToken) {
		t.Fatalf("cached token %v", tok)
	}
	if n := len(browser.Processes(profile)); n != 0 {
		t.Errorf("%d Chrome processes left", n)
	}

	// The saved IdP session: no username, no password, no sign-in page.
	r = w.run("", "sso", "login", "--session", "my-sso", "--headless", "--allow-selector", "#allow")
	if r.code != 0 {
		t.Fatalf("login with the saved IdP session: %+v", r)
	}
	if c := e.Calls(); c["SignIn"] != 1 || c["SignInFailed"] != 1 || c["Authorize"] != 2 || c["CreateToken"] != 2 {
		t.Errorf("calls %v", c)
	}
	if n := len(browser.Processes(profile)); n != 0 {
		t.Errorf("%d Chrome processes left", n)
	}
}

// TestSSOCacheSharedWithAWSCLI: the AWS CLI v2 uses the token samlgo
// cached (aws sso get-role-credentials against the emulator), its botocore
// finds it where it looks for sso-session tokens, and samlgo uses a token
// written by botocore's own cache writer.
func TestSSOCacheSharedWithAWSCLI(t *testing.T) {
	aws := awsCLI(t)
	w, e := ssoWorld(t)
	e.AutoApprove = true
	if r := w.run("", "sso", "login", "--start-url", ssoStart, "--sso-region", "eu-west-1", "--session", "my-sso", "--write-config", "--use-device-code", "--no-browser"); r.code != 0 {
		t.Fatalf("login: %+v", r)
	}
	tok, _ := w.cache().LoadToken(ssoSession)
	env := []string{"HOME=" + w.home, "PATH=/usr/bin:/bin", "AWS_CONFIG_FILE=" + w.config, "AWS_SHARED_CREDENTIALS_FILE=" + w.creds}
	// The access token travels in this test's argv only: the AWS CLI has
	// no other way to take it.
	cmd := exec.Command(aws, "sso", "get-role-credentials", "--endpoint-url", e.URL, "--region", "eu-west-1",
		"--account-id", acctA, "--role-name", "AdministratorAccess", "--access-token", tok.AccessToken, "--output", "json")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), `"accessKeyId": "ASIA`) {
		t.Fatalf("aws sso get-role-credentials with samlgo's token: %v\n%s", err, out)
	}

	py := awsCLIPython(t, aws)
	script := `
import sys, datetime
from awscli.botocore.utils import SSOTokenLoader
from awscli.botocore.credentials import JSONFileCache
from awscli.customizations.sso.utils import SSO_TOKEN_DIR, _sso_json_dumps
cache = JSONFileCache(SSO_TOKEN_DIR, dumps_func=_sso_json_dumps)
tok = SSOTokenLoader(cache=cache)(sys.argv[1], session_name=sys.argv[2])
print("read", "accessToken" in tok and "expiresAt" in tok)
# botocore's own sign-in finds samlgo's token and client registration
# valid; any call to AWS would fail here.
from awscli.botocore.utils import SSOTokenFetcher
def no_client(*a, **k):
    raise RuntimeError("botocore wanted to call AWS")
f = SSOTokenFetcher("eu-west-1", no_client, cache=cache)
print("fetched", f.fetch_token(sys.argv[1], registration_scopes=["sso:account:access"], session_name=sys.argv[2])["accessToken"] == tok["accessToken"])
print("registration", bool(f._registration(sys.argv[1], sys.argv[2], ["sso:account:access"])["clientId"]))
exp = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=2)
cache[sys.argv[3]] = {"startUrl": sys.argv[1], "region": "eu-west-1", "accessToken": sys.argv[4], "expiresAt": exp}
`
	// botocore writes a token for a second session, keyed as it keys them.
	other := sso.Session{Name: "cli-sso", StartURL: ssoStart, Region: "eu-west-1"}
	key := strings.TrimSuffix(filepath.Base(w.cache().TokenPath(other)), ".json")
	cmd = exec.Command(py, "-c", script, ssoStart, "my-sso", key, tok.AccessToken)
	cmd.Env = env
	out, err = cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "read True") || !strings.Contains(string(out), "fetched True") || !strings.Contains(string(out), "registration True") {
		t.Fatalf("botocore reading samlgo's cache, writing its own: %v\n%s", err, out)
	}
	w.write(".aws/config", "[sso-session cli-sso]\nsso_start_url = "+ssoStart+"\nsso_region = eu-west-1\n")
	r := w.run("", "sso", "creds", "--session", "cli-sso", "--account", acctB, "--role", "Developer", "--format", "json")
	if r.code != 0 || !strings.Contains(r.stdout, `"AccessKeyId":"ASIA`) {
		t.Fatalf("samlgo with botocore's cache entry: %+v", r)
	}
}

// awsCLIPython is the interpreter of the AWS CLI script (its #! line):
// Debian's awscli is Python code whose botocore the test imports.
func awsCLIPython(t testing.TB, aws string) string {
	t.Helper()
	b, err := os.ReadFile(aws)
	if err != nil || !strings.HasPrefix(string(b), "#!") {
		testenv.Require(t, "the AWS CLI's Python", errors.New("aws is not a Python script"), "make test installs Debian's awscli")
	}
	first, _, _ := strings.Cut(string(b[2:min(len(b), 200)]), "\n")
	return strings.Fields(first)[0]
}

// BenchmarkSSOCredsProcess is the whole `samlgo sso creds --format json`
// process with a cached token: start, read the config and cache,
// GetRoleCredentials on the emulator, print.
func BenchmarkSSOCredsProcess(b *testing.B) {
	w, e := ssoWorld(b)
	e.AutoApprove = true
	if r := w.run("", "sso", "login", "--start-url", ssoStart, "--sso-region", "eu-west-1", "--session", "my-sso", "--write-config", "--use-device-code", "--no-browser"); r.code != 0 {
		b.Fatalf("login: %+v", r)
	}
	b.ResetTimer()
	for b.Loop() {
		cmd := exec.Command(samlgoBin, "sso", "creds", "--session", "my-sso", "--account", acctA, "--role", "ReadOnly", "--format", "json")
		cmd.Env = w.env()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("samlgo: %v\n%s", err, out)
		}
	}
}

// startSSO starts samlgo in the background and waits until stderr
// contains marker.
func (w *world) startSSO(t *testing.T, marker string, args ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(samlgoBin, args...)
	cmd.Env = w.env()
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	if !testenv.Eventually(30*time.Second, 20*time.Millisecond, func() bool { return strings.Contains(stderr.String(), marker) }) {
		t.Fatalf("no %q on stderr: %s", marker, stderr.String())
	}
	return cmd, stderr
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestSSOLoginCtrlC: Ctrl-C ends a waiting sign-in, PKCE or device code,
// within a second, with exit 130 and nothing cached.
func TestSSOLoginCtrlC(t *testing.T) {
	for name, args := range map[string][]string{
		"pkce":        {"sso", "login", "--session", "my-sso", "--no-browser"},
		"device code": {"sso", "login", "--session", "my-sso", "--use-device-code", "--no-browser"},
	} {
		t.Run(name, func(t *testing.T) {
			w, _ := ssoWorld(t)
			w.write(".aws/config", "[sso-session my-sso]\nsso_start_url = "+ssoStart+"\nsso_region = eu-west-1\n")
			cmd, stderr := w.startSSO(t, "samlgo: ", args...)
			testenv.Pause(t.Context(), 200*time.Millisecond) // in the wait
			start := time.Now()
			if err := cmd.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
			if code := exitCode(t, cmd); code != 130 {
				t.Errorf("exit %d; stderr %s", code, stderr)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("exit took %s after Ctrl-C", d)
			}
			if tok, _ := w.cache().LoadToken(ssoSession); tok != nil {
				t.Error("a cancelled login cached a token")
			}
		})
	}
}

// TestSSOLegacyStartURL: a legacy profile (sso_start_url, no sso_session)
// signs in with a device code, and its token is cached under the SHA-1 of
// the start URL, where the AWS CLI and the SDKs look for it.
func TestSSOLegacyStartURL(t *testing.T) {
	w, e := ssoWorld(t)
	w.write(".aws/config", "[profile old]\nsso_start_url = "+ssoStart+"\nsso_region = eu-west-1\nsso_account_id = "+acctB+"\nsso_role_name = Developer\n")
	cmd, stderr := w.startSSO(t, "enter the code", "sso", "login", "--profile", "old", "--no-browser")
	codes := e.PendingUserCodes()
	if len(codes) != 1 || !strings.Contains(stderr.String(), codes[0]) {
		t.Fatalf("user codes %v; stderr %s", codes, stderr)
	}
	e.ApproveDevice(codes[0])
	if code := exitCode(t, cmd); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	legacy := sso.Session{StartURL: ssoStart}
	if tok, _ := w.cache().LoadToken(legacy); tok == nil {
		t.Fatalf("no token under sha1(start URL) %s", w.cache().TokenPath(legacy))
	}
	r := w.run("", "sso", "creds", "--profile", "old", "--format", "json")
	if r.code != 0 || !strings.Contains(r.stdout, "ASIA") {
		t.Fatalf("creds from the legacy profile: %+v", r)
	}
}

// BenchmarkAWSCLISSOGetRoleCredentials is what sso creds --format json
// replaces: the AWS CLI v2 calling GetRoleCredentials on the same
// emulator with the same cached token (passed in argv, as the AWS CLI
// requires; this is a benchmark, not samlgo).
func BenchmarkAWSCLISSOGetRoleCredentials(b *testing.B) {
	aws := awsCLI(b)
	w, e := ssoWorld(b)
	e.AutoApprove = true
	if r := w.run("", "sso", "login", "--start-url", ssoStart, "--sso-region", "eu-west-1", "--session", "my-sso", "--write-config", "--use-device-code", "--no-browser"); r.code != 0 {
		b.Fatalf("login: %+v", r)
	}
	tok, _ := w.cache().LoadToken(ssoSession)
	b.ResetTimer()
	for b.Loop() {
		cmd := exec.Command(aws, "sso", "get-role-credentials", "--endpoint-url", e.URL, "--region", "eu-west-1",
			"--account-id", acctA, "--role-name", "ReadOnly", "--access-token", tok.AccessToken, "--output", "json")
		cmd.Env = []string{"HOME=" + w.home, "PATH=/usr/bin:/bin", "AWS_CONFIG_FILE=" + w.config, "AWS_SHARED_CREDENTIALS_FILE=" + w.creds}
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("aws: %v\n%s", err, out)
		}
	}
}

// TestSSOProfileInEveryCommand: env and exec read only stored keys and
// role_arn chains, so an sso_session profile, which the AWS CLI uses, was
// refused (issue 14). They now resolve it through the one resolver: the
// cached token, then GetRoleCredentials on the portal emulator.
func TestSSOProfileInEveryCommand(t *testing.T) {
	w, e := ssoWorld(t)
	e.AutoApprove = true
	if r := w.run("", "sso", "login", "--session", "my-sso", "--start-url", ssoStart, "--sso-region", "eu-west-1", "--write-config", "--use-device-code", "--no-browser"); r.code != 0 {
		t.Fatalf("login: %+v", r)
	}
	cfg := readFile(t, w.config) + "[profile ro]\nsso_session = my-sso\nsso_account_id = " + acctA + "\nsso_role_name = ReadOnly\nregion = eu-west-1\n"
	w.write(".aws/config", cfg)
	before := e.Calls()["GetRoleCredentials"]
	if r := w.run("", "env", "--profile", "ro"); r.code != 0 || !strings.Contains(r.stdout, "export AWS_SESSION_TOKEN=") {
		t.Fatalf("env: %+v", r)
	}
	if r := w.run("", "exec", "--profile", "ro", "--", "sh", "-c", `test -n "$AWS_SESSION_TOKEN"`); r.code != 0 {
		t.Fatalf("exec: %+v", r)
	}
	if n := e.Calls()["GetRoleCredentials"] - before; n != 2 {
		t.Errorf("%d GetRoleCredentials calls, want 2", n)
	}
	// Without a token: the sign-in to run.
	os.Remove(w.cache().TokenPath(ssoSession))
	if r := w.run("", "env", "--profile", "ro"); r.code != 1 || !strings.Contains(r.stderr, "samlgo sso login") {
		t.Errorf("no token: %+v", r)
	}
}

// TestSSOConcurrentRefreshOneRotation: six concurrent `sso creds` with an
// expired access token gave one success and five "refresh was refused:
// log in", since each refreshed with the refresh token the first had
// already rotated (issue 14). Now one process refreshes under the lock
// and the others read its token: all succeed, with one refresh.
func TestSSOConcurrentRefreshOneRotation(t *testing.T) {
	w, e, _ := ssoTokenDueForRefresh(t)
	before := e.Calls()["CreateToken"]
	var wg sync.WaitGroup
	outs := make([]result, 6)
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(samlgoBin, "sso", "creds", "--session", "my-sso", "--account", acctB, "--role", "Developer", "--format", "json")
			cmd.Env = w.env()
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			_ = cmd.Run()
			outs[i] = result{out.String(), errb.String(), cmd.ProcessState.ExitCode()}
		}()
	}
	wg.Wait()
	for i, r := range outs {
		if r.code != 0 || !strings.Contains(r.stdout, `"AccessKeyId"`) {
			t.Errorf("process %d: %+v", i, r)
		}
	}
	if n := e.Calls()["CreateToken"] - before; n != 1 {
		t.Errorf("%d refreshes for six processes, want 1", n)
	}
}
