// Package signin turns temporary AWS credentials into an AWS console
// sign-in URL through the AWS federation endpoint ("Enable custom identity
// broker access to the AWS console", IAM User Guide): getSigninToken with
// the session, then the login URL that redeems the token.
//
// A sign-in token and a login URL are as good as the credentials for the
// console: nothing in this package puts either into an error or a log.
package signin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/samlgo/samlgo/creds"
)

// Issuer is the Issuer parameter of the login URL: the console shows it
// when the session ends.
const Issuer = "samlgo"

// Session length limits of the SessionDuration parameter ("The value can
// range from 900 seconds (15 minutes) to 43200 seconds (12 hours)").
const (
	MinSessionDuration = 15 * time.Minute
	MaxSessionDuration = 12 * time.Hour
)

// Hosts are a partition's public AWS sign-in and console host names.
type Hosts struct {
	Partition string
	// SignIn serves /federation and /oauth (sign-out).
	SignIn string
	// Console is the console's host; destinations must be on it or on a
	// regional name of it (eu-west-1.console.aws.amazon.com).
	Console string
}

// PartitionOf returns the partition a region belongs to: cn-* is aws-cn,
// us-gov-* aws-us-gov, eusc-* aws-eusc, anything else aws.
func PartitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "eusc-"):
		return "aws-eusc"
	}
	return "aws"
}

// HostsFor returns the sign-in and console hosts of the region's
// partition. The AWS European Sovereign Cloud has no global sign-in or
// console host: both are regional (the SDKs' endpoint rules for the
// signin service: https://{Region}.signin.amazonaws-eusc.eu).
func HostsFor(region string) Hosts {
	switch p := PartitionOf(region); p {
	case "aws-cn":
		return Hosts{p, "signin.amazonaws.cn", "console.amazonaws.cn"}
	case "aws-us-gov":
		return Hosts{p, "signin.amazonaws-us-gov.com", "console.amazonaws-us-gov.com"}
	case "aws-eusc":
		return Hosts{p, region + ".signin.amazonaws-eusc.eu", region + ".console.amazonaws-eusc.eu"}
	}
	return Hosts{"aws", "signin.aws.amazon.com", "console.aws.amazon.com"}
}

// consoleDomain is the console host without a regional prefix.
func (h Hosts) consoleDomain() string {
	if h.Partition == "aws-eusc" {
		return "console.amazonaws-eusc.eu"
	}
	return h.Console
}

// BaseURL is the sign-in service's base URL: endpoint (the value of
// AWS_ENDPOINT_URL_SIGNIN) when set, else https://<sign-in host>.
func (h Hosts) BaseURL(endpoint string) (string, error) {
	if endpoint == "" {
		return "https://" + h.SignIn, nil
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("AWS_ENDPOINT_URL_SIGNIN %q is not an http(s) URL without query or credentials", endpoint)
	}
	return strings.TrimRight(endpoint, "/"), nil
}

var serviceName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`) })

// Destination returns the console URL to land on: the console home for
// dest "", a service's home ("s3" → https://<console>/s3/home?region=R),
// or dest itself when it is an https URL on the partition's console host.
func (h Hosts) Destination(dest, region string) (string, error) {
	q := url.Values{"region": {region}}.Encode()
	switch {
	case dest == "":
		return "https://" + h.Console + "/console/home?" + q, nil
	case serviceName().MatchString(dest):
		return "https://" + h.Console + "/" + dest + "/home?" + q, nil
	}
	u, err := url.Parse(dest)
	if err != nil || u.Scheme != "https" || u.User != nil || u.Opaque != "" || strings.ContainsAny(dest, " \t\r\n") {
		return "", fmt.Errorf("not a service name (like s3) or an https console URL")
	}
	host := strings.ToLower(u.Hostname())
	if u.Port() != "" || !(host == h.consoleDomain() || strings.HasSuffix(host, "."+h.consoleDomain()) && regionLabel().MatchString(strings.TrimSuffix(host, "."+h.consoleDomain()))) {
		return "", fmt.Errorf("not on the %s console (%s)", h.Partition, h.consoleDomain())
	}
	u.Host = host
	return u.String(), nil
}

var regionLabel = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`) })

// LoginURL is the URL that signs the browser in with a sign-in token and
// lands on destination.
func LoginURL(base, token, destination string) string {
	return base + "/federation?" + url.Values{
		"Action":      {"login"},
		"Issuer":      {Issuer},
		"Destination": {destination},
		"SigninToken": {token},
	}.Encode()
}

// LogoutURL wraps a login URL in the console's sign-out redirect, so that
// a console session already open in the browser ends first instead of
// winning over the new one.
func LogoutURL(base, loginURL string) string {
	return base + "/oauth?" + url.Values{"Action": {"logout"}, "redirect_uri": {loginURL}}.Encode()
}

// Error is a failed getSigninToken call. It carries the HTTP status only:
// the response body may echo the request.
type Error struct {
	// Status is the HTTP status; zero when the endpoint did not answer.
	Status int
	// WithDuration is set when the request carried a SessionDuration.
	WithDuration bool
	Err          error
}

func (e *Error) Error() string {
	if e.Status == 0 {
		return fmt.Sprintf("could not reach the AWS sign-in endpoint: %v", e.Err)
	}
	return fmt.Sprintf("the AWS sign-in endpoint refused the credentials (HTTP %d)", e.Status)
}

func (e *Error) Unwrap() error { return e.Err }

// Client calls the federation endpoint.
type Client struct {
	// HTTP is the client to use; nil means http.DefaultClient.
	HTTP *http.Client
}

// maxResponse bounds what is read of a getSigninToken answer (real ones
// are under 2 KB).
const maxResponse = 64 << 10

// SigninToken calls getSigninToken at base with the session credentials c;
// a non-zero sessionDuration is sent as SessionDuration. The request is a
// GET, as AWS documents it; the session goes in the query.
func (cl Client) SigninToken(ctx context.Context, base string, c creds.Credentials, sessionDuration time.Duration) (string, error) {
	session, err := json.Marshal(struct {
		ID    string `json:"sessionId"`
		Key   string `json:"sessionKey"`
		Token string `json:"sessionToken"`
	}{c.AccessKeyID, c.SecretAccessKey, c.SessionToken})
	if err != nil {
		return "", err
	}
	q := url.Values{"Action": {"getSigninToken"}, "Session": {string(session)}}
	if sessionDuration > 0 {
		q.Set("SessionDuration", strconv.Itoa(int(sessionDuration/time.Second)))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/federation?"+q.Encode(), nil)
	if err != nil {
		return "", errors.New("building the getSigninToken request failed")
	}
	hc := cl.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		// *url.Error quotes the URL, which holds the session: keep only
		// the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "", &Error{Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return "", &Error{Err: errors.New("reading the answer failed")}
	}
	if resp.StatusCode != http.StatusOK {
		return "", &Error{Status: resp.StatusCode, WithDuration: sessionDuration > 0}
	}
	return ParseTokenResponse(body)
}

// tokenPattern is what a sign-in token may hold: URL-safe printable
// characters. Real tokens are base64url text of a few hundred characters.
var tokenPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_\-+/=.~]+$`) })

// maxToken bounds a sign-in token's length.
const maxToken = 8192

// ParseTokenResponse reads getSigninToken's answer {"SigninToken": "…"}.
// The error never contains the body.
func ParseTokenResponse(body []byte) (string, error) {
	if len(body) > maxResponse {
		return "", errors.New("the AWS sign-in endpoint answered with more than 64 KB")
	}
	var out struct {
		SigninToken string
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return "", errors.New("the AWS sign-in endpoint's answer is not JSON")
	}
	if len(out.SigninToken) > maxToken || !tokenPattern().MatchString(out.SigninToken) {
		return "", errors.New("the AWS sign-in endpoint's answer holds no usable SigninToken")
	}
	return out.SigninToken, nil
}
