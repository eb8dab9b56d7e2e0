package sso

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc/types"
)

// fakeClock advances only when a poll waits: After moves it by d and
// fires at once, so polling runs without sleeping and the waits are
// recorded.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	c.now = c.now.Add(d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

// fakeOIDC answers from a script and fails the test on a call it does not
// expect, or on expected calls that never came.
type fakeOIDC struct {
	mu       sync.Mutex // CreateToken may be called from several goroutines
	t        *testing.T
	register []*ssooidc.RegisterClientOutput
	start    []*ssooidc.StartDeviceAuthorizationOutput
	startErr []error // answered before the outputs in start
	tokens   []tokenReply
	inputs   []*ssooidc.CreateTokenInput
}

type tokenReply struct {
	out *ssooidc.CreateTokenOutput
	err error
}

func newFakeOIDC(t *testing.T) *fakeOIDC {
	f := &fakeOIDC{t: t}
	t.Cleanup(func() {
		if len(f.register)+len(f.start)+len(f.tokens) > 0 {
			t.Errorf("expected calls never made: %d RegisterClient, %d StartDeviceAuthorization, %d CreateToken", len(f.register), len(f.start), len(f.tokens))
		}
	})
	return f
}

func (f *fakeOIDC) RegisterClient(_ context.Context, in *ssooidc.RegisterClientInput, _ ...func(*ssooidc.Options)) (*ssooidc.RegisterClientOutput, error) {
	if len(f.register) == 0 {
		f.t.Fatalf("unexpected RegisterClient")
	}
	out := f.register[0]
	f.register = f.register[1:]
	return out, nil
}

func (f *fakeOIDC) StartDeviceAuthorization(_ context.Context, in *ssooidc.StartDeviceAuthorizationInput, _ ...func(*ssooidc.Options)) (*ssooidc.StartDeviceAuthorizationOutput, error) {
	if len(f.startErr) > 0 {
		err := f.startErr[0]
		f.startErr = f.startErr[1:]
		return nil, err
	}
	if len(f.start) == 0 {
		f.t.Fatalf("unexpected StartDeviceAuthorization")
	}
	if aws.ToString(in.StartUrl) != testSession.StartURL {
		f.t.Errorf("StartDeviceAuthorization startUrl %q", aws.ToString(in.StartUrl))
	}
	out := f.start[0]
	f.start = f.start[1:]
	return out, nil
}

func (f *fakeOIDC) CreateToken(_ context.Context, in *ssooidc.CreateTokenInput, _ ...func(*ssooidc.Options)) (*ssooidc.CreateTokenOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.tokens) == 0 {
		f.t.Fatalf("unexpected CreateToken (%s)", aws.ToString(in.GrantType))
	}
	r := f.tokens[0]
	f.tokens = f.tokens[1:]
	f.inputs = append(f.inputs, in)
	return r.out, r.err
}

var t0 = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func deviceSetup(t *testing.T, interval, expiresIn int32, tokens ...tokenReply) (*Authorizer, *fakeOIDC, *fakeClock) {
	f := newFakeOIDC(t)
	f.register = []*ssooidc.RegisterClientOutput{{ClientId: aws.String("cid"), ClientSecret: aws.String("csecret"), ClientSecretExpiresAt: t0.Add(90 * 24 * time.Hour).Unix()}}
	f.start = []*ssooidc.StartDeviceAuthorizationOutput{{DeviceCode: aws.String("dc"), UserCode: aws.String("ABCD-EFGH"),
		VerificationUri: aws.String("https://device.sso.eu-west-1.amazonaws.com/"), VerificationUriComplete: aws.String("https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH"),
		ExpiresIn: expiresIn, Interval: interval}}
	f.tokens = tokens
	clk := &fakeClock{now: t0}
	return &Authorizer{OIDC: f, Cache: &Cache{Dir: t.TempDir()}, Session: testSession, Clock: clk}, f, clk
}

var (
	pending = tokenReply{err: &types.AuthorizationPendingException{}}
	slow    = tokenReply{err: &types.SlowDownException{}}
	issued  = tokenReply{out: &ssooidc.CreateTokenOutput{AccessToken: aws.String("aoaNEW"), ExpiresIn: 28800, RefreshToken: aws.String("aorNEW")}}
)

func TestLoginDevicePolling(t *testing.T) {
	a, f, clk := deviceSetup(t, 5, 600, pending, slow, pending, issued)
	var shown DeviceAuthorization
	tok, err := a.LoginDevice(context.Background(), func(d DeviceAuthorization) { shown = d })
	if err != nil {
		t.Fatal(err)
	}
	if shown.UserCode != "ABCD-EFGH" || !strings.Contains(shown.VerificationURIComplete, "ABCD-EFGH") {
		t.Errorf("shown %+v", shown)
	}
	// interval 5s; the slow-down adds 5s to every later wait.
	want := []time.Duration{5 * time.Second, 5 * time.Second, 10 * time.Second, 10 * time.Second}
	if len(clk.waits) != len(want) {
		t.Fatalf("waits %v, want %v", clk.waits, want)
	}
	for i := range want {
		if clk.waits[i] != want[i] {
			t.Fatalf("waits %v, want %v", clk.waits, want)
		}
	}
	for _, in := range f.inputs {
		if aws.ToString(in.GrantType) != GrantDeviceCode || aws.ToString(in.DeviceCode) != "dc" || aws.ToString(in.ClientSecret) != "csecret" {
			t.Errorf("CreateToken input %+v", in)
		}
	}
	cached, err := a.Cache.LoadToken(testSession)
	if err != nil || cached.AccessToken != "aoaNEW" || cached.RefreshToken != "aorNEW" || cached.ClientID != "cid" ||
		!cached.ExpiresAt.Equal(clk.Now().Add(8*time.Hour)) || tok.AccessToken != "aoaNEW" {
		t.Fatalf("cached %v, %v", cached, err)
	}
	reg, err := a.Cache.LoadRegistration(testSession)
	if err != nil || reg == nil || reg.ClientID != "cid" {
		t.Fatalf("registration %v, %v", reg, err)
	}
}

func TestLoginDeviceEnds(t *testing.T) {
	for name, tc := range map[string]struct {
		replies   []tokenReply
		expiresIn int32
		want      error
	}{
		"denied":           {[]tokenReply{pending, {err: &types.AccessDeniedException{}}}, 600, ErrDenied},
		"expired by AWS":   {[]tokenReply{pending, {err: &types.ExpiredTokenException{}}}, 600, ErrAuthorizationExpired},
		"expired by clock": {[]tokenReply{pending, pending}, 15, ErrAuthorizationExpired}, // the third wait passes expiresIn
	} {
		t.Run(name, func(t *testing.T) {
			a, _, _ := deviceSetup(t, 5, tc.expiresIn, tc.replies...)
			_, err := a.LoginDevice(context.Background(), func(DeviceAuthorization) {})
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if tok, _ := a.Cache.LoadToken(testSession); tok != nil {
				t.Errorf("a token was cached")
			}
		})
	}
}

// blockingClock never fires: only ctx can end the wait.
type blockingClock struct{ fakeClock }

func (c *blockingClock) After(time.Duration) <-chan time.Time { return make(chan time.Time) }

func TestLoginDeviceCancel(t *testing.T) {
	a, f, _ := deviceSetup(t, 5, 600)
	a.Clock = &blockingClock{fakeClock{now: t0}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := a.LoginDevice(ctx, func(DeviceAuthorization) { cancel() })
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(time.Second):
		t.Fatal("Ctrl-C did not end the polling within a second")
	}
	_ = f
}

func TestTokenRefresh(t *testing.T) {
	f := newFakeOIDC(t)
	clk := &fakeClock{now: t0}
	a := &Authorizer{OIDC: f, Cache: &Cache{Dir: t.TempDir()}, Session: testSession, Clock: clk}
	old := &Token{StartURL: testSession.StartURL, Region: "eu-west-1", AccessToken: "aoaOLD", ExpiresAt: t0.Add(10 * time.Minute),
		ClientID: "cid", ClientSecret: "csecret", RegistrationExpiresAt: t0.Add(time.Hour), RefreshToken: "aorOLD"}
	if err := a.Cache.SaveToken(context.Background(), testSession, old); err != nil {
		t.Fatal(err)
	}
	f.tokens = []tokenReply{issued}
	tok, err := a.Token(context.Background())
	if err != nil || tok.AccessToken != "aoaNEW" {
		t.Fatalf("Token = %v, %v", tok, err)
	}
	in := f.inputs[0]
	if aws.ToString(in.GrantType) != GrantRefreshToken || aws.ToString(in.RefreshToken) != "aorOLD" {
		t.Errorf("refresh input %+v", in)
	}
	cached, _ := a.Cache.LoadToken(testSession)
	if cached.RefreshToken != "aorNEW" || cached.ClientSecret != "csecret" {
		t.Errorf("rotated refresh token not stored: %v", cached)
	}
	// Now valid: no call.
	if tok, err := a.Token(context.Background()); err != nil || tok.AccessToken != "aoaNEW" {
		t.Fatalf("second Token = %v, %v", tok, err)
	}
	// A refused refresh means a new login.
	old.AccessToken, old.RefreshToken = "aoaOLD", "aorGONE"
	_ = a.Cache.SaveToken(context.Background(), testSession, old)
	f.tokens = []tokenReply{{err: &types.InvalidGrantException{}}}
	if _, err := a.Token(context.Background()); !errors.Is(err, ErrLoginRequired) {
		t.Fatalf("refused refresh: %v", err)
	}
	// No refresh token, expired: a new login, no call.
	old.RefreshToken = ""
	_ = a.Cache.SaveToken(context.Background(), testSession, old)
	if _, err := a.Token(context.Background()); !errors.Is(err, ErrLoginRequired) {
		t.Fatalf("expired: %v", err)
	}
}

func TestCallbackRefusesWrongState(t *testing.T) {
	cb := &callback{state: "good", got: make(chan callbackResult, 1)}
	srv := &http.Server{Handler: cb}
	_ = srv
	for _, tc := range []struct {
		target string
		status int
	}{
		{CallbackPath + "?code=c&state=bad", 400},
		{CallbackPath + "?code=c", 400},
		{"/other?code=c&state=good", 404},
		{CallbackPath + "?state=good", 400},
		{CallbackPath + "?code=c&state=good", 200},
		{CallbackPath + "?code=c2&state=good", 410},
	} {
		rec := newRecorder()
		r, _ := http.NewRequest("GET", "http://127.0.0.1:1"+tc.target, nil)
		cb.ServeHTTP(rec, r)
		if rec.status != tc.status {
			t.Errorf("%s: status %d, want %d", tc.target, rec.status, tc.status)
		}
	}
	if res := <-cb.got; res.code != "c" {
		t.Errorf("got %+v", res)
	}
	_ = url.Values{}
}

type recorder struct {
	h      http.Header
	status int
}

func newRecorder() *recorder                    { return &recorder{h: http.Header{}, status: 200} }
func (r *recorder) Header() http.Header         { return r.h }
func (r *recorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *recorder) WriteHeader(s int)           { r.status = s }

func authCodeSetup(t *testing.T) *Authorizer {
	f := newFakeOIDC(t)
	f.register = []*ssooidc.RegisterClientOutput{{ClientId: aws.String("cid"), ClientSecret: aws.String("csecret"), ClientSecretExpiresAt: time.Now().Add(time.Hour).Unix()}}
	return &Authorizer{OIDC: f, Cache: &Cache{Dir: t.TempDir()}, Session: testSession}
}

// TestAuthCodeCtrlC: Ctrl-C ends the wait for the callback within a second
// and whatever Open started has ended by then.
func TestAuthCodeCtrlC(t *testing.T) {
	a := authCodeSetup(t)
	ctx, cancel := context.WithCancel(context.Background())
	browserDone := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := a.LoginAuthCode(ctx, AuthCode{AuthorizeEndpoint: "https://oidc.example", Open: func(octx context.Context, _ string) error {
			cancel() // the person presses Ctrl-C while the page is open
			<-octx.Done()
			close(browserDone)
			return octx.Err()
		}})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
		select {
		case <-browserDone:
		default:
			t.Fatal("LoginAuthCode returned before the browser ended")
		}
	case <-time.After(time.Second):
		t.Fatal("Ctrl-C did not end the sign-in within a second")
	}
}

// TestAuthCodeBrowserFailureEnds: when the browser failed (a headless
// approval that stalled), LoginAuthCode returned and its deferred function
// waited again on the channel it had drained: `timeout 90 samlgo sso login
// --headless` was still running 13 minutes later (issue 14).
func TestAuthCodeBrowserFailureEnds(t *testing.T) {
	a := authCodeSetup(t)
	stalled := errors.New("the approval page did not move on")
	done := make(chan error, 1)
	go func() {
		_, err := a.LoginAuthCode(context.Background(), AuthCode{AuthorizeEndpoint: "https://oidc.example",
			Open: func(context.Context, string) error { return stalled }})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, stalled) {
			t.Fatalf("err = %v, want the browser's failure", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("LoginAuthCode still waiting 5 s after the browser failed")
	}
}

func TestAuthCodeTimeout(t *testing.T) {
	a := authCodeSetup(t)
	_, err := a.LoginAuthCode(context.Background(), AuthCode{AuthorizeEndpoint: "https://oidc.example", Timeout: 50 * time.Millisecond,
		Open: func(context.Context, string) error { return nil }})
	if !errors.Is(err, ErrAuthorizationExpired) {
		t.Fatalf("err = %v", err)
	}
}

// TestCacheRemovesStaleTemps: a temporary file an interrupted write left
// (it may hold a token) goes with the next write.
func TestCacheRemovesStaleTemps(t *testing.T) {
	c := &Cache{Dir: t.TempDir()}
	stale := filepath.Join(c.Dir, "."+filepath.Base(c.TokenPath(testSession))+".tmp-dead")
	if err := os.WriteFile(stale, []byte(`{"accessToken":"old"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := c.SaveToken(context.Background(), testSession, &Token{AccessToken: "a", ExpiresAt: t0}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Fatalf("stale temp file still there: %v", err)
	}
}

// TestDeviceReRegisters: a cached registration the service refuses for
// the device grant (made by another tool for other grants) is replaced
// once, and the new one is cached.
func TestDeviceReRegisters(t *testing.T) {
	a, f, _ := deviceSetup(t, 1, 600, issued)
	if err := a.Cache.SaveRegistration(context.Background(), testSession, &Registration{ClientID: "other", ClientSecret: "s", ExpiresAt: t0.Add(time.Hour * 24)}); err != nil {
		t.Fatal(err)
	}
	f.startErr = []error{&types.UnauthorizedClientException{}}
	if _, err := a.LoginDevice(context.Background(), func(DeviceAuthorization) {}); err != nil {
		t.Fatal(err)
	}
	if r, _ := a.Cache.LoadRegistration(testSession); r == nil || r.ClientID != "cid" {
		t.Fatalf("registration %v", r)
	}
}

func TestRegistrationValidFor(t *testing.T) {
	exp := t0.Add(24 * time.Hour)
	botocore := Registration{ClientID: "c", ClientSecret: "s", ExpiresAt: exp}
	pkce := Registration{ClientID: "c", ClientSecret: "s", ExpiresAt: exp, GrantTypes: []string{GrantAuthorizationCode, GrantRefreshToken}}
	for _, tc := range []struct {
		r     Registration
		grant string
		want  bool
	}{
		{botocore, GrantDeviceCode, true}, {botocore, GrantAuthorizationCode, false},
		{pkce, GrantAuthorizationCode, true}, {pkce, GrantDeviceCode, false},
	} {
		if got := tc.r.Valid(t0, tc.grant); got != tc.want {
			t.Errorf("%v for %s: %v", tc.r.GrantTypes, tc.grant, got)
		}
	}
	if botocore.Valid(exp.Add(-10*time.Minute), GrantDeviceCode) {
		t.Error("a registration inside the 15-minute window is valid")
	}
}

func expiredWithRefresh() *Token {
	return &Token{StartURL: testSession.StartURL, Region: "eu-west-1", AccessToken: "aoaOLD", ExpiresAt: t0.Add(-time.Minute),
		ClientID: "cid", ClientSecret: "csecret", RegistrationExpiresAt: t0.Add(time.Hour), RefreshToken: "aorOLD"}
}

// TestConcurrentRefreshIsSingleFlight: six concurrent callers with an
// expired access token gave one success and five "refresh was refused:
// log in", since each refreshed with the refresh token the first had
// already rotated (issue 14). Now one refreshes under the lock and the
// others read its result.
func TestConcurrentRefreshIsSingleFlight(t *testing.T) {
	f := newFakeOIDC(t)
	a := &Authorizer{OIDC: f, Cache: &Cache{Dir: t.TempDir()}, Session: testSession, Clock: &fakeClock{now: t0}}
	if err := a.Cache.SaveToken(context.Background(), testSession, expiredWithRefresh()); err != nil {
		t.Fatal(err)
	}
	f.tokens = []tokenReply{issued}
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each caller has its own Authorizer, as separate processes do.
			b := &Authorizer{OIDC: f, Cache: &Cache{Dir: a.Cache.Dir}, Session: testSession, Clock: &fakeClock{now: t0}}
			tok, err := b.Token(context.Background())
			if err == nil && tok.AccessToken != "aoaNEW" {
				err = fmt.Errorf("token %q", tok.AccessToken)
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("caller %d: %v", i, err)
		}
	}
	if len(f.inputs) != 1 {
		t.Errorf("%d refreshes, want 1", len(f.inputs))
	}
}

// TestRefusedTriesRefreshFirst: a 401 from the portal deleted the whole
// cache file, valid refresh token included, without trying a refresh
// (issue 14).
func TestRefusedTriesRefreshFirst(t *testing.T) {
	f := newFakeOIDC(t)
	a := &Authorizer{OIDC: f, Cache: &Cache{Dir: t.TempDir()}, Session: testSession, Clock: &fakeClock{now: t0}}
	used := expiredWithRefresh()
	used.ExpiresAt = t0.Add(time.Hour) // valid by its clock, refused by the portal
	if err := a.Cache.SaveToken(context.Background(), testSession, used); err != nil {
		t.Fatal(err)
	}
	f.tokens = []tokenReply{issued}
	tok, err := a.Refused(context.Background(), used)
	if err != nil || tok.AccessToken != "aoaNEW" {
		t.Fatalf("Refused = %v, %v; want the refreshed token", tok, err)
	}
	if cached, _ := a.Cache.LoadToken(testSession); cached == nil || cached.RefreshToken != "aorNEW" {
		t.Errorf("cache after the refresh: %v", cached)
	}
}

// TestRefusedKeepsAnotherProgramsToken: the 401 removed the cache file
// without checking it still held the refused token; another program (the
// AWS CLI) may have stored a new one meanwhile, which is taken as it is
// (issue 14).
func TestRefusedKeepsAnotherProgramsToken(t *testing.T) {
	f := newFakeOIDC(t)
	a := &Authorizer{OIDC: f, Cache: &Cache{Dir: t.TempDir()}, Session: testSession, Clock: &fakeClock{now: t0}}
	used := &Token{StartURL: testSession.StartURL, Region: "eu-west-1", AccessToken: "aoaREFUSED", ExpiresAt: t0.Add(time.Hour)}
	theirs := &Token{StartURL: testSession.StartURL, Region: "eu-west-1", AccessToken: "aoaTHEIRS", ExpiresAt: t0.Add(time.Hour)}
	if err := a.Cache.SaveToken(context.Background(), testSession, theirs); err != nil {
		t.Fatal(err)
	}
	tok, err := a.Refused(context.Background(), used)
	if err != nil || tok.AccessToken != "aoaTHEIRS" {
		t.Fatalf("Refused = %v, %v; want the token the other program stored", tok, err)
	}
	// The refused one, with no refresh token, is removed: a new login.
	if _, err := a.Refused(context.Background(), theirs); !errors.Is(err, ErrLoginRequired) {
		t.Fatalf("Refused without a refresh token = %v", err)
	}
	if cached, _ := a.Cache.LoadToken(testSession); cached != nil {
		t.Errorf("the refused token is still cached")
	}
}

// TestNoLockFileInTheAWSCLIsDirectory: samlgo's lock files were left in
// ~/.aws/sso/cache, the AWS CLI's directory (issue 14).
func TestNoLockFileInTheAWSCLIsDirectory(t *testing.T) {
	f := newFakeOIDC(t)
	dir := t.TempDir()
	c := &Cache{Dir: filepath.Join(dir, "sso", "cache"), LockDir: filepath.Join(dir, "samlgo-locks")}
	a := &Authorizer{OIDC: f, Cache: c, Session: testSession, Clock: &fakeClock{now: t0}}
	if err := c.SaveToken(context.Background(), testSession, expiredWithRefresh()); err != nil {
		t.Fatal(err)
	}
	f.tokens = []tokenReply{issued}
	if _, err := a.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(c.Dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".lock") || strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("left in the AWS CLI's directory: %s", e.Name())
		}
	}
	if locks, _ := filepath.Glob(filepath.Join(c.LockDir, "*.lock")); len(locks) == 0 {
		t.Errorf("no lock file in samlgo's lock directory")
	}
}
