package cmdutil

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/assertion"
	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/browser"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/cli/prompt"
	"github.com/samlgo/samlgo/cli/prompt/prompttest"
	"github.com/samlgo/samlgo/config"
	"github.com/samlgo/samlgo/flow"
	"github.com/samlgo/samlgo/internal/fakests"
	"github.com/samlgo/samlgo/internal/testenv"
	"github.com/samlgo/samlgo/sts"
	"github.com/samlgo/samlgo/untrusted"
)

func TestFirst(t *testing.T) {
	if First("", "flag", "env") != "flag" || First[string]() != "" || First(0, 0, 3) != 3 {
		t.Error("First does not return the first set value")
	}
}

func TestClassify(t *testing.T) {
	cases := []struct {
		err  error
		code int
		hint string
	}{
		{UsageErrorf("bad %s", "x"), ExitUsage, ""},
		{UsageError(errors.New("x"), "hint: y"), ExitUsage, "hint: y"},
		{FailureError(errors.New("x"), "hint: z"), ExitFailure, "hint: z"},
		{ErrCancelled, ExitCancelled, ""},
		{prompt.ErrCancelled, ExitCancelled, ""},
		{fmt.Errorf("wrapped: %w", context.Canceled), ExitCancelled, ""},
		{&assertion.InputError{Reason: "not base64", Kind: assertion.ErrNotXML}, ExitUsage, ""},
		{&config.Error{Path: "c", Msg: "m"}, ExitUsage, ""},
		{&awsfiles.FileError{Path: "p", Err: errors.New("dup")}, ExitUsage, ""},
		{&flow.RequestError{Err: errors.New("r")}, ExitUsage, ""},
		{&awsfiles.ProtectedProfileError{Path: "p", Profile: "d"}, ExitUsage, "pass another --profile"},
		{&sts.Error{Op: sts.OpAssumeRoleWithSAML, Kind: sts.Unreachable}, ExitFailure, "check the network"},
		{&sts.Error{Op: sts.OpAssumeRoleWithSAML, Kind: sts.Other}, ExitFailure, ""},
		{errors.New("plain"), ExitFailure, ""},
	}
	for _, c := range cases {
		code, hints := Classify(c.err)
		if code != c.code || (c.hint != "" && !strings.Contains(strings.Join(hints, "\n"), c.hint)) || (c.hint == "" && len(hints) > 0) {
			t.Errorf("Classify(%v) = %d, %q; want %d, %q", c.err, code, hints, c.code, c.hint)
		}
	}
	var b bytes.Buffer
	if code := Report(&b, UsageError(errors.New("bad input"), "hint: fix it")); code != ExitUsage || b.String() != "samlgo: bad input\nhint: fix it\n" {
		t.Errorf("Report = %d, %q", code, b.String())
	}
}

// TestSTSHints: every kind a person can act on has a hint, and the hints
// of a SAML login speak of assertions while the others do not.
func TestSTSHints(t *testing.T) {
	for _, k := range []sts.Kind{sts.Expired, sts.NotTrusted, sts.DurationTooLong, sts.Throttled, sts.Rejected, sts.RegionDisabled, sts.Unreachable, sts.BadCredentials} {
		for _, op := range []string{sts.OpAssumeRoleWithSAML, sts.OpAssumeRole} {
			h := STSHint(&sts.Error{Op: op, Kind: k})
			if h == "" {
				t.Errorf("no hint for kind %d of %s", k, op)
			}
			if op != sts.OpAssumeRoleWithSAML && (strings.Contains(h, "assertion") || strings.Contains(h, "SAML provider")) {
				t.Errorf("the %s hint speaks of SAML: %q", op, h)
			}
		}
	}
	if h := STSHint(&sts.Error{Op: sts.OpAssumeRoleWithSAML, Kind: sts.Rejected, Code: "IDPRejectedClaim"}); !strings.Contains(h, "metadata") {
		t.Errorf("IDPRejectedClaim hint = %q", h)
	}
}

func TestReadSAML(t *testing.T) {
	ios, in, _, _ := iostreams.Test()
	in.WriteString("not base64 at all!")
	_, err := ReadSAML(context.Background(), ios, "-")
	var ie *assertion.InputError
	if !errors.As(err, &ie) || !strings.HasPrefix(err.Error(), "SAML response on stdin: ") {
		t.Errorf("stdin garbage = %v", err)
	}
	dir := t.TempDir()
	if _, err := ReadSAML(context.Background(), ios, dir); err == nil || !strings.Contains(err.Error(), untrusted.Path(dir)) {
		t.Errorf("a directory = %v", err)
	}
	if _, err := ReadSAML(context.Background(), ios, ""); err == nil || !strings.Contains(err.Error(), "--saml-file") {
		t.Errorf("no path = %v", err)
	}
}

func TestOutputDeliver(t *testing.T) {
	dir := t.TempDir()
	ios, _, out, errOut := iostreams.Test()
	o := OutputFlags{Format: FormatProfile, Profile: "p", CredentialsFile: filepath.Join(dir, "credentials"), ConfigFile: filepath.Join(dir, "config")}
	sink, err := o.Sink(ios, time.Now, Discard(), "/bin/zsh")
	if err != nil {
		t.Fatal(err)
	}
	items := []flow.Issued{{Profile: "p", RoleARN: "arn:aws:iam::1:role/R", Region: "eu-west-1", Creds: fakests.Credentials("ASIADELIVER000000001", time.Now().Add(time.Hour))}}
	if err := sink.Preflight([]string{"p"}); err != nil {
		t.Fatal(err)
	}
	if err := sink.Deliver(context.Background(), items); err != nil {
		t.Fatal(err)
	}
	if c, err := awsfiles.ReadCredentials(o.CredentialsFile, "p"); err != nil || c.AccessKeyID != "ASIADELIVER000000001" {
		t.Errorf("written = %v, %v", c, err)
	}
	if out.Len() != 0 || !strings.Contains(errOut.String(), `samlgo: profile "p": arn:aws:iam::1:role/R, expires `) || !strings.Contains(errOut.String(), "(in 1h") {
		t.Errorf("stdout %q, stderr %q", out, errOut)
	}
	b, _ := os.ReadFile(o.ConfigFile)
	if !strings.Contains(string(b), "region = eu-west-1") {
		t.Errorf("config = %q", b)
	}
	// $SHELL decides the syntax of --format env.
	o.Format = FormatEnv
	sink, _ = o.Sink(ios, time.Now, Discard(), "/usr/bin/fish")
	if err := sink.Deliver(context.Background(), items); err != nil || !strings.Contains(out.String(), "set -gx AWS_ACCESS_KEY_ID") {
		t.Errorf("fish env = %q, %v", out, err)
	}
}

func TestBrowserCapturerChecks(t *testing.T) {
	testenv.Home(t, t.TempDir())
	ios, _, _, _ := iostreams.Test()
	f := &Factory{IOStreams: ios, Prompter: prompttest.NewFake(t), Now: time.Now, Log: Discard(),
		Getenv: func(k string) string {
			return map[string]string{"SAMLGO_BROWSER": "/nonexistent/chrome", "SAMLGO_PASSWORD": "pw"}[k]
		}}
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	cases := []struct {
		flags BrowserFlags
		acct  config.Account
		want  string
	}{
		{BrowserFlags{Timeout: time.Minute}, config.Account{}, "no IdP sign-on URL"},
		{BrowserFlags{Timeout: time.Minute, URL: "https://idp", Headless: true, NoHeadless: true}, config.Account{}, "contradict"},
		{BrowserFlags{URL: "https://idp"}, config.Account{}, "--timeout must be positive"},
		{BrowserFlags{Timeout: time.Minute, URL: "https://idp", NoHeadless: true}, config.Account{}, "needs a display"},
		{BrowserFlags{Timeout: time.Minute}, config.Account{URL: "https://idp"}, "/nonexistent/chrome"},
	}
	for _, c := range cases {
		if c.want == "needs a display" && browser.HasDisplay() {
			continue // macOS and Windows always have one
		}
		_, err := c.flags.Capturer(context.Background(), f, &config.Config{}, c.acct, "corp")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Capturer(%+v) = %v, want %q", c.flags, err, c.want)
		}
	}
	// With a browser found, the capturer carries the account's settings.
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	f.Getenv = func(k string) string { return map[string]string{"SAMLGO_PASSWORD": "pw"}[k] }
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	b, err := (&BrowserFlags{Timeout: time.Minute, Browser: exe}).Capturer(context.Background(), f, &config.Config{}, config.Account{URL: "https://idp", Username: "alice"}, "corp")
	if err != nil {
		t.Fatal(err)
	}
	if b.Options.Headless == browser.HasDisplay() || b.Options.URL != "https://idp" || b.Options.Autofill.Username != "alice" || !strings.HasSuffix(b.ProfileDir, filepath.Join("samlgo", "chrome", "corp")) {
		t.Errorf("capturer = %+v", b)
	}
	if pw, err := b.Password(true)(); pw != "pw" || err != nil {
		t.Errorf("SAMLGO_PASSWORD = %q, %v", pw, err)
	}
}

func TestPasswordSources(t *testing.T) {
	ios, in, _, _ := iostreams.Test()
	fake := prompttest.NewFake(t)
	f := &Factory{IOStreams: ios, Prompter: fake, Getenv: func(string) string { return "" }, Log: Discard()}
	in.WriteString("from stdin\r\nrest")
	src, err := (&BrowserFlags{PasswordStdin: true}).passwordSource(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	if pw, _ := src(true)(); pw != "from stdin" {
		t.Errorf("--password-stdin = %q", pw)
	}
	if _, err := (&BrowserFlags{PasswordStdin: true}).passwordSource(context.Background(), f); err == nil {
		t.Errorf("--password-stdin on empty stdin did not fail")
	}
	src, _ = (&BrowserFlags{}).passwordSource(context.Background(), f)
	if src(false) != nil {
		t.Errorf("a visible window with no terminal must leave the password to the person")
	}
	if _, err := src(true)(); err == nil || !strings.Contains(err.Error(), "no terminal to ask on") {
		t.Errorf("headless with no terminal = %v", err)
	}
	ios.InTTY, ios.ErrTTY = true, true
	fake.ExpectSecret("IdP password: ", "typed", nil)
	src, _ = (&BrowserFlags{}).passwordSource(context.Background(), f)
	ask := src(true)
	for range 2 { // asked once, remembered
		if pw, err := ask(); pw != "typed" || err != nil {
			t.Errorf("prompted password = %q, %v", pw, err)
		}
	}
}

func TestSignInError(t *testing.T) {
	cases := []struct {
		err  error
		code int
		hint string
	}{
		{browser.ErrClosed, ExitCancelled, ""},
		{context.DeadlineExceeded, ExitFailure, "--timeout"},
		{&browser.StallError{Reason: "r", HTML: "/p.html"}, ExitFailure, "/p.html"},
		{&browser.RejectedError{What: "password"}, ExitFailure, ""},
		{fmt.Errorf("starting chromium: %w", browser.ErrNoWindow), ExitFailure, "pass --headless"},
	}
	for _, c := range cases {
		err := SignInError(c.err, time.Minute)
		code, hints := Classify(err)
		if code != c.code || !strings.Contains(strings.Join(hints, "\n"), c.hint) {
			t.Errorf("SignInError(%v) = %d %q", c.err, code, hints)
		}
	}
}

// TestStaySignedInFromConfig: the account's stay_signed_in reaches the
// autofill; unset means yes.
func TestStaySignedInFromConfig(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	f := &Factory{IOStreams: ios, Prompter: prompttest.NewFake(t), Now: time.Now, Log: Discard(), Getenv: func(string) string { return "" }}
	no := false
	for _, c := range []struct {
		stay *bool
		want bool
	}{{nil, false}, {&no, true}} {
		b, err := (&BrowserFlags{Timeout: time.Minute, Browser: exe, Headless: true}).Capturer(context.Background(), f, &config.Config{}, config.Account{URL: "https://idp", StaySignedIn: c.stay}, "corp")
		if err != nil {
			t.Fatal(err)
		}
		if b.Options.Autofill.NoStaySignedIn != c.want {
			t.Errorf("stay_signed_in %v: NoStaySignedIn = %v", c.stay, b.Options.Autofill.NoStaySignedIn)
		}
	}
}

// TestPasteOnTerminal: a response pasted into --saml-file - on a terminal
// was cut at 4,096 bytes and reported as malformed XML; it is refused with
// the reason and "use a file", and a long line read from a terminal
// anywhere else is refused the same way (issue 15).
func TestPasteOnTerminal(t *testing.T) {
	ios, in, _, _ := iostreams.Test()
	ios.InTTY = true
	in.WriteString(strings.Repeat("A", 5000) + "\n")
	_, err := ReadSAML(context.Background(), ios, "-")
	code, hints := Classify(err)
	if code != 2 || !strings.Contains(err.Error(), "too long to paste") || len(hints) != 1 || !strings.Contains(hints[0], "--saml-file FILE") {
		t.Errorf("SAML on a terminal: %v (exit %d, %q)", err, code, hints)
	}
	if in.Len() != 5001 {
		t.Error("the terminal was read before refusing")
	}
	if _, err := ReadArg(context.Background(), ios, "--token-file", "-", 1<<20); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("a line is %d bytes or more", ttyLineMax)) {
		t.Errorf("long line from a terminal: %v", err)
	}
	in.Reset()
	in.WriteString("short-token\n")
	if b, err := ReadArg(context.Background(), ios, "--token-file", "-", 1<<20); err != nil || string(b) != "short-token\n" {
		t.Errorf("short line from a terminal: %q %v", b, err)
	}
	ios.InTTY = false
	in.Reset()
	in.WriteString(strings.Repeat("A", 5000))
	if b, err := ReadArg(context.Background(), ios, "--token-file", "-", 1<<20); err != nil || len(b) != 5000 {
		t.Errorf("a pipe: %d bytes, %v", len(b), err)
	}
}

func TestTimeLeft(t *testing.T) {
	for d, want := range map[time.Duration]string{-time.Second: "expired", 20 * time.Second: "under a minute", 47 * time.Minute: "47m", 3*time.Hour + 5*time.Minute: "3h05m"} {
		if got := TimeLeft(d); got != want {
			t.Errorf("TimeLeft(%v) = %q, want %q", d, got, want)
		}
	}
}
