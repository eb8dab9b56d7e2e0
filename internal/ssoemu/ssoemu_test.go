package ssoemu

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssso "github.com/aws/aws-sdk-go-v2/service/sso"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/sso/types"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc/types"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }
func ptr(s string) *string           { return &s }
func is[T error](err error) bool     { var e T; return errors.As(err, &e) }

// must stops the test on an unexpected error (a panic fails it).
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func start(t *testing.T) (*Emulator, *clock, *ssooidc.Client, *awssso.Client) {
	e := New()
	clk := &clock{now: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)}
	e.Now = clk.Now
	e.Accounts = []Account{{ID: "111111111111", Name: "a", Roles: []string{"R1", "R2", "R3"}}}
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	cfg := aws.Config{Region: "eu-west-1", BaseEndpoint: aws.String(e.URL), Credentials: aws.AnonymousCredentials{}}
	return e, clk, ssooidc.NewFromConfig(cfg), awssso.NewFromConfig(cfg)
}

func TestDeviceFlowStrictness(t *testing.T) {
	e, clk, oidc, _ := start(t)
	ctx := context.Background()
	reg := must(oidc.RegisterClient(ctx, &ssooidc.RegisterClientInput{ClientName: ptr("t"), ClientType: ptr("public")}))
	da := must(oidc.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, StartUrl: ptr("https://x.awsapps.com/start")}))
	poll := func() error {
		_, err := oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, GrantType: ptr("urn:ietf:params:oauth:grant-type:device_code"), DeviceCode: da.DeviceCode})
		return err
	}
	if err := poll(); !is[*types.AuthorizationPendingException](err) {
		t.Fatalf("first poll: %v", err)
	}
	if err := poll(); !is[*types.SlowDownException](err) {
		t.Fatalf("poll within the interval: %v", err)
	}
	clk.add(time.Duration(da.Interval)*time.Second + 5*time.Second)
	e.ApproveDevice(*da.UserCode)
	if err := poll(); err != nil {
		t.Fatalf("after approval: %v", err)
	}
	clk.add(time.Hour)
	if err := poll(); !is[*types.InvalidGrantException](err) {
		t.Fatalf("device code used twice: %v", err)
	}
	// Expired registration.
	clk.add(91 * 24 * time.Hour)
	_, err := oidc.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, StartUrl: ptr("https://x.awsapps.com/start")})
	if !is[*types.InvalidClientException](err) {
		t.Fatalf("expired registration: %v", err)
	}
}

func TestDeviceExpiryAndDenial(t *testing.T) {
	e, clk, oidc, _ := start(t)
	ctx := context.Background()
	reg := must(oidc.RegisterClient(ctx, &ssooidc.RegisterClientInput{ClientName: ptr("t"), ClientType: ptr("public")}))
	newDA := func() *ssooidc.StartDeviceAuthorizationOutput {
		return must(oidc.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, StartUrl: ptr("https://x.awsapps.com/start")}))
	}
	poll := func(da *ssooidc.StartDeviceAuthorizationOutput) error {
		_, err := oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, GrantType: ptr("urn:ietf:params:oauth:grant-type:device_code"), DeviceCode: da.DeviceCode})
		return err
	}
	da := newDA()
	e.DenyDevice(*da.UserCode)
	if err := poll(da); !is[*types.AccessDeniedException](err) {
		t.Fatalf("denied: %v", err)
	}
	da = newDA()
	clk.add(11 * time.Minute)
	if err := poll(da); !is[*types.ExpiredTokenException](err) {
		t.Fatalf("expired: %v", err)
	}
}

var formID = regexp.MustCompile(`name="id" value="([^"]+)"`)

func TestAuthCodeRefreshAndPortal(t *testing.T) {
	e, clk, oidc, portal := start(t)
	ctx := context.Background()
	if _, err := oidc.RegisterClient(ctx, &ssooidc.RegisterClientInput{ClientName: ptr("t"), ClientType: ptr("public"), GrantTypes: []string{"authorization_code"}, RedirectUris: []string{"https://evil.example/cb"}, IssuerUrl: ptr("https://x")}); !is[*types.InvalidRedirectUriException](err) {
		t.Fatalf("non-loopback redirect: %v", err)
	}
	reg := must(oidc.RegisterClient(ctx, &ssooidc.RegisterClientInput{ClientName: ptr("t"), ClientType: ptr("public"),
		GrantTypes: []string{"authorization_code", "refresh_token"}, RedirectUris: []string{"http://127.0.0.1/oauth/callback"}, IssuerUrl: ptr("https://x.awsapps.com/start")}))
	verifier := strings.Repeat("abcdefgh", 6)
	sum := sha256.Sum256([]byte(verifier))
	challenge := base64.RawURLEncoding.EncodeToString(sum[:])
	redirect := "http://127.0.0.1:4567/oauth/callback"
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	code := func(state string) string {
		resp := must(hc.Get(e.URL + "/authorize?" + url.Values{"response_type": {"code"}, "client_id": {*reg.ClientId}, "redirect_uri": {redirect},
			"state": {state}, "code_challenge_method": {"S256"}, "code_challenge": {challenge}, "scopes": {"sso:account:access"}}.Encode()))
		body, _ := io.ReadAll(resp.Body)
		m := formID.FindSubmatch(body)
		if m == nil {
			t.Fatalf("no approval form: %d %s", resp.StatusCode, body)
		}
		resp = must(hc.PostForm(e.URL+"/authorize/decide", url.Values{"id": {string(m[1])}, "decision": {"allow"}}))
		loc := must(url.Parse(resp.Header.Get("Location")))
		if loc.Query().Get("state") != state || !strings.HasPrefix(loc.String(), redirect+"?") {
			t.Fatalf("redirect %s", loc)
		}
		return loc.Query().Get("code")
	}
	redeem := func(c, v, r string) (*ssooidc.CreateTokenOutput, error) {
		return oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, GrantType: ptr("authorization_code"), Code: &c, CodeVerifier: &v, RedirectUri: &r})
	}
	c := code("s1")
	if _, err := redeem(c, verifier, "http://127.0.0.1:9999/oauth/callback"); !is[*types.InvalidGrantException](err) {
		t.Fatalf("other redirect URI: %v", err)
	}
	c = code("s2")
	tok := must(redeem(c, verifier, redirect))
	if _, err := redeem(c, verifier, redirect); !is[*types.InvalidGrantException](err) {
		t.Fatalf("code used twice: %v", err)
	}
	// Refresh rotates: the old refresh token is spent.
	refresh := func(rt string) (*ssooidc.CreateTokenOutput, error) {
		return oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, GrantType: ptr("refresh_token"), RefreshToken: &rt})
	}
	tok2 := must(refresh(*tok.RefreshToken))
	if _, err := refresh(*tok.RefreshToken); !is[*types.InvalidGrantException](err) {
		t.Fatalf("refresh token reused: %v", err)
	}
	// Portal: pages of max_result, 401 once the token expires.
	var roles []string
	var next *string
	for {
		out := must(portal.ListAccountRoles(ctx, &awssso.ListAccountRolesInput{AccessToken: tok2.AccessToken, AccountId: ptr("111111111111"), NextToken: next, MaxResults: aws.Int32(2)}))
		for _, r := range out.RoleList {
			roles = append(roles, *r.RoleName)
		}
		if next = out.NextToken; next == nil {
			break
		}
	}
	if strings.Join(roles, ",") != "R1,R2,R3" || e.Calls()["ListAccountRoles"] != 3 {
		t.Fatalf("roles %v in %d calls", roles, e.Calls()["ListAccountRoles"])
	}
	clk.add(9 * time.Hour)
	if _, err := portal.ListAccounts(ctx, &awssso.ListAccountsInput{AccessToken: tok2.AccessToken}); !is[*ssotypes.UnauthorizedException](err) {
		t.Fatalf("expired token: %v", err)
	}
}

// TestIdPSignIn: with Users, the device page needs the IdP's username and
// password pages first; a wrong password is shown as an error, the next
// address stays on the emulator, and the session cookie remembers the
// person until SessionTTL.
func TestIdPSignIn(t *testing.T) {
	e, clk, _, _ := start(t)
	e.Users = map[string]string{"alice": "pw"}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string, cookie *http.Cookie) *http.Response {
		req := must(http.NewRequest("GET", e.URL+path, nil))
		if cookie != nil {
			req.AddCookie(cookie)
		}
		resp := must(noRedirect.Do(req))
		resp.Body.Close()
		return resp
	}
	post := func(path string, form url.Values) (*http.Response, string) {
		resp := must(noRedirect.PostForm(e.URL+path, form))
		defer resp.Body.Close()
		return resp, string(must(io.ReadAll(resp.Body)))
	}
	resp := get("/device?user_code=AB", nil)
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/login?next=%2Fdevice%3Fuser_code%3DAB" {
		t.Fatalf("unsigned device page: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, body := post("/login", url.Values{"username": {"mallory"}, "next": {"/device"}}); !strings.Contains(body, "could not find") {
		t.Errorf("unknown user: %s", body)
	}
	if _, body := post("/login", url.Values{"username": {"alice"}, "next": {"/device"}}); !strings.Contains(body, `type="password"`) {
		t.Errorf("no password page: %s", body)
	}
	if resp, body := post("/login/password", url.Values{"username": {"alice"}, "password": {"no"}, "next": {"/device"}}); resp.StatusCode != 200 || !strings.Contains(body, "Incorrect password") {
		t.Errorf("wrong password: %d %s", resp.StatusCode, body)
	}
	resp, _ = post("/login/password", url.Values{"username": {"alice"}, "password": {"pw"}, "next": {"//evil.example/"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Errorf("next off the emulator: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, _ = post("/login/password", url.Values{"username": {"alice"}, "password": {"pw"}, "next": {"/device?user_code=AB"}})
	cookies := resp.Cookies()
	if resp.Header.Get("Location") != "/device?user_code=AB" || len(cookies) != 1 || cookies[0].MaxAge <= 0 {
		t.Fatalf("sign-in: %q %v", resp.Header.Get("Location"), cookies)
	}
	if resp := get("/device?user_code=AB", cookies[0]); resp.StatusCode != 200 {
		t.Errorf("signed-in device page: %d", resp.StatusCode)
	}
	clk.add(9 * time.Hour)
	if resp := get("/device?user_code=AB", cookies[0]); resp.StatusCode != http.StatusFound {
		t.Errorf("expired session: %d", resp.StatusCode)
	}
	if c := e.Calls(); c["SignIn"] != 2 || c["SignInFailed"] != 1 {
		t.Errorf("calls %v", c)
	}
}

// TestLatencyAndMaxInFlight: portal calls wait out Latency side by side,
// counted by MaxInFlight, and a client that gives up is not kept waiting.
func TestLatencyAndMaxInFlight(t *testing.T) {
	e, _, _, portal := start(t)
	e.Latency = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			_, err := portal.ListAccountRoles(ctx, &awssso.ListAccountRolesInput{AccessToken: ptr("x"), AccountId: ptr("111111111111")})
			errs <- err
		}()
	}
	deadline := time.NewTimer(30 * time.Second)
	defer deadline.Stop()
	for e.MaxInFlight() < 3 {
		select {
		case <-deadline.C:
			t.Fatalf("MaxInFlight %d with three calls waiting", e.MaxInFlight())
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	for range 3 {
		if err := <-errs; !errors.Is(err, context.Canceled) {
			t.Fatalf("a cancelled call: %v", err)
		}
	}
	if n := e.MaxInFlight(); n != 3 {
		t.Errorf("MaxInFlight %d, want 3", n)
	}
	if n := e.Calls()["ListAccountRoles"]; n != 0 {
		t.Errorf("%d calls answered during their latency", n)
	}
}
