// Package stsemu is a strict AWS STS emulator for tests and the demo: it
// checks requests the way the STS API Reference documents and answers in the
// STS Query protocol's XML.
package stsemu

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Namespace of STS Query API responses.
const xmlns = "https://sts.amazonaws.com/doc/2011-06-15/"

// Call records one request the emulator answered.
type Call struct {
	Action          string
	RoleARN         string
	PrincipalARN    string
	DurationSeconds int
	// ErrorCode is the AWS error code answered, empty on success.
	ErrorCode string
}

// Emulator is an STS endpoint on 127.0.0.1. The zero value is not usable;
// call New.
type Emulator struct {
	// Now is the emulator's clock.
	Now func() time.Time
	// AnswerExpiration, when set, is the expiry every answer states
	// (1970, 2020, 9999…), whatever the session really lasts: a hostile
	// or broken endpoint, for tests. Set it before Start.
	AnswerExpiration time.Time

	mu          sync.Mutex
	more        moreState
	providers   map[string]*x509.Certificate
	maxDuration map[string]time.Duration
	forced      []forcedError
	calls       []Call
	issued      map[string]session

	ln  net.Listener
	srv *http.Server
	// URL is the endpoint, set by Start.
	URL string
}

type forcedError struct {
	action, code, message string
	status                int
}

// session is a set of credentials the emulator issued.
type session struct {
	secret, token string
	arn, userID   string
	account       string
	expires       time.Time
	// kind is what issued it: "" (a role session), "user" (long-term
	// keys), "session" (GetSessionToken), "federated".
	kind string
	// mfa is set for a GetSessionToken session made with an MFA code.
	mfa bool
	// root is set for the account root user's keys and sessions.
	root bool
}

// New returns an emulator with no trusted providers.
func New() *Emulator {
	return &Emulator{
		Now:         time.Now,
		providers:   map[string]*x509.Certificate{},
		maxDuration: map[string]time.Duration{},
		issued:      map[string]session{},
	}
}

// TrustProvider registers an IAM SAML provider and the certificate its
// assertions must be signed with.
func (e *Emulator) TrustProvider(providerARN string, cert *x509.Certificate) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.providers[providerARN] = cert
}

// SetMaxSessionDuration sets a role's MaxSessionDuration (default 1h).
func (e *Emulator) SetMaxSessionDuration(roleARN string, d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.maxDuration[roleARN] = d
}

// FailNext makes the next call of action ("" for any) answer with an AWS
// error. Queued failures are used in order.
func (e *Emulator) FailNext(action, code, message string, status int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.forced = append(e.forced, forcedError{action, code, message, status})
}

// PendingFailures lists the failures queued with FailNext that no call has
// used yet, as "Action Code"; a test that queued one expects it used.
func (e *Emulator) PendingFailures() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, f := range e.forced {
		out = append(out, f.action+" "+f.code)
	}
	return out
}

// Calls returns the requests answered so far.
func (e *Emulator) Calls() []Call {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Call(nil), e.calls...)
}

// Start listens on 127.0.0.1 (a free port) and serves until Close.
func (e *Emulator) Start() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	e.ln = ln
	e.URL = "http://" + ln.Addr().String()
	e.srv = &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = e.srv.Serve(ln) }()
	return nil
}

// Close stops the server.
func (e *Emulator) Close() error {
	if e.srv == nil {
		return nil
	}
	return e.srv.Close()
}

// apiError is an STS error reply.
type apiError struct {
	status        int
	code, message string
}

func (a *apiError) Error() string { return a.code + ": " + a.message }

func errf(status int, code, format string, args ...any) *apiError {
	return &apiError{status, code, fmt.Sprintf(format, args...)}
}

// ServeHTTP answers STS Query API requests (form-encoded POST or GET).
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The emulator's clock, so clients can measure their skew against it.
	w.Header().Set("Date", e.Now().UTC().Format(http.TimeFormat))
	if e.serveSignin(w, r) {
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	form, err := parseForm(r, body)
	if err != nil {
		writeError(w, errf(400, "MalformedQueryString", "%v", err))
		return
	}
	call := Call{Action: form.Get("Action"), RoleARN: form.Get("RoleArn"), PrincipalARN: form.Get("PrincipalArn")}
	call.DurationSeconds, _ = strconv.Atoi(form.Get("DurationSeconds"))
	var result any
	if f := e.takeForced(call.Action); f != nil {
		err = f
	} else {
		switch call.Action {
		case "AssumeRoleWithSAML":
			result, err = e.assumeRoleWithSAML(form)
		case "GetCallerIdentity":
			result, err = e.getCallerIdentity(r, body)
		default:
			var ok bool
			if result, err, ok = e.moreActions(call.Action, r, body, form); ok {
				break
			}
			err = errf(400, "InvalidAction", "Could not find operation %s for version %s", call.Action, form.Get("Version"))
		}
	}
	if ae, ok := err.(*apiError); ok {
		call.ErrorCode = ae.code
	}
	e.mu.Lock()
	e.calls = append(e.calls, call)
	e.mu.Unlock()
	if err != nil {
		writeError(w, err.(*apiError))
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-RequestId", requestID())
	_, _ = io.WriteString(w, xml.Header)
	_ = xml.NewEncoder(w).Encode(result)
}

func (e *Emulator) takeForced(action string) *apiError {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i, f := range e.forced {
		if f.action == "" || f.action == action {
			e.forced = append(e.forced[:i], e.forced[i+1:]...)
			return &apiError{f.status, f.code, f.message}
		}
	}
	return nil
}

func writeError(w http.ResponseWriter, ae *apiError) {
	type errBody struct {
		Type    string
		Code    string
		Message string
	}
	kind := "Sender"
	if ae.status >= 500 {
		kind = "Receiver"
	}
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(ae.status)
	_ = xml.NewEncoder(w).Encode(struct {
		XMLName   xml.Name `xml:"ErrorResponse"`
		Xmlns     string   `xml:"xmlns,attr"`
		Error     errBody
		RequestID string `xml:"RequestId"`
	}{Xmlns: xmlns, Error: errBody{kind, ae.code, ae.message}, RequestID: requestID()})
}

func requestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Credentials is the STS Credentials data type.
type Credentials struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string
	SessionToken    string
	Expiration      string
}

// AssumedRoleUser is the STS AssumedRoleUser data type.
type AssumedRoleUser struct {
	AssumedRoleID string `xml:"AssumedRoleId"`
	Arn           string
}

type responseMetadata struct {
	RequestID string `xml:"RequestId"`
}

var sessionNamePattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\w+=,.@-]{2,64}$`) })

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

func randomString(prefix string, n int, alphabet string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for b.Len() < n {
		i, _ := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		b.WriteByte(alphabet[i.Int64()])
	}
	return b.String()
}

// issue makes and remembers credentials for a role session.
func (e *Emulator) issue(partition, account, roleName, sessionName string, d time.Duration) (Credentials, AssumedRoleUser) {
	now := e.Now().UTC()
	key := randomString("ASIA", 20, alnum)
	secretBytes := make([]byte, 30)
	_, _ = rand.Read(secretBytes)
	tokenBytes := make([]byte, 300)
	_, _ = rand.Read(tokenBytes)
	roleID := randomString("AROA", 21, alnum)
	s := session{
		secret:  base64.StdEncoding.EncodeToString(secretBytes),
		token:   "IQoJb3JpZ2luX2VjE" + base64.StdEncoding.EncodeToString(tokenBytes),
		arn:     fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/%s", partition, account, roleName, sessionName),
		userID:  roleID + ":" + sessionName,
		account: account,
		expires: now.Add(d),
	}
	e.mu.Lock()
	e.issued[key] = s
	e.mu.Unlock()
	return Credentials{key, s.secret, s.token, e.answerExpiration(s.expires)},
		AssumedRoleUser{AssumedRoleID: s.userID, Arn: s.arn}
}

// answerExpiration is the Expiration an answer states for a session
// that expires at t.
func (e *Emulator) answerExpiration(t time.Time) string {
	if !e.AnswerExpiration.IsZero() {
		t = e.AnswerExpiration
	}
	return t.UTC().Format(time.RFC3339)
}

// durationParam reads DurationSeconds with STS's documented constraints.
func durationParam(form map[string][]string, max time.Duration) (time.Duration, *apiError) {
	v := first(form["DurationSeconds"])
	if v == "" {
		return time.Hour, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, errf(400, "ValidationError", "1 validation error detected: Value '%s' at 'durationSeconds' failed to satisfy constraint: Member must be a number", v)
	}
	if n < 900 {
		return 0, errf(400, "ValidationError", "1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", n)
	}
	if n > 43200 {
		return 0, errf(400, "ValidationError", "1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200", n)
	}
	if d := time.Duration(n) * time.Second; d > max {
		return 0, errf(400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	return time.Duration(n) * time.Second, nil
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}
