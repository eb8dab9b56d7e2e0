package credserver

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"

	"github.com/samlgo/samlgo/creds"
)

var issued = creds.Credentials{AccessKeyID: "ASIAEXAMPLEKEYID0001", SecretAccessKey: "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY", SessionToken: "FwoGZXIvYXdzEXAMPLE==", Expiration: time.Now().Add(time.Hour).UTC().Truncate(time.Second)}

// TestSDKReadsIt: aws-sdk-go-v2's own container credentials provider reads
// the endpoint with the token.
func TestSDKReadsIt(t *testing.T) {
	token, err := NewToken()
	if err != nil || len(token) != 2*TokenBytes {
		t.Fatalf("token %q, %v", token, err)
	}
	calls := 0
	srv := httptest.NewServer(&Server{Token: token, Credentials: func(context.Context) (creds.Credentials, error) { calls++; return issued, nil }})
	defer srv.Close()
	p := endpointcreds.New(srv.URL+"/", func(o *endpointcreds.Options) { o.AuthorizationToken = token })
	got, err := p.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got.AccessKeyID != issued.AccessKeyID || got.SecretAccessKey != issued.SecretAccessKey || got.SessionToken != issued.SessionToken || !got.Expires.Equal(issued.Expiration) || calls != 1 {
		t.Errorf("SDK read %+v after %d calls", got, calls)
	}
}

func TestRefusals(t *testing.T) {
	token, _ := NewToken()
	srv := httptest.NewServer(&Server{Token: token, Credentials: func(context.Context) (creds.Credentials, error) {
		return creds.Credentials{}, errors.New("profile \"p\" has expired; log in again\nsecond line")
	}})
	defer srv.Close()
	cases := []struct {
		method, auth string
		status       int
		body         string
	}{
		{"GET", "", 401, "AccessDenied"},
		{"GET", token[:len(token)-1], 401, "AccessDenied"},
		{"GET", token + "x", 401, "AccessDenied"},
		{"POST", token, 405, "MethodNotAllowed"},
		{"GET", token, 503, `log in again"`},
	}
	for _, c := range cases {
		req, _ := http.NewRequest(c.method, srv.URL+"/", nil)
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		buf := make([]byte, 4096)
		n, _ := resp.Body.Read(buf)
		b.Write(buf[:n])
		resp.Body.Close()
		if resp.StatusCode != c.status || !strings.Contains(b.String(), c.body) || strings.Contains(b.String(), token) || strings.Contains(b.String(), "second line") {
			t.Errorf("%s with %q: %d %s", c.method, c.auth, resp.StatusCode, b.String())
		}
	}
}

// TestServeEndsWithContext: Serve returns promptly when its context ends.
func TestServeEndsWithContext(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- (&Server{Token: "t", Credentials: nil}).Serve(ctx, ln) }()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not end with its context")
	}
}

func TestURL(t *testing.T) {
	for addr, want := range map[string]string{"127.0.0.1:80": "http://127.0.0.1:80/", "0.0.0.0:81": "http://127.0.0.1:81/", "[::1]:82": "http://[::1]:82/"} {
		a, _ := net.ResolveTCPAddr("tcp", addr)
		if got := URL(a); got != want {
			t.Errorf("URL(%s) = %s, want %s", addr, got, want)
		}
	}
}
