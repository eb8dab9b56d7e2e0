//go:build unix

package main

// Kerberos end to end (issue 17): MIT's KDC on 127.0.0.1 with a
// throw-away realm, the test IdP's login page behind SPNEGO with the
// HTTP service's keytab, a kinit ticket for the user, and samlgo's
// headless Chrome reading it through the system GSSAPI library.

import (
	"fmt"
	"strings"
	"testing"

	"github.com/samlgo/samlgo/internal/kdc"
)

// kerberosWorld is a browser world whose IdP negotiates: reached as
// http://localhost:PORT, so the service principal Chrome asks the KDC for
// is HTTP/localhost (Chrome leaves the port out of the SPN), and with
// alice's ticket in a credential cache that samlgo's environment names.
func kerberosWorld(t *testing.T) (*browserWorld, *kdc.Realm, string) {
	t.Helper()
	w := newBrowserWorld(t)
	realm := kdc.Start(t, "localhost", "alice")
	acc, err := realm.Acceptor()
	if err != nil {
		t.Fatal(err)
	}
	w.idp.Negotiate = acc // before the first request
	// KRB5_CONFIG and KRB5CCNAME reach Chrome with the rest of samlgo's
	// environment, as on a laptop after kinit.
	w.extra = realm.Kinit(t, "alice")
	url := strings.Replace(w.idp.SignOnURL(""), "//127.0.0.1:", "//localhost:", 1)
	return w, realm, url
}

// TestKerberosLoginWithoutPassword: an account whose kerberos_hosts names
// the IdP's host signs in headless with the kinit ticket alone: no
// password source, no username, no password login at the IdP, one
// Negotiate login, one service ticket for HTTP/localhost from the KDC,
// and credentials the AWS CLI uses. The profile is new: it is also the
// regression test for Chrome refusing the first Negotiate challenge of a
// profile (see browser.allowNegotiate).
func TestKerberosLoginWithoutPassword(t *testing.T) {
	w, realm, url := kerberosWorld(t)
	w.write(".config/samlgo/config.toml", fmt.Sprintf("default_account = \"corp\"\n[accounts.corp]\nurl = %q\nheadless = true\nkerberos_hosts = [\"localhost\"]\n", url))
	r := w.run("", "login", "--profile", "corp")
	if r.code != 0 {
		t.Fatalf("exit %d: %s\nIdP refused Negotiate: %v\nKDC log:\n%s", r.code, r.stderr, w.idp.NegotiateRefused(), realm.Log())
	}
	noChromeLeft(t, w.profile)
	if w.idp.KerberosLogins() != 1 || w.idp.Logins() != 0 || w.idp.Assertions() != 1 {
		t.Errorf("IdP: %d Negotiate logins, %d password logins, %d assertions; want 1, 0, 1", w.idp.KerberosLogins(), w.idp.Logins(), w.idp.Assertions())
	}
	if n := realm.TicketsFor(realm.Service); n != 1 {
		t.Errorf("the KDC issued %d tickets for %s, want 1; its log:\n%s", n, realm.Service, realm.Log())
	}
	arn, err := w.callerIdentity("corp", w.emu.URL)
	if err != nil || !strings.Contains(arn, "assumed-role/Admin/"+userName) {
		t.Fatalf("AWS CLI: %q, %v", arn, err)
	}
}

// TestKerberosFallsBackToPasswordForm: the same account and ticket without
// kerberos_hosts: Chrome may not negotiate, so it shows the body of the
// IdP's 401, the password form. Without a password samlgo says the form
// asks for one; with it, the autofill signs in through the form. Chrome
// never asked the KDC for the IdP's ticket.
func TestKerberosFallsBackToPasswordForm(t *testing.T) {
	w, realm, url := kerberosWorld(t)
	w.write(".config/samlgo/config.toml", fmt.Sprintf("default_account = \"corp\"\n[accounts.corp]\nurl = %q\nheadless = true\nusername = \"alice\"\n", url))
	// A profile whose Chrome has met a Negotiate challenge before, so it
	// loads the GSSAPI library: only the missing allowlist stops it here.
	w.write(".cache/samlgo/chrome/corp/Local State", `{"net":{"received_http_auth_negotiate_headers":true}}`)
	r := w.run("", "login", "--profile", "corp")
	if r.code != 2 || !strings.Contains(r.stderr, "no terminal to ask on") || !strings.Contains(r.stderr, "--password-stdin") {
		t.Errorf("without a password: exit %d %q", r.code, r.stderr)
	}
	r = w.run("correct horse\n", "login", "--password-stdin", "--profile", "corp")
	if r.code != 0 {
		t.Fatalf("with the password: exit %d: %s", r.code, r.stderr)
	}
	noChromeLeft(t, w.profile)
	if w.idp.KerberosLogins() != 0 || w.idp.Logins() != 1 {
		t.Errorf("IdP: %d Negotiate logins, %d password logins; want 0 and 1", w.idp.KerberosLogins(), w.idp.Logins())
	}
	if n := realm.TicketsFor(realm.Service); n != 0 {
		t.Errorf("the KDC issued %d tickets for %s, want none; its log:\n%s", n, realm.Service, realm.Log())
	}
	arn, err := w.callerIdentity("corp", w.emu.URL)
	if err != nil || !strings.Contains(arn, "assumed-role/Admin/"+userName) {
		t.Fatalf("AWS CLI: %q, %v", arn, err)
	}
}
