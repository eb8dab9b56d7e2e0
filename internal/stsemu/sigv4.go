package stsemu

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// GetCallerIdentityResponse is the STS reply (STS API Reference,
// GetCallerIdentity).
type GetCallerIdentityResponse struct {
	XMLName xml.Name `xml:"GetCallerIdentityResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Result  struct {
		Arn     string
		UserID  string `xml:"UserId"`
		Account string
	} `xml:"GetCallerIdentityResult"`
	ResponseMetadata responseMetadata
}

func parseForm(r *http.Request, body []byte) (url.Values, error) {
	q := r.URL.Query()
	if r.Method == http.MethodPost {
		f, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, err
		}
		for k, v := range f {
			q[k] = v
		}
	}
	return q, nil
}

// getCallerIdentity answers for credentials the emulator issued, after
// checking the request's Signature Version 4 ("Create a signed AWS API
// request", IAM User Guide): a wrong secret or token fails.
func (e *Emulator) getCallerIdentity(r *http.Request, body []byte) (any, error) {
	s, aerr := e.authenticate(r, body)
	if aerr != nil {
		return nil, aerr
	}
	out := &GetCallerIdentityResponse{Xmlns: xmlns}
	out.Result.Arn, out.Result.UserID, out.Result.Account = s.arn, s.userID, s.account
	out.ResponseMetadata.RequestID = requestID()
	return out, nil
}

func (e *Emulator) authenticate(r *http.Request, body []byte) (session, *apiError) {
	auth := r.Header.Get("Authorization")
	const algo = "AWS4-HMAC-SHA256 "
	if !strings.HasPrefix(auth, algo) {
		return session{}, errf(403, "MissingAuthenticationToken", "Request is missing Authentication Token")
	}
	fields := map[string]string{}
	for _, part := range strings.Split(strings.TrimPrefix(auth, algo), ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		fields[k] = v
	}
	scope := strings.Split(fields["Credential"], "/")
	if len(scope) != 5 || scope[3] != "sts" || scope[4] != "aws4_request" {
		return session{}, errf(403, "IncompleteSignature", "Credential scope is malformed")
	}
	e.mu.Lock()
	s, ok := e.issued[scope[0]]
	e.mu.Unlock()
	if !ok {
		return session{}, errf(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
	}
	if r.Header.Get("X-Amz-Security-Token") != s.token {
		return session{}, errf(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
	}
	if !e.Now().Before(s.expires) {
		return session{}, errf(403, "ExpiredToken", "The security token included in the request is expired")
	}
	amzDate := r.Header.Get("X-Amz-Date")
	t, err := time.Parse("20060102T150405Z", amzDate)
	if err != nil || !strings.HasPrefix(amzDate, scope[1]) {
		return session{}, errf(403, "IncompleteSignature", "X-Amz-Date is missing or does not match the credential scope")
	}
	if d := e.Now().Sub(t); d > 15*time.Minute || d < -15*time.Minute {
		return session{}, errf(403, "SignatureDoesNotMatch", "Signature expired: %s is now earlier than the allowed skew", amzDate)
	}
	signedHeaders := strings.Split(fields["SignedHeaders"], ";")
	var canon strings.Builder
	canon.WriteString(r.Method + "\n")
	canon.WriteString(canonicalPath(r.URL.EscapedPath()) + "\n")
	canon.WriteString(canonicalQuery(r.URL.Query()) + "\n")
	for _, h := range signedHeaders {
		v := r.Header.Values(h)
		if h == "host" {
			v = []string{r.Host}
		}
		vals := make([]string, len(v))
		for i, x := range v {
			vals[i] = strings.Join(strings.Fields(x), " ")
		}
		canon.WriteString(h + ":" + strings.Join(vals, ",") + "\n")
	}
	canon.WriteString("\n" + fields["SignedHeaders"] + "\n")
	payload := r.Header.Get("X-Amz-Content-Sha256")
	if payload == "" {
		sum := sha256.Sum256(body)
		payload = hex.EncodeToString(sum[:])
	}
	canon.WriteString(payload)
	crSum := sha256.Sum256([]byte(canon.String()))
	toSign := strings.Join([]string{"AWS4-HMAC-SHA256", amzDate, strings.Join(scope[1:], "/"), hex.EncodeToString(crSum[:])}, "\n")
	key := []byte("AWS4" + s.secret)
	for _, part := range scope[1:] {
		key = hmacSHA256(key, part)
	}
	want := hex.EncodeToString(hmacSHA256(key, toSign))
	if !hmac.Equal([]byte(want), []byte(fields["Signature"])) {
		return session{}, errf(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.")
	}
	return s, nil
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

func canonicalPath(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

func canonicalQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vals := append([]string(nil), q[k]...)
		sort.Strings(vals)
		for _, v := range vals {
			parts = append(parts, fmt.Sprintf("%s=%s", awsEscape(k), awsEscape(v)))
		}
	}
	return strings.Join(parts, "&")
}

// awsEscape is RFC 3986 percent-encoding as SigV4 requires.
func awsEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
