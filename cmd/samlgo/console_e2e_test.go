//go:build unix

package main

// samlgo console end to end: the binary against the STS emulator's strict
// federation endpoint (AWS_ENDPOINT_URL_SIGNIN), with profiles written by
// samlgo login or by hand.

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/internal/stsemu"
)

// consoleWorld is a world whose sign-in endpoint is the emulator.
func consoleWorld(t *testing.T) *world {
	w := newWorld(t)
	w.extra = append(w.extra, "AWS_ENDPOINT_URL_SIGNIN="+w.emu.URL)
	return w
}

// loginProfile runs samlgo login into profile, which records the origin
// "saml".
func (w *world) loginProfile(t *testing.T, profile string) creds.Credentials {
	t.Helper()
	r := w.run("", "login", "--saml-file", w.samlFile(pair(adminA, provA)), "--profile", profile)
	if r.code != 0 {
		t.Fatalf("login exit %d: %s", r.code, r.stderr)
	}
	c, err := awsfiles.ReadCredentials(w.creds, profile)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// storeSession writes emulator credentials into profile with an origin.
func (w *world) storeSession(t *testing.T, profile string, c stsemu.Credentials, origin awsfiles.Origin) {
	t.Helper()
	exp, _ := time.Parse(time.RFC3339, c.Expiration)
	if err := os.MkdirAll(filepath.Dir(w.creds), 0o700); err != nil {
		t.Fatal(err)
	}
	err := awsfiles.WriteCredentialsOrigin(context.Background(), w.creds, []awsfiles.Profile{{Name: profile,
		Credentials: creds.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, Expiration: exp}}}, origin)
	if err != nil {
		t.Fatal(err)
	}
}

// follow GETs u without following redirects and returns the status and
// Location.
func follow(t *testing.T, u string) (int, string) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 10 * time.Second}
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

// checkNoLeak fails when text holds the sign-in token or URL.
func checkNoLeak(t *testing.T, what, text, signinURL string) {
	t.Helper()
	u, err := url.Parse(strings.TrimSpace(signinURL))
	if err != nil {
		t.Fatal(err)
	}
	tok := u.Query().Get("SigninToken")
	if tok == "" {
		if inner, err := url.Parse(u.Query().Get("redirect_uri")); err == nil {
			tok = inner.Query().Get("SigninToken")
		}
	}
	if tok == "" {
		t.Fatalf("no SigninToken in %q", signinURL)
	}
	for _, s := range []string{tok, tok[:40], "SigninToken=", "/federation?", "sessionKey"} {
		if strings.Contains(text, s) {
			t.Errorf("%s holds the sign-in token or URL (%q…)", what, s[:min(len(s), 12)])
		}
	}
}

func TestConsoleSAMLProfileWithDuration(t *testing.T) {
	w := consoleWorld(t)
	w.loginProfile(t, "corp")
	if got := readFile(t, w.creds); !strings.Contains(got, "x_samlgo_origin = saml") {
		t.Fatalf("login did not record the origin:\n%s", got)
	}
	r := w.run("", "--debug", "console", "--profile", "corp", "--print", "--duration", "2h", "--destination", "s3", "--region", "eu-west-1")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	checkNoLeak(t, "stderr with --debug", r.stderr, r.stdout)
	if !strings.Contains(r.stderr, "level=DEBUG") {
		t.Error("--debug logged nothing")
	}
	calls := w.emu.FederationCalls()
	if len(calls) != 1 || calls[0].Action != "getSigninToken" || calls[0].SessionDuration != 7200 || calls[0].Origin != stsemu.OriginSAML || calls[0].Status != 200 {
		t.Fatalf("federation calls %+v", calls)
	}
	u, _ := url.Parse(strings.TrimSpace(r.stdout))
	if dest := u.Query().Get("Destination"); dest != "https://console.aws.amazon.com/s3/home?region=eu-west-1" {
		t.Errorf("Destination %q", dest)
	}
	code, loc := follow(t, strings.TrimSpace(r.stdout))
	if code != 302 || loc != "https://console.aws.amazon.com/s3/home?region=eu-west-1" {
		t.Errorf("login: %d %q", code, loc)
	}
}

func TestConsolePartitions(t *testing.T) {
	w := consoleWorld(t)
	w.loginProfile(t, "corp")
	for region, dest := range map[string]string{
		"us-east-1":      "https://console.aws.amazon.com/console/home?region=us-east-1",
		"cn-northwest-1": "https://console.amazonaws.cn/console/home?region=cn-northwest-1",
		"us-gov-west-1":  "https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1",
		"eusc-de-east-1": "https://eusc-de-east-1.console.amazonaws-eusc.eu/console/home?region=eusc-de-east-1",
	} {
		t.Run(region, func(t *testing.T) {
			w.extra = append(w.extra[:1:1], "AWS_REGION="+region)
			r := w.run("", "console", "--profile", "corp", "--print")
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if code, loc := follow(t, strings.TrimSpace(r.stdout)); code != 302 || loc != dest {
				t.Errorf("login lands on %q (%d), want %q", loc, code, dest)
			}
		})
	}
	// The profile's region in ~/.aws/config picks the partition too.
	w.extra = w.extra[:1:1]
	w.write(".aws/config", "[profile corp]\nregion = cn-north-1\n")
	r := w.run("", "console", "--profile", "corp", "--print", "--destination", "https://console.amazonaws.cn/ec2/home")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if code, loc := follow(t, strings.TrimSpace(r.stdout)); code != 302 || loc != "https://console.amazonaws.cn/ec2/home" {
		t.Errorf("login lands on %q (%d)", loc, code)
	}
	r = w.run("", "console", "--profile", "corp", "--print", "--destination", "https://console.aws.amazon.com/ec2/home")
	if r.code != 2 || !strings.Contains(r.stderr, "not on the aws-cn console") {
		t.Errorf("a destination on another partition: exit %d %q", r.code, r.stderr)
	}
}

func TestConsoleLongTermKeys(t *testing.T) {
	w := consoleWorld(t)
	u := w.emu.AddUserIn("aws", acctA, "alice")
	w.write(".aws/credentials", "[alice]\naws_access_key_id = "+u.AccessKeyID+"\naws_secret_access_key = "+u.SecretAccessKey+"\n")
	r := w.run("", "console", "--profile", "alice", "--print", "--duration", "3h")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	sts := w.emu.Calls()
	if len(sts) != 1 || sts[0].Action != "GetFederationToken" || sts[0].DurationSeconds != 3*3600 || sts[0].ErrorCode != "" {
		t.Errorf("STS calls %+v", sts)
	}
	calls := w.emu.FederationCalls()
	if len(calls) != 1 || calls[0].Origin != stsemu.OriginFederationToken || calls[0].SessionDuration != 0 || calls[0].Status != 200 {
		t.Errorf("federation calls %+v", calls)
	}
	if code, _ := follow(t, strings.TrimSpace(r.stdout)); code != 302 {
		t.Errorf("login: %d", code)
	}
	checkNoLeak(t, "stderr", r.stderr, r.stdout)
	if strings.Contains(r.stderr, u.SecretAccessKey) {
		t.Error("stderr holds the secret key")
	}
}

func TestConsoleSessionDurationRules(t *testing.T) {
	w := consoleWorld(t)
	w.storeSession(t, "chained", w.emu.IssueSession(stsemu.OriginChained, adminA, time.Hour), awsfiles.OriginChained)
	w.storeSession(t, "fed", w.emu.IssueSession(stsemu.OriginFederationToken, adminA, time.Hour), awsfiles.OriginFederationToken)
	w.storeSession(t, "other", w.emu.IssueSession(stsemu.OriginChained, adminA, time.Hour), "")
	w.storeSession(t, "sess", w.emu.IssueSession(stsemu.OriginSessionToken, adminA, time.Hour), awsfiles.OriginSessionToken)
	// Refused before anything is sent: exit 2, no call.
	for profile, want := range map[string]string{"chained": "chained role", "fed": "federation-token", "other": "cannot tell how"} {
		r := w.run("", "console", "--profile", profile, "--print", "--duration", "2h")
		if r.code != 2 || !strings.Contains(r.stderr, want) || r.stdout != "" {
			t.Errorf("%s --duration: exit %d %q", profile, r.code, r.stderr)
		}
	}
	if r := w.run("", "console", "--profile", "sess", "--print"); r.code != 2 || !strings.Contains(r.stderr, "GetSessionToken") {
		t.Errorf("session-token credentials: exit %d %q", r.code, r.stderr)
	}
	if n := len(w.emu.FederationCalls()); n != 0 {
		t.Fatalf("%d federation calls for refused requests", n)
	}
	// Without --duration every one of them signs in.
	for _, profile := range []string{"chained", "fed", "other"} {
		r := w.run("", "console", "--profile", profile, "--print")
		if r.code != 0 {
			t.Errorf("%s: exit %d %q", profile, r.code, r.stderr)
		}
	}
	for _, c := range w.emu.FederationCalls() {
		if c.SessionDuration != 0 || c.Status != 200 {
			t.Errorf("federation call %+v", c)
		}
	}
}

// TestConsoleStaleOrigin: the profile says saml but holds a chained role's
// keys; the emulator, like AWS, refuses SessionDuration, and samlgo signs
// in once more without it.
func TestConsoleStaleOrigin(t *testing.T) {
	w := consoleWorld(t)
	w.storeSession(t, "stale", w.emu.IssueSession(stsemu.OriginChained, adminA, time.Hour), awsfiles.OriginSAML)
	r := w.run("", "console", "--profile", "stale", "--print", "--duration", "2h")
	if r.code != 0 || !strings.Contains(r.stderr, "without --duration") {
		t.Fatalf("exit %d %q", r.code, r.stderr)
	}
	calls := w.emu.FederationCalls()
	if len(calls) != 2 || calls[0].Status != 400 || calls[0].SessionDuration != 7200 || calls[1].Status != 200 || calls[1].SessionDuration != 0 {
		t.Errorf("federation calls %+v", calls)
	}
	checkNoLeak(t, "stderr", r.stderr, r.stdout)
}

// TestConsoleLogoutFirstAndOpener also covers the sign-in URL handed to
// the browser: it went to xdg-open in argv, where ps shows it to every user
// (issue 14). The opener now gets the path of a private page that forwards
// to it, and the page is gone afterwards.
func TestConsoleLogoutFirstAndOpener(t *testing.T) {
	w := consoleWorld(t)
	w.loginProfile(t, "corp")
	// A stand-in for xdg-open that records its arguments, the page it was
	// given and its mode, and every process's argv while it runs: no browser.
	bin := filepath.Join(w.home, "bin")
	argv := filepath.Join(w.home, "opener-argv")
	page := filepath.Join(w.home, "opener-page")
	mode := filepath.Join(w.home, "opener-mode")
	ps := filepath.Join(w.home, "opener-ps")
	w.write("bin/xdg-open", "#!/bin/sh\nprintf '%s\\n' \"$@\" > \""+argv+"\"\ncp \"$1\" \""+page+"\"\nstat -c %a \"$1\" > \""+mode+"\"\ncat /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' ' ' > \""+ps+"\"\n")
	if err := os.Chmod(filepath.Join(bin, "xdg-open"), 0o755); err != nil {
		t.Fatal(err)
	}
	w.extra = append(w.extra, "PATH="+bin+":"+os.Getenv("PATH"))
	r := w.run("", "--debug", "console", "--profile", "corp", "--logout-first", "--destination", "ec2")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("stdout %q without --print", r.stdout)
	}
	given := strings.TrimSpace(readFile(t, argv))
	if !filepath.IsAbs(given) || strings.Contains(given, "SigninToken") || strings.Contains(given, "://") {
		t.Fatalf("the opener got %q, want a page's path", given[:min(len(given), 60)])
	}
	if _, err := os.Stat(given); !os.IsNotExist(err) {
		t.Errorf("the page %s is still there after console ended (%v)", given, err)
	}
	if m := strings.TrimSpace(readFile(t, mode)); m != "600" {
		t.Errorf("page mode %s, want 600", m)
	}
	if all := readFile(t, ps); all == "" || strings.Contains(all, "SigninToken") {
		t.Errorf("process list while the opener ran: %d bytes, token seen: %v", len(all), strings.Contains(all, "SigninToken"))
	}
	html := readFile(t, page)
	i, j := strings.Index(html, "location.replace("), strings.Index(html, ");</script>")
	if i < 0 || j < i {
		t.Fatalf("the page does not forward: %d bytes", len(html))
	}
	var opened string
	if err := json.Unmarshal([]byte(html[i+len("location.replace("):j]), &opened); err != nil {
		t.Fatal(err)
	}
	checkNoLeak(t, "stderr with --debug", r.stderr, opened)
	u, _ := url.Parse(opened)
	if u.Path != "/oauth" || u.Query().Get("Action") != "logout" {
		t.Fatalf("opened %q…", opened[:min(len(opened), 40)])
	}
	code, login := follow(t, opened)
	if code != 302 {
		t.Fatalf("logout: %d", code)
	}
	if code, loc := follow(t, login); code != 302 || loc != "https://console.aws.amazon.com/ec2/home?region=us-east-1" {
		t.Errorf("login: %d %q", code, loc)
	}
	// The token is single-use: a replay fails.
	if code, _ := follow(t, login); code != 400 {
		t.Errorf("replayed login: %d", code)
	}
}

func TestConsoleOpenerFails(t *testing.T) {
	w := consoleWorld(t)
	w.loginProfile(t, "corp")
	bin := filepath.Join(w.home, "bin")
	w.write("bin/xdg-open", "#!/bin/sh\nexit 3\n")
	if err := os.Chmod(filepath.Join(bin, "xdg-open"), 0o755); err != nil {
		t.Fatal(err)
	}
	w.extra = append(w.extra, "PATH="+bin+":"+os.Getenv("PATH"))
	r := w.run("", "console", "--profile", "corp")
	if r.code != 1 || !strings.Contains(r.stderr, "xdg-open failed with exit code 3") || !strings.Contains(r.stderr, "--print") {
		t.Errorf("exit %d %q", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "SigninToken") || strings.Contains(r.stderr, "federation?") {
		t.Errorf("stderr holds the URL: %q", r.stderr)
	}
}

func TestConsoleEndpointUnreachable(t *testing.T) {
	w := newWorld(t)
	w.loginProfile(t, "corp")
	w.extra = []string{"AWS_ENDPOINT_URL_SIGNIN=http://127.0.0.1:1"}
	r := w.run("", "--debug", "console", "--profile", "corp", "--print")
	if r.code != 1 || !strings.Contains(r.stderr, "could not reach the AWS sign-in endpoint") || !strings.Contains(r.stderr, "AWS_ENDPOINT_URL_SIGNIN") {
		t.Errorf("exit %d %q", r.code, r.stderr)
	}
	c, _ := awsfiles.ReadCredentials(w.creds, "corp")
	for _, s := range []string{c.SecretAccessKey, c.SessionToken[:40], "sessionKey", "Session="} {
		if strings.Contains(r.stderr, s) {
			t.Errorf("stderr holds the session (%q…)", s[:min(len(s), 8)])
		}
	}
}

func TestConsoleExpiredProfile(t *testing.T) {
	w := consoleWorld(t)
	w.storeSession(t, "old", w.emu.IssueSession(stsemu.OriginSAML, adminA, time.Hour), awsfiles.OriginSAML)
	c, _ := awsfiles.ReadCredentials(w.creds, "old")
	c.Expiration = time.Now().Add(-time.Minute)
	if err := awsfiles.WriteCredentialsOrigin(context.Background(), w.creds, []awsfiles.Profile{{Name: "old", Credentials: c}}, awsfiles.OriginSAML); err != nil {
		t.Fatal(err)
	}
	r := w.run("", "console", "--profile", "old", "--print")
	if r.code != 1 || !strings.Contains(r.stderr, "expired") || !strings.Contains(r.stderr, "samlgo login") {
		t.Errorf("exit %d %q", r.code, r.stderr)
	}
	if n := len(w.emu.FederationCalls()); n != 0 {
		t.Errorf("%d federation calls with expired credentials", n)
	}
}

// TestConsoleAnyProfileTheAWSCLIUses: console read only keys stored in the
// credentials file, so a role_arn or a credential_process profile gave
// "not found in credentials" and a hint to store keys that would shadow
// the credential_process line (issue 14). It now resolves them as the
// AWS CLI does.
func TestConsoleAnyProfileTheAWSCLIUses(t *testing.T) {
	w := consoleWorld(t)
	const chainedRole = "arn:aws:iam::123456789012:role/ConsoleChained"
	w.emu.AddRole(stsemu.Role{ARN: chainedRole})
	c := w.loginProfile(t, "corp")
	doc := w.write("cp.json", string(c.JSON()))
	w.write(".aws/config", "[profile corp]\nregion = us-east-1\n"+
		"[profile chained]\nrole_arn = "+chainedRole+"\nsource_profile = corp\nregion = us-east-1\n"+
		"[profile cp]\ncredential_process = cat "+doc+"\nregion = us-east-1\n")
	for _, profile := range []string{"chained", "cp"} {
		r := w.run("", "console", "--profile", profile, "--print")
		if r.code != 0 || !strings.Contains(r.stdout, "SigninToken=") {
			t.Errorf("console --profile %s: exit %d, stderr %q", profile, r.code, r.stderr)
		}
		if strings.Contains(r.stderr, "not found") {
			t.Errorf("console --profile %s: %q", profile, r.stderr)
		}
		checkNoLeak(t, "stderr", r.stderr, r.stdout)
	}
	// Their origin is not recorded, so a console session length is refused.
	if r := w.run("", "console", "--profile", "chained", "--print", "--duration", "2h"); r.code != 2 {
		t.Errorf("--duration for a chained role: exit %d %q", r.code, r.stderr)
	}
}
