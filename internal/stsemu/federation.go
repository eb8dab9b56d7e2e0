package stsemu

// The AWS federation endpoint (sign-in service) and GetFederationToken, as
// "Enable custom identity broker access to the AWS console" (IAM User
// Guide) and the STS API Reference document them, strictly: the Session
// must be one the emulator issued, with the right secret and token, not
// expired; SessionDuration only for a role assumed with SAML, web identity
// or long-term keys; sign-in tokens are single-use and short-lived.

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Origin is how the emulator issued a set of credentials.
type Origin string

// Origins the emulator records for the credentials it issues.
const (
	OriginLongTerm        Origin = "long-term"           // an IAM user's access key (AddUser)
	OriginSAML            Origin = "saml"                // AssumeRoleWithSAML
	OriginAssumeRole      Origin = "assume-role"         // AssumeRole with long-term keys
	OriginChained         Origin = "assume-role-chained" // AssumeRole with session credentials
	OriginWebIdentity     Origin = "web-identity"        // AssumeRoleWithWebIdentity
	OriginFederationToken Origin = "federation-token"    // GetFederationToken
	OriginSessionToken    Origin = "session-token"       // GetSessionToken
)

// signinTokenLife is how long a sign-in token can be redeemed ("The token
// is valid for 15 minutes after it is issued").
const signinTokenLife = 15 * time.Minute

// FederationCall records one request to the federation endpoint; it holds
// no session, token or URL.
type FederationCall struct {
	// Action is getSigninToken, login or logout.
	Action string
	// SessionDuration is the parameter's value, 0 when absent.
	SessionDuration int
	// Origin is the origin of the session presented, when known.
	Origin Origin
	// Status is the HTTP status answered.
	Status int
	// Destination is the login's Destination (a console URL, no secret).
	Destination string
}

// federation is the emulator's sign-in state, created on first use.
type federation struct {
	mu      sync.Mutex
	origins map[string]Origin // access key id → origin
	tokens  map[string]fedSigninToken
	calls   []FederationCall
}

type fedSigninToken struct {
	key     string
	expires time.Time
	used    bool
}

// fedState holds each emulator's sign-in state outside the Emulator struct,
// so that this file merges without touching New or the struct that other
// STS actions extend; an emulator's entry lives as long as the test binary.
var fedState sync.Map // *Emulator → *federation

func (e *Emulator) fed() *federation {
	f, _ := fedState.LoadOrStore(e, &federation{origins: map[string]Origin{}, tokens: map[string]fedSigninToken{}})
	return f.(*federation)
}

func (e *Emulator) setOrigin(key string, o Origin) {
	f := e.fed()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.origins[key] = o
}

// OriginOf returns the origin of credentials the emulator issued, empty
// when it did not record one.
func (e *Emulator) OriginOf(accessKeyID string) Origin {
	f := e.fed()
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.origins[accessKeyID]
}

// FederationCalls returns the federation endpoint's requests so far.
func (e *Emulator) FederationCalls() []FederationCall {
	f := e.fed()
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]FederationCall(nil), f.calls...)
}

// AddUserIn creates an IAM user of a partition with a long-term access key
// (AKIA…, no session token) that can sign GetFederationToken and
// GetCallerIdentity; AddUser is the same in the aws partition.
func (e *Emulator) AddUserIn(partition, account, name string) Credentials {
	secret := make([]byte, 30)
	_, _ = rand.Read(secret)
	key := randomString("AKIA", 20, alnum)
	s := session{
		secret:  base64.StdEncoding.EncodeToString(secret),
		arn:     fmt.Sprintf("arn:%s:iam::%s:user/%s", partition, account, name),
		userID:  randomString("AIDA", 21, alnum),
		account: account,
		expires: e.Now().Add(100 * 365 * 24 * time.Hour),
		kind:    "user",
	}
	e.mu.Lock()
	e.issued[key] = s
	e.mu.Unlock()
	e.setOrigin(key, OriginLongTerm)
	return Credentials{AccessKeyID: key, SecretAccessKey: s.secret}
}

// IssueSession issues role session credentials with the given origin, as
// if the matching STS call had made them; tests use it for origins whose
// calls this emulator does not serve (a chained AssumeRole).
func (e *Emulator) IssueSession(o Origin, roleARN string, d time.Duration) Credentials {
	m := roleARNPattern().FindStringSubmatch(roleARN)
	if m == nil {
		panic("stsemu: IssueSession: bad role ARN " + roleARN)
	}
	c, _ := e.issue(m[1], m[2], m[3], "samlgo-test", d)
	e.setOrigin(c.AccessKeyID, o)
	return c
}

// accessKeyOf is the access key id of a SigV4 Authorization header.
func accessKeyOf(r *http.Request) string {
	_, after, _ := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	key, _, _ := strings.Cut(after, "/")
	return key
}

// consoleHost matches the AWS console hosts a login may land on.
var consoleHost = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^([a-z0-9-]+\.)?console\.(aws\.amazon\.com|amazonaws\.cn|amazonaws-us-gov\.com|amazonaws-eusc\.eu)$`)
})

// serveSignin answers the sign-in service's paths (/federation, /oauth);
// it reports false for any other path.
func (e *Emulator) serveSignin(w http.ResponseWriter, r *http.Request) bool {
	if r.URL.Path != "/federation" && r.URL.Path != "/oauth" {
		return false
	}
	q := r.URL.Query()
	call := FederationCall{Action: q.Get("Action")}
	status, body := e.fedSignin(r, q, &call)
	f := e.fed()
	f.mu.Lock()
	call.Status = status
	f.calls = append(f.calls, call)
	f.mu.Unlock()
	if status == http.StatusFound {
		http.Redirect(w, r, body, status)
		return true
	}
	if status == http.StatusOK {
		w.Header().Set("Content-Type", "application/json")
	} else {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
	return true
}

// signin checks one request and returns the status and the body (the
// redirect target for 302).
func (e *Emulator) fedSignin(r *http.Request, q url.Values, call *FederationCall) (int, string) {
	if r.Method != http.MethodGet {
		return 405, "method not allowed"
	}
	switch {
	case r.URL.Path == "/oauth" && call.Action == "logout":
		u, err := url.Parse(q.Get("redirect_uri"))
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return 400, "redirect_uri is missing or not a URL"
		}
		return http.StatusFound, u.String()
	case r.URL.Path == "/federation" && call.Action == "getSigninToken":
		return e.fedGetSigninToken(q, call)
	case r.URL.Path == "/federation" && call.Action == "login":
		return e.fedLogin(q, call)
	}
	return 400, "unknown Action"
}

func (e *Emulator) fedGetSigninToken(q url.Values, call *FederationCall) (int, string) {
	var sess map[string]any
	if err := json.Unmarshal([]byte(q.Get("Session")), &sess); err != nil {
		return 400, "Session is not a JSON object"
	}
	fields := map[string]string{}
	for _, k := range []string{"sessionId", "sessionKey", "sessionToken"} {
		v, ok := sess[k].(string)
		if !ok || v == "" {
			return 400, "Session lacks " + k
		}
		fields[k] = v
	}
	if len(sess) != 3 {
		return 400, "Session has unknown fields"
	}
	e.mu.Lock()
	s, ok := e.issued[fields["sessionId"]]
	e.mu.Unlock()
	if !ok || subtle.ConstantTimeCompare([]byte(s.secret), []byte(fields["sessionKey"])) != 1 || s.token == "" ||
		subtle.ConstantTimeCompare([]byte(s.token), []byte(fields["sessionToken"])) != 1 {
		return 400, "the session is not valid"
	}
	call.Origin = e.OriginOf(fields["sessionId"])
	if !e.Now().Before(s.expires) {
		return 400, "the session has expired"
	}
	if call.Origin == OriginSessionToken {
		return 400, "credentials from GetSessionToken cannot sign in to the console"
	}
	if v, ok := q["SessionDuration"]; ok {
		n, err := strconv.Atoi(first(v))
		if err != nil || n < 900 || n > 43200 {
			return 400, "SessionDuration must be a number from 900 to 43200"
		}
		call.SessionDuration = n
		switch call.Origin {
		case OriginSAML, OriginAssumeRole, OriginWebIdentity:
		default:
			return 400, "SessionDuration is not allowed for these credentials (a chained role or federation-token credentials)"
		}
	}
	b := make([]byte, 240)
	_, _ = rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	f := e.fed()
	f.mu.Lock()
	f.tokens[token] = fedSigninToken{key: fields["sessionId"], expires: e.Now().Add(signinTokenLife)}
	f.mu.Unlock()
	out, _ := json.Marshal(map[string]string{"SigninToken": token})
	return 200, string(out)
}

func (e *Emulator) fedLogin(q url.Values, call *FederationCall) (int, string) {
	dest := q.Get("Destination")
	call.Destination = dest
	u, err := url.Parse(dest)
	if err != nil || u.Scheme != "https" || u.User != nil || !consoleHost().MatchString(u.Host) {
		return 400, "Destination is not an AWS console URL"
	}
	if q.Get("Issuer") == "" {
		return 400, "Issuer is missing"
	}
	f := e.fed()
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.tokens[q.Get("SigninToken")]
	switch {
	case !ok:
		return 400, "SigninToken is not valid"
	case t.used:
		return 400, "SigninToken was already used"
	case !e.Now().Before(t.expires):
		return 400, "SigninToken has expired"
	}
	t.used = true
	f.tokens[q.Get("SigninToken")] = t
	call.Origin = f.origins[t.key]
	return http.StatusFound, u.String()
}
