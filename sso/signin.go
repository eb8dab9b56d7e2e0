package sso

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc/types"
)

// OAuth grant types (SSO OIDC CreateToken grantType).
const (
	GrantDeviceCode        = "urn:ietf:params:oauth:grant-type:device_code"
	GrantAuthorizationCode = "authorization_code"
	GrantRefreshToken      = "refresh_token"
)

// CallbackPath is the path of the loopback redirect URI
// (http://127.0.0.1:PORT/oauth/callback), as the AWS CLI registers it.
const CallbackPath = "/oauth/callback"

// AuthCodeTimeout is how long an authorization-code sign-in may take.
const AuthCodeTimeout = 10 * time.Minute

// EndOpener ends what a sign-in's Open started and returns once Open has
// returned (opened delivers its result). After a sign-in that succeeded
// (graceful), a browser samlgo drives first gets OpenGrace to close by
// itself, so its profile keeps the IdP session; otherwise it is stopped
// (stop cancels Open's ctx) at once.
func EndOpener(opened <-chan error, stop context.CancelFunc, graceful bool) {
	if graceful {
		t := time.NewTimer(OpenGrace)
		defer t.Stop()
		select {
		case <-opened:
			stop()
			return
		case <-t.C:
		}
	}
	stop()
	<-opened
}

// OpenGrace is how long a sign-in that has what it waited for lets the
// browser samlgo drives close by itself (gracefully: Chrome writes the IdP's
// cookies to its profile on the way out) before it stops it. ctx's end
// (Ctrl-C) does not wait for it.
const OpenGrace = 10 * time.Second

// slowDownStep is what a SlowDownException adds to the polling interval
// (RFC 8628 §3.5).
const slowDownStep = 5 * time.Second

// Errors of a sign-in; wrapped with what happened.
var (
	// ErrLoginRequired: there is no usable token (none cached, expired and
	// not refreshable, or refused by the portal); sso login is needed.
	ErrLoginRequired = errors.New("log in with samlgo sso login")
	// ErrDenied: the person refused the authorization.
	ErrDenied = errors.New("the authorization was denied")
	// ErrAuthorizationExpired: the person did not approve in time.
	ErrAuthorizationExpired = errors.New("the authorization expired before it was approved")
)

// OIDC is the part of the SSO OIDC API a sign-in uses
// (*ssooidc.Client).
type OIDC interface {
	RegisterClient(ctx context.Context, in *ssooidc.RegisterClientInput, opts ...func(*ssooidc.Options)) (*ssooidc.RegisterClientOutput, error)
	StartDeviceAuthorization(ctx context.Context, in *ssooidc.StartDeviceAuthorizationInput, opts ...func(*ssooidc.Options)) (*ssooidc.StartDeviceAuthorizationOutput, error)
	CreateToken(ctx context.Context, in *ssooidc.CreateTokenInput, opts ...func(*ssooidc.Options)) (*ssooidc.CreateTokenOutput, error)
}

// Clock is the time a sign-in goes by: polling waits on After, so tests
// run it on a fake clock.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// RealClock is the system clock.
var RealClock Clock = realClock{}

// Authorizer gets and keeps an IAM Identity Center token for one session:
// from the cache, by refresh, or by a sign-in.
type Authorizer struct {
	OIDC    OIDC
	Cache   *Cache
	Session Session
	Clock   Clock
	// Log receives debug records; never a token, secret or code.
	Log *slog.Logger
}

func (a *Authorizer) log() *slog.Logger {
	if a.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return a.Log
}

func (a *Authorizer) clock() Clock {
	if a.Clock == nil {
		return RealClock
	}
	return a.Clock
}

// Token returns a token that is valid for at least ExpiryWindow: the
// cached one, or a new one got with the cached refresh token (see
// refresh). Without either it fails with ErrLoginRequired.
func (a *Authorizer) Token(ctx context.Context) (*Token, error) {
	t, err := a.cached()
	if err != nil {
		return nil, err
	}
	now := a.clock().Now()
	if t.Valid(now) {
		return t, nil
	}
	if !t.Refreshable(now) {
		return nil, fmt.Errorf("the token for %s has expired: %w", a.describe(), ErrLoginRequired)
	}
	return a.refresh(ctx, t.AccessToken, false)
}

// Refused handles the portal's 401 for the access token used: it tries the
// refresh token (or takes the token another program stored meanwhile)
// and returns the token to try again with. When neither works it removes
// the cached token, but only while the file still holds the one that was
// refused, and fails with ErrLoginRequired.
func (a *Authorizer) Refused(ctx context.Context, used *Token) (*Token, error) {
	return a.refresh(ctx, used.AccessToken, true)
}

// WithToken calls the portal with tok's access token. When the portal
// refuses it (401, ErrLoginRequired), Refused gets a token to try again
// with (refreshed, or the one another program stored meanwhile), which
// replaces *tok, and the call is made once more.
func (a *Authorizer) WithToken(ctx context.Context, tok **Token, call func(accessToken string) error) error {
	err := call((*tok).AccessToken)
	if !errors.Is(err, ErrLoginRequired) {
		return err
	}
	nt, rerr := a.Refused(ctx, *tok)
	if rerr != nil {
		return rerr
	}
	*tok = nt
	return call(nt.AccessToken)
}

// cached reads the session's token from the cache.
func (a *Authorizer) cached() (*Token, error) {
	t, err := a.Cache.LoadToken(a.Session)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrLoginRequired, err)
	}
	if t == nil {
		return nil, fmt.Errorf("no cached token for %s: %w", a.describe(), ErrLoginRequired)
	}
	if a.Session.StartURL != "" && t.StartURL != "" && t.StartURL != a.Session.StartURL {
		return nil, fmt.Errorf("the cached token for %s is for another start URL: %w", a.describe(), ErrLoginRequired)
	}
	return t, nil
}

// refresh gets a new access token with the cached refresh token, once for
// every process that needs one: under the token file's lock it reads the
// cache again, and a valid token other than used (another samlgo, or the
// AWS CLI, refreshed meanwhile) is taken as it is. The rotated refresh
// token is stored, under the lock, as soon as the server answers, whatever
// happens to ctx after that: the old one no longer works. refused says the
// portal refused used (a 401): then a refresh that fails removes the
// cached token if it is still used.
func (a *Authorizer) refresh(ctx context.Context, used string, refused bool) (*Token, error) {
	p := a.Cache.TokenPath(a.Session)
	unlock, err := a.Cache.lock(ctx, p)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	defer unlock()
	t, err := a.cached()
	if err != nil {
		return nil, err
	}
	now := a.clock().Now()
	if t.AccessToken != used && t.Valid(now) {
		a.log().Debug("another program refreshed the sso token", "session", a.describe())
		return t, nil
	}
	drop := func(why string) error {
		if refused && t.AccessToken == used {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				a.log().Debug("removing the refused sso token", "error", err)
			}
		}
		return fmt.Errorf("the token for %s %s: %w", a.describe(), why, ErrLoginRequired)
	}
	if !t.Refreshable(now) {
		if refused {
			return nil, drop("was refused and cannot be refreshed")
		}
		return nil, drop("has expired")
	}
	a.log().Debug("refreshing the sso token", "session", a.describe())
	out, err := a.OIDC.CreateToken(ctx, &ssooidc.CreateTokenInput{
		ClientId: aws.String(t.ClientID), ClientSecret: aws.String(t.ClientSecret),
		GrantType: aws.String(GrantRefreshToken), RefreshToken: aws.String(t.RefreshToken),
	})
	if err != nil {
		var ig *types.InvalidGrantException
		var ic *types.InvalidClientException
		var ue *types.UnauthorizedClientException
		if errors.As(err, &ig) || errors.As(err, &ic) || errors.As(err, &ue) {
			return nil, drop("has expired and its refresh was refused")
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("refreshing the sso token: %w", err)
	}
	nt, err := a.tokenFrom(out, &Registration{ClientID: t.ClientID, ClientSecret: t.ClientSecret, ExpiresAt: t.RegistrationExpiresAt})
	if err != nil {
		return nil, err
	}
	if nt.RefreshToken == "" {
		nt.RefreshToken = t.RefreshToken
	}
	b, err := json.Marshal(nt)
	if err != nil {
		return nil, err
	}
	if err := a.Cache.writeLocked(p, b); err != nil {
		return nil, err
	}
	return nt, nil
}

func (a *Authorizer) describe() string {
	if a.Session.Name != "" {
		return "sso-session " + strconv.Quote(a.Session.Name)
	}
	return strconv.Quote(a.Session.StartURL)
}

// tokenFrom makes the cache entry for a CreateToken answer.
func (a *Authorizer) tokenFrom(out *ssooidc.CreateTokenOutput, reg *Registration) (*Token, error) {
	at := aws.ToString(out.AccessToken)
	if at == "" || out.ExpiresIn <= 0 {
		return nil, errors.New("the sso oidc endpoint answered CreateToken without an access token or expiry")
	}
	if !printable(at) || !printable(aws.ToString(out.RefreshToken)) {
		return nil, errors.New("the sso oidc endpoint answered CreateToken with a token that is not printable ASCII")
	}
	return &Token{
		StartURL: a.Session.StartURL, Region: a.Session.Region, AccessToken: at,
		ExpiresAt: a.clock().Now().Add(time.Duration(out.ExpiresIn) * time.Second).UTC().Truncate(time.Second),
		ClientID:  reg.ClientID, ClientSecret: reg.ClientSecret, RegistrationExpiresAt: reg.ExpiresAt,
		RefreshToken: aws.ToString(out.RefreshToken),
	}, nil
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// registration returns a client registration for the grant type: the
// cached one while it is valid, else a new one (cached).
func (a *Authorizer) registration(ctx context.Context, grant string) (*Registration, error) {
	now := a.clock().Now()
	if r, err := a.Cache.LoadRegistration(a.Session); err == nil && r != nil && r.Valid(now, grant) {
		return r, nil
	}
	return a.register(ctx, grant, now)
}

// register registers samlgo for the grant type and caches the
// registration.
func (a *Authorizer) register(ctx context.Context, grant string, now time.Time) (*Registration, error) {
	in := &ssooidc.RegisterClientInput{
		ClientName: aws.String("samlgo-" + a.clientSuffix(now)),
		ClientType: aws.String("public"),
	}
	if a.Session.Name != "" {
		in.Scopes = a.Session.Scopes
	}
	grants := []string{GrantDeviceCode, GrantRefreshToken}
	if grant == GrantAuthorizationCode {
		grants = []string{GrantAuthorizationCode, GrantRefreshToken}
		in.GrantTypes = grants
		in.RedirectUris = []string{"http://127.0.0.1" + CallbackPath}
		in.IssuerUrl = aws.String(a.Session.StartURL)
	}
	out, err := a.OIDC.RegisterClient(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("registering samlgo with IAM Identity Center (%s): %w", a.Session.Region, err)
	}
	if aws.ToString(out.ClientId) == "" || aws.ToString(out.ClientSecret) == "" {
		return nil, errors.New("the sso oidc endpoint answered RegisterClient without a client id or secret")
	}
	r := &Registration{
		ClientID: aws.ToString(out.ClientId), ClientSecret: aws.ToString(out.ClientSecret),
		ExpiresAt: time.Unix(out.ClientSecretExpiresAt, 0).UTC(), Scopes: in.Scopes, GrantTypes: grants,
	}
	if err := a.Cache.SaveRegistration(ctx, a.Session, r); err != nil {
		return nil, err
	}
	return r, nil
}

func (a *Authorizer) clientSuffix(now time.Time) string {
	if a.Session.Name != "" {
		return a.Session.Name
	}
	return strconv.FormatInt(now.Unix(), 10)
}

// DeviceAuthorization is what the person needs to approve a device
// sign-in: the page and the code it asks for.
type DeviceAuthorization struct {
	UserCode                string
	VerificationURI         string
	VerificationURIComplete string
	ExpiresAt               time.Time
}

// LoginDevice signs in with the device authorization grant (RFC 8628):
// show tells the person where to go, then CreateToken is polled every
// interval (five seconds more after each SlowDownException) until the
// person approves, denies (ErrDenied), the authorization expires
// (ErrAuthorizationExpired) or ctx ends. The token is cached.
func (a *Authorizer) LoginDevice(ctx context.Context, show func(DeviceAuthorization)) (*Token, error) {
	reg, err := a.registration(ctx, GrantDeviceCode)
	if err != nil {
		return nil, err
	}
	clk := a.clock()
	start := func() (*ssooidc.StartDeviceAuthorizationOutput, error) {
		return a.OIDC.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{
			ClientId: aws.String(reg.ClientID), ClientSecret: aws.String(reg.ClientSecret), StartUrl: aws.String(a.Session.StartURL),
		})
	}
	da, err := start()
	var uc *types.UnauthorizedClientException
	var ic *types.InvalidClientException
	if errors.As(err, &uc) || errors.As(err, &ic) {
		// A cached registration another tool made for other grants, or
		// one revoked early: register afresh, once.
		a.log().Debug("cached client registration refused; registering again")
		if reg, err = a.register(ctx, GrantDeviceCode, clk.Now()); err != nil {
			return nil, err
		}
		da, err = start()
	}
	if err != nil {
		return nil, fmt.Errorf("starting the device authorization: %w", err)
	}
	if aws.ToString(da.DeviceCode) == "" {
		return nil, errors.New("the sso oidc endpoint answered StartDeviceAuthorization without a device code")
	}
	expires := clk.Now().Add(time.Duration(da.ExpiresIn) * time.Second)
	if da.ExpiresIn <= 0 {
		expires = clk.Now().Add(AuthCodeTimeout)
	}
	interval := time.Duration(da.Interval) * time.Second
	if interval <= 0 {
		interval = 5 * time.Second
	}
	show(DeviceAuthorization{
		UserCode: aws.ToString(da.UserCode), VerificationURI: aws.ToString(da.VerificationUri),
		VerificationURIComplete: aws.ToString(da.VerificationUriComplete), ExpiresAt: expires,
	})
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-clk.After(interval):
		}
		if !clk.Now().Before(expires) {
			return nil, ErrAuthorizationExpired
		}
		out, err := a.OIDC.CreateToken(ctx, &ssooidc.CreateTokenInput{
			ClientId: aws.String(reg.ClientID), ClientSecret: aws.String(reg.ClientSecret),
			GrantType: aws.String(GrantDeviceCode), DeviceCode: da.DeviceCode,
		})
		var pending *types.AuthorizationPendingException
		var slow *types.SlowDownException
		var expired *types.ExpiredTokenException
		var denied *types.AccessDeniedException
		switch {
		case err == nil:
			return a.store(ctx, out, reg)
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case errors.As(err, &pending):
		case errors.As(err, &slow):
			interval += slowDownStep
			a.log().Debug("sso oidc asked to slow down", "interval", interval)
		case errors.As(err, &expired):
			return nil, ErrAuthorizationExpired
		case errors.As(err, &denied):
			return nil, ErrDenied
		default:
			return nil, fmt.Errorf("waiting for the device authorization: %w", err)
		}
	}
}

func (a *Authorizer) store(ctx context.Context, out *ssooidc.CreateTokenOutput, reg *Registration) (*Token, error) {
	t, err := a.tokenFrom(out, reg)
	if err != nil {
		return nil, err
	}
	if err := a.Cache.SaveToken(ctx, a.Session, t); err != nil {
		return nil, err
	}
	return t, nil
}

// AuthCode is an authorization-code sign-in with PKCE (RFC 7636) through
// a loopback redirect (RFC 8252), as the AWS CLI does since 2.22.
type AuthCode struct {
	// AuthorizeEndpoint is the OIDC endpoint in effect (the authorize URL
	// is built on it): https://oidc.REGION.amazonaws.com or a local one.
	AuthorizeEndpoint string
	// Open shows the authorize URL to the person: a browser, or a line on
	// the terminal. It may block until ctx ends, or until the browser it
	// drives reaches the callback (then it has OpenGrace to return); an
	// error other than ctx's ends the sign-in.
	Open func(ctx context.Context, authorizeURL string) error
	// Listen binds the callback server (default 127.0.0.1, a free port).
	Listen func() (net.Listener, error)
	// Timeout ends a sign-in that has not completed (default
	// AuthCodeTimeout).
	Timeout time.Duration
}

// LoginAuthCode signs in with the authorization-code grant and PKCE: it
// registers (or reuses) a client for it, serves one callback on
// 127.0.0.1 with the right state, redeems the code with the verifier and
// caches the token. It ends after AuthCodeTimeout or when ctx ends.
func (a *Authorizer) LoginAuthCode(ctx context.Context, ac AuthCode) (*Token, error) {
	limit := ac.Timeout
	if limit <= 0 {
		limit = AuthCodeTimeout
	}
	ctx, cancel := context.WithTimeoutCause(ctx, limit, ErrAuthorizationExpired)
	defer cancel()
	reg, err := a.registration(ctx, GrantAuthorizationCode)
	if err != nil {
		return nil, err
	}
	listen := ac.Listen
	if listen == nil {
		listen = func() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }
	}
	ln, err := listen()
	if err != nil {
		return nil, fmt.Errorf("starting the sign-in callback server: %w", err)
	}
	redirect := fmt.Sprintf("http://127.0.0.1:%d%s", ln.Addr().(*net.TCPAddr).Port, CallbackPath)
	verifier, challenge := pkcePair()
	state := randomString(16)
	cb := &callback{state: state, got: make(chan callbackResult, 1)}
	srv := &http.Server{Handler: cb, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {reg.ClientID},
		"redirect_uri":          {redirect},
		"state":                 {state},
		"code_challenge_method": {"S256"},
		"code_challenge":        {challenge},
		"scopes":                {strings.Join(a.Session.Scopes, " ")},
	}
	authorize := strings.TrimRight(ac.AuthorizeEndpoint, "/") + "/authorize?" + q.Encode()
	openCtx, stopOpen := context.WithCancel(ctx)
	opened := make(chan error, 1)
	go func() { opened <- ac.Open(openCtx, authorize) }()
	// Whatever Open started (a browser) has ended before this returns.
	// After the callback, a browser samlgo drives gets OpenGrace to close
	// by itself, so its profile keeps the IdP session; otherwise it is
	// stopped at once.
	called := false
	defer func() {
		if opened == nil { // drained: Open has returned
			stopOpen()
			return
		}
		EndOpener(opened, stopOpen, called)
	}()

	var res callbackResult
	for res.code == "" && res.err == nil {
		select {
		case <-ctx.Done():
			if errors.Is(context.Cause(ctx), ErrAuthorizationExpired) {
				return nil, fmt.Errorf("no sign-in within %s: %w", limit, ErrAuthorizationExpired)
			}
			return nil, ctx.Err()
		case err := <-opened:
			opened = nil // drained: the deferred wait must not wait on it again
			if err != nil && openCtx.Err() == nil {
				return nil, err
			}
			// the page is open (or printed): wait for the callback
		case res = <-cb.got:
			called = true
		}
	}
	if res.err != nil {
		return nil, res.err
	}
	out, err := a.OIDC.CreateToken(ctx, &ssooidc.CreateTokenInput{
		ClientId: aws.String(reg.ClientID), ClientSecret: aws.String(reg.ClientSecret),
		GrantType: aws.String(GrantAuthorizationCode), Code: aws.String(res.code),
		CodeVerifier: aws.String(verifier), RedirectUri: aws.String(redirect),
	})
	if err != nil {
		return nil, fmt.Errorf("redeeming the authorization code: %w", err)
	}
	return a.store(ctx, out, reg)
}

// pkcePair returns a code verifier (32 random bytes, base64url: 43
// characters) and its S256 challenge.
func pkcePair() (verifier, challenge string) {
	verifier = randomString(32)
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

type callbackResult struct {
	code string
	err  error
}

// callback accepts one redirect to CallbackPath carrying the right state
// and refuses the rest.
type callback struct {
	state string
	mu    sync.Mutex
	done  bool
	got   chan callbackResult
}

const callbackPage = `<!doctype html><html><head><meta charset="utf-8"><title>%s</title></head>
<body style="font-family:sans-serif;max-width:30em;margin:4em auto"><h1>%s</h1><p>%s</p></body></html>`

func (c *callback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	if r.URL.Path != CallbackPath || r.Method != http.MethodGet {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(c.state)) != 1 {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, callbackPage, "Refused", "Refused", "This sign-in callback does not belong to the sign-in samlgo is waiting for.")
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done {
		w.WriteHeader(http.StatusGone)
		fmt.Fprintf(w, callbackPage, "Already used", "Already used", "samlgo has already received this sign-in.")
		return
	}
	var res callbackResult
	switch {
	case q.Get("error") == "access_denied":
		res.err = ErrDenied
	case q.Get("error") != "":
		res.err = fmt.Errorf("the sign-in page answered error %q", trimForError(q.Get("error")))
	case q.Get("code") == "":
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, callbackPage, "Refused", "Refused", "The callback carries no authorization code.")
		return
	default:
		res.code = q.Get("code")
	}
	c.done = true
	c.got <- res
	if res.err != nil {
		fmt.Fprintf(w, callbackPage, "Not signed in", "Not signed in", "samlgo did not get an authorization. You can close this window.")
		return
	}
	fmt.Fprintf(w, callbackPage, "Signed in", "Signed in &mdash; you can close this window", "samlgo is getting your IAM Identity Center token.")
}

// trimForError keeps an error code from a page short and printable.
func trimForError(s string) string {
	if len(s) > 40 {
		s = s[:40]
	}
	if !printable(s) {
		return "(unprintable)"
	}
	return s
}
