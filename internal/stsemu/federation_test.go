package stsemu

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/signin"
	"github.com/samlgo/samlgo/sts"
)

const fedTestRole = "arn:aws:iam::123456789012:role/Admin"

func startEmu(t *testing.T) *Emulator {
	t.Helper()
	e := New()
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func toCreds(c Credentials) creds.Credentials {
	exp, _ := time.Parse(time.RFC3339, c.Expiration)
	return creds.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, Expiration: exp}
}

func signinStatus(t *testing.T, e *Emulator, c creds.Credentials, d time.Duration) (string, int) {
	t.Helper()
	tok, err := signin.Client{}.SigninToken(context.Background(), e.URL, c, d)
	var se *signin.Error
	if errors.As(err, &se) {
		return "", se.Status
	} else if err != nil {
		t.Fatal(err)
	}
	return tok, 200
}

func TestFederationSessionDurationRules(t *testing.T) {
	e := startEmu(t)
	for _, c := range []struct {
		origin Origin
		withD  int // status with SessionDuration
	}{
		{OriginSAML, 200}, {OriginAssumeRole, 200}, {OriginWebIdentity, 200},
		{OriginChained, 400}, {OriginFederationToken, 400}, {"", 400},
	} {
		s := toCreds(e.IssueSession(c.origin, fedTestRole, time.Hour))
		if _, st := signinStatus(t, e, s, 0); st != 200 {
			t.Errorf("%q without SessionDuration: %d", c.origin, st)
		}
		if _, st := signinStatus(t, e, s, 2*time.Hour); st != c.withD {
			t.Errorf("%q with SessionDuration: %d, want %d", c.origin, st, c.withD)
		}
	}
	saml := toCreds(e.IssueSession(OriginSAML, fedTestRole, time.Hour))
	for _, d := range []time.Duration{10 * time.Minute, 13 * time.Hour} {
		if _, st := signinStatus(t, e, saml, d); st != 400 {
			t.Errorf("SessionDuration %s: %d", d, st)
		}
	}
	bad := saml
	bad.SecretAccessKey += "x"
	if _, st := signinStatus(t, e, bad, 0); st != 400 {
		t.Errorf("wrong secret: %d", st)
	}
	bad = saml
	bad.SessionToken = ""
	if _, st := signinStatus(t, e, bad, 0); st != 400 {
		t.Errorf("no token: %d", st)
	}
	st := toCreds(e.IssueSession(OriginSessionToken, fedTestRole, time.Hour))
	if _, code := signinStatus(t, e, st, 0); code != 400 {
		t.Errorf("GetSessionToken credentials: %d", code)
	}
	e.Now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	if _, code := signinStatus(t, e, saml, 0); code != 400 {
		t.Errorf("expired session: %d", code)
	}
}

func TestFederationLogin(t *testing.T) {
	e := startEmu(t)
	s := toCreds(e.IssueSession(OriginSAML, fedTestRole, time.Hour))
	tok, _ := signinStatus(t, e, s, 0)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(u string) (int, string) {
		resp, err := noRedirect.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("Location")
	}
	dest := "https://console.aws.amazon.com/s3/home?region=eu-west-1"
	if code, _ := get(signin.LoginURL(e.URL, tok, "https://evil.example/")); code != 400 {
		t.Errorf("foreign destination: %d", code)
	}
	login := signin.LoginURL(e.URL, tok, dest)
	if code, loc := get(signin.LogoutURL(e.URL, login)); code != 302 || loc != login {
		t.Errorf("logout: %d %q", code, loc)
	}
	if code, loc := get(login); code != 302 || loc != dest {
		t.Errorf("login: %d %q", code, loc)
	}
	if code, _ := get(login); code != 400 {
		t.Errorf("second use of a sign-in token: %d", code)
	}
	if code, _ := get(signin.LoginURL(e.URL, "nope", dest)); code != 400 {
		t.Errorf("unknown token: %d", code)
	}
	for _, c := range e.FederationCalls() {
		if strings.Contains(c.Destination, tok) {
			t.Errorf("call record holds the token")
		}
	}
}

func TestGetFederationToken(t *testing.T) {
	e := startEmu(t)
	user := e.AddUserIn("aws", "123456789012", "alice")
	c, err := sts.New(context.Background(), sts.Options{Region: "us-east-1", Endpoint: e.URL})
	if err != nil {
		t.Fatal(err)
	}
	long := creds.Credentials{AccessKeyID: user.AccessKeyID, SecretAccessKey: user.SecretAccessKey}
	res, err := c.GetFederationToken(context.Background(), long, sts.FederationTokenRequest{Name: "samlgo", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, Duration: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if res.AssumedRoleARN != "arn:aws:sts::123456789012:federated-user/samlgo" || e.OriginOf(res.Credentials.AccessKeyID) != OriginFederationToken {
		t.Errorf("result %+v", res)
	}
	if _, st := signinStatus(t, e, res.Credentials, time.Hour); st != 400 {
		t.Errorf("federation token with SessionDuration: %d", st)
	}
	if _, st := signinStatus(t, e, res.Credentials, 0); st != 200 {
		t.Errorf("federation token: %d", st)
	}
	if _, err := c.GetFederationToken(context.Background(), res.Credentials, sts.FederationTokenRequest{Name: "samlgo"}); err == nil {
		t.Error("GetFederationToken with session credentials succeeded")
	}
	long.SecretAccessKey += "x"
	if _, err := c.GetFederationToken(context.Background(), long, sts.FederationTokenRequest{Name: "samlgo"}); err == nil {
		t.Error("GetFederationToken with a wrong secret succeeded")
	}
	if _, st := signinStatus(t, e, creds.Credentials{AccessKeyID: user.AccessKeyID, SecretAccessKey: user.SecretAccessKey}, 0); st != 400 {
		t.Errorf("long-term keys at getSigninToken: %d", st)
	}
}
