package assumerole

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/chain"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/cli/prompt/prompttest"
	"github.com/samlgo/samlgo/internal/fakests"
	"github.com/samlgo/samlgo/internal/testenv"
	"github.com/samlgo/samlgo/sts"
)

const (
	opsRole   = "arn:aws:iam::123456789012:role/Ops"
	auditRole = "arn:aws:iam::210987654321:role/Audit"
	serial    = "arn:aws:iam::123456789012:mfa/alice"
	userKey   = "AKIAALICE00000000001"
)

type env struct {
	t              *testing.T
	dir            string
	sts            *fakests.Signed
	prompt         *prompttest.Fake
	opts           *Options
	ios            *iostreams.IOStreams
	creds, awsConf string
}

func newEnv(t *testing.T, config string) *env {
	dir := t.TempDir()
	testenv.Home(t, dir)
	t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "")
	t.Setenv("AWS_CONFIG_FILE", "")
	ios, _, _, _ := iostreams.Test()
	e := &env{t: t, dir: dir, sts: fakests.NewSigned(t), prompt: prompttest.NewFake(t), ios: ios,
		creds: filepath.Join(dir, ".aws", "credentials"), awsConf: filepath.Join(dir, ".aws", "config")}
	os.MkdirAll(filepath.Dir(e.creds), 0o700)
	os.WriteFile(e.creds, []byte("[alice]\naws_access_key_id = "+userKey+"\naws_secret_access_key = wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\n"), 0o600)
	os.WriteFile(e.awsConf, []byte(config), 0o600)
	e.opts = &Options{
		IO: ios, Prompter: e.prompt, Now: time.Now, Getenv: func(string) string { return "" }, Log: cmdutil.Discard(),
		NewSTS: func(ctx context.Context, o sts.Options) (chain.STS, error) { return e.sts.New(ctx, o) },
		Cache:  func() (*chain.Cache, error) { return &chain.Cache{Dir: filepath.Join(dir, "mfa"), Now: time.Now}, nil },
		AskTTY: func(string) (string, error) {
			t.Error("unexpected /dev/tty prompt")
			return "", errors.New("no tty in tests")
		},
		RunProcess: func(context.Context, []string) ([]byte, error) {
			t.Error("unexpected credential_process")
			return nil, errors.New("no process")
		},
		Output: cmdutil.OutputFlags{Format: cmdutil.FormatProfile, CredentialsFile: e.creds, ConfigFile: e.awsConf},
	}
	return e
}

func (e *env) run() error { return assumeRunWith(e.opts) }

func assumeRunWith(o *Options) error { return assumeRoleRun(context.Background(), o) }

func (e *env) stderr() string { return e.ios.ErrOut.(interface{ String() string }).String() }
func (e *env) stdout() string { return e.ios.Out.(interface{ String() string }).String() }

const mfaConfig = `[profile ops]
role_arn = ` + opsRole + `
source_profile = alice
mfa_serial = ` + serial + `
external_id = corp-4711
region = eu-west-1

[profile audit]
role_arn = ` + auditRole + `
source_profile = ops
duration_seconds = 7200
role_session_name = auditor
`

// TestMFAAskedOnceThenCached: the first run asks for the code on the
// terminal, makes an MFA session and signs AssumeRole with it; the second
// asks nothing and calls no GetSessionToken.
func TestMFAAskedOnceThenCached(t *testing.T) {
	e := newEnv(t, mfaConfig)
	e.ios.InTTY, e.ios.ErrTTY = true, true
	e.prompt.ExpectSecret("MFA code for "+serial+": ", "123456", nil)
	e.sts.ExpectSessionToken(fakests.Result("", "ASIAMFASESSION000001", time.Hour), nil)
	e.sts.ExpectCallerIdentity(&sts.Identity{ARN: "arn:aws:iam::123456789012:user/alice smith+ops@corp.example"}, nil)
	e.sts.ExpectAssumeRole(opsRole, fakests.Result(opsRole, "ASIAOPS0000000000001", time.Hour), nil)
	e.opts.Profile = "ops"
	if err := e.run(); err != nil {
		t.Fatal(err)
	}
	gst, ar := e.sts.Calls[0], e.sts.Calls[2]
	if gst.Signer != userKey || gst.Session.SerialNumber != serial || gst.Session.TokenCode != "123456" || gst.Session.Duration != chain.MFASessionDuration {
		t.Errorf("GetSessionToken %+v", gst)
	}
	if ar.Signer != "ASIAMFASESSION000001" || ar.AssumeRole.ExternalID != "corp-4711" || ar.AssumeRole.TokenCode != "" ||
		ar.AssumeRole.RoleSessionName != "alice-smith+ops@corp.example" || ar.AssumeRole.Duration != time.Hour {
		t.Errorf("AssumeRole %+v", ar)
	}
	if e.sts.Regions[0] != "eu-west-1" {
		t.Errorf("region %v", e.sts.Regions)
	}
	if c, err := awsfiles.ReadCredentials(e.creds, "ops-session"); err != nil || c.AccessKeyID != "ASIAOPS0000000000001" {
		t.Errorf("ops-session = %v, %v", c, err)
	}
	if !strings.Contains(e.stderr(), `writing profile "ops-session"`) {
		t.Errorf("stderr %q", e.stderr())
	}

	e2 := newEnvSharing(t, e)
	e2.sts.ExpectCallerIdentity(&sts.Identity{ARN: "arn:aws:iam::123456789012:user/alice"}, nil)
	e2.sts.ExpectAssumeRole(opsRole, fakests.Result(opsRole, "ASIAOPS0000000000002", time.Hour), nil)
	e2.opts.Profile = "ops"
	if err := e2.run(); err != nil {
		t.Fatal(err)
	}
	if e2.sts.Calls[1].Signer != "ASIAMFASESSION000001" {
		t.Errorf("second run signed with %s, want the cached MFA session", e2.sts.Calls[1].Signer)
	}
}

// newEnvSharing is a second run in the same HOME and cache.
func newEnvSharing(t *testing.T, e *env) *env {
	ios, _, _, _ := iostreams.Test()
	e2 := &env{t: t, dir: e.dir, sts: fakests.NewSigned(t), prompt: prompttest.NewFake(t), ios: ios, creds: e.creds, awsConf: e.awsConf}
	o := *e.opts
	o.IO, o.Prompter = ios, e2.prompt
	o.NewSTS = func(ctx context.Context, so sts.Options) (chain.STS, error) { return e2.sts.New(ctx, so) }
	e2.opts = &o
	return e2
}

// TestChainCappedAtOneHour: audit's source is a role session, so its 2h
// duration_seconds becomes 1h, and samlgo says so.
func TestChainCappedAtOneHour(t *testing.T) {
	e := newEnv(t, mfaConfig)
	e.opts.MFACode = "654321"
	e.sts.ExpectSessionToken(fakests.Result("", "ASIAMFASESSION000001", time.Hour), nil)
	e.sts.ExpectCallerIdentity(&sts.Identity{ARN: "arn:aws:iam::123456789012:user/alice"}, nil)
	e.sts.ExpectAssumeRole(opsRole, fakests.Result(opsRole, "ASIAOPS0000000000001", time.Hour), nil)
	e.sts.ExpectAssumeRole(auditRole, fakests.Result(auditRole, "ASIAAUDIT00000000001", time.Hour), nil)
	e.opts.Profile = "audit"
	e.opts.Output.Format = cmdutil.FormatJSON
	if err := e.run(); err != nil {
		t.Fatal(err)
	}
	last := e.sts.Calls[3]
	if last.Signer != "ASIAOPS0000000000001" || last.AssumeRole.Duration != time.Hour || last.AssumeRole.RoleSessionName != "auditor" {
		t.Errorf("chained AssumeRole %+v", last)
	}
	if !strings.Contains(e.stderr(), "role chaining") || !strings.Contains(e.stderr(), "instead of 2h0m0s") {
		t.Errorf("stderr %q", e.stderr())
	}
	if !strings.Contains(e.stdout(), `"AccessKeyId":"ASIAAUDIT00000000001"`) {
		t.Errorf("stdout %q", e.stdout())
	}
}

// TestMFAOnDevTTY: with stdout taken and no terminal on stdin (as under
// credential_process), the code is asked on /dev/tty.
func TestMFAOnDevTTY(t *testing.T) {
	e := newEnv(t, mfaConfig)
	asked := ""
	e.opts.AskTTY = func(q string) (string, error) { asked = q; return "111222", nil }
	e.sts.ExpectSessionToken(fakests.Result("", "ASIAMFASESSION000001", time.Hour), nil)
	e.sts.ExpectCallerIdentity(&sts.Identity{ARN: "arn:aws:iam::123456789012:user/alice"}, nil)
	e.sts.ExpectAssumeRole(opsRole, fakests.Result(opsRole, "ASIAOPS0000000000001", time.Hour), nil)
	e.opts.Profile = "ops"
	e.opts.Output.Format = cmdutil.FormatJSON
	if err := e.run(); err != nil {
		t.Fatal(err)
	}
	if asked != "MFA code for "+serial+": " || e.sts.Calls[0].Session.TokenCode != "111222" {
		t.Errorf("asked %q, sent %+v", asked, e.sts.Calls[0].Session)
	}
}

// TestBadInputNoSTSCall: bad input is exit 2 before any STS call (the fake
// fails the test on any call).
func TestBadInputNoSTSCall(t *testing.T) {
	cases := []struct {
		name string
		set  func(o *Options)
		want string
	}{
		{"no profile", func(o *Options) {}, "pass --profile"},
		{"bad profile", func(o *Options) { o.Profile = "a b" }, "white space"},
		{"bad to-profile", func(o *Options) { o.Profile, o.Output.Profile = "ops", "x#y" }, "--profile"},
		{"no role_arn", func(o *Options) { o.Profile = "alice" }, "has no role_arn"},
		{"missing source", func(o *Options) { o.Profile = "orphan" }, `names source_profile "ghost", which is in neither`},
		{"mfa code shape", func(o *Options) { o.Profile, o.MFACode = "ops", "12345" }, "six digits"},
		{"session name", func(o *Options) { o.Profile, o.SessionName = "ops", "a b" }, "role session name"},
		{"duration", func(o *Options) { o.Profile, o.Duration = "ops", "10m" }, "15m to 12h"},
		{"format", func(o *Options) { o.Profile, o.Output.Format = "ops", "yaml" }, "unknown --format"},
		{"long default name", func(o *Options) { o.Profile = strings.Repeat("p", 60) }, "longer than 64"},
		{"self loop without keys", func(o *Options) { o.Profile = "self" }, "has no credentials"},
		{"no terminal for MFA", func(o *Options) { o.Profile = "ops"; o.AskTTY = nil }, "no terminal to ask on"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, mfaConfig+"\n[profile orphan]\nrole_arn = "+opsRole+"\nsource_profile = ghost\n\n[profile self]\nrole_arn = "+opsRole+"\nsource_profile = self\n\n[profile "+strings.Repeat("p", 60)+"]\nrole_arn = "+opsRole+"\nsource_profile = alice\n")
			c.set(e.opts)
			err := e.run()
			if code, _ := cmdutil.Classify(err); code != cmdutil.ExitUsage || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v (exit %d), want exit 2 saying %q", err, code, c.want)
			}
			if _, err := os.Stat(e.creds + ".bak"); err == nil {
				t.Errorf("credentials file written")
			}
		})
	}
}

// TestSTSValuesValidated: credentials that would break a shell or a file
// are refused before any output.
func TestSTSValuesValidated(t *testing.T) {
	e := newEnv(t, "[profile r]\nrole_arn = "+opsRole+"\nsource_profile = alice\nrole_session_name = x1\n")
	bad := fakests.Result(opsRole, "ASIAOPS0000000000001", time.Hour)
	bad.Credentials.SecretAccessKey = "abc\n[default]\nx"
	e.sts.ExpectAssumeRole(opsRole, bad, nil)
	e.opts.Profile = "r"
	e.opts.Output.Format = cmdutil.FormatEnv
	err := e.run()
	if err == nil || e.stdout() != "" || strings.Contains(err.Error(), "[default]") {
		t.Errorf("err %v, stdout %q", err, e.stdout())
	}
}

// TestShortenedByAWS: STS refusing the duration (role maximum, or a
// stored role session as source) is retried at 1h by sts; samlgo says so.
func TestShortenedByAWS(t *testing.T) {
	e := newEnv(t, "[profile r]\nrole_arn = "+opsRole+"\nsource_profile = alice\nrole_session_name = x1\nduration_seconds = 14400\n")
	res := fakests.Result(opsRole, "ASIAOPS0000000000001", time.Hour)
	res.Shortened = true
	e.sts.ExpectAssumeRole(opsRole, res, nil)
	e.opts.Profile = "r"
	if err := e.run(); err != nil {
		t.Fatal(err)
	}
	if e.sts.Calls[0].AssumeRole.Duration != 4*time.Hour || !strings.Contains(e.stderr(), "AWS refused 4h0m0s") {
		t.Errorf("calls %+v stderr %q", e.sts.Calls, e.stderr())
	}
}

// TestSTSRefusalIsFailure: an AccessDenied is exit 1 with STS's reason.
func TestSTSRefusalIsFailure(t *testing.T) {
	e := newEnv(t, "[profile r]\nrole_arn = "+opsRole+"\nsource_profile = alice\nrole_session_name = x1\n")
	e.sts.ExpectAssumeRole(opsRole, nil, &sts.Error{Op: sts.OpAssumeRole, Kind: sts.NotTrusted, Code: "AccessDenied", Message: "AWS refused the role: nope"})
	e.opts.Profile = "r"
	err := e.run()
	if code, hints := cmdutil.Classify(err); code != cmdutil.ExitFailure || len(hints) != 1 || !strings.Contains(err.Error(), `profile "r": AWS refused the role`) {
		t.Errorf("err %v code %d hints %q", err, code, hints)
	}
}

// TestFlagWiring: --profile is the role profile, --to-profile the
// destination; the output flags are there without their --profile.
func TestFlagWiring(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	f := &cmdutil.Factory{IOStreams: ios, Prompter: prompttest.NewFake(t), Now: time.Now, Getenv: func(string) string { return "" }, Log: cmdutil.Discard()}
	var got *Options
	cmd := NewCmdAssumeRole(f, func(_ context.Context, o *Options) error { got = o; return nil })
	cmd.SetArgs([]string{"--profile", "ops", "--to-profile", "dest", "--mfa-code", "123456", "--format", "env", "--shell", "fish", "--duration", "2h"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Profile != "ops" || got.Output.Profile != "dest" || got.MFACode != "123456" || got.Output.Format != "env" || got.Output.Shell != "fish" || got.Duration != "2h" {
		t.Errorf("options %+v", got)
	}
}
