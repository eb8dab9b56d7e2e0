package stsemu

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The signed STS calls (AssumeRole, GetSessionToken, GetFederationToken,
// DecodeAuthorizationMessage) and AssumeRoleWithWebIdentity, checked as
// the STS API Reference documents them: the caller is authenticated with
// SigV4 against the keys the emulator issued, roles exist and trust the
// caller only with the right ExternalId and MFA, MFA codes are good once,
// role chaining is capped at one hour.

// Role is a role AssumeRole and AssumeRoleWithWebIdentity may assume.
type Role struct {
	ARN string
	// ExternalID, when set, must be passed as ExternalId
	// (sts:ExternalId condition).
	ExternalID string
	// MFA requires aws:MultiFactorAuthPresent: a caller whose session
	// carries MFA, or SerialNumber and a good TokenCode.
	MFA bool
	// MaxSessionDuration defaults to 1h.
	MaxSessionDuration time.Duration
	// OIDCIssuer, when set, lets AssumeRoleWithWebIdentity assume the
	// role with a JWT whose "iss" is this.
	OIDCIssuer string
}

// moreState is the emulator state of the calls in this file.
type moreState struct {
	roles    map[string]Role
	mfa      map[string]map[string]bool // serial → code → used
	messages map[string]string
}

// Keys are long-term access keys the emulator made for a user.
type Keys struct {
	AccessKeyID, SecretAccessKey, ARN string
}

// AddUser makes an IAM user (or, with name "root", the account's root
// user) with long-term keys that sign calls to the emulator.
func (e *Emulator) AddUser(account, name string) Keys {
	key := randomString("AKIA", 20, alnum)
	secret := make([]byte, 30)
	_, _ = rand.Read(secret)
	s := session{
		secret: base64.StdEncoding.EncodeToString(secret), arn: fmt.Sprintf("arn:aws:iam::%s:user/%s", account, name),
		userID: randomString("AIDA", 21, alnum), account: account, expires: e.Now().Add(100 * 365 * 24 * time.Hour), kind: "user",
	}
	if name == "root" {
		s.arn, s.userID, s.root = fmt.Sprintf("arn:aws:iam::%s:root", account), account, true
	}
	e.mu.Lock()
	e.issued[key] = s
	e.mu.Unlock()
	e.setOrigin(key, OriginLongTerm)
	return Keys{key, s.secret, s.arn}
}

// AddRole makes a role assumable.
func (e *Emulator) AddRole(r Role) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.more.roles == nil {
		e.more.roles = map[string]Role{}
	}
	e.more.roles[r.ARN] = r
	if r.MaxSessionDuration != 0 {
		e.maxDuration[r.ARN] = r.MaxSessionDuration
	}
}

// AddMFACodes registers codes of an MFA device; each is accepted once.
func (e *Emulator) AddMFACodes(serial string, codes ...string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.more.mfa == nil {
		e.more.mfa = map[string]map[string]bool{}
	}
	if e.more.mfa[serial] == nil {
		e.more.mfa[serial] = map[string]bool{}
	}
	for _, c := range codes {
		e.more.mfa[serial][c] = false
	}
}

// AddAuthorizationMessage makes DecodeAuthorizationMessage answer decoded
// for encoded.
func (e *Emulator) AddAuthorizationMessage(encoded, decoded string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.more.messages == nil {
		e.more.messages = map[string]string{}
	}
	e.more.messages[encoded] = decoded
}

func (e *Emulator) moreActions(action string, r *http.Request, body []byte, form url.Values) (any, error, bool) {
	var res any
	var aerr *apiError
	switch action {
	case "AssumeRole":
		res, aerr = e.assumeRole(r, body, form)
	case "GetSessionToken":
		res, aerr = e.getSessionToken(r, body, form)
	case "GetFederationToken":
		res, aerr = e.getFederationToken(r, body, form)
	case "DecodeAuthorizationMessage":
		res, aerr = e.decodeAuthorizationMessage(r, body, form)
	case "AssumeRoleWithWebIdentity":
		res, aerr = e.assumeRoleWithWebIdentity(form)
	default:
		return nil, nil, false
	}
	if aerr != nil {
		return nil, aerr, true
	}
	return res, nil, true
}

// AssumeRoleResponse is the STS reply (STS API Reference, AssumeRole).
type AssumeRoleResponse struct {
	XMLName xml.Name `xml:"AssumeRoleResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Result  struct {
		Credentials     Credentials
		AssumedRoleUser AssumedRoleUser
	} `xml:"AssumeRoleResult"`
	ResponseMetadata responseMetadata
}

var externalIDPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\w+=,.@:/-]+$`) }) // and 2–1224 long

// chainedLimit is AWS's message for role chaining beyond one hour.
const chainedLimit = "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."

func (e *Emulator) assumeRole(r *http.Request, body []byte, form url.Values) (any, *apiError) {
	caller, aerr := e.authenticate(r, body)
	if aerr != nil {
		return nil, aerr
	}
	roleARN, name := form.Get("RoleArn"), form.Get("RoleSessionName")
	for k, v := range map[string]string{"RoleArn": roleARN, "RoleSessionName": name} {
		if v == "" {
			return nil, errf(400, "MissingParameter", "The request must contain the parameter %s", k)
		}
	}
	if !sessionNamePattern().MatchString(name) {
		return nil, errf(400, "ValidationError", "1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", name)
	}
	m := roleARNPattern().FindStringSubmatch(roleARN)
	if m == nil {
		return nil, errf(400, "ValidationError", "%s is not a valid role ARN", roleARN)
	}
	if ext := form.Get("ExternalId"); ext != "" && (len(ext) < 2 || len(ext) > 1224 || !externalIDPattern().MatchString(ext)) {
		return nil, errf(400, "ValidationError", "1 validation error detected: Value at 'externalId' failed to satisfy constraint")
	}
	if caller.kind == "federated" {
		return nil, errf(403, "AccessDenied", "Cannot call AssumeRole with federated user credentials")
	}
	e.mu.Lock()
	role, ok := e.more.roles[roleARN]
	maxDur := e.maxDuration[roleARN]
	e.mu.Unlock()
	if maxDur == 0 {
		maxDur = time.Hour
	}
	d, derr := durationParam(form, maxDur)
	if derr != nil {
		if derr.message != chainedLimit && caller.kind == "" && form.Get("DurationSeconds") != "" {
			if n, _ := strconv.Atoi(form.Get("DurationSeconds")); n > 3600 {
				return nil, errf(400, "ValidationError", chainedLimit)
			}
		}
		return nil, derr
	}
	if caller.kind == "" && d > time.Hour {
		return nil, errf(400, "ValidationError", chainedLimit)
	}
	denied := errf(403, "AccessDenied", "User: %s is not authorized to perform: sts:AssumeRole on resource: %s", caller.arn, roleARN)
	if !ok || role.ExternalID != form.Get("ExternalId") {
		return nil, denied
	}
	serial, code := form.Get("SerialNumber"), form.Get("TokenCode")
	if serial != "" || code != "" {
		if aerr := e.checkMFA(serial, code); aerr != nil {
			return nil, aerr
		}
	} else if role.MFA && !caller.mfa {
		return nil, denied
	}
	c, user := e.issue(m[1], m[2], roleName(roleARN), name, d)
	// The console's SessionDuration rules go by how the session was made.
	if caller.kind == "user" {
		e.setOrigin(c.AccessKeyID, OriginAssumeRole)
	} else {
		e.setOrigin(c.AccessKeyID, OriginChained)
	}
	out := &AssumeRoleResponse{Xmlns: xmlns}
	out.Result.Credentials, out.Result.AssumedRoleUser = c, user
	out.ResponseMetadata.RequestID = requestID()
	return out, nil
}

func roleName(arn string) string { return arn[strings.LastIndexByte(arn, '/')+1:] }

var tokenCodePattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\d{6}$`) })

// checkMFA accepts a registered code once.
func (e *Emulator) checkMFA(serial, code string) *apiError {
	if serial == "" || code == "" {
		return errf(400, "ValidationError", "SerialNumber and TokenCode go together")
	}
	if !tokenCodePattern().MatchString(code) {
		return errf(400, "ValidationError", "1 validation error detected: Value at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]*")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	used, known := e.more.mfa[serial][code]
	if !known || used {
		return errf(403, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.")
	}
	e.more.mfa[serial][code] = true
	return nil
}

// GetSessionTokenResponse is the STS reply (STS API Reference,
// GetSessionToken).
type GetSessionTokenResponse struct {
	XMLName xml.Name `xml:"GetSessionTokenResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Result  struct {
		Credentials Credentials
	} `xml:"GetSessionTokenResult"`
	ResponseMetadata responseMetadata
}

// tokenDuration reads DurationSeconds of GetSessionToken and
// GetFederationToken: 900–129600 for IAM users, 900–3600 for root.
func tokenDuration(form url.Values, root bool) (time.Duration, *apiError) {
	v := form.Get("DurationSeconds")
	if v == "" {
		if root {
			return time.Hour, nil
		}
		return 12 * time.Hour, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 900 || n > 129600 {
		return 0, errf(400, "ValidationError", "1 validation error detected: Value '%s' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 129600", v)
	}
	if root && n > 3600 {
		return 0, errf(400, "ValidationError", "The requested DurationSeconds exceeds the 1 hour limit for root credentials.")
	}
	return time.Duration(n) * time.Second, nil
}

func (e *Emulator) getSessionToken(r *http.Request, body []byte, form url.Values) (any, *apiError) {
	caller, aerr := e.authenticate(r, body)
	if aerr != nil {
		return nil, aerr
	}
	if caller.kind != "user" {
		return nil, errf(403, "AccessDenied", "Cannot call GetSessionToken with session credentials")
	}
	d, aerr := tokenDuration(form, caller.root)
	if aerr != nil {
		return nil, aerr
	}
	serial, code := form.Get("SerialNumber"), form.Get("TokenCode")
	if serial != "" || code != "" {
		if aerr := e.checkMFA(serial, code); aerr != nil {
			return nil, aerr
		}
	}
	s := caller
	s.kind, s.mfa = "session", serial != ""
	out := &GetSessionTokenResponse{Xmlns: xmlns}
	out.Result.Credentials = e.issueSession(s, d)
	e.setOrigin(out.Result.Credentials.AccessKeyID, OriginSessionToken)
	out.ResponseMetadata.RequestID = requestID()
	return out, nil
}

// issueSession makes and remembers temporary credentials like s.
func (e *Emulator) issueSession(s session, d time.Duration) Credentials {
	key := randomString("ASIA", 20, alnum)
	secret, token := make([]byte, 30), make([]byte, 300)
	_, _ = rand.Read(secret)
	_, _ = rand.Read(token)
	s.secret = base64.StdEncoding.EncodeToString(secret)
	s.token = "IQoJb3JpZ2luX2VjE" + base64.StdEncoding.EncodeToString(token)
	s.expires = e.Now().UTC().Add(d)
	e.mu.Lock()
	e.issued[key] = s
	e.mu.Unlock()
	return Credentials{key, s.secret, s.token, e.answerExpiration(s.expires)}
}

// GetFederationTokenResponse is the STS reply (STS API Reference,
// GetFederationToken).
type GetFederationTokenResponse struct {
	XMLName xml.Name `xml:"GetFederationTokenResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Result  struct {
		Credentials   Credentials
		FederatedUser struct {
			FederatedUserID string `xml:"FederatedUserId"`
			Arn             string
		}
		PackedPolicySize int
	} `xml:"GetFederationTokenResult"`
	ResponseMetadata responseMetadata
}

var federatedName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\w+=,.@-]{2,32}$`) })

func (e *Emulator) getFederationToken(r *http.Request, body []byte, form url.Values) (any, *apiError) {
	caller, aerr := e.authenticate(r, body)
	if aerr != nil {
		return nil, aerr
	}
	if caller.kind != "user" {
		return nil, errf(403, "AccessDenied", "Cannot call GetFederationToken with session credentials")
	}
	name := form.Get("Name")
	if name == "" {
		return nil, errf(400, "MissingParameter", "The request must contain the parameter Name")
	}
	if !federatedName().MatchString(name) {
		return nil, errf(400, "ValidationError", "1 validation error detected: Value '%s' at 'name' failed to satisfy constraint", name)
	}
	size := 0
	if p := form.Get("Policy"); p != "" {
		if !json.Valid([]byte(p)) {
			return nil, errf(400, "MalformedPolicyDocument", "The policy is not in the valid JSON format.")
		}
		if len(p) > 2048 {
			return nil, errf(400, "PackedPolicyTooLarge", "The policy is too large.")
		}
		size = len(p) * 100 / 2048
	}
	d, aerr := tokenDuration(form, caller.root)
	if aerr != nil {
		return nil, aerr
	}
	s := caller
	s.kind, s.mfa = "federated", false
	partition := "aws"
	if parts := strings.Split(caller.arn, ":"); len(parts) > 1 {
		partition = parts[1]
	}
	s.arn = fmt.Sprintf("arn:%s:sts::%s:federated-user/%s", partition, caller.account, name)
	s.userID = caller.account + ":" + name
	out := &GetFederationTokenResponse{Xmlns: xmlns}
	out.Result.Credentials = e.issueSession(s, d)
	e.setOrigin(out.Result.Credentials.AccessKeyID, OriginFederationToken)
	out.Result.FederatedUser.FederatedUserID, out.Result.FederatedUser.Arn = s.userID, s.arn
	out.Result.PackedPolicySize = size
	out.ResponseMetadata.RequestID = requestID()
	return out, nil
}

// DecodeAuthorizationMessageResponse is the STS reply (STS API Reference,
// DecodeAuthorizationMessage).
type DecodeAuthorizationMessageResponse struct {
	XMLName xml.Name `xml:"DecodeAuthorizationMessageResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Result  struct {
		DecodedMessage string
	} `xml:"DecodeAuthorizationMessageResult"`
	ResponseMetadata responseMetadata
}

func (e *Emulator) decodeAuthorizationMessage(r *http.Request, body []byte, form url.Values) (any, *apiError) {
	caller, aerr := e.authenticate(r, body)
	if aerr != nil {
		return nil, aerr
	}
	if caller.kind == "federated" {
		return nil, errf(403, "AccessDenied", "User: %s is not authorized to perform: sts:DecodeAuthorizationMessage", caller.arn)
	}
	msg := form.Get("EncodedMessage")
	if msg == "" {
		return nil, errf(400, "MissingParameter", "The request must contain the parameter EncodedMessage")
	}
	if len(msg) > 10240 {
		return nil, errf(400, "ValidationError", "1 validation error detected: Value at 'encodedMessage' failed to satisfy constraint: Member must have length less than or equal to 10240")
	}
	e.mu.Lock()
	decoded, ok := e.more.messages[msg]
	e.mu.Unlock()
	if !ok {
		return nil, errf(400, "InvalidAuthorizationMessageException", "The encoded message is not valid.")
	}
	out := &DecodeAuthorizationMessageResponse{Xmlns: xmlns}
	out.Result.DecodedMessage = decoded
	out.ResponseMetadata.RequestID = requestID()
	return out, nil
}

// AssumeRoleWithWebIdentityResponse is the STS reply (STS API Reference,
// AssumeRoleWithWebIdentity).
type AssumeRoleWithWebIdentityResponse struct {
	XMLName xml.Name `xml:"AssumeRoleWithWebIdentityResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Result  struct {
		Credentials                 Credentials
		SubjectFromWebIdentityToken string
		AssumedRoleUser             AssumedRoleUser
		Provider                    string
		Audience                    string
	} `xml:"AssumeRoleWithWebIdentityResult"`
	ResponseMetadata responseMetadata
}

// assumeRoleWithWebIdentity is unsigned; the token must be a JWT from the
// role's OIDCIssuer that has not expired (the emulator does not check the
// signature against the issuer's keys).
func (e *Emulator) assumeRoleWithWebIdentity(form url.Values) (any, *apiError) {
	roleARN, name, token := form.Get("RoleArn"), form.Get("RoleSessionName"), form.Get("WebIdentityToken")
	for k, v := range map[string]string{"RoleArn": roleARN, "RoleSessionName": name, "WebIdentityToken": token} {
		if v == "" {
			return nil, errf(400, "MissingParameter", "The request must contain the parameter %s", k)
		}
	}
	if len(token) < 4 || len(token) > 20000 {
		return nil, errf(400, "ValidationError", "1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length less than or equal to 20000")
	}
	if !sessionNamePattern().MatchString(name) {
		return nil, errf(400, "ValidationError", "1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint", name)
	}
	m := roleARNPattern().FindStringSubmatch(roleARN)
	if m == nil {
		return nil, errf(400, "ValidationError", "%s is not a valid role ARN", roleARN)
	}
	e.mu.Lock()
	role, ok := e.more.roles[roleARN]
	maxDur := e.maxDuration[roleARN]
	e.mu.Unlock()
	if maxDur == 0 {
		maxDur = time.Hour
	}
	d, aerr := durationParam(form, maxDur)
	if aerr != nil {
		return nil, aerr
	}
	parts := strings.Split(token, ".")
	var claims struct {
		Iss string          `json:"iss"`
		Sub string          `json:"sub"`
		Aud json.RawMessage `json:"aud"`
		Exp int64           `json:"exp"`
	}
	if len(parts) != 3 {
		return nil, errf(400, "InvalidIdentityToken", "The web identity token is not a JWT")
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || json.Unmarshal(b, &claims) != nil {
		return nil, errf(400, "InvalidIdentityToken", "The web identity token's claims do not parse")
	}
	if !ok || role.OIDCIssuer == "" || claims.Iss != role.OIDCIssuer {
		return nil, errf(403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
	}
	if claims.Exp == 0 || !e.Now().Before(time.Unix(claims.Exp, 0)) {
		return nil, errf(400, "ExpiredTokenException", "Token expired: current date/time %d must be before the expiration date/time %d", e.Now().Unix(), claims.Exp)
	}
	c, user := e.issue(m[1], m[2], roleName(roleARN), name, d)
	e.setOrigin(c.AccessKeyID, OriginWebIdentity)
	out := &AssumeRoleWithWebIdentityResponse{Xmlns: xmlns}
	out.Result.Credentials, out.Result.AssumedRoleUser = c, user
	out.Result.SubjectFromWebIdentityToken, out.Result.Provider = claims.Sub, claims.Iss
	out.Result.Audience = strings.Trim(string(claims.Aud), `"`)
	out.ResponseMetadata.RequestID = requestID()
	return out, nil
}
