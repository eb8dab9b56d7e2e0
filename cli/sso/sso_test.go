package sso

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssso "github.com/aws/aws-sdk-go-v2/service/sso"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/sso/types"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	oidctypes "github.com/aws/aws-sdk-go-v2/service/ssooidc/types"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/internal/testenv"
	"github.com/samlgo/samlgo/sso"
)

const (
	startURL = "https://my-org.awsapps.com/start"
	acct     = "123456789012"
	acct2    = "210987654321"
)

// fake is both services: every call must be expected, and every expected
// call must happen.
type fake struct {
	t  *testing.T
	mu sync.Mutex
	// expected calls, by operation, in order
	want map[string]int
	got  map[string]int

	roles       map[string][]string // account → roles
	names       map[string]string
	unauthorize bool
	// firstName, when set, is the first account's name instead of "prod"
	firstName string
	// the authorization-code flow's challenge, seen by the browser
	challenge string
}

func newFake(t *testing.T, want map[string]int) *fake {
	f := &fake{t: t, want: want, got: map[string]int{},
		roles: map[string][]string{acct: {"AdministratorAccess", "ReadOnly"}, acct2: {"Developer"}},
		names: map[string]string{acct: "prod", acct2: "dev"}}
	t.Cleanup(func() {
		for op, n := range f.want {
			if f.got[op] != n {
				t.Errorf("%s called %d times, want %d", op, f.got[op], n)
			}
		}
	})
	return f
}

func (f *fake) call(op string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got[op]++
	if f.got[op] > f.want[op] {
		f.t.Errorf("unexpected call %d of %s", f.got[op], op)
	}
}

func (f *fake) RegisterClient(_ context.Context, in *ssooidc.RegisterClientInput, _ ...func(*ssooidc.Options)) (*ssooidc.RegisterClientOutput, error) {
	f.call("RegisterClient")
	return &ssooidc.RegisterClientOutput{ClientId: aws.String("cid"), ClientSecret: aws.String("csecret"), ClientSecretExpiresAt: time.Now().Add(24 * time.Hour).Unix()}, nil
}

func (f *fake) StartDeviceAuthorization(_ context.Context, in *ssooidc.StartDeviceAuthorizationInput, _ ...func(*ssooidc.Options)) (*ssooidc.StartDeviceAuthorizationOutput, error) {
	f.call("StartDeviceAuthorization")
	return &ssooidc.StartDeviceAuthorizationOutput{DeviceCode: aws.String("dc"), UserCode: aws.String("WXYZ-1234"), ExpiresIn: 600, Interval: 1,
		VerificationUri: aws.String("https://device.example/"), VerificationUriComplete: aws.String("https://device.example/?user_code=WXYZ-1234")}, nil
}

func (f *fake) CreateToken(_ context.Context, in *ssooidc.CreateTokenInput, _ ...func(*ssooidc.Options)) (*ssooidc.CreateTokenOutput, error) {
	f.call("CreateToken")
	switch aws.ToString(in.GrantType) {
	case sso.GrantDeviceCode:
		if f.got["CreateToken"] == 1 {
			return nil, &oidctypes.AuthorizationPendingException{}
		}
	case sso.GrantAuthorizationCode:
		sum := sha256.Sum256([]byte(aws.ToString(in.CodeVerifier)))
		if aws.ToString(in.Code) != "the-code" || base64.RawURLEncoding.EncodeToString(sum[:]) != f.challenge {
			return nil, &oidctypes.InvalidGrantException{}
		}
	}
	return &ssooidc.CreateTokenOutput{AccessToken: aws.String("aoaTOKEN"), ExpiresIn: 3600, RefreshToken: aws.String("aorREFRESH")}, nil
}

func (f *fake) ListAccounts(_ context.Context, in *awssso.ListAccountsInput, _ ...func(*awssso.Options)) (*awssso.ListAccountsOutput, error) {
	f.call("ListAccounts")
	if f.unauthorize {
		return nil, &ssotypes.UnauthorizedException{}
	}
	// two pages
	if in.NextToken == nil {
		name := "prod"
		if f.firstName != "" {
			name = f.firstName
		}
		return &awssso.ListAccountsOutput{AccountList: []ssotypes.AccountInfo{{AccountId: aws.String(acct), AccountName: aws.String(name)}}, NextToken: aws.String("p2")}, nil
	}
	return &awssso.ListAccountsOutput{AccountList: []ssotypes.AccountInfo{{AccountId: aws.String(acct2), AccountName: aws.String("dev")}}}, nil
}

func (f *fake) ListAccountRoles(_ context.Context, in *awssso.ListAccountRolesInput, _ ...func(*awssso.Options)) (*awssso.ListAccountRolesOutput, error) {
	f.call("ListAccountRoles")
	var out awssso.ListAccountRolesOutput
	for _, r := range f.roles[aws.ToString(in.AccountId)] {
		out.RoleList = append(out.RoleList, ssotypes.RoleInfo{RoleName: aws.String(r), AccountId: in.AccountId})
	}
	return &out, nil
}

func (f *fake) GetRoleCredentials(_ context.Context, in *awssso.GetRoleCredentialsInput, _ ...func(*awssso.Options)) (*awssso.GetRoleCredentialsOutput, error) {
	f.call("GetRoleCredentials")
	if aws.ToString(in.AccessToken) != "aoaTOKEN" {
		f.t.Errorf("GetRoleCredentials with token %q", aws.ToString(in.AccessToken))
	}
	if f.unauthorize {
		return nil, &ssotypes.UnauthorizedException{}
	}
	return &awssso.GetRoleCredentialsOutput{RoleCredentials: &ssotypes.RoleCredentials{
		AccessKeyId: aws.String("ASIA" + strings.Repeat("X", 12)), SecretAccessKey: aws.String(strings.Repeat("s", 40)),
		SessionToken: aws.String("IQoJ" + aws.ToString(in.AccountId) + aws.ToString(in.RoleName)), Expiration: time.Now().Add(time.Hour).UnixMilli(),
	}}, nil
}

type env struct {
	t                 *testing.T
	home              string
	fake              *fake
	deps              *Deps
	out, errOut       *bytes.Buffer
	config, credsFile string
	cache             *sso.Cache
}

func newEnv(t *testing.T, want map[string]int) *env {
	home := t.TempDir()
	testenv.Home(t, home)
	t.Setenv("XDG_CACHE_HOME", filepath.Join(home, ".cache"))
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(home, ".aws", "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(home, ".aws", "credentials"))
	ios, _, out, errOut := iostreams.Test()
	e := &env{t: t, home: home, fake: newFake(t, want), out: out, errOut: errOut,
		config: filepath.Join(home, ".aws", "config"), credsFile: filepath.Join(home, ".aws", "credentials"),
		cache: &sso.Cache{Dir: filepath.Join(home, ".aws", "sso", "cache")}}
	e.deps = &Deps{
		IO: ios, Now: time.Now, Getenv: func(k string) string { return map[string]string{"SHELL": "/bin/bash"}[k] }, Log: cmdutil.Discard(),
		Clock: instantClock{},
		NewServices: func(ctx context.Context, o sso.ClientOptions) (*Services, error) {
			if o.Region != "eu-west-1" {
				t.Errorf("clients for region %q", o.Region)
			}
			return &Services{OIDC: e.fake, Portal: e.fake, AuthorizeEndpoint: "https://oidc.eu-west-1.amazonaws.com"}, nil
		},
		Cache:      func() (*sso.Cache, error) { return e.cache, nil },
		ConfigFile: func() (string, error) { return e.config, nil },
	}
	e.write(e.config, "[sso-session my-sso]\nsso_start_url = "+startURL+"\nsso_region = eu-west-1\n\n[profile dev]\nsso_session = my-sso\nsso_account_id = "+acct+"\nsso_role_name = ReadOnly\n")
	return e
}

// instantClock: polling waits take no time.
type instantClock struct{}

func (instantClock) Now() time.Time { return time.Now() }
func (instantClock) After(time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	ch <- time.Now()
	return ch
}

func (e *env) write(p, s string) {
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) cacheToken(expires time.Duration) {
	s := sso.Session{Name: "my-sso", StartURL: startURL, Region: "eu-west-1"}
	if err := e.cache.SaveToken(context.Background(), s, &sso.Token{StartURL: startURL, Region: "eu-west-1", AccessToken: "aoaTOKEN", ExpiresAt: time.Now().Add(expires)}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) creds(o *CredsOptions) error {
	o.Deps = e.deps
	if o.Output.Format == "" {
		o.Output.Format = cmdutil.FormatProfile
	}
	return credsRun(context.Background(), o)
}

func TestCredsProfile(t *testing.T) {
	e := newEnv(t, map[string]int{"GetRoleCredentials": 1})
	e.cacheToken(time.Hour)
	err := e.creds(&CredsOptions{Session: SessionFlags{Session: "my-sso"}, Account: acct, Role: "AdministratorAccess", Output: cmdutil.OutputFlags{Profile: "admin"}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := awsfiles.ReadCredentials(e.credsFile, "admin")
	if err != nil || c.SessionToken != "IQoJ"+acct+"AdministratorAccess" {
		t.Fatalf("profile admin: %v, %v", c, err)
	}
	if e.out.Len() != 0 || !strings.Contains(e.errOut.String(), `profile "admin"`) {
		t.Errorf("stdout %q stderr %q", e.out, e.errOut)
	}
	if keys, _, _ := awsfiles.ReadConfigSection(e.config, awsfiles.KindProfile, "admin"); keys["region"] != "eu-west-1" {
		t.Errorf("config region: %v", keys)
	}
}

func TestCredsFromProfileConfig(t *testing.T) {
	e := newEnv(t, map[string]int{"GetRoleCredentials": 1})
	e.cacheToken(time.Hour)
	err := e.creds(&CredsOptions{Output: cmdutil.OutputFlags{Profile: "dev", Format: cmdutil.FormatJSON}})
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(e.out.Bytes(), &doc); err != nil || doc["SessionToken"] != "IQoJ"+acct+"ReadOnly" || doc["Version"] != 1.0 {
		t.Fatalf("json %s: %v", e.out, err)
	}
}

func TestCredsEnvByAccountName(t *testing.T) {
	e := newEnv(t, map[string]int{"ListAccounts": 2, "ListAccountRoles": 2, "GetRoleCredentials": 1})
	e.cacheToken(time.Hour)
	err := e.creds(&CredsOptions{Session: SessionFlags{Session: "my-sso"}, Account: "dev", Role: "Developer", Output: cmdutil.OutputFlags{Format: cmdutil.FormatEnv}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e.out.String(), "export AWS_SESSION_TOKEN='IQoJ"+acct2+"Developer'") || !strings.Contains(e.out.String(), "unset AWS_SECURITY_TOKEN") {
		t.Errorf("env output %q", e.out)
	}
}

func TestCredsAll(t *testing.T) {
	e := newEnv(t, map[string]int{"ListAccounts": 2, "ListAccountRoles": 2, "GetRoleCredentials": 3})
	e.cacheToken(time.Hour)
	if err := e.creds(&CredsOptions{Session: SessionFlags{Session: "my-sso"}, All: true}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"prod-AdministratorAccess", "prod-ReadOnly", "dev-Developer"} {
		if _, err := awsfiles.ReadCredentials(e.credsFile, p); err != nil {
			t.Errorf("profile %s: %v", p, err)
		}
	}
}

func TestCredsUnauthorizedDropsToken(t *testing.T) {
	e := newEnv(t, map[string]int{"GetRoleCredentials": 1})
	e.cacheToken(time.Hour)
	e.fake.unauthorize = true
	err := e.creds(&CredsOptions{Session: SessionFlags{Session: "my-sso"}, Account: acct, Role: "ReadOnly"})
	code, hints := cmdutil.Classify(err)
	if code != cmdutil.ExitFailure || len(hints) == 0 || !strings.Contains(hints[0], "samlgo sso login --session my-sso") {
		t.Fatalf("err %v: code %d hints %v", err, code, hints)
	}
	if tok, _ := e.cache.LoadToken(sso.Session{Name: "my-sso"}); tok != nil {
		t.Error("the refused token is still cached")
	}
	if _, err := os.Stat(e.credsFile); !errors.Is(err, os.ErrNotExist) {
		t.Error("the credentials file was written")
	}
}

func TestCredsNeedsLogin(t *testing.T) {
	e := newEnv(t, nil)
	e.cacheToken(10 * time.Minute) // inside the 15-minute window, no refresh token
	err := e.creds(&CredsOptions{Session: SessionFlags{Session: "my-sso"}, Account: acct, Role: "ReadOnly"})
	if code, hints := cmdutil.Classify(err); code != cmdutil.ExitFailure || !errors.Is(err, sso.ErrLoginRequired) || len(hints) == 0 {
		t.Fatalf("err %v: code %d hints %v", err, code, hints)
	}
	if strings.Contains(err.Error(), "aoaTOKEN") {
		t.Error("the token is in the error")
	}
}

func TestBadUsage(t *testing.T) {
	for name, o := range map[string]*CredsOptions{
		"no session":         {Account: acct, Role: "ReadOnly"},
		"unknown session":    {Session: SessionFlags{Session: "nope"}, Account: acct, Role: "ReadOnly"},
		"no role":            {Session: SessionFlags{Session: "my-sso"}, Account: acct},
		"all with env":       {Session: SessionFlags{Session: "my-sso"}, All: true, Output: cmdutil.OutputFlags{Format: cmdutil.FormatEnv}},
		"all with profile":   {Session: SessionFlags{Session: "my-sso"}, All: true, Output: cmdutil.OutputFlags{Profile: "x"}},
		"bad role":           {Session: SessionFlags{Session: "my-sso"}, Account: acct, Role: "a b"},
		"bad profile":        {Session: SessionFlags{Session: "my-sso"}, Account: acct, Role: "R", Output: cmdutil.OutputFlags{Profile: "a b"}},
		"http start url":     {Session: SessionFlags{StartURL: "http://x.awsapps.com/start", Region: "eu-west-1"}, Account: acct, Role: "R"},
		"bad template (all)": {Session: SessionFlags{Session: "my-sso"}, All: true, ProfileTemplate: "{nope}"},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, nil)
			e.cacheToken(time.Hour)
			err := e.creds(o)
			if code, _ := cmdutil.Classify(err); code != cmdutil.ExitUsage {
				t.Fatalf("err %v: exit %d, want 2", err, code)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
}

func TestRolesJSON(t *testing.T) {
	e := newEnv(t, map[string]int{"ListAccounts": 2, "ListAccountRoles": 2})
	e.cacheToken(time.Hour)
	err := rolesRun(context.Background(), &RolesOptions{Deps: e.deps, Session: SessionFlags{Session: "my-sso"}, Output: "json"})
	if err != nil {
		t.Fatal(err)
	}
	var as []map[string]string
	if err := json.Unmarshal(e.out.Bytes(), &as); err != nil || len(as) != 3 || as[0]["account_id"] != acct || as[0]["role_name"] != "AdministratorAccess" || as[2]["account_name"] != "dev" && as[2]["account_name"] != "prod" {
		t.Fatalf("roles json %s: %v", e.out, err)
	}
}

// TestRolesEscapesHostileAccountName: a portal account name holding
// ESC]0;…BEL ESC[31m ESC[2J retitled, recoloured and cleared the person's
// terminal (issue 14).
func TestRolesEscapesHostileAccountName(t *testing.T) {
	e := newEnv(t, map[string]int{"ListAccounts": 2, "ListAccountRoles": 2})
	e.fake.firstName = "prod\x1b]0;pwned\x07\x1b[31m\x1b[2J"
	e.cacheToken(time.Hour)
	if err := rolesRun(context.Background(), &RolesOptions{Deps: e.deps, Session: SessionFlags{Session: "my-sso"}, Output: "text"}); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsRune(e.out.String(), 0x1b) || strings.ContainsRune(e.out.String(), 0x07) {
		t.Fatalf("control characters reached the output: %q", e.out)
	}
	if !strings.Contains(e.out.String(), `prod\x1b]0;pwned\a\x1b[31m\x1b[2J`) {
		t.Fatalf("escaped name missing from %q", e.out)
	}
}

func TestLoginDeviceWritesConfig(t *testing.T) {
	e := newEnv(t, map[string]int{"RegisterClient": 1, "StartDeviceAuthorization": 1, "CreateToken": 2})
	o := &LoginOptions{Deps: e.deps, Session: SessionFlags{Session: "new-sso", StartURL: startURL, Region: "eu-west-1"},
		UseDeviceCode: true, WriteConfig: true, NoBrowser: true}
	if err := loginRun(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e.errOut.String(), "WXYZ-1234") || e.out.Len() != 0 {
		t.Errorf("stderr %q stdout %q", e.errOut, e.out)
	}
	s, ok, err := sso.LoadSession(e.config, "new-sso")
	if err != nil || !ok || s.StartURL != startURL || s.Region != "eu-west-1" {
		t.Fatalf("saved session %+v %v %v", s, ok, err)
	}
	tok, err := e.cache.LoadToken(s)
	if err != nil || tok == nil || tok.AccessToken != "aoaTOKEN" {
		t.Fatalf("cached %v %v", tok, err)
	}
	if strings.Contains(e.errOut.String(), "aoaTOKEN") || strings.Contains(e.errOut.String(), "csecret") {
		t.Error("a secret reached stderr")
	}
}

// TestLoginDeviceInChrome: the device page opens in samlgo's Chrome, which
// ends by itself (done turns true) once the poll has the token, instead of
// being stopped: a graceful close keeps the IdP session in the profile.
func TestLoginDeviceInChrome(t *testing.T) {
	e := newEnv(t, map[string]int{"RegisterClient": 1, "StartDeviceAuthorization": 1, "CreateToken": 2})
	chrome := &fakeVisitor{t: t, visit: func(ctx context.Context, u string, done func(string) bool) error {
		if !strings.Contains(u, "WXYZ-1234") {
			t.Errorf("visited %q, want the complete verification URI", u)
		}
		for !done(u) {
			select {
			case <-ctx.Done():
				t.Error("Chrome was stopped instead of ending on done")
				return ctx.Err()
			case <-time.After(10 * time.Millisecond):
			}
		}
		return nil
	}}
	o := &LoginOptions{Deps: e.deps, Session: SessionFlags{Session: "my-sso"}, UseDeviceCode: true,
		NewChrome: func(context.Context, string) (Visitor, error) { return chrome, nil }}
	if err := loginRun(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if chrome.visits != 1 || chrome.closes != 1 {
		t.Errorf("chrome: %d visits, %d closes", chrome.visits, chrome.closes)
	}
}

// TestLoginAuthCode plays the browser: it follows the authorize URL's
// redirect_uri with the state and a code, as the approval page would.
func TestLoginAuthCode(t *testing.T) {
	e := newEnv(t, map[string]int{"RegisterClient": 1, "CreateToken": 1})
	chrome := &fakeVisitor{t: t, visit: func(ctx context.Context, u string, done func(string) bool) error {
		pu, err := url.Parse(u)
		if err != nil || !strings.HasPrefix(u, "https://oidc.eu-west-1.amazonaws.com/authorize?") {
			t.Errorf("visited %q", u)
		}
		q := pu.Query()
		e.fake.challenge = q.Get("code_challenge")
		cb := q.Get("redirect_uri") + "?" + url.Values{"code": {"the-code"}, "state": {q.Get("state")}}.Encode()
		if done(u) || !done(cb) {
			t.Errorf("done(authorize) = %v, done(%q) = %v", done(u), cb, done(cb))
		}
		resp, err := http.Get(cb)
		if err != nil {
			return err
		}
		resp.Body.Close()
		return nil // Chrome closed by itself on the callback page
	}}
	o := &LoginOptions{Deps: e.deps, Session: SessionFlags{Session: "my-sso"}, AllowSelector: []string{"#allow"},
		NewChrome: func(_ context.Context, account string) (Visitor, error) {
			if account != "my-sso" {
				t.Errorf("account %q, want the session name", account)
			}
			return chrome, nil
		}}
	if err := loginRun(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if chrome.visits != 1 || chrome.closes != 1 || !slices.Equal(chrome.click, []string{"#allow"}) {
		t.Errorf("chrome: %d visits, %d closes, clicks %q", chrome.visits, chrome.closes, chrome.click)
	}
	tok, _ := e.cache.LoadToken(sso.Session{Name: "my-sso"})
	if tok == nil || tok.AccessToken != "aoaTOKEN" || tok.RefreshToken != "aorREFRESH" || tok.ClientID != "cid" {
		t.Fatalf("cached %v", tok)
	}
}

// fakeVisitor is samlgo's Chrome for sso login's tests: visit plays the
// browser; a second Visit, or a Visit without visit set, fails the test.
type fakeVisitor struct {
	t              *testing.T
	visit          func(ctx context.Context, url string, done func(string) bool) error
	visits, closes int
	click          []string
}

func (f *fakeVisitor) Visit(ctx context.Context, url string, done func(string) bool, click []string) error {
	f.visits++
	f.click = click
	if f.visit == nil || f.visits > 1 {
		f.t.Errorf("unexpected Visit(%q)", url)
		return errors.New("unexpected visit")
	}
	return f.visit(ctx, url, done)
}

func (f *fakeVisitor) Close() { f.closes++ }
