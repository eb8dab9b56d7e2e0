package idp

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/crewjam/saml"
	dsig "github.com/russellhaering/goxmldsig"
)

// User is an account of the test IdP.
type User struct {
	Name     string
	Password string
	// Roles are Role attribute values ("role-arn,provider-arn").
	Roles []string
	// SessionName is the RoleSessionName attribute.
	SessionName string
	// SessionDuration is the SessionDuration attribute in seconds (0: none).
	SessionDuration int
	// OTP, when set, is a one-time code asked for after the password.
	OTP string
}

// Server is a SAML IdP on 127.0.0.1 with IdP-initiated sign-on for AWS
// (urn:amazon:webservices), built on crewjam/saml's IdentityProvider.
//
// Sign-on starts at /sso/aws. Query parameters pick the shape of the
// flow: login=twostep asks for the username and the password on separate
// pages; via=popup opens the sign-on in a popup window; via=redirect posts
// to the IdP itself, which answers 307 to a regional AWS endpoint;
// via=mcas posts to the Defender for Cloud Apps form of the AWS host
// (signin.aws.amazon.com.mcas.ms), as its session proxy rewrites the form;
// via=never signs the person in and then never posts; shape=NAME sends a
// visitor without a session through the login pages of one of Shapes.
type Server struct {
	URL string
	// SessionCookie makes the IdP's session cookie one without an expiry,
	// which a browser drops when it closes (AD FS without "keep me signed
	// in", the Shibboleth IdP). Set before Start.
	SessionCookie bool
	// Negotiate, when set, guards the login page with Windows Integrated
	// Authentication, as AD FS and the Shibboleth IdP do: a GET carrying
	// a Negotiate token the Negotiator accepts signs its user in with no
	// password; any other GET is answered 401 "WWW-Authenticate:
	// Negotiate" with the password form as its body, which a browser not
	// allowed to negotiate with the host shows. Set before Start.
	Negotiate Negotiator

	signer *Signer
	idp    *saml.IdentityProvider
	ln     net.Listener
	srv    *http.Server

	mu       sync.Mutex
	users    map[string]*User
	sessions map[string]string // session id → user name
	logins   int               // password logins accepted
	kerberos int               // Negotiate logins accepted
	refused  error             // why the last Negotiate token was refused
	issued   int               // assertions issued (sign-ins that reached AWS)
	flows    map[string]string // shape sign-ins past the password → user name
	posted   map[string][]url.Values
}

// NewServer makes an IdP for the users, signing with signer.
func NewServer(signer *Signer, users ...*User) *Server {
	s := &Server{signer: signer, users: map[string]*User{}, sessions: map[string]string{}}
	for _, u := range users {
		s.users[u.Name] = u
	}
	return s
}

// Start listens on a free port of 127.0.0.1 and serves until Close.
func (s *Server) Start() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	s.ln, s.URL = ln, "http://"+ln.Addr().String()
	metadataURL, _ := url.Parse(s.URL + "/metadata")
	ssoURL, _ := url.Parse(s.URL + "/sso/aws")
	s.idp = &saml.IdentityProvider{
		Key: s.signer.Key, Certificate: s.signer.Cert, SignatureMethod: dsig.RSASHA256SignatureMethod,
		MetadataURL: *metadataURL, SSOURL: *ssoURL,
		AssertionMaker: awsAssertionMaker{s},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/metadata", s.idp.ServeMetadata)
	mux.HandleFunc("/sso/aws", s.serveSSO)
	mux.HandleFunc("/login", s.serveLogin)
	mux.HandleFunc("/acs-redirect", s.serveACSRedirect)
	mux.HandleFunc("/shapes/", s.serveShape)
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return nil
}

// Close stops the server.
func (s *Server) Close() error {
	if s.srv == nil {
		return nil
	}
	return s.srv.Close()
}

// Logins counts the password logins the IdP accepted; a login that reuses
// a saved session does not count.
func (s *Server) Logins() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logins
}

// KerberosLogins counts the logins the IdP accepted on a Negotiate token
// (see Server.Negotiate), with no password.
func (s *Server) KerberosLogins() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.kerberos
}

// NegotiateRefused says why the IdP last refused a Negotiate token, or is
// nil: what a test shows when a Kerberos sign-in fell back to the form.
func (s *Server) NegotiateRefused() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refused
}

// Negotiator checks the "Authorization: Negotiate" header of a request
// (SPNEGO, RFC 4559), as an IdP's Kerberos service does with its keytab.
type Negotiator interface {
	// Negotiate returns the user name the request's token proves, "" when
	// the request has none, or an error for a token it refuses.
	Negotiate(r *http.Request) (string, error)
}

// Assertions is how many SAML assertions the sign-on URL has issued: one
// per sign-in that reached AWS, with or without a password (the login-page
// shapes are not counted).
func (s *Server) Assertions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issued
}

// SignOnURL is the IdP-initiated sign-on URL with the given query, e.g.
// "via=popup&login=twostep".
func (s *Server) SignOnURL(query string) string {
	if query == "" {
		return s.URL + "/sso/aws"
	}
	return s.URL + "/sso/aws?" + query
}

// awsSP is AWS's service provider metadata as IdPs configure it
// (https://signin.aws.amazon.com/static/saml-metadata.xml), with the ACS
// chosen per request.
func awsSP(acs string) (*saml.EntityDescriptor, *saml.IndexedEndpoint) {
	ep := saml.IndexedEndpoint{Binding: saml.HTTPPostBinding, Location: acs, Index: 1}
	sp := &saml.EntityDescriptor{EntityID: AWSAudience, SPSSODescriptors: []saml.SPSSODescriptor{{
		AssertionConsumerServices: []saml.IndexedEndpoint{ep},
	}}}
	return sp, &sp.SPSSODescriptors[0].AssertionConsumerServices[0]
}

const regionalACS = "https://eu-west-1.signin.aws.amazon.com/saml"

func (s *Server) serveSSO(w http.ResponseWriter, r *http.Request) {
	user := s.sessionUser(r)
	if user == nil && r.URL.Query().Get("shape") != "" {
		s.startShape(w, r)
		return
	}
	if user == nil {
		http.Redirect(w, r, "/login?"+url.Values{"next": {r.URL.RequestURI()}, "login": {r.URL.Query().Get("login")}}.Encode(), http.StatusFound)
		return
	}
	via := r.URL.Query().Get("via")
	switch via {
	case "never":
		page(w, "Welcome", `<h1>Welcome, {{.}}</h1><p>You have no applications.</p>`, user.Name)
		return
	case "popup":
		if r.URL.Query().Get("opened") == "" {
			q := r.URL.Query()
			q.Set("via", "popup-inner")
			q.Set("opened", "1")
			page(w, "Applications", `<h1>Applications</h1><a id="aws" href="{{.}}" target="_blank">Amazon Web Services</a>
<script>window.open({{.}}, "aws", "width=600,height=400")</script>`, "/sso/aws?"+q.Encode())
			return
		}
	}
	acs := AWSSignIn
	if via == "redirect" {
		acs = regionalACS
	}
	sp, ep := awsSP(acs)
	req := &saml.IdpAuthnRequest{
		IDP: s.idp, HTTPRequest: r, Now: saml.TimeNow(),
		ServiceProviderMetadata: sp, SPSSODescriptor: &sp.SPSSODescriptors[0], ACSEndpoint: ep,
		RelayState: "https://console.aws.amazon.com/",
	}
	session := s.session(user)
	if err := s.idp.AssertionMaker.MakeAssertion(req, session); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	s.mu.Lock()
	s.issued++
	s.mu.Unlock()
	form, err := req.PostBinding()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	switch via {
	case "redirect":
		form.URL = "/acs-redirect?" + url.Values{"to": {form.URL}}.Encode()
	case "mcas":
		form.URL = MCASSignIn // the assertion's Destination stays AWS's
	}
	page(w, "Signing in", `<form method="post" action="{{.URL}}" id="f">
<input type="hidden" name="SAMLResponse" value="{{.SAMLResponse}}">
<input type="hidden" name="RelayState" value="{{.RelayState}}">
<noscript><button type="submit">Continue</button></noscript></form>
<script>document.getElementById("f").submit()</script>`, form)
}

var awsACS = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^https://([a-z0-9-]+\.)?signin\.(aws\.amazon\.com|amazonaws\.cn|amazonaws-us-gov\.com)/saml(\?.*)?$`)
})

// serveACSRedirect answers a POST with 307 to an AWS endpoint, so the
// browser re-posts the same body there (a proxying IdP or load balancer).
func (s *Server) serveACSRedirect(w http.ResponseWriter, r *http.Request) {
	to := r.URL.Query().Get("to")
	if !awsACS().MatchString(to) {
		http.Error(w, "not an AWS endpoint", http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, to, http.StatusTemporaryRedirect)
}

func (s *Server) serveLogin(w http.ResponseWriter, r *http.Request) {
	next := r.FormValue("next")
	if next == "" || next[0] != '/' {
		next = "/sso/aws"
	}
	twoStep := r.FormValue("login") == "twostep"
	data := map[string]any{"Next": next, "Login": r.FormValue("login"), "Error": ""}
	if r.Method != http.MethodPost && s.Negotiate != nil {
		s.negotiateLogin(w, r, data, twoStep, next)
		return
	}
	if r.Method != http.MethodPost {
		s.loginForm(w, http.StatusOK, data, twoStep, "")
		return
	}
	name, password, code := r.PostFormValue("username"), r.PostFormValue("password"), r.PostFormValue("otp")
	if twoStep {
		name = r.PostFormValue("loginfmt")
		password = r.PostFormValue("passwd")
	}
	s.mu.Lock()
	u := s.users[name]
	s.mu.Unlock()
	data["User"] = name
	switch {
	case twoStep && password == "" && u != nil:
		s.loginForm(w, http.StatusOK, data, true, "password")
		return
	case u == nil || u.Password != password:
		data["Error"] = "Wrong username or password."
		s.loginForm(w, http.StatusOK, data, twoStep, "")
		return
	case u.OTP != "" && code == "":
		data["Password"] = password
		page(w, "Verify", `<h1>Enter the code from your authenticator app</h1>
<form method="post" action="/login">
<input type="hidden" name="next" value="{{.Next}}"><input type="hidden" name="login" value="{{.Login}}">
<input type="hidden" name="username" value="{{.User}}"><input type="hidden" name="loginfmt" value="{{.User}}">
<input type="hidden" name="password" value="{{.Password}}"><input type="hidden" name="passwd" value="{{.Password}}">
<label>Code <input type="text" name="otp" id="otp" inputmode="numeric" autocomplete="one-time-code" maxlength="6"></label>
<button type="submit">Verify</button></form>`, data)
		return
	case u.OTP != "" && code != u.OTP:
		data["Error"] = "Wrong code."
		s.loginForm(w, http.StatusOK, data, twoStep, "")
		return
	}
	s.mu.Lock()
	s.logins++
	s.mu.Unlock()
	s.signIn(w, r, u, next)
}

// signIn starts a session for u and sends the browser on to next.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request, u *User, next string) {
	id := randomID()
	s.mu.Lock()
	s.sessions[id] = u.Name
	s.mu.Unlock()
	cookie := &http.Cookie{Name: "idp_session", Value: id, Path: "/", HttpOnly: true, Expires: time.Now().Add(12 * time.Hour)}
	if s.SessionCookie {
		cookie.Expires = time.Time{}
	}
	http.SetCookie(w, cookie)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// negotiateLogin is the login page behind Windows Integrated
// Authentication (see Server.Negotiate). A token that is refused, or is
// a known principal's but no user's, gets the form without a new
// challenge, so the browser does not try again with the same ticket.
func (s *Server) negotiateLogin(w http.ResponseWriter, r *http.Request, data map[string]any, twoStep bool, next string) {
	name, err := s.Negotiate.Negotiate(r)
	if name == "" && err == nil {
		w.Header().Set("WWW-Authenticate", "Negotiate")
		s.loginForm(w, http.StatusUnauthorized, data, twoStep, "")
		return
	}
	s.mu.Lock()
	u := s.users[name]
	switch {
	case err != nil:
		s.refused = err
	case u == nil:
		s.refused = fmt.Errorf("negotiate token of %q, who is no user of the IdP", name)
	default:
		s.kerberos++
	}
	s.mu.Unlock()
	if err != nil || u == nil {
		s.loginForm(w, http.StatusUnauthorized, data, twoStep, "")
		return
	}
	s.signIn(w, r, u, next)
}

// loginForm draws a one-page form (Keycloak-like names) or the steps of a
// two-page form (Entra-like names).
func (s *Server) loginForm(w http.ResponseWriter, status int, data map[string]any, twoStep bool, step string) {
	switch {
	case !twoStep:
		pageStatus(w, status, "Sign in", `<h1>Sign in to Example Corp</h1><p class="error">{{.Error}}</p>
<form method="post" action="/login" id="kc-form-login">
<input type="hidden" name="next" value="{{.Next}}">
<label for="username">Username or email</label><input id="username" name="username" type="text" autocomplete="username" autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password">
<input type="submit" id="kc-login" value="Sign In"></form>`, data)
	case step == "":
		pageStatus(w, status, "Sign in", `<h1>Sign in</h1><p class="error">{{.Error}}</p>
<form method="post" action="/login">
<input type="hidden" name="next" value="{{.Next}}"><input type="hidden" name="login" value="twostep">
<input type="email" name="loginfmt" placeholder="Email, phone, or Skype" aria-label="Enter your email">
<input type="submit" id="idSIButton9" value="Next"></form>`, data)
	default:
		pageStatus(w, status, "Enter password", `<h1>Enter password</h1><div>{{.User}}</div>
<form method="post" action="/login">
<input type="hidden" name="next" value="{{.Next}}"><input type="hidden" name="login" value="twostep">
<input type="hidden" name="loginfmt" value="{{.User}}">
<input type="password" name="passwd" placeholder="Password" aria-label="Enter the password">
<input type="submit" id="idSIButton9" value="Sign in"></form>`, data)
	}
}

func (s *Server) sessionUser(r *http.Request) *User {
	c, err := r.Cookie("idp_session")
	if err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.users[s.sessions[c.Value]]
}

func (s *Server) session(u *User) *saml.Session {
	now := saml.TimeNow()
	return &saml.Session{
		ID: randomID(), CreateTime: now, ExpireTime: now.Add(time.Hour), Index: randomID(),
		NameID: u.SessionName, NameIDFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
		UserName: u.Name, UserEmail: u.SessionName,
	}
}

// awsAssertionMaker is crewjam's default assertion plus the AWS sign-in
// attributes of the user (IAM User Guide, "Configure SAML assertions for
// the authentication response").
type awsAssertionMaker struct{ s *Server }

func (m awsAssertionMaker) MakeAssertion(req *saml.IdpAuthnRequest, session *saml.Session) error {
	if err := (saml.DefaultAssertionMaker{}).MakeAssertion(req, session); err != nil {
		return err
	}
	m.s.mu.Lock()
	u := m.s.users[session.UserName]
	m.s.mu.Unlock()
	if u == nil {
		return fmt.Errorf("no user %q", session.UserName)
	}
	attrs := awsAttributes(u.SessionName, u.Roles, u.SessionDuration)
	if len(req.Assertion.AttributeStatements) == 0 {
		req.Assertion.AttributeStatements = []saml.AttributeStatement{{}}
	}
	st := &req.Assertion.AttributeStatements[0]
	st.Attributes = append(st.Attributes, attrs...)
	return nil
}

var pageTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("page").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>body{font-family:sans-serif;max-width:28em;margin:3em auto}input{display:block;margin:.5em 0 1em;padding:.4em;width:100%}.error{color:#b00}</style>
</head><body>{{.Body}}</body></html>`))
})

func page(w http.ResponseWriter, title, body string, data any) {
	pageStatus(w, http.StatusOK, title, body, data)
}

// pageStatus is page with another status than 200 OK.
func pageStatus(w http.ResponseWriter, status int, title, body string, data any) {
	b, err := template.New("body").Parse(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	var buf strings.Builder
	if err := b.Execute(&buf, data); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = pageTemplate().Execute(w, map[string]any{"Title": title, "Body": template.HTML(buf.String())})
}

func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
