package sso_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssso "github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"

	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"

	"github.com/samlgo/samlgo/internal/ssoemu"
	"github.com/samlgo/samlgo/internal/testenv"
	"github.com/samlgo/samlgo/sso"
)

var session = sso.Session{Name: "my-sso", StartURL: "https://my-org.awsapps.com/start", Region: "eu-west-1", Scopes: []string{sso.DefaultScope}}

func newEmu(t *testing.T) *ssoemu.Emulator {
	t.Helper()
	e := ssoemu.New()
	e.Accounts = []ssoemu.Account{
		{ID: "111111111111", Name: "prod", Email: "prod@example.com", Roles: []string{"AdministratorAccess", "ReadOnly"}},
		{ID: "222222222222", Name: "dev", Roles: []string{"Developer"}},
		{ID: "333333333333", Name: "sandbox", Roles: []string{"AdministratorAccess", "Billing", "ReadOnly"}},
	}
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e
}

// isolate keeps the SDK away from the real HOME and any AWS settings.
func isolate(t *testing.T) string {
	home := t.TempDir()
	testenv.Home(t, home)
	t.Setenv("AWS_CONFIG_FILE", home+"/.aws/config")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", home+"/.aws/credentials")
	t.Setenv("XDG_CACHE_HOME", home+"/.cache")
	for _, k := range []string{"AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL_SSO_OIDC", "AWS_REGION", "AWS_DEFAULT_REGION"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	return home
}

func clients(t *testing.T, e *ssoemu.Emulator) *sso.Clients {
	t.Helper()
	t.Setenv("AWS_ENDPOINT_URL_SSO_OIDC", e.URL)
	t.Setenv("AWS_ENDPOINT_URL_SSO", e.URL)
	c, err := sso.NewClients(context.Background(), sso.ClientOptions{Region: session.Region})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var formID = regexp.MustCompile(`name="id" value="([^"]+)"`)

// pressAllow plays the person in a browser: it opens the page, presses
// the Allow (or Deny) button and follows the redirects.
func pressAllow(decision string) func(ctx context.Context, u string) error {
	return func(ctx context.Context, u string) error {
		jar, _ := cookiejar.New(nil)
		hc := &http.Client{Jar: jar}
		resp, err := hc.Get(u)
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := formID.FindSubmatch(body)
		if m == nil {
			return errors.New("no approval form: " + string(body))
		}
		action := resp.Request.URL.ResolveReference(&url.URL{Path: "/authorize/decide"})
		resp, err = hc.PostForm(action.String(), url.Values{"id": {string(m[1])}, "decision": {decision}})
		if err != nil {
			return err
		}
		resp.Body.Close()
		<-ctx.Done()
		return nil
	}
}

func TestAuthCodeAgainstEmulator(t *testing.T) {
	isolate(t)
	e := newEmu(t)
	c := clients(t, e)
	if c.AuthorizeEndpoint != e.URL {
		t.Fatalf("authorize endpoint %q, want the emulator %q", c.AuthorizeEndpoint, e.URL)
	}
	a := &sso.Authorizer{OIDC: c.OIDC, Cache: &sso.Cache{Dir: t.TempDir()}, Session: session}
	var seen string
	open := pressAllow("allow")
	tok, err := a.LoginAuthCode(context.Background(), sso.AuthCode{AuthorizeEndpoint: c.AuthorizeEndpoint, Open: func(ctx context.Context, u string) error {
		seen = u
		return open(ctx, u)
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !e.ValidAccessToken(tok.AccessToken) {
		t.Fatal("the cached token is not one the emulator issued")
	}
	q, _ := url.Parse(seen)
	for _, k := range []string{"response_type", "client_id", "redirect_uri", "state", "code_challenge_method", "code_challenge", "scopes"} {
		if q.Query().Get(k) == "" {
			t.Errorf("authorize URL lacks %s", k)
		}
	}
	if !strings.HasPrefix(q.Query().Get("redirect_uri"), "http://127.0.0.1:") || !strings.HasSuffix(q.Query().Get("redirect_uri"), "/oauth/callback") {
		t.Errorf("redirect_uri %q", q.Query().Get("redirect_uri"))
	}
	// A second login reuses the registration.
	if _, err := a.LoginAuthCode(context.Background(), sso.AuthCode{AuthorizeEndpoint: c.AuthorizeEndpoint, Open: pressAllow("allow")}); err != nil {
		t.Fatal(err)
	}
	if n := e.Calls()["RegisterClient"]; n != 1 {
		t.Errorf("RegisterClient called %d times, want 1 (cached registration)", n)
	}
	// Deny.
	_, err = a.LoginAuthCode(context.Background(), sso.AuthCode{AuthorizeEndpoint: c.AuthorizeEndpoint, Open: pressAllow("deny")})
	if !errors.Is(err, sso.ErrDenied) {
		t.Fatalf("deny: %v", err)
	}
}

// TestEmulatorRefusesWrongVerifier: the emulator checks PKCE, so the
// flow above proves samlgo sends the right verifier.
func TestEmulatorRefusesWrongVerifier(t *testing.T) {
	isolate(t)
	e := newEmu(t)
	c := clients(t, e)
	ctx := context.Background()
	reg, err := c.OIDC.RegisterClient(ctx, &ssooidc.RegisterClientInput{ClientName: aws.String("t"), ClientType: aws.String("public"),
		GrantTypes: []string{"authorization_code"}, RedirectUris: []string{"http://127.0.0.1/oauth/callback"}, IssuerUrl: aws.String(session.StartURL)})
	if err != nil {
		t.Fatal(err)
	}
	verifier := strings.Repeat("v", 43)
	challenge := "not-the-challenge-of-the-verifier-abcdefghi"[:43]
	redirect := "http://127.0.0.1:9/oauth/callback"
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(e.URL + "/authorize?" + url.Values{"response_type": {"code"}, "client_id": {*reg.ClientId}, "redirect_uri": {redirect},
		"state": {"s"}, "code_challenge_method": {"S256"}, "code_challenge": {challenge}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	m := formID.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no form: %s", body)
	}
	resp, err = hc.PostForm(e.URL+"/authorize/decide", url.Values{"id": {string(m[1])}, "decision": {"allow"}})
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	code := loc.Query().Get("code")
	if code == "" || loc.Query().Get("state") != "s" {
		t.Fatalf("redirect %s", loc)
	}
	_, err = c.OIDC.CreateToken(ctx, &ssooidc.CreateTokenInput{ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, GrantType: aws.String("authorization_code"),
		Code: aws.String(code), CodeVerifier: aws.String(verifier), RedirectUri: aws.String(redirect)})
	if err == nil || !strings.Contains(err.Error(), "InvalidGrant") {
		t.Fatalf("wrong verifier: %v", err)
	}
	// An unregistered redirect URI is not redirected to.
	resp, _ = hc.Get(e.URL + "/authorize?" + url.Values{"response_type": {"code"}, "client_id": {*reg.ClientId}, "redirect_uri": {"http://evil.example/cb"},
		"state": {"s"}, "code_challenge_method": {"S256"}, "code_challenge": {challenge}}.Encode())
	if resp.StatusCode != 400 {
		t.Errorf("foreign redirect_uri: status %d", resp.StatusCode)
	}
}

func TestDeviceRolesCredentialsAgainstEmulator(t *testing.T) {
	home := isolate(t)
	e := newEmu(t)
	c := clients(t, e)
	cache := &sso.Cache{Dir: home + "/.aws/sso/cache"}
	a := &sso.Authorizer{OIDC: c.OIDC, Cache: cache, Session: session}
	ctx := context.Background()
	tok, err := a.LoginDevice(ctx, func(d sso.DeviceAuthorization) {
		if !e.ApproveDevice(d.UserCode) {
			t.Errorf("user code %q unknown to the emulator", d.UserCode)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	as, err := sso.Assignments(ctx, c.Portal, tok.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 6 || as[0].AccountID != "111111111111" || as[0].RoleName != "AdministratorAccess" || as[5].RoleName != "ReadOnly" || as[5].AccountName != "sandbox" {
		t.Fatalf("assignments %+v", as)
	}
	if calls := e.Calls(); calls["ListAccounts"] != 3 || calls["ListAccountRoles"] != 6 {
		t.Errorf("pages: %v (page size 1: 3 account pages, 6 role pages)", calls)
	}
	cr, err := sso.RoleCredentials(ctx, c.Portal, time.Now(), tok.AccessToken, "111111111111", "ReadOnly")
	if err != nil || cr.Validate() != nil || cr.Expiration.Before(time.Now().Add(50*time.Minute)) {
		t.Fatalf("credentials %v, %v", cr, err)
	}

	// aws-sdk-go-v2's own providers read the cache samlgo wrote and use it.
	tokPath, err := ssocreds.StandardCachedTokenFilepath(session.Name)
	if err != nil || tokPath != cache.TokenPath(session) {
		t.Fatalf("SDK cache path %q (%v), samlgo wrote %q", tokPath, err, cache.TokenPath(session))
	}
	sdkTok, err := ssocreds.NewSSOTokenProvider(c.OIDC, tokPath).RetrieveBearerToken(ctx)
	if err != nil || sdkTok.Value != tok.AccessToken {
		t.Fatalf("ssotoken provider: %v", err)
	}
	prov := ssocreds.New(c.Portal, "222222222222", "Developer", session.StartURL, func(o *ssocreds.Options) {
		o.SSOTokenProvider = ssocreds.NewSSOTokenProvider(c.OIDC, tokPath)
	})
	sdkCreds, err := prov.Retrieve(ctx)
	if err != nil || !strings.HasPrefix(sdkCreds.AccessKeyID, "ASIA") {
		t.Fatalf("ssocreds provider: %v", err)
	}

	// The SDK refreshes an expiring token with the refresh token samlgo
	// cached, and samlgo reads the SDK's rotated entry back.
	raw, _ := os.ReadFile(tokPath)
	old, _ := sso.ParseToken(raw)
	old.ExpiresAt = time.Now().Add(-time.Minute)
	if err := cache.SaveToken(ctx, session, old); err != nil {
		t.Fatal(err)
	}
	sdkTok, err = ssocreds.NewSSOTokenProvider(c.OIDC, tokPath).RetrieveBearerToken(ctx)
	if err != nil || sdkTok.Value == tok.AccessToken {
		t.Fatalf("SDK refresh from samlgo's cache: %v", err)
	}
	back, err := a.Token(ctx)
	if err != nil || back.AccessToken != sdkTok.Value || back.RefreshToken == old.RefreshToken {
		t.Fatalf("samlgo reading the SDK's refreshed entry: %v, %v", back, err)
	}

	// 401: the token is no good.
	e.FailNext("GetRoleCredentials", "UnauthorizedException")
	if _, err := sso.RoleCredentials(ctx, c.Portal, time.Now(), back.AccessToken, "111111111111", "ReadOnly"); !errors.Is(err, sso.ErrLoginRequired) {
		t.Fatalf("401: %v", err)
	}
	// A role the person does not have.
	if _, err := sso.RoleCredentials(ctx, c.Portal, time.Now(), back.AccessToken, "222222222222", "AdministratorAccess"); err == nil || errors.Is(err, sso.ErrLoginRequired) {
		t.Fatalf("403: %v", err)
	}
	_ = awssso.Options{}
}

// TestEndpointSettings: the generic AWS_ENDPOINT_URL and a profile's
// [services] section reach both services and the authorize URL.
func TestEndpointSettings(t *testing.T) {
	home := isolate(t)
	e := newEmu(t)
	t.Setenv("AWS_ENDPOINT_URL", e.URL)
	c, err := sso.NewClients(context.Background(), sso.ClientOptions{Region: "eu-west-1"})
	if err != nil || c.AuthorizeEndpoint != e.URL {
		t.Fatalf("AWS_ENDPOINT_URL: %v, %q", err, c.AuthorizeEndpoint)
	}
	os.Unsetenv("AWS_ENDPOINT_URL")
	cfg := "[profile p]\nservices = local\n\n[services local]\nsso_oidc =\n  endpoint_url = " + e.URL + "\nsso =\n  endpoint_url = " + e.URL + "\n"
	if err := os.MkdirAll(home+"/.aws", 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(home+"/.aws/config", []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err = sso.NewClients(context.Background(), sso.ClientOptions{Region: "eu-west-1", Profile: "p"})
	if err != nil || c.AuthorizeEndpoint != e.URL {
		t.Fatalf("[services]: %v, %q", err, c.AuthorizeEndpoint)
	}
	if _, err := c.Portal.ListAccounts(context.Background(), &awssso.ListAccountsInput{AccessToken: aws.String("x")}); err == nil || !strings.Contains(err.Error(), "Unauthorized") {
		t.Fatalf("portal via [services] did not reach the emulator: %v", err)
	}
	// Nothing set: the real regional endpoint.
	c, err = sso.NewClients(context.Background(), sso.ClientOptions{Region: "eu-west-1"})
	if err != nil || c.AuthorizeEndpoint != "https://oidc.eu-west-1.amazonaws.com" {
		t.Fatalf("default: %v, %q", err, c.AuthorizeEndpoint)
	}
}

// TestParallelAgainstEmulator: the parallel calls through the real SDK
// clients, pages of one, and the SDK's retryer (kept by NewClients)
// taking a throttled call again instead of failing the run.
func TestParallelAgainstEmulator(t *testing.T) {
	home := isolate(t)
	e := ssoemu.New()
	var want []sso.Assignment
	for i := range 40 {
		id := fmt.Sprintf("%012d", 999999999999-i) // listed in descending order
		e.Accounts = append(e.Accounts, ssoemu.Account{ID: id, Name: "acct-" + id, Roles: []string{"ReadOnly", "Admin", "Billing"}})
		for _, r := range []string{"Admin", "Billing", "ReadOnly"} {
			want = append(want, sso.Assignment{AccountID: id, AccountName: "acct-" + id, RoleName: r})
		}
	}
	slices.SortFunc(want, func(a, b sso.Assignment) int {
		return strings.Compare(a.AccountID+" "+a.RoleName, b.AccountID+" "+b.RoleName)
	})
	e.AutoApprove = true
	e.Latency = 5 * time.Millisecond // calls overlap, as with the real portal
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	c := clients(t, e)
	a := &sso.Authorizer{OIDC: c.OIDC, Cache: &sso.Cache{Dir: home + "/.aws/sso/cache"}, Session: session}
	ctx := context.Background()
	tok, err := a.LoginDevice(ctx, func(sso.DeviceAuthorization) {})
	if err != nil {
		t.Fatal(err)
	}
	e.FailNext("ListAccountRoles", "TooManyRequestsException")
	as, err := sso.Assignments(ctx, c.Portal, tok.AccessToken)
	if err != nil {
		t.Fatalf("a throttled ListAccountRoles was not retried: %v", err)
	}
	if !slices.Equal(as, want) {
		t.Fatalf("%d assignments, want %d in account and role order; first %v, want %v", len(as), len(want), as[:3], want[:3])
	}
	e.FailNext("GetRoleCredentials", "TooManyRequestsException")
	cs, err := sso.AllRoleCredentials(ctx, c.Portal, time.Now(), tok.AccessToken, as)
	if err != nil || len(cs) != len(as) {
		t.Fatalf("a throttled GetRoleCredentials was not retried: %d, %v", len(cs), err)
	}
	if calls := e.Calls(); calls["ListAccountRoles"] != 120+1 || calls["GetRoleCredentials"] != 120+1 {
		t.Errorf("calls %v: want every role page and every role once, plus the retried one", calls)
	}
	// The role calls, and the ListAccounts page fetched beside them.
	if n := e.MaxInFlight(); n > sso.ParallelCalls+1 {
		t.Errorf("%d portal calls at once, bound %d and a ListAccounts page", n, sso.ParallelCalls)
	}

	// A refusal is the error, whichever account it is.
	e.FailNext("ListAccountRoles", "AccessDeniedException")
	if _, err := sso.Assignments(ctx, c.Portal, tok.AccessToken); err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Fatalf("refused ListAccountRoles: %v", err)
	}
	e.FailNext("GetRoleCredentials", "UnauthorizedException")
	if _, err := sso.AllRoleCredentials(ctx, c.Portal, time.Now(), tok.AccessToken, as); !errors.Is(err, sso.ErrLoginRequired) {
		t.Fatalf("401 among the roles: %v", err)
	}
}
