package kdc

import (
	"encoding/base64"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/jcmturner/gokrb5/v8/client"
	"github.com/jcmturner/gokrb5/v8/config"
	"github.com/jcmturner/gokrb5/v8/credentials"
	"github.com/jcmturner/gokrb5/v8/spnego"
)

// TestRealmIssuesAcceptedTickets: the realm's KDC answers kinit, and the
// acceptor takes a Negotiate token made from the kinit ticket for the
// HTTP service, and refuses a request without one, a token that is not
// one, and a token for a service whose key it does not have.
func TestRealmIssuesAcceptedTickets(t *testing.T) {
	r := Start(t, "localhost", "alice")
	env := r.Kinit(t, "alice")
	var ccache string
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "KRB5CCNAME=FILE:"); ok {
			ccache = v
		}
	}
	if st, err := os.Stat(ccache); err != nil || st.Size() == 0 {
		t.Fatalf("kinit left no credential cache at %q: %v", ccache, err)
	}
	cfg, err := config.Load(r.Config)
	if err != nil {
		t.Fatal(err)
	}
	cc, err := credentials.LoadCCache(ccache)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := client.NewFromCCache(cc, cfg, client.DisablePAFXFAST(true))
	if err != nil {
		t.Fatal(err)
	}
	acc, err := r.Acceptor()
	if err != nil {
		t.Fatal(err)
	}

	req := httptest.NewRequest("GET", "http://localhost/login", nil)
	if err := spnego.SetSPNEGOHeader(cl, req, "HTTP/localhost"); err != nil {
		t.Fatalf("making a token: %v\nKDC log:\n%s", err, r.Log())
	}
	if user, err := acc.Negotiate(req); user != "alice" || err != nil {
		t.Errorf("a token of alice's: %q, %v", user, err)
	}
	if n := r.TicketsFor(r.Service); n != 1 {
		t.Errorf("the KDC log shows %d tickets for %s, want 1:\n%s", n, r.Service, r.Log())
	}

	if user, err := acc.Negotiate(httptest.NewRequest("GET", "http://localhost/login", nil)); user != "" || err != nil {
		t.Errorf("no token: %q, %v", user, err)
	}
	bad := httptest.NewRequest("GET", "http://localhost/login", nil)
	bad.Header.Set("Authorization", "Negotiate "+base64.StdEncoding.EncodeToString([]byte("not a token")))
	if user, err := acc.Negotiate(bad); user != "" || err == nil {
		t.Errorf("garbage: %q, %v", user, err)
	}

	// A ticket for another service of the realm (its key is not in the
	// HTTP service's keytab): what a browser sends when the IdP's host
	// name and the SPN differ.
	other := Start(t, "idp.example.test", "alice")
	otherAcc, err := other.Acceptor()
	if err != nil {
		t.Fatal(err)
	}
	req = httptest.NewRequest("GET", "http://localhost/login", nil)
	if err := spnego.SetSPNEGOHeader(cl, req, "HTTP/localhost"); err != nil {
		t.Fatal(err)
	}
	if user, err := otherAcc.Negotiate(req); user != "" || err == nil {
		t.Errorf("a token for another service's key: %q, %v", user, err)
	}
}
