// Package ssoemu is a strict emulator of the IAM Identity Center OIDC
// service (sso-oidc) and the AWS access portal API (sso) for tests and the
// demo, on one 127.0.0.1 endpoint. It checks what the SSO OIDC API
// Reference and RFCs 6749, 7636 and 8628 say: client registration expiry,
// grant types, redirect URIs (loopback, any port), state, PKCE S256,
// device-code pending and slow-down replies, token expiry, refresh-token
// rotation, and pagination of the portal lists. Its approval pages have an
// "Allow" button (#allow) a browser or a test can press; with Users set, an
// IdP's username page and password page come first, and a session cookie
// keeps the person signed in.
package ssoemu

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Account is an AWS account the portal lists, with the roles (permission
// sets) the person has in it.
type Account struct {
	ID, Name, Email string
	Roles           []string
}

// Emulator is the endpoint. Fields are read while it serves; set them
// before Start.
type Emulator struct {
	// Now is the emulator's clock.
	Now func() time.Time
	// Accounts are what the portal lists.
	Accounts []Account
	// PageSize is the most items one page lists (default 1, so every
	// list has pages).
	PageSize int
	// TokenTTL is an access token's life (default 8h).
	TokenTTL time.Duration
	// RegistrationTTL is a client secret's life (default 90 days).
	RegistrationTTL time.Duration
	// DeviceInterval is the polling interval a device authorization asks
	// for (default 1s); polling faster gets SlowDownException.
	DeviceInterval time.Duration
	// DeviceTTL is a device authorization's life (default 10m).
	DeviceTTL time.Duration
	// CredentialTTL is role credentials' life (default 1h).
	CredentialTTL time.Duration
	// AutoApprove approves every device authorization on its first poll.
	AutoApprove bool
	// Users, when set, are the IdP's username → password: the approval
	// pages need a sign-in first (a username page, then a password page),
	// remembered by a persistent session cookie for SessionTTL.
	Users map[string]string
	// SessionTTL is the IdP session's life (default 8h).
	SessionTTL time.Duration
	// Latency delays every portal answer (ListAccounts, ListAccountRoles,
	// GetRoleCredentials), as the round trip to the real portal does;
	// calls wait it out side by side (default none).
	Latency time.Duration
	// LatencyOps, when set, are the only operations Latency delays.
	LatencyOps []string

	mu       sync.Mutex
	clients  map[string]*client
	devices  map[string]*device // by device code
	codes    map[string]*authCode
	pending  map[string]*authRequest // approval pages by id
	access   map[string]*grant
	refresh  map[string]*grant
	calls    map[string]int
	failNext map[string]string
	sessions map[string]time.Time // IdP session cookies and their expiry
	inFlight int                  // portal calls being answered
	maxIn    int                  // the most inFlight has been

	ln  net.Listener
	srv *http.Server
	// URL is the endpoint (both services), set by Start.
	URL string
}

type client struct {
	id, secret, name  string
	grants, redirects []string
	scopes            []string
	issuer            string
	expires           time.Time
}

type device struct {
	clientID, userCode string
	expires            time.Time
	interval           time.Duration
	lastPoll           time.Time
	approved, denied   bool
	redeemed           bool
}

type authRequest struct {
	clientID, redirect, state, challenge string
	scopes                               []string
}

type authCode struct {
	clientID, redirect, challenge string
	expires                       time.Time
}

type grant struct {
	clientID string
	expires  time.Time
}

// New returns an emulator with no accounts.
func New() *Emulator {
	return &Emulator{
		Now: time.Now, PageSize: 1, TokenTTL: 8 * time.Hour, RegistrationTTL: 90 * 24 * time.Hour,
		DeviceInterval: time.Second, DeviceTTL: 10 * time.Minute, CredentialTTL: time.Hour,
		clients: map[string]*client{}, devices: map[string]*device{}, codes: map[string]*authCode{},
		pending: map[string]*authRequest{}, access: map[string]*grant{}, refresh: map[string]*grant{},
		calls: map[string]int{}, failNext: map[string]string{}, sessions: map[string]time.Time{},
		SessionTTL: 8 * time.Hour,
	}
}

// Start listens on 127.0.0.1 and serves until Close.
func (e *Emulator) Start() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	e.ln = ln
	e.URL = "http://" + ln.Addr().String()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /client/register", e.register)
	mux.HandleFunc("POST /device_authorization", e.deviceAuthorization)
	mux.HandleFunc("POST /token", e.token)
	mux.HandleFunc("GET /authorize", e.authorize)
	mux.HandleFunc("POST /authorize/decide", e.decide)
	mux.HandleFunc("GET /login", e.loginPage)
	mux.HandleFunc("POST /login", e.loginUser)
	mux.HandleFunc("POST /login/password", e.loginPassword)
	mux.HandleFunc("GET /device", e.devicePage)
	mux.HandleFunc("POST /device/decide", e.deviceDecide)
	mux.HandleFunc("GET /assignment/accounts", e.portal("ListAccounts", e.listAccounts))
	mux.HandleFunc("GET /assignment/roles", e.portal("ListAccountRoles", e.listRoles))
	mux.HandleFunc("GET /federation/credentials", e.portal("GetRoleCredentials", e.roleCredentials))
	e.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = e.srv.Serve(ln) }()
	return nil
}

// Close stops the emulator.
func (e *Emulator) Close() {
	if e.srv != nil {
		e.srv.Close()
	}
}

// Calls returns how many times each operation was called (RegisterClient,
// StartDeviceAuthorization, CreateToken, Authorize, ListAccounts,
// ListAccountRoles, GetRoleCredentials).
func (e *Emulator) Calls() map[string]int {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := map[string]int{}
	for k, v := range e.calls {
		out[k] = v
	}
	return out
}

// MaxInFlight returns the most portal calls (ListAccounts,
// ListAccountRoles, GetRoleCredentials) the emulator has been answering
// at once.
func (e *Emulator) MaxInFlight() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.maxIn
}

// portal counts a call of op in flight and waits Latency (or until the
// client gives up) before h answers it.
func (e *Emulator) portal(op string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		e.inFlight++
		e.maxIn = max(e.maxIn, e.inFlight)
		e.mu.Unlock()
		defer func() {
			e.mu.Lock()
			e.inFlight--
			e.mu.Unlock()
		}()
		if e.Latency > 0 && (e.LatencyOps == nil || slices.Contains(e.LatencyOps, op)) {
			t := time.NewTimer(e.Latency)
			defer t.Stop()
			select {
			case <-t.C:
			case <-r.Context().Done():
				return
			}
		}
		h(w, r)
	}
}

// FailNext makes the next call of op answer the AWS error errType
// (e.g. "UnauthorizedException").
func (e *Emulator) FailNext(op, errType string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.failNext[op] = errType
}

// ApproveDevice approves the device authorization with this user code,
// as the person does on the verification page; false if there is none.
func (e *Emulator) ApproveDevice(userCode string) bool { return e.decideDevice(userCode, true) }

// DenyDevice refuses it.
func (e *Emulator) DenyDevice(userCode string) bool { return e.decideDevice(userCode, false) }

func (e *Emulator) decideDevice(userCode string, allow bool) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, d := range e.devices {
		if d.userCode == userCode && !d.redeemed {
			d.approved, d.denied = allow, !allow
			return true
		}
	}
	return false
}

// PendingUserCodes returns the user codes waiting for approval.
func (e *Emulator) PendingUserCodes() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, d := range e.devices {
		if !d.approved && !d.denied && !d.redeemed {
			out = append(out, d.userCode)
		}
	}
	sort.Strings(out)
	return out
}

// ExpireTokens makes every access token expired (a login that has run
// out), refresh tokens still valid.
func (e *Emulator) ExpireTokens() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, g := range e.access {
		g.expires = time.Time{}
	}
}

// ValidAccessToken reports whether the emulator would accept a token.
func (e *Emulator) ValidAccessToken(tok string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	g, ok := e.access[tok]
	return ok && e.Now().Before(g.expires)
}

func random(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// stdRandom is n random bytes in standard base64, the alphabet of AWS
// secrets and session tokens.
func stdRandom(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// awsError answers in the REST-JSON protocol: the error type in
// X-Amzn-ErrorType, and the OAuth error and description in the body as
// SSO OIDC documents them.
func awsError(w http.ResponseWriter, status int, errType, oauthErr, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", errType)
	w.WriteHeader(status)
	body := map[string]string{"message": desc}
	if oauthErr != "" {
		body["error"], body["error_description"] = oauthErr, desc
	}
	_ = json.NewEncoder(w).Encode(body)
}

func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// enter counts a call and answers a forced failure; false when it did.
func (e *Emulator) enter(w http.ResponseWriter, op string) bool {
	e.calls[op]++
	if t, ok := e.failNext[op]; ok {
		delete(e.failNext, op)
		status := http.StatusBadRequest
		switch t {
		case "UnauthorizedException", "InvalidClientException":
			status = http.StatusUnauthorized
		case "ForbiddenException":
			status = http.StatusForbidden
		case "TooManyRequestsException":
			status = http.StatusTooManyRequests
		case "InternalServerException":
			status = http.StatusInternalServerError
		}
		awsError(w, status, t, "", "forced by the test")
		return false
	}
	return true
}

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(v); err != nil {
		awsError(w, http.StatusBadRequest, "InvalidRequestException", "invalid_request", "the body is not JSON")
		return false
	}
	return true
}

var scopeRE = regexp.MustCompile(`^[A-Za-z0-9:._/-]+$`)

// register is RegisterClient: clientName and clientType "public"
// required; authorization_code needs redirectUris and issuerUrl.
func (e *Emulator) register(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.enter(w, "RegisterClient") {
		return
	}
	var in struct {
		ClientName, ClientType, IssuerUrl string
		Scopes, GrantTypes, RedirectUris  []string
	}
	if !decode(w, r, &in) {
		return
	}
	if in.ClientName == "" || in.ClientType != "public" {
		awsError(w, 400, "InvalidClientMetadataException", "invalid_client_metadata", "clientName and clientType public are required")
		return
	}
	for _, s := range in.Scopes {
		if !scopeRE.MatchString(s) {
			awsError(w, 400, "InvalidScopeException", "invalid_scope", "invalid scope")
			return
		}
	}
	grants := in.GrantTypes
	if len(grants) == 0 {
		grants = []string{"urn:ietf:params:oauth:grant-type:device_code", "refresh_token"}
	}
	for _, g := range grants {
		if g != "authorization_code" && g != "refresh_token" && g != "urn:ietf:params:oauth:grant-type:device_code" {
			awsError(w, 400, "InvalidClientMetadataException", "invalid_client_metadata", "unsupported grant type")
			return
		}
	}
	if slices.Contains(grants, "authorization_code") {
		if len(in.RedirectUris) == 0 || in.IssuerUrl == "" {
			awsError(w, 400, "InvalidRequestException", "invalid_request", "authorization_code needs redirectUris and issuerUrl")
			return
		}
		for _, u := range in.RedirectUris {
			if !loopback(u) {
				awsError(w, 400, "InvalidRedirectUriException", "invalid_redirect_uri", "redirect URIs must be http loopback URIs")
				return
			}
		}
	}
	now := e.Now()
	c := &client{
		id: "client-" + random(12), secret: random(48), name: in.ClientName, grants: grants,
		redirects: in.RedirectUris, scopes: in.Scopes, issuer: in.IssuerUrl, expires: now.Add(e.RegistrationTTL),
	}
	e.clients[c.id] = c
	reply(w, map[string]any{
		"clientId": c.id, "clientSecret": c.secret, "clientIdIssuedAt": now.Unix(), "clientSecretExpiresAt": c.expires.Unix(),
		"authorizationEndpoint": e.URL + "/authorize", "tokenEndpoint": e.URL + "/token",
	})
}

// loopback reports whether u is an http URI on 127.0.0.1 or [::1].
func loopback(u string) bool {
	p, err := url.Parse(u)
	return err == nil && p.Scheme == "http" && (p.Hostname() == "127.0.0.1" || p.Hostname() == "::1") && p.RawQuery == "" && p.Fragment == ""
}

// redirectAllowed matches a redirect URI against the registered ones,
// ignoring the port of a loopback URI (RFC 8252 §7.3).
func redirectAllowed(c *client, u string) bool {
	p, err := url.Parse(u)
	if err != nil || !loopback(u) {
		return false
	}
	for _, reg := range c.redirects {
		q, err := url.Parse(reg)
		if err == nil && q.Hostname() == p.Hostname() && q.Path == p.Path {
			return true
		}
	}
	return false
}

// authClient checks clientId and clientSecret; it answers the error
// itself.
func (e *Emulator) authClient(w http.ResponseWriter, id, secret string) *client {
	c, ok := e.clients[id]
	if !ok || c.secret != secret {
		awsError(w, 401, "InvalidClientException", "invalid_client", "unknown client or wrong secret")
		return nil
	}
	if !e.Now().Before(c.expires) {
		awsError(w, 401, "InvalidClientException", "invalid_client", "the client registration has expired")
		return nil
	}
	return c
}

func (e *Emulator) deviceAuthorization(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.enter(w, "StartDeviceAuthorization") {
		return
	}
	var in struct{ ClientId, ClientSecret, StartUrl string }
	if !decode(w, r, &in) {
		return
	}
	c := e.authClient(w, in.ClientId, in.ClientSecret)
	if c == nil {
		return
	}
	if !slices.Contains(c.grants, "urn:ietf:params:oauth:grant-type:device_code") {
		awsError(w, 400, "UnauthorizedClientException", "unauthorized_client", "the client is not registered for the device code grant")
		return
	}
	if u, err := url.Parse(in.StartUrl); err != nil || u.Host == "" {
		awsError(w, 400, "InvalidRequestException", "invalid_request", "startUrl is not a URL")
		return
	}
	d := &device{clientID: c.id, userCode: strings.ToUpper(random(3)[:4] + "-" + random(3)[:4]), expires: e.Now().Add(e.DeviceTTL), interval: e.DeviceInterval}
	code := "device-" + random(24)
	e.devices[code] = d
	reply(w, map[string]any{
		"deviceCode": code, "userCode": d.userCode, "expiresIn": int(e.DeviceTTL / time.Second), "interval": int(e.DeviceInterval / time.Second),
		"verificationUri": e.URL + "/device", "verificationUriComplete": e.URL + "/device?user_code=" + url.QueryEscape(d.userCode),
	})
}

func (e *Emulator) token(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.enter(w, "CreateToken") {
		return
	}
	var in struct {
		ClientId, ClientSecret, GrantType, DeviceCode, Code, CodeVerifier, RedirectUri, RefreshToken string
		Scope                                                                                        []string
	}
	if !decode(w, r, &in) {
		return
	}
	c := e.authClient(w, in.ClientId, in.ClientSecret)
	if c == nil {
		return
	}
	if !slices.Contains(c.grants, in.GrantType) {
		awsError(w, 400, "UnsupportedGrantTypeException", "unsupported_grant_type", "the client is not registered for this grant type")
		return
	}
	now := e.Now()
	switch in.GrantType {
	case "urn:ietf:params:oauth:grant-type:device_code":
		d, ok := e.devices[in.DeviceCode]
		switch {
		case !ok || d.clientID != c.id || d.redeemed:
			awsError(w, 400, "InvalidGrantException", "invalid_grant", "unknown device code")
			return
		case !now.Before(d.expires):
			awsError(w, 400, "ExpiredTokenException", "expired_token", "the device code has expired")
			return
		case d.denied:
			awsError(w, 400, "AccessDeniedException", "access_denied", "the person denied the authorization")
			return
		}
		early := !d.lastPoll.IsZero() && now.Sub(d.lastPoll) < d.interval
		d.lastPoll = now
		if e.AutoApprove {
			d.approved = true
		}
		if early {
			d.interval += 5 * time.Second
			awsError(w, 400, "SlowDownException", "slow_down", "polling too fast")
			return
		}
		if !d.approved {
			awsError(w, 400, "AuthorizationPendingException", "authorization_pending", "waiting for the person")
			return
		}
		d.redeemed = true
	case "authorization_code":
		ac, ok := e.codes[in.Code]
		delete(e.codes, in.Code) // single use
		switch {
		case !ok || ac.clientID != c.id:
			awsError(w, 400, "InvalidGrantException", "invalid_grant", "unknown or used authorization code")
			return
		case !now.Before(ac.expires):
			awsError(w, 400, "InvalidGrantException", "invalid_grant", "the authorization code has expired")
			return
		case in.RedirectUri != ac.redirect:
			awsError(w, 400, "InvalidGrantException", "invalid_grant", "redirectUri differs from the authorization request's")
			return
		case !pkceOK(in.CodeVerifier, ac.challenge):
			awsError(w, 400, "InvalidGrantException", "invalid_grant", "the code verifier does not match the challenge")
			return
		}
	case "refresh_token":
		g, ok := e.refresh[in.RefreshToken]
		delete(e.refresh, in.RefreshToken) // rotation: a refresh token works once
		if !ok || g.clientID != c.id {
			awsError(w, 400, "InvalidGrantException", "invalid_grant", "unknown or used refresh token")
			return
		}
	default:
		awsError(w, 400, "UnsupportedGrantTypeException", "unsupported_grant_type", "unsupported grant type")
		return
	}
	at, rt := "aoa"+random(48), "aor"+random(48)
	e.access[at] = &grant{clientID: c.id, expires: now.Add(e.TokenTTL)}
	e.refresh[rt] = &grant{clientID: c.id}
	reply(w, map[string]any{"accessToken": at, "tokenType": "Bearer", "expiresIn": int(e.TokenTTL / time.Second), "refreshToken": rt})
}

// pkceOK checks a verifier against an S256 challenge (RFC 7636 §4.6):
// 43 to 128 unreserved characters.
func pkceOK(verifier, challenge string) bool {
	if len(verifier) < 43 || len(verifier) > 128 || strings.Trim(verifier, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~") != "" {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:]) == challenge
}

const page = `<!doctype html><html><head><meta charset="utf-8"><title>%s</title></head>
<body style="font-family:sans-serif;max-width:30em;margin:4em auto"><h1>%s</h1>%s</body></html>`

func approvalForm(action, id, what string) string {
	return fmt.Sprintf(`<p>%s</p><form method="post" action="%s"><input type="hidden" name="id" value="%s">
<button type="submit" id="allow" name="decision" value="allow">Allow</button>
<button type="submit" id="deny" name="decision" value="deny">Deny</button></form>`, html.EscapeString(what), action, html.EscapeString(id))
}

// authorize is the authorization endpoint: it checks the request and
// shows the approval page. Errors about the client or redirect URI are
// shown, not redirected (RFC 6749 §4.1.2.1).
func (e *Emulator) authorize(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.signedIn(w, r) {
		return
	}
	e.calls["Authorize"]++
	q := r.URL.Query()
	c, ok := e.clients[q.Get("client_id")]
	if !ok || !e.Now().Before(c.expires) {
		http.Error(w, "unknown or expired client_id", http.StatusBadRequest)
		return
	}
	redirect := q.Get("redirect_uri")
	if !redirectAllowed(c, redirect) {
		http.Error(w, "redirect_uri is not registered for this client", http.StatusBadRequest)
		return
	}
	fail := func(code string) {
		u, _ := url.Parse(redirect)
		v := url.Values{"error": {code}}
		if s := q.Get("state"); s != "" {
			v.Set("state", s)
		}
		u.RawQuery = v.Encode()
		http.Redirect(w, r, u.String(), http.StatusFound)
	}
	switch {
	case !slices.Contains(c.grants, "authorization_code"):
		fail("unauthorized_client")
		return
	case q.Get("response_type") != "code":
		fail("unsupported_response_type")
		return
	case q.Get("state") == "", q.Get("code_challenge_method") != "S256", len(q.Get("code_challenge")) != 43:
		fail("invalid_request")
		return
	}
	scopes := strings.Fields(q.Get("scopes"))
	for _, s := range scopes {
		if len(c.scopes) > 0 && !slices.Contains(c.scopes, s) {
			fail("invalid_scope")
			return
		}
	}
	id := random(16)
	e.pending[id] = &authRequest{clientID: c.id, redirect: redirect, state: q.Get("state"), challenge: q.Get("code_challenge"), scopes: scopes}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, page, "Authorize request", "Allow "+html.EscapeString(c.name)+" to access your data?",
		approvalForm("/authorize/decide", id, "The application asks for access to your AWS accounts."))
}

// decide is the approval page's form: Allow redirects with a code (valid
// 10 minutes, single use), Deny with access_denied.
func (e *Emulator) decide(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ar, ok := e.pending[r.PostFormValue("id")]
	if !ok {
		http.Error(w, "unknown or used authorization request", http.StatusBadRequest)
		return
	}
	delete(e.pending, r.PostFormValue("id"))
	u, _ := url.Parse(ar.redirect)
	v := url.Values{"state": {ar.state}}
	if r.PostFormValue("decision") == "allow" {
		code := "code-" + random(24)
		e.codes[code] = &authCode{clientID: ar.clientID, redirect: ar.redirect, challenge: ar.challenge, expires: e.Now().Add(10 * time.Minute)}
		v.Set("code", code)
	} else {
		v.Set("error", "access_denied")
	}
	u.RawQuery = v.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

func (e *Emulator) devicePage(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	in := e.signedIn(w, r)
	e.mu.Unlock()
	if !in {
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	code := r.URL.Query().Get("user_code")
	fmt.Fprintf(w, page, "Authorize request", "Authorize request", approvalForm("/device/decide", code, "Code: "+code))
}

func (e *Emulator) deviceDecide(w http.ResponseWriter, r *http.Request) {
	if !e.decideDevice(r.PostFormValue("id"), r.PostFormValue("decision") == "allow") {
		http.Error(w, "unknown user code", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, page, "Done", "Request approved", "<p>You can close this window.</p>")
}

// bearer checks the portal's x-amz-sso_bearer_token header; it answers
// the 401 itself.
func (e *Emulator) bearer(w http.ResponseWriter, r *http.Request) bool {
	g, ok := e.access[r.Header.Get("x-amz-sso_bearer_token")]
	if !ok || !e.Now().Before(g.expires) {
		awsError(w, 401, "UnauthorizedException", "", "Session token not found or invalid")
		return false
	}
	return true
}

// pageOf returns one page of n items: the range and the next token.
func (e *Emulator) pageOf(w http.ResponseWriter, r *http.Request, n int) (lo, hi int, next string, ok bool) {
	size := e.PageSize
	if v := r.URL.Query().Get("max_result"); v != "" {
		m, err := strconv.Atoi(v)
		if err != nil || m < 1 {
			awsError(w, 400, "InvalidRequestException", "", "max_result must be a positive number")
			return 0, 0, "", false
		}
		size = min(size, m)
	}
	if t := r.URL.Query().Get("next_token"); t != "" {
		b, err := base64.RawURLEncoding.DecodeString(t)
		if lo, err = strconv.Atoi(string(b)); err != nil || lo < 0 || lo > n {
			awsError(w, 400, "InvalidRequestException", "", "invalid next_token")
			return 0, 0, "", false
		}
	}
	hi = min(lo+size, n)
	if hi < n {
		next = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(hi)))
	}
	return lo, hi, next, true
}

func (e *Emulator) listAccounts(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.enter(w, "ListAccounts") || !e.bearer(w, r) {
		return
	}
	lo, hi, next, ok := e.pageOf(w, r, len(e.Accounts))
	if !ok {
		return
	}
	list := []map[string]string{}
	for _, a := range e.Accounts[lo:hi] {
		list = append(list, map[string]string{"accountId": a.ID, "accountName": a.Name, "emailAddress": a.Email})
	}
	out := map[string]any{"accountList": list}
	if next != "" {
		out["nextToken"] = next
	}
	reply(w, out)
}

func (e *Emulator) account(id string) *Account {
	for i := range e.Accounts {
		if e.Accounts[i].ID == id {
			return &e.Accounts[i]
		}
	}
	return nil
}

func (e *Emulator) listRoles(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.enter(w, "ListAccountRoles") || !e.bearer(w, r) {
		return
	}
	a := e.account(r.URL.Query().Get("account_id"))
	if a == nil {
		awsError(w, 403, "ForbiddenException", "", "no access to this account")
		return
	}
	lo, hi, next, ok := e.pageOf(w, r, len(a.Roles))
	if !ok {
		return
	}
	list := []map[string]string{}
	for _, role := range a.Roles[lo:hi] {
		list = append(list, map[string]string{"roleName": role, "accountId": a.ID})
	}
	out := map[string]any{"roleList": list}
	if next != "" {
		out["nextToken"] = next
	}
	reply(w, out)
}

func (e *Emulator) roleCredentials(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.enter(w, "GetRoleCredentials") || !e.bearer(w, r) {
		return
	}
	q := r.URL.Query()
	a := e.account(q.Get("account_id"))
	if a == nil || !slices.Contains(a.Roles, q.Get("role_name")) {
		awsError(w, 403, "ForbiddenException", "", "No access")
		return
	}
	key := "ASIA" + strings.ToUpper(strings.NewReplacer("-", "A", "_", "B").Replace(random(12)))[:16]
	reply(w, map[string]any{"roleCredentials": map[string]any{
		"accessKeyId": key, "secretAccessKey": stdRandom(30), "sessionToken": "IQoJb3JpZ2luX2Vj" + stdRandom(96),
		"expiration": e.Now().Add(e.CredentialTTL).UnixMilli(),
	}})
}

// sessionCookie is the IdP session's cookie.
const sessionCookie = "ssoemu_session"

// signedIn reports whether the request carries a live IdP session (always,
// without Users); otherwise it redirects to the username page, which comes
// back to this page. e.mu is held.
func (e *Emulator) signedIn(w http.ResponseWriter, r *http.Request) bool {
	if len(e.Users) == 0 {
		return true
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		if exp, ok := e.sessions[c.Value]; ok && e.Now().Before(exp) {
			return true
		}
	}
	http.Redirect(w, r, "/login?"+url.Values{"next": {r.URL.RequestURI()}}.Encode(), http.StatusFound)
	return false
}

// localNext is where a sign-in goes on to: a path on this endpoint only.
func localNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func loginForm(action, next, fields, errMsg string) string {
	msg := ""
	if errMsg != "" {
		msg = `<p class="error" role="alert">` + html.EscapeString(errMsg) + `</p>`
	}
	return fmt.Sprintf(`%s<form method="post" action="%s"><input type="hidden" name="next" value="%s">%s
<button type="submit" id="next">Next</button></form>`, msg, action, html.EscapeString(localNext(next)), fields)
}

func (e *Emulator) usernamePage(w http.ResponseWriter, next, errMsg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, page, "Sign in", "Sign in", loginForm("/login", next,
		`<label>Username <input type="text" name="username" id="username" autocomplete="username"></label>`, errMsg))
}

func (e *Emulator) passwordPage(w http.ResponseWriter, next, user, errMsg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, page, "Enter password", "Enter password", loginForm("/login/password", next,
		`<input type="hidden" name="username" value="`+html.EscapeString(user)+`">
<label>Password <input type="password" name="password" id="password" autocomplete="current-password"></label>`, errMsg))
}

// loginPage is the IdP's first page: the username.
func (e *Emulator) loginPage(w http.ResponseWriter, r *http.Request) {
	e.usernamePage(w, r.URL.Query().Get("next"), "")
}

// loginUser takes the username and shows the password page.
func (e *Emulator) loginUser(w http.ResponseWriter, r *http.Request) {
	user, next := r.PostFormValue("username"), r.PostFormValue("next")
	e.mu.Lock()
	_, known := e.Users[user]
	e.mu.Unlock()
	if !known {
		e.usernamePage(w, next, "We could not find that user.")
		return
	}
	e.passwordPage(w, next, user, "")
}

// loginPassword checks the password, starts the IdP session and goes on.
func (e *Emulator) loginPassword(w http.ResponseWriter, r *http.Request) {
	user, next := r.PostFormValue("username"), r.PostFormValue("next")
	e.mu.Lock()
	defer e.mu.Unlock()
	want, known := e.Users[user]
	if !known || r.PostFormValue("password") != want {
		e.calls["SignInFailed"]++
		e.passwordPage(w, next, user, "Incorrect password.")
		return
	}
	e.calls["SignIn"]++
	id := random(24)
	e.sessions[id] = e.Now().Add(e.SessionTTL)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", MaxAge: int(e.SessionTTL / time.Second), HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, localNext(next), http.StatusSeeOther)
}
