package login

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/assertion"
	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/cli/prompt"
	"github.com/samlgo/samlgo/cli/prompt/prompttest"
	"github.com/samlgo/samlgo/config"
	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/flow"
	"github.com/samlgo/samlgo/internal/fakests"
	"github.com/samlgo/samlgo/internal/idp"
	"github.com/samlgo/samlgo/internal/testenv"
	"github.com/samlgo/samlgo/recent"
	"github.com/samlgo/samlgo/sts"
)

const (
	acctA  = "123456789012"
	acctB  = "210987654321"
	provA  = "arn:aws:iam::" + acctA + ":saml-provider/CorpIdP"
	provB  = "arn:aws:iam::" + acctB + ":saml-provider/CorpIdP"
	adminA = "arn:aws:iam::" + acctA + ":role/Admin"
	readA  = "arn:aws:iam::" + acctA + ":role/ReadOnly"
	devB   = "arn:aws:iam::" + acctB + ":role/team/Deployer"
	cnRole = "arn:aws-cn:iam::444455556666:role/ChinaOps"
	cnProv = "arn:aws-cn:iam::444455556666:saml-provider/CorpIdP"
)

// env is one login run in-process: a HOME of its own, a fake STS that
// fails the test on unexpected or missing calls, a fake prompter, and
// streams over buffers.
type env struct {
	t       *testing.T
	dir     string
	signer  *idp.Signer
	sts     *fakests.SAML
	prompt  *prompttest.Fake
	cfg     *config.Config
	opts    *Options
	in      *bytes.Buffer
	out     *bytes.Buffer
	errOut  *bytes.Buffer
	getenv  map[string]string
	creds   string
	awsConf string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	testenv.Home(t, dir)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "")
	t.Setenv("AWS_CONFIG_FILE", "")
	signer, err := idp.NewSigner("https://idp.example.test/metadata")
	if err != nil {
		t.Fatal(err)
	}
	ios, in, out, errOut := iostreams.Test()
	e := &env{t: t, dir: dir, signer: signer, sts: fakests.NewSAML(t), prompt: prompttest.NewFake(t), cfg: &config.Config{},
		in: in, out: out, errOut: errOut, getenv: map[string]string{},
		creds: filepath.Join(dir, ".aws", "credentials"), awsConf: filepath.Join(dir, ".aws", "config")}
	e.opts = &Options{
		IO: ios, Prompter: e.prompt, Now: time.Now, Log: cmdutil.Discard(),
		Getenv: func(k string) string { return e.getenv[k] },
		Config: func() (*config.Config, error) { return e.cfg, nil },
		NewAssumer: func(ctx context.Context, o sts.Options) (flow.SAMLAssumer, error) {
			return e.sts.New(ctx, o)
		},
		NewBrowser: func(context.Context, *config.Config, config.Account, string) (flow.Capturer, error) {
			t.Error("unexpected browser sign-in")
			return nil, errors.New("no browser in this test")
		},
	}
	e.opts.Output = cmdutil.OutputFlags{Format: cmdutil.FormatProfile, CredentialsFile: e.creds, ConfigFile: e.awsConf}
	e.opts.Browser.Timeout = time.Minute
	return e
}

// response is a signed SAMLResponse document.
func (e *env) response(o idp.ResponseOptions) []byte {
	e.t.Helper()
	if o.SessionName == "" {
		o.SessionName = "alice@example.com"
	}
	doc, err := e.signer.Response(o)
	if err != nil {
		e.t.Fatal(err)
	}
	return doc
}

// samlFile saves a response offering roles (role,provider pairs) as
// base64 and points --saml-file at it.
func (e *env) samlFile(o idp.ResponseOptions) string {
	e.t.Helper()
	p := filepath.Join(e.dir, "samlresponse.log")
	if err := os.WriteFile(p, []byte(base64.StdEncoding.EncodeToString(e.response(o))), 0o600); err != nil {
		e.t.Fatal(err)
	}
	e.opts.SAMLFile = p
	return p
}

func (e *env) run() error {
	e.t.Helper()
	return loginRun(context.Background(), e.opts)
}

func pair(role, prov string) string { return role + "," + prov }

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	code, _ := cmdutil.Classify(err)
	return code
}

func hints(err error) string {
	_, h := cmdutil.Classify(err)
	return strings.Join(h, "\n")
}

func TestLoginWritesProfile(t *testing.T) {
	e := newEnv(t)
	e.samlFile(idp.ResponseOptions{Roles: []string{pair(adminA, provA)}})
	e.sts.Expect(adminA, "ASIAONE0000000000001")
	if err := e.run(); err != nil {
		t.Fatal(err)
	}
	c, err := awsfiles.ReadCredentials(e.creds, flow.DefaultProfile)
	if err != nil || c.AccessKeyID != "ASIAONE0000000000001" {
		t.Fatalf("profile saml = %v, %v", c, err)
	}
	if e.out.Len() != 0 {
		t.Errorf("stdout = %q, want nothing", e.out)
	}
	if !strings.Contains(e.errOut.String(), `profile "saml": `+adminA+", expires ") {
		t.Errorf("stderr = %q", e.errOut)
	}
	if len(e.sts.Calls) != 1 || e.sts.Calls[0].PrincipalARN != provA || e.sts.Calls[0].Duration != time.Hour || e.sts.Regions[0] != "us-east-1" {
		t.Errorf("STS calls = %+v in %v", e.sts.Calls, e.sts.Regions)
	}
	conf, _ := os.ReadFile(e.awsConf)
	if !strings.Contains(string(conf), "[profile saml]\nregion = us-east-1") {
		t.Errorf("config = %q", conf)
	}
}

// TestDurationPrecedence pins --duration › account › the assertion's
// SessionDuration › 1h, and the 15m–12h bounds.
func TestDurationPrecedence(t *testing.T) {
	cases := []struct {
		name, flag, account string
		attr                int
		want                time.Duration
		usage               string
	}{
		{name: "default", want: time.Hour},
		{name: "assertion", attr: 7200, want: 2 * time.Hour},
		{name: "assertion clamped to 12h", attr: 100000, want: 12 * time.Hour},
		{name: "assertion raised to 15m", attr: 60, want: 15 * time.Minute},
		{name: "account over assertion", account: "3h", attr: 7200, want: 3 * time.Hour},
		{name: "flag over account", flag: "90m", account: "3h", attr: 7200, want: 90 * time.Minute},
		{name: "flag in seconds", flag: "3600", want: time.Hour},
		{name: "flag too long", flag: "13h", usage: "--duration 13h0m0s is outside what AWS allows"},
		{name: "flag too short", flag: "10m", usage: "--duration 10m0s is outside"},
		{name: "flag unreadable", flag: "soon", usage: "--duration: "},
		{name: "account too long", account: "20h", usage: "the account's duration 20h0m0s is outside"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			e.cfg = &config.Config{DefaultAccount: "corp", Accounts: map[string]config.Account{"corp": {Duration: c.account}}}
			e.opts.Duration = c.flag
			e.samlFile(idp.ResponseOptions{Roles: []string{pair(adminA, provA)}, SessionDuration: c.attr})
			if c.usage == "" {
				e.sts.Expect(adminA, "ASIADURATION00000001")
			}
			err := e.run()
			if c.usage != "" {
				if exitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), c.usage) {
					t.Fatalf("err = %v (exit %d), want exit 2 with %q", err, exitCode(err), c.usage)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := e.sts.Calls[0].Duration; got != c.want {
				t.Errorf("duration = %v, want %v", got, c.want)
			}
		})
	}
}

func TestSeveralRolesWithoutTerminal(t *testing.T) {
	e := newEnv(t)
	e.samlFile(idp.ResponseOptions{Roles: []string{pair(adminA, provA), pair(readA, provA), pair(devB, provB)}})
	err := e.run()
	if exitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), "offers 3 roles; choose one with --role (no terminal to ask on)") {
		t.Fatalf("err = %v", err)
	}
	h := hints(err)
	for _, want := range []string{"roles in the assertion:", adminA, readA, devB, "hint: pass --role, e.g. --role"} {
		if !strings.Contains(h, want) {
			t.Errorf("hints lack %q:\n%s", want, h)
		}
	}
	if _, err := os.Stat(e.creds); !os.IsNotExist(err) {
		t.Errorf("credentials file touched: %v", err)
	}
}

func TestPickerOnTerminal(t *testing.T) {
	e := newEnv(t)
	e.opts.IO.InTTY, e.opts.IO.ErrTTY = true, true
	e.cfg = &config.Config{DefaultAccount: "corp", Accounts: map[string]config.Account{"corp": {Profile: "corp", Aliases: map[string]string{acctB: "dev"}}}}
	e.samlFile(idp.ResponseOptions{Roles: []string{pair(adminA, provA), pair(devB, provB)}})
	e.prompt.ExpectPick(func(roles []assertion.Role) (assertion.Role, error) {
		for _, r := range roles {
			if r.RoleARN == devB {
				return r, nil
			}
		}
		t.Errorf("picker did not offer %s: %v", devB, roles)
		return assertion.Role{}, errors.New("missing")
	})
	e.sts.Expect(devB, "ASIAPICKED0000000001")
	if err := e.run(); err != nil {
		t.Fatal(err)
	}
	if c, err := awsfiles.ReadCredentials(e.creds, "corp"); err != nil || c.AccessKeyID != "ASIAPICKED0000000001" {
		t.Fatalf("profile corp = %v, %v", c, err)
	}
}

// TestPickerRemembersLastRole: the role chosen is preselected next time for
// the account, and the roles offered are kept for completion (issue 15).
func TestPickerRemembersLastRole(t *testing.T) {
	e := newEnv(t)
	e.opts.IO.InTTY, e.opts.IO.ErrTTY = true, true
	e.opts.Recent = &recent.Store{Path: filepath.Join(e.dir, "recent.json")}
	e.cfg = &config.Config{DefaultAccount: "corp", Accounts: map[string]config.Account{"corp": {Profile: "corp"}}}
	pickDev := func(roles []assertion.Role) (assertion.Role, error) {
		for _, r := range roles {
			if r.RoleARN == devB {
				return r, nil
			}
		}
		return assertion.Role{}, errors.New("missing")
	}
	for i := range 2 {
		e.samlFile(idp.ResponseOptions{Roles: []string{pair(adminA, provA), pair(devB, provB)}})
		e.prompt.ExpectPick(pickDev)
		e.sts.Expect(devB, "ASIAPICKED0000000001")
		if err := e.run(); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
	}
	if got := e.prompt.Preselected; len(got) != 2 || got[0] != "" || got[1] != devB {
		t.Errorf("preselected %q, want none then %s", got, devB)
	}
	if a := e.opts.Recent.Get("corp"); a.Chosen != devB || len(a.Offered) != 2 {
		t.Errorf("remembered %+v", a)
	}
}

func TestPickerCancelled(t *testing.T) {
	e := newEnv(t)
	e.opts.IO.InTTY, e.opts.IO.ErrTTY = true, true
	e.samlFile(idp.ResponseOptions{Roles: []string{pair(adminA, provA), pair(readA, provA)}})
	e.prompt.ExpectPick(func([]assertion.Role) (assertion.Role, error) { return assertion.Role{}, prompt.ErrCancelled })
	if err := e.run(); exitCode(err) != cmdutil.ExitCancelled {
		t.Fatalf("err = %v (exit %d), want 130", err, exitCode(err))
	}
}

func TestSelectors(t *testing.T) {
	cases := []struct {
		name, role string
		want       string // role ARN, or "" for a usage error
		hint       string
	}{
		{"name", "ReadOnly", readA, ""},
		{"account and name", acctB + ":team/Deployer", devB, ""},
		{"alias", "dev:Deployer", devB, ""},
		{"glob", "*:Admin", adminA, ""},
		{"ambiguous glob", acctA + ":*", "", "matches 2 roles"},
		{"no match", "Nope", "", "matches none of the 3 roles"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			e.cfg = &config.Config{DefaultAccount: "corp", Accounts: map[string]config.Account{"corp": {Aliases: map[string]string{acctB: "dev"}}}}
			e.opts.Role = c.role
			e.samlFile(idp.ResponseOptions{Roles: []string{pair(adminA, provA), pair(readA, provA), pair(devB, provB)}})
			if c.want != "" {
				e.sts.Expect(c.want, "ASIASELECTED00000001")
			}
			err := e.run()
			if c.want == "" {
				if exitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), c.hint) || !strings.Contains(hints(err), "roles in the assertion:") {
					t.Fatalf("err = %v, hints %q", err, hints(err))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestPrincipalFilter(t *testing.T) {
	e := newEnv(t)
	e.opts.Principal = "arn:aws:iam::" + acctA + ":saml-provider/Other"
	e.samlFile(idp.ResponseOptions{Roles: []string{pair(adminA, provA), pair(devB, provB)}})
	err := e.run()
	if exitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), "no role in the assertion is vouched for by --principal") {
		t.Fatalf("err = %v", err)
	}
	e = newEnv(t)
	e.opts.Principal = provB
	e.samlFile(idp.ResponseOptions{Roles: []string{pair(adminA, provA), pair(devB, provB)}})
	e.sts.Expect(devB, "ASIAPRINCIPAL0000001")
	if err := e.run(); err != nil {
		t.Fatal(err)
	}
}

// TestAllRolesPartialFailure: one role refused by STS must not cost the
// others their profiles; the run fails (exit 1) and says how many failed.
func TestAllRolesPartialFailure(t *testing.T) {
	e := newEnv(t)
	e.opts.AllRoles = true
	e.cfg = &config.Config{DefaultAccount: "corp", Accounts: map[string]config.Account{"corp": {Aliases: map[string]string{acctA: "prod"}}}}
	e.samlFile(idp.ResponseOptions{Roles: []string{pair(adminA, provA), pair(readA, provA), pair(devB, provB)}})
	e.sts.Expect(adminA, "ASIAALLROLES00000001")
	e.sts.ExpectError(readA, &sts.Error{Op: sts.OpAssumeRoleWithSAML, Kind: sts.NotTrusted, Code: "AccessDenied", Message: "AWS refused the role: not trusted"})
	e.sts.Expect(devB, "ASIAALLROLES00000003")
	err := e.run()
	var pe *flow.PartialError
	if !errors.As(err, &pe) || pe.Failed != 1 || pe.Total != 3 || exitCode(err) != cmdutil.ExitFailure {
		t.Fatalf("err = %v (exit %d)", err, exitCode(err))
	}
	if !strings.Contains(err.Error(), "1 of 3 roles failed; first: "+readA+": AWS refused the role") {
		t.Errorf("message = %q", err)
	}
	for profile, key := range map[string]string{"prod-Admin": "ASIAALLROLES00000001", acctB + "-Deployer": "ASIAALLROLES00000003"} {
		if c, err := awsfiles.ReadCredentials(e.creds, profile); err != nil || c.AccessKeyID != key {
			t.Errorf("profile %s = %v, %v", profile, c, err)
		}
	}
	if _, err := awsfiles.ReadCredentials(e.creds, "prod-ReadOnly"); err == nil {
		t.Errorf("the failed role got a profile")
	}
}

func TestAllRolesTemplateAndFlags(t *testing.T) {
	cases := []struct {
		name   string
		set    func(*Options)
		errSub string
	}{
		{"with --profile", func(o *Options) { o.Output.Profile = "x" }, "--all-roles names profiles with --profile-template, not --profile"},
		{"with --format env", func(o *Options) { o.Output.Format = cmdutil.FormatEnv }, "--all-roles writes one profile per role"},
		{"template naming two roles alike", func(o *Options) { o.ProfileTemplate = "{account}" }, `two roles would be written to profile "` + acctA + `"`},
		{"unknown placeholder", func(o *Options) { o.ProfileTemplate = "{nope}" }, "unknown placeholder {nope}"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			e.opts.AllRoles = true
			c.set(e.opts)
			e.samlFile(idp.ResponseOptions{Roles: []string{pair(adminA, provA), pair(readA, provA)}})
			err := e.run()
			if exitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), c.errSub) {
				t.Fatalf("err = %v (exit %d), want exit 2 with %q", err, exitCode(err), c.errSub)
			}
		})
	}
}

func TestFormats(t *testing.T) {
	t.Run("env", func(t *testing.T) {
		e := newEnv(t)
		e.opts.Output.Format, e.opts.Output.Shell = cmdutil.FormatEnv, "bash"
		e.samlFile(idp.ResponseOptions{Roles: []string{pair(cnRole, cnProv)}})
		e.sts.Expect(cnRole, "ASIAENVFORMAT0000001")
		if err := e.run(); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"export AWS_ACCESS_KEY_ID='ASIAENVFORMAT0000001'", "unset AWS_SECURITY_TOKEN", "export AWS_REGION='cn-north-1'"} {
			if !strings.Contains(e.out.String(), want) {
				t.Errorf("stdout lacks %q:\n%s", want, e.out)
			}
		}
		if e.sts.Regions[0] != "cn-north-1" {
			t.Errorf("STS region = %v, want the aws-cn partition's", e.sts.Regions)
		}
		if _, err := os.Stat(e.creds); !os.IsNotExist(err) {
			t.Errorf("--format env touched the credentials file")
		}
	})
	t.Run("json", func(t *testing.T) {
		e := newEnv(t)
		e.opts.Output.Format = cmdutil.FormatJSON
		e.opts.Region = "eu-west-1"
		e.samlFile(idp.ResponseOptions{Roles: []string{pair(adminA, provA)}})
		e.sts.Expect(adminA, "ASIAJSONFORMAT000001")
		if err := e.run(); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(e.out.String(), `{"Version":1,"AccessKeyId":"ASIAJSONFORMAT000001"`) || e.sts.Regions[0] != "eu-west-1" {
			t.Errorf("stdout = %s, regions %v", e.out, e.sts.Regions)
		}
	})
	t.Run("bad flags", func(t *testing.T) {
		for _, set := range []func(*Options){
			func(o *Options) { o.Output.Format = "yaml" },
			func(o *Options) { o.Output.Shell = "tcsh"; o.Output.Format = cmdutil.FormatEnv },
			func(o *Options) { o.Output.Profile = "a[b]" },
		} {
			e := newEnv(t)
			set(e.opts)
			e.samlFile(idp.ResponseOptions{Roles: []string{pair(adminA, provA)}})
			if err := e.run(); exitCode(err) != cmdutil.ExitUsage {
				t.Errorf("err = %v, want exit 2", err)
			}
		}
	})
}

// recapturer is a capturer that hands out responses in turn and fails the
// test when asked for more.
type recapturer struct {
	t         *testing.T
	responses [][]byte
	captures  int
	closed    bool
}

func (r *recapturer) Capture(context.Context) (*assertion.Response, error) {
	if r.captures >= len(r.responses) {
		r.t.Errorf("unexpected capture #%d", r.captures+1)
		return nil, errors.New("no more responses")
	}
	r.captures++
	return assertion.Parse(r.responses[r.captures-1])
}
func (r *recapturer) Recapturable() bool { return true }
func (r *recapturer) Close()             { r.closed = true }

// TestExpiredAssertionRecapturedOnce: a browser capture whose response has
// expired (samlgo's own check, or STS's answer) signs in once more; a
// second expiry is the person's to fix.
func TestExpiredAssertionRecapturedOnce(t *testing.T) {
	roles := []string{pair(adminA, provA)}
	expired := idp.ResponseOptions{Roles: roles, Now: time.Now().Add(-time.Hour), Lifetime: 5 * time.Minute}
	stsExpired := &sts.Error{Op: sts.OpAssumeRoleWithSAML, Kind: sts.Expired, Code: "ExpiredTokenException", Message: "AWS says the SAML assertion has expired: too old"}
	t.Run("samlgo sees it", func(t *testing.T) {
		e := newEnv(t)
		rc := &recapturer{t: t, responses: [][]byte{e.response(expired), e.response(idp.ResponseOptions{Roles: roles})}}
		e.opts.NewBrowser = func(context.Context, *config.Config, config.Account, string) (flow.Capturer, error) { return rc, nil }
		e.sts.Expect(adminA, "ASIARECAPTURED000001")
		if err := e.run(); err != nil {
			t.Fatal(err)
		}
		if rc.captures != 2 || !rc.closed || !strings.Contains(e.errOut.String(), "the captured assertion has expired; signing in again") {
			t.Errorf("captures %d, closed %v, stderr %q", rc.captures, rc.closed, e.errOut)
		}
	})
	t.Run("STS says so", func(t *testing.T) {
		e := newEnv(t)
		rc := &recapturer{t: t, responses: [][]byte{e.response(idp.ResponseOptions{Roles: roles}), e.response(idp.ResponseOptions{Roles: roles})}}
		e.opts.NewBrowser = func(context.Context, *config.Config, config.Account, string) (flow.Capturer, error) { return rc, nil }
		e.sts.ExpectError(adminA, stsExpired)
		e.sts.Expect(adminA, "ASIARECAPTURED000002")
		if err := e.run(); err != nil {
			t.Fatal(err)
		}
		if rc.captures != 2 || !strings.Contains(e.errOut.String(), "AWS says the assertion has expired; signing in again") {
			t.Errorf("captures %d, stderr %q", rc.captures, e.errOut)
		}
	})
	t.Run("twice", func(t *testing.T) {
		e := newEnv(t)
		rc := &recapturer{t: t, responses: [][]byte{e.response(idp.ResponseOptions{Roles: roles}), e.response(idp.ResponseOptions{Roles: roles})}}
		e.opts.NewBrowser = func(context.Context, *config.Config, config.Account, string) (flow.Capturer, error) { return rc, nil }
		e.sts.ExpectError(adminA, stsExpired)
		e.sts.ExpectError(adminA, stsExpired)
		err := e.run()
		if exitCode(err) != cmdutil.ExitFailure || !strings.Contains(hints(err), "log in again") {
			t.Fatalf("err = %v, hints %q", err, hints(err))
		}
	})
	t.Run("a saved response is not re-read", func(t *testing.T) {
		e := newEnv(t)
		e.samlFile(expired)
		err := e.run()
		if exitCode(err) != cmdutil.ExitUsage || !errors.Is(err, assertion.ErrExpired) {
			t.Fatalf("err = %v (exit %d)", err, exitCode(err))
		}
	})
}

func TestEncryptedAssertionNeedsRoleAndPrincipal(t *testing.T) {
	e := newEnv(t)
	doc := e.response(idp.ResponseOptions{Roles: []string{pair(adminA, provA)}})
	// An EncryptedAssertion in place of the assertion: samlgo cannot read
	// the roles, STS can.
	s := string(doc)
	start, end := strings.Index(s, "<saml:Assertion"), strings.Index(s, "</saml:Assertion>")+len("</saml:Assertion>")
	if start < 0 || end < start {
		t.Fatalf("no assertion in %s", s)
	}
	enc := s[:start] + `<saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"/></saml:EncryptedAssertion>` + s[end:]
	p := filepath.Join(e.dir, "enc.xml")
	if err := os.WriteFile(p, []byte(enc), 0o600); err != nil {
		t.Fatal(err)
	}
	e.opts.SAMLFile = p
	err := e.run()
	if exitCode(err) != cmdutil.ExitUsage || !strings.Contains(hints(err), "--role ROLE_ARN --principal PROVIDER_ARN") {
		t.Fatalf("err = %v, hints %q", err, hints(err))
	}
	e.opts.Role, e.opts.Principal = adminA, provA
	e.sts.Expect(adminA, "ASIAENCRYPTED0000001")
	if err := e.run(); err != nil {
		t.Fatal(err)
	}
	e.opts.Role, e.opts.Principal = adminA, "arn:aws:iam::1:nope"
	if err := e.run(); exitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), "--role and --principal") {
		t.Fatalf("bad --principal: %v", err)
	}
}

func TestProtectedProfileRefusedBeforeSTS(t *testing.T) {
	e := newEnv(t)
	if err := os.MkdirAll(filepath.Dir(e.creds), 0o700); err != nil {
		t.Fatal(err)
	}
	before := "[saml]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = x\n"
	if err := os.WriteFile(e.creds, []byte(before), 0o600); err != nil {
		t.Fatal(err)
	}
	e.samlFile(idp.ResponseOptions{Roles: []string{pair(adminA, provA)}})
	err := e.run()
	if exitCode(err) != cmdutil.ExitUsage || !strings.Contains(hints(err), "pass another --profile") {
		t.Fatalf("err = %v", err)
	}
	if b, _ := os.ReadFile(e.creds); string(b) != before {
		t.Errorf("credentials changed: %q", b)
	}
}

func TestAccountErrors(t *testing.T) {
	e := newEnv(t)
	e.cfg = &config.Config{Accounts: map[string]config.Account{"corp": {}}}
	e.opts.Account = "nope"
	e.samlFile(idp.ResponseOptions{Roles: []string{pair(adminA, provA)}})
	if err := e.run(); exitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), `account "nope" is not configured in the config file; known accounts: corp`) {
		t.Fatalf("err = %v", err)
	}
	e = newEnv(t)
	e.opts.Config = func() (*config.Config, error) {
		return nil, &config.Error{Path: "c.toml", Line: 3, Key: "x", Msg: "unknown key"}
	}
	if err := e.run(); exitCode(err) != cmdutil.ExitUsage {
		t.Fatalf("a bad config: %v", err)
	}
}

// TestBrowserCaptureErrorsMapped: the browser path's failures get their exit
// codes: a closed window is 130, a timeout 1 with a hint.
func TestBrowserCaptureErrorsMapped(t *testing.T) {
	e := newEnv(t)
	e.opts.NewBrowser = func(context.Context, *config.Config, config.Account, string) (flow.Capturer, error) {
		return nil, cmdutil.UsageErrorf("no IdP sign-on URL: pass --url")
	}
	if err := e.run(); exitCode(err) != cmdutil.ExitUsage {
		t.Fatalf("err = %v", err)
	}
	if err := cmdutil.SignInError(context.DeadlineExceeded, time.Minute); exitCode(err) != cmdutil.ExitFailure || !strings.Contains(hints(err), "--timeout") {
		t.Errorf("timeout = %v, hints %q", err, hints(err))
	}
}

// TestFlagWiring runs the cobra command with a runF that captures the
// options: every flag lands in its field.
func TestFlagWiring(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	f := &cmdutil.Factory{IOStreams: ios, Prompter: prompttest.NewFake(t), Now: time.Now, Getenv: func(string) string { return "" }, Log: cmdutil.Discard()}
	var got *Options
	cmd := NewCmdLogin(f, func(_ context.Context, o *Options) error { got = o; return nil })
	cmd.SetArgs([]string{"--account", "corp", "--saml-file", "-", "--role", "Admin", "--principal", provA, "--duration", "2h",
		"--region", "eu-west-1", "--format", "env", "--shell", "fish", "--profile", "p", "--credentials-file", "/c",
		"--url", "https://idp", "--headless", "--browser", "/b", "--timeout", "1m", "--username", "u", "--password-stdin", "--fresh-session"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	want := Options{Account: "corp", SAMLFile: "-", Role: "Admin", Principal: provA, Duration: "2h", Region: "eu-west-1",
		Output:  cmdutil.OutputFlags{Format: "env", Shell: "fish", Profile: "p", CredentialsFile: "/c"},
		Browser: cmdutil.BrowserFlags{URL: "https://idp", Headless: true, Browser: "/b", Timeout: time.Minute, Username: "u", PasswordStdin: true, FreshSession: true}}
	if got.Account != want.Account || got.SAMLFile != want.SAMLFile || got.Role != want.Role || got.Principal != want.Principal ||
		got.Duration != want.Duration || got.Region != want.Region || got.Output != want.Output || got.Browser != want.Browser {
		t.Errorf("options = %+v", got)
	}
	if got.Config == nil || got.NewBrowser == nil || got.NewAssumer == nil {
		t.Errorf("dependencies not wired: %+v", got)
	}
}

// TestMalformedRoleValueWarns: one malformed Role value made login exit 2
// (issue 10). The login goes on with the good roles and says on stderr
// which value it left out; a response with only malformed values is still
// bad input.
func TestMalformedRoleValueWarns(t *testing.T) {
	bad := "arn:aws:iam::123456789012:saml-provider/P,AWS-123456789012-Dev"
	t.Run("one good role left", func(t *testing.T) {
		e := newEnv(t)
		e.samlFile(idp.ResponseOptions{Roles: []string{bad, pair(adminA, provA)}})
		e.sts.Expect(adminA, "ASIAONE0000000000001")
		if err := e.run(); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(e.errOut.String(), `samlgo: warning: ignoring Role attribute value 1 "`+bad+`": malformed role ARN pair`) {
			t.Errorf("stderr = %q", e.errOut)
		}
	})
	t.Run("only malformed values", func(t *testing.T) {
		e := newEnv(t)
		e.samlFile(idp.ResponseOptions{Roles: []string{bad}})
		err := e.run()
		if exitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), "malformed role ARN pair") || len(e.sts.Calls) != 0 {
			t.Fatalf("err = %v, STS calls %d", err, len(e.sts.Calls))
		}
	})
}

// TestLoginRefusesHostileExpirations: an STS answering an expiry in 2020,
// 1970 or 9999 had its credentials written with exit 0 ("expires … in
// -60729h59m"); they are refused with one line and the file is untouched
// (issue 14).
func TestLoginRefusesHostileExpirations(t *testing.T) {
	for _, exp := range []time.Time{
		time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(0, 0),
		time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC),
	} {
		t.Run(exp.Format("2006"), func(t *testing.T) {
			e := newEnv(t)
			e.samlFile(idp.ResponseOptions{Roles: []string{pair(adminA, provA)}})
			const before = "[keep]\naws_access_key_id = AKIAKEEP000000000001\naws_secret_access_key = x\n"
			if err := os.MkdirAll(filepath.Dir(e.creds), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(e.creds, []byte(before), 0o600); err != nil {
				t.Fatal(err)
			}
			e.sts.ExpectResult(adminA, &sts.Result{Credentials: fakests.Credentials("ASIAONE0000000000001", exp), AssumedRoleARN: adminA, Duration: time.Hour}, nil)
			err := e.run()
			if exitCode(err) != 1 || !errors.Is(err, creds.ErrExpiry) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("login = %v (exit %d), want exit 1 with creds.ErrExpiry on one line", err, exitCode(err))
			}
			if b, _ := os.ReadFile(e.creds); string(b) != before {
				t.Errorf("credentials file changed: %q", b)
			}
		})
	}
}
