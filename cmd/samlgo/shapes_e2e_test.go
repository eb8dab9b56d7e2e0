//go:build unix

package main

// End-to-end tests of issue 10 through the binary: login pages samlgo was
// not tuned to (internal/idp shapes) signed in without selectors, and
// assertions with one malformed Role value.

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestShapesThroughBinary signs in through login-page shapes of real IdP
// families with the config holding no selectors, and has the AWS CLI read
// back each profile written. browser.TestShapes covers every shape; these
// are the multi-step ones (account picker and "Stay signed in?", consent,
// a remembered user behind a late stylesheet).
func TestShapesThroughBinary(t *testing.T) {
	w := newBrowserWorld(t)
	for _, c := range []struct{ shape, user, pass string }{
		{"entra-picker", "bob@example.com", "b0b!"},
		{"shibboleth", "alice", "correct horse"},
		{"corp-prefilled", "alice", "correct horse"},
	} {
		t.Run(c.shape, func(t *testing.T) {
			profile := "shape-" + c.shape
			r := w.run(c.pass+"\n", "login", "--url", w.idp.SignOnURL("shape="+c.shape), "--username", c.user, "--password-stdin",
				"--role", adminA, "--profile", profile, "--fresh-session")
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			noChromeLeft(t, w.profile)
			arn, err := w.callerIdentity(profile, w.emu.URL)
			if err != nil || !strings.Contains(arn, "assumed-role/Admin/") {
				t.Fatalf("AWS CLI: %q, %v", arn, err)
			}
		})
	}
}

// TestMalformedRoleValueThroughBinary: one malformed Role value among good
// ones used to make roles, inspect and login exit 2 (issue 10). roles and
// inspect list the others and name it on stderr; login uses a good one
// and warns.
func TestMalformedRoleValueThroughBinary(t *testing.T) {
	w := newWorld(t)
	bad := "arn:aws:iam::" + acctA + ":saml-provider/TestIdP,AWS-" + acctA + "-Dev"
	f := w.samlFile(pair(adminA, provA), bad, pair(deployB, provB))
	r := w.run("", "roles", "--saml-file", f, "--output", "json")
	var roles []map[string]string
	if err := json.Unmarshal([]byte(r.stdout), &roles); r.code != 0 || err != nil || len(roles) != 2 {
		t.Fatalf("roles: exit %d %q %q %v", r.code, r.stdout, r.stderr, err)
	}
	if lines := strings.Split(strings.TrimSpace(r.stderr), "\n"); len(lines) != 1 || !strings.Contains(r.stderr, `Role attribute value 2 "`+bad+`"`) {
		t.Errorf("roles stderr %q", r.stderr)
	}
	r = w.run("", "inspect", "--saml-file", f)
	if r.code != 0 || !strings.Contains(r.stdout, deployB) || !strings.Contains(r.stderr, bad) {
		t.Errorf("inspect: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	r = w.run("", "login", "--saml-file", f, "--role", deployB, "--profile", "dev", "--credentials-file", w.creds)
	if r.code != 0 || !strings.Contains(r.stderr, "warning: ignoring Role attribute value 2") || !strings.Contains(r.stderr, deployB) {
		t.Errorf("login: exit %d %q", r.code, r.stderr)
	}
}
