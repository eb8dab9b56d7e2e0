package console

import (
	"bytes"
	"context"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/config"
	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/internal/fakests"
	"github.com/samlgo/samlgo/internal/testenv"
	"github.com/samlgo/samlgo/signin"
	"github.com/samlgo/samlgo/sts"
)

const token = "SECRETSIGNINTOKEN"

// fakeSignin answers getSigninToken from a script and fails the test on a
// call the script does not have, or when a scripted answer is never asked.
type fakeSignin struct {
	t       *testing.T
	answers []error // one per expected call; nil is a token
	calls   []signinCall
}

type signinCall struct {
	base     string
	keyID    string
	duration time.Duration
}

func newFakeSignin(t *testing.T, answers ...error) *fakeSignin {
	f := &fakeSignin{t: t, answers: answers}
	t.Cleanup(func() {
		if len(f.calls) != len(f.answers) {
			t.Errorf("getSigninToken called %d times, want %d", len(f.calls), len(f.answers))
		}
	})
	return f
}

func (f *fakeSignin) SigninToken(_ context.Context, base string, c creds.Credentials, d time.Duration) (string, error) {
	f.calls = append(f.calls, signinCall{base, c.AccessKeyID, d})
	if len(f.calls) > len(f.answers) {
		f.t.Errorf("unexpected getSigninToken call %d", len(f.calls))
		return "", &signin.Error{Status: 500}
	}
	if err := f.answers[len(f.calls)-1]; err != nil {
		return "", err
	}
	return token, nil
}

// fakeFederator expects at most the GetFederationToken calls it is told.
type fakeFederator struct {
	t      *testing.T
	want   int
	calls  []sts.FederationTokenRequest
	srcIDs []string
}

func newFakeFederator(t *testing.T, want int) *fakeFederator {
	f := &fakeFederator{t: t, want: want}
	t.Cleanup(func() {
		if len(f.calls) != f.want {
			t.Errorf("GetFederationToken called %d times, want %d", len(f.calls), f.want)
		}
	})
	return f
}

func (f *fakeFederator) GetFederationToken(_ context.Context, src creds.Credentials, r sts.FederationTokenRequest) (*sts.Result, error) {
	f.calls = append(f.calls, r)
	f.srcIDs = append(f.srcIDs, src.AccessKeyID)
	if len(f.calls) > f.want {
		f.t.Errorf("unexpected GetFederationToken")
	}
	return &sts.Result{Credentials: fakests.Credentials("ASIAFEDERATED0000001", time.Now().Add(time.Hour))}, nil
}

type env struct {
	opts    *Options
	out     *bytes.Buffer
	errOut  *bytes.Buffer
	log     *bytes.Buffer
	signin  *fakeSignin
	fed     *fakeFederator
	opened  []string
	dir     string
	getenvs map[string]string
}

// setup writes a credentials file with profiles of every kind and a config
// file, points the AWS variables at them (never the real HOME), and
// returns options with fakes.
func setup(t *testing.T, fedCalls int, answers ...error) *env {
	dir := t.TempDir()
	testenv.Home(t, dir)
	credPath := filepath.Join(dir, "credentials")
	cfgPath := filepath.Join(dir, "config")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", credPath)
	t.Setenv("AWS_CONFIG_FILE", cfgPath)
	ctx := context.Background()
	exp := time.Now().Add(time.Hour)
	for name, o := range map[string]awsfiles.Origin{
		"saml": awsfiles.OriginSAML, "chained": awsfiles.OriginChained, "fedtok": awsfiles.OriginFederationToken,
		"unknown": "", "sesstok": awsfiles.OriginSessionToken, "cn": awsfiles.OriginSAML,
	} {
		if err := awsfiles.WriteCredentialsOrigin(ctx, credPath, []awsfiles.Profile{{Name: name, Credentials: fakests.Credentials("ASIA"+strings.ToUpper(name)+"0000000000", exp)}}, o); err != nil {
			t.Fatal(err)
		}
	}
	if err := awsfiles.WriteCredentials(ctx, credPath, []awsfiles.Profile{{Name: "old", Credentials: fakests.Credentials("ASIAOLD0000000000000", time.Now().Add(-time.Minute))}}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(credPath)
	b = append(b, "[user]\naws_access_key_id = AKIAUSER000000000000\naws_secret_access_key = wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\n"...)
	if err := os.WriteFile(credPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfgPath, []byte("[profile saml]\nregion = eu-west-1\n[profile cn]\nregion = cn-north-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ios, _, out, errOut := iostreams.Test()
	e := &env{out: out, errOut: errOut, log: &bytes.Buffer{}, signin: newFakeSignin(t, answers...), fed: newFakeFederator(t, fedCalls), dir: dir, getenvs: map[string]string{}}
	e.opts = &Options{
		IO: ios, Now: time.Now,
		Getenv: func(k string) string { return e.getenvs[k] },
		Log:    slog.New(slog.NewTextHandler(e.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Config: func() (*config.Config, error) { return &config.Config{}, nil },
		NewFederator: func(_ context.Context, o sts.Options) (Federator, error) {
			return e.fed, nil
		},
		Signin: e.signin,
		Open:   func(_ context.Context, u string) error { e.opened = append(e.opened, u); return nil },
	}
	return e
}

func (e *env) noLeak(t *testing.T) {
	t.Helper()
	for what, s := range map[string]string{"stderr": e.errOut.String(), "log": e.log.String()} {
		if strings.Contains(s, token) || strings.Contains(s, "federation?") || strings.Contains(s, "wJalr") {
			t.Errorf("%s leaks the token, URL or a secret:\n%s", what, s)
		}
	}
}

func loginQuery(t *testing.T, raw string) (*url.URL, url.Values) {
	t.Helper()
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		t.Fatalf("URL %q: %v", raw, err)
	}
	return u, u.Query()
}

func TestConsoleSAMLProfile(t *testing.T) {
	e := setup(t, 0, nil)
	e.opts.Profile, e.opts.Print, e.opts.Destination = "saml", true, "s3"
	if err := consoleRun(context.Background(), e.opts); err != nil {
		t.Fatal(err)
	}
	u, q := loginQuery(t, e.out.String())
	if u.Host != "signin.aws.amazon.com" || u.Path != "/federation" || q.Get("Action") != "login" || q.Get("SigninToken") != token ||
		q.Get("Destination") != "https://console.aws.amazon.com/s3/home?region=eu-west-1" || q.Get("Issuer") != "samlgo" {
		t.Errorf("URL = %s", e.out)
	}
	if c := e.signin.calls[0]; c.duration != 0 || c.base != "https://signin.aws.amazon.com" || c.keyID != "ASIASAML0000000000" {
		t.Errorf("getSigninToken %+v", c)
	}
	if len(e.opened) != 0 {
		t.Error("--print opened a browser")
	}
	e.noLeak(t)
}

func TestConsoleDurationBySAMLOrigin(t *testing.T) {
	e := setup(t, 0, nil)
	e.opts.Profile, e.opts.Print, e.opts.Duration = "saml", true, "2h"
	if err := consoleRun(context.Background(), e.opts); err != nil {
		t.Fatal(err)
	}
	if e.signin.calls[0].duration != 2*time.Hour {
		t.Errorf("SessionDuration = %s", e.signin.calls[0].duration)
	}
}

func TestConsoleLongTermKeysFederate(t *testing.T) {
	e := setup(t, 1, nil)
	e.opts.Profile, e.opts.Print, e.opts.Duration = "user", true, "3h"
	if err := consoleRun(context.Background(), e.opts); err != nil {
		t.Fatal(err)
	}
	r := e.fed.calls[0]
	if r.Name != FederationName || r.Policy != AllowAllPolicy || r.Duration != 3*time.Hour || e.fed.srcIDs[0] != "AKIAUSER000000000000" {
		t.Errorf("GetFederationToken %+v from %v", r, e.fed.srcIDs)
	}
	// The federation token signs in, without SessionDuration: --duration
	// went into the token.
	if c := e.signin.calls[0]; c.keyID != "ASIAFEDERATED0000001" || c.duration != 0 {
		t.Errorf("getSigninToken %+v", c)
	}
	e.noLeak(t)
}

func TestConsoleRefusals(t *testing.T) {
	for _, c := range []struct {
		name, profile, duration, dest, region string
		want                                  string
	}{
		{"chained with --duration", "chained", "2h", "", "", "chained role"},
		{"federation token with --duration", "fedtok", "2h", "", "", "federation-token"},
		{"unknown origin with --duration", "unknown", "2h", "", "", "cannot tell how"},
		{"GetSessionToken credentials", "sesstok", "", "", "", "GetSessionToken"},
		{"missing profile", "nope", "", "", "", `profile "nope" not found`},
		{"foreign destination", "saml", "", "https://evil.example/", "", "--destination"},
		{"other partition's console", "saml", "", "https://console.amazonaws.cn/", "", "not on the aws console"},
		{"duration too long", "saml", "13h", "", "", "15m to 12h"},
		{"bad region", "saml", "", "", "eu west", "not a region name"},
		{"bad profile name", "a b", "", "", "", "profile"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := setup(t, 0)
			e.opts.Profile, e.opts.Duration, e.opts.Destination, e.opts.Region, e.opts.Print = c.profile, c.duration, c.dest, c.region, true
			err := consoleRun(context.Background(), e.opts)
			code, _ := cmdutil.Classify(err)
			if err == nil || code != cmdutil.ExitUsage || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v (exit %d), want exit 2 with %q", err, code, c.want)
			}
			if e.out.Len() != 0 {
				t.Errorf("stdout: %q", e.out)
			}
		})
	}
}

func TestConsoleExpired(t *testing.T) {
	e := setup(t, 0)
	e.opts.Profile, e.opts.Print = "old", true
	err := consoleRun(context.Background(), e.opts)
	if code, hints := cmdutil.Classify(err); code != cmdutil.ExitFailure || !strings.Contains(err.Error(), "expired") || len(hints) == 0 {
		t.Errorf("err = %v", err)
	}
}

func TestConsoleUnknownOriginWithoutDuration(t *testing.T) {
	e := setup(t, 0, nil)
	e.opts.Profile, e.opts.Print = "unknown", true
	if err := consoleRun(context.Background(), e.opts); err != nil {
		t.Fatal(err)
	}
	if e.signin.calls[0].duration != 0 {
		t.Error("SessionDuration sent for credentials of unknown origin")
	}
}

// TestConsoleStaleOriginRetry: a recorded origin that is wrong (the keys
// were replaced by a chained role's) makes AWS refuse SessionDuration;
// samlgo signs in once more without it and says so.
func TestConsoleStaleOriginRetry(t *testing.T) {
	e := setup(t, 0, &signin.Error{Status: 400, WithDuration: true}, nil)
	e.opts.Profile, e.opts.Print, e.opts.Duration = "saml", true, "8h"
	if err := consoleRun(context.Background(), e.opts); err != nil {
		t.Fatal(err)
	}
	if e.signin.calls[0].duration != 8*time.Hour || e.signin.calls[1].duration != 0 || !strings.Contains(e.errOut.String(), "without --duration") {
		t.Errorf("calls %+v, stderr %q", e.signin.calls, e.errOut)
	}
	e.noLeak(t)
}

func TestConsoleSigninFailure(t *testing.T) {
	e := setup(t, 0, &signin.Error{Status: 400})
	e.opts.Profile, e.opts.Print = "saml", true
	err := consoleRun(context.Background(), e.opts)
	if code, hints := cmdutil.Classify(err); code != cmdutil.ExitFailure || len(hints) == 0 || strings.Contains(err.Error(), token) {
		t.Errorf("err = %v", err)
	}
}

func TestConsolePartitionsAndEndpoint(t *testing.T) {
	for _, c := range []struct {
		region, base, dest string
	}{
		{"cn-north-1", "https://signin.amazonaws.cn", "https://console.amazonaws.cn/console/home?region=cn-north-1"},
		{"us-gov-east-1", "https://signin.amazonaws-us-gov.com", "https://console.amazonaws-us-gov.com/console/home?region=us-gov-east-1"},
		{"eusc-de-east-1", "https://eusc-de-east-1.signin.amazonaws-eusc.eu", "https://eusc-de-east-1.console.amazonaws-eusc.eu/console/home?region=eusc-de-east-1"},
		{"", "https://signin.amazonaws.cn", "https://console.amazonaws.cn/console/home?region=cn-north-1"}, // the profile's region
	} {
		t.Run(c.region, func(t *testing.T) {
			e := setup(t, 0, nil)
			e.opts.Profile, e.opts.Print, e.opts.Region = "cn", true, c.region
			if err := consoleRun(context.Background(), e.opts); err != nil {
				t.Fatal(err)
			}
			u, q := loginQuery(t, e.out.String())
			if "https://"+u.Host != c.base || q.Get("Destination") != c.dest || e.signin.calls[0].base != c.base {
				t.Errorf("URL %s, getSigninToken at %s", e.out, e.signin.calls[0].base)
			}
		})
	}
	e := setup(t, 0, nil)
	e.getenvs["AWS_ENDPOINT_URL_SIGNIN"] = "http://127.0.0.1:9/"
	e.getenvs["AWS_PROFILE"] = "saml"
	e.opts.Print = true
	if err := consoleRun(context.Background(), e.opts); err != nil {
		t.Fatal(err)
	}
	if e.signin.calls[0].base != "http://127.0.0.1:9" || !strings.HasPrefix(e.out.String(), "http://127.0.0.1:9/federation?") {
		t.Errorf("endpoint: %+v, URL %s", e.signin.calls, e.out)
	}
}

func TestConsoleOpensBrowserWithLogoutFirst(t *testing.T) {
	e := setup(t, 0, nil)
	e.opts.Profile, e.opts.LogoutFirst = "saml", true
	if err := consoleRun(context.Background(), e.opts); err != nil {
		t.Fatal(err)
	}
	if e.out.Len() != 0 || len(e.opened) != 1 {
		t.Fatalf("stdout %q, opened %d", e.out, len(e.opened))
	}
	u, q := loginQuery(t, e.opened[0])
	if u.Host != "signin.aws.amazon.com" || u.Path != "/oauth" || q.Get("Action") != "logout" {
		t.Errorf("opened %s", e.opened[0])
	}
	inner, iq := loginQuery(t, q.Get("redirect_uri"))
	if inner.Path != "/federation" || iq.Get("SigninToken") != token {
		t.Errorf("redirect_uri %s", inner)
	}
	if !strings.Contains(e.errOut.String(), "opening the AWS console") {
		t.Errorf("stderr %q", e.errOut)
	}
	e.noLeak(t)
}

func TestConsoleDefaultProfileFromConfig(t *testing.T) {
	e := setup(t, 0, nil)
	e.opts.Print = true
	e.opts.Config = func() (*config.Config, error) {
		return &config.Config{DefaultAccount: "corp", Accounts: map[string]config.Account{"corp": {Profile: "cn"}}}, nil
	}
	if err := consoleRun(context.Background(), e.opts); err != nil {
		t.Fatal(err)
	}
	if e.signin.calls[0].keyID != "ASIACN0000000000" {
		t.Errorf("signed in with %s", e.signin.calls[0].keyID)
	}
}

func TestNewCmdConsoleFlags(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	f := &cmdutil.Factory{IOStreams: ios, Now: time.Now, Getenv: func(string) string { return "" }, Log: cmdutil.Discard()}
	var got *Options
	cmd := NewCmdConsole(f, func(_ context.Context, o *Options) error { got = o; return nil })
	cmd.SetArgs([]string{"--profile", "p", "--destination", "s3", "--print", "--logout-first", "--duration", "1h", "--region", "eu-west-1", "--credentials-file", "/x"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Profile != "p" || got.Destination != "s3" || !got.Print || !got.LogoutFirst || got.Duration != "1h" || got.Region != "eu-west-1" || got.CredentialsFile != "/x" ||
		got.Log == nil || got.Config == nil || got.Open == nil || got.Signin == nil || got.NewFederator == nil {
		t.Errorf("options %+v", got)
	}
}
