package signin

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/creds"
)

func TestHostsAndDestination(t *testing.T) {
	for _, c := range []struct {
		region, partition, signin, home string
	}{
		{"eu-west-1", "aws", "signin.aws.amazon.com", "https://console.aws.amazon.com/console/home?region=eu-west-1"},
		{"cn-northwest-1", "aws-cn", "signin.amazonaws.cn", "https://console.amazonaws.cn/console/home?region=cn-northwest-1"},
		{"us-gov-west-1", "aws-us-gov", "signin.amazonaws-us-gov.com", "https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1"},
		{"eusc-de-east-1", "aws-eusc", "eusc-de-east-1.signin.amazonaws-eusc.eu", "https://eusc-de-east-1.console.amazonaws-eusc.eu/console/home?region=eusc-de-east-1"},
	} {
		h := HostsFor(c.region)
		if h.Partition != c.partition || h.SignIn != c.signin {
			t.Errorf("HostsFor(%q) = %+v", c.region, h)
		}
		if d, err := h.Destination("", c.region); err != nil || d != c.home {
			t.Errorf("%s home = %q, %v; want %q", c.region, d, err, c.home)
		}
		if d, err := h.Destination("s3", c.region); err != nil || !strings.HasSuffix(d, "/s3/home?region="+c.region) {
			t.Errorf("%s s3 = %q, %v", c.region, d, err)
		}
	}
	h := HostsFor("us-east-1")
	for _, ok := range []string{"https://console.aws.amazon.com/ec2/home#Instances", "https://eu-west-1.console.aws.amazon.com/s3/buckets"} {
		if _, err := h.Destination(ok, "us-east-1"); err != nil {
			t.Errorf("Destination(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"http://console.aws.amazon.com/", "https://evil.example/console.aws.amazon.com", "https://console.aws.amazon.com.evil.example/",
		"https://user@console.aws.amazon.com/", "https://console.amazonaws.cn/", "S3", "https://console.aws.amazon.com:8443/", "https://a.b.console.aws.amazon.com/", "javascript:alert(1)"} {
		if d, err := h.Destination(bad, "us-east-1"); err == nil {
			t.Errorf("Destination(%q) = %q, want an error", bad, d)
		}
	}
}

func TestBaseURL(t *testing.T) {
	h := HostsFor("us-east-1")
	if b, _ := h.BaseURL(""); b != "https://signin.aws.amazon.com" {
		t.Errorf("base = %q", b)
	}
	if b, _ := h.BaseURL("http://127.0.0.1:9/"); b != "http://127.0.0.1:9" {
		t.Errorf("base = %q", b)
	}
	for _, bad := range []string{"ftp://x", "http://u:p@x", "http://x/?a=b", "not a url"} {
		if _, err := h.BaseURL(bad); err == nil {
			t.Errorf("BaseURL(%q) accepted", bad)
		}
	}
}

func TestSigninTokenRequest(t *testing.T) {
	c := creds.Credentials{AccessKeyID: "ASIAEXAMPLE000000001", SecretAccessKey: "secret+/=", SessionToken: "tok&en=="}
	var got url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.Query()
		if got.Get("SessionDuration") == "7200" {
			w.WriteHeader(400)
			w.Write([]byte("refused: " + got.Get("Session")))
			return
		}
		w.Write([]byte(`{"SigninToken":"tok-123_abc"}`))
	}))
	defer srv.Close()
	tok, err := Client{}.SigninToken(context.Background(), srv.URL, c, 0)
	if err != nil || tok != "tok-123_abc" {
		t.Fatalf("token = %q, %v", tok, err)
	}
	if got.Get("Action") != "getSigninToken" || got.Get("Session") != `{"sessionId":"ASIAEXAMPLE000000001","sessionKey":"secret+/=","sessionToken":"tok\u0026en=="}` || got.Has("SessionDuration") {
		t.Errorf("query = %v", got)
	}
	_, err = Client{}.SigninToken(context.Background(), srv.URL, c, 2*time.Hour)
	if err == nil || !strings.Contains(err.Error(), "HTTP 400") || strings.Contains(err.Error(), "secret") {
		t.Errorf("error = %v", err)
	}
	// An unreachable endpoint: the error must not quote the URL, which
	// holds the session.
	srv.Close()
	_, err = Client{}.SigninToken(context.Background(), srv.URL, c, 0)
	if err == nil || strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "Session") {
		t.Errorf("error = %v", err)
	}
}

func TestLoginAndLogoutURL(t *testing.T) {
	login := LoginURL("https://signin.aws.amazon.com", "T0K", "https://console.aws.amazon.com/s3/home?region=eu-west-1")
	u, _ := url.Parse(login)
	q := u.Query()
	if u.Host != "signin.aws.amazon.com" || u.Path != "/federation" || q.Get("Action") != "login" || q.Get("Issuer") != Issuer || q.Get("SigninToken") != "T0K" || q.Get("Destination") != "https://console.aws.amazon.com/s3/home?region=eu-west-1" {
		t.Errorf("login URL = %s", login)
	}
	out, _ := url.Parse(LogoutURL("https://signin.aws.amazon.com", login))
	if out.Path != "/oauth" || out.Query().Get("Action") != "logout" || out.Query().Get("redirect_uri") != login {
		t.Errorf("logout URL = %s", out)
	}
}

func TestParseTokenResponse(t *testing.T) {
	for body, ok := range map[string]bool{
		`{"SigninToken":"abc-DEF_123"}`: true,
		`{"SigninToken":""}`:            false,
		`{"SigninToken":"a b"}`:         false,
		`{"SigninToken":"a\nb"}`:        false,
		`<html>`:                        false,
		`{}`:                            false,
	} {
		if _, err := ParseTokenResponse([]byte(body)); (err == nil) != ok {
			t.Errorf("ParseTokenResponse(%q): %v", body, err)
		}
	}
}

func FuzzParseTokenResponse(f *testing.F) {
	f.Add([]byte(`{"SigninToken":"abc"}`))
	f.Add([]byte(`{"SigninToken":"a\u0000"}`))
	f.Add([]byte(`[1]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		tok, err := ParseTokenResponse(body)
		if err != nil {
			if strings.Contains(err.Error(), "\n") || (len(body) > 40 && strings.Contains(err.Error(), string(body))) {
				t.Errorf("error %q shows the body", err)
			}
			return
		}
		if !tokenPattern().MatchString(tok) {
			t.Errorf("token %q accepted", tok)
		}
	})
}

func FuzzDestination(f *testing.F) {
	for _, s := range []string{"", "s3", "https://console.aws.amazon.com/x", "https://eu-west-1.console.aws.amazon.com/", "https://console.aws.amazon.com@evil/"} {
		f.Add(s, "us-east-1")
	}
	f.Fuzz(func(t *testing.T, dest, region string) {
		if !regionLabel().MatchString(region) {
			return
		}
		h := HostsFor(region)
		d, err := h.Destination(dest, region)
		if err != nil {
			return
		}
		u, perr := url.Parse(d)
		if perr != nil || u.Scheme != "https" || u.User != nil {
			t.Fatalf("Destination(%q) = %q", dest, d)
		}
		if host := u.Hostname(); host != h.consoleDomain() && !strings.HasSuffix(host, "."+h.consoleDomain()) {
			t.Fatalf("Destination(%q) = %q, off the console", dest, d)
		}
	})
}
