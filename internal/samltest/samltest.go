// Package samltest writes signed SAMLResponses to files for command tests.
package samltest

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samlgo/samlgo/config"
	"github.com/samlgo/samlgo/internal/idp"
	"github.com/samlgo/samlgo/internal/stsemu"
)

// File saves a response signed by a test IdP, base64 as people save it,
// under a temporary directory, and returns its path.
func File(t testing.TB, o idp.ResponseOptions) string {
	t.Helper()
	s, err := idp.NewSigner("https://idp.example.test/metadata")
	if err != nil {
		t.Fatal(err)
	}
	if o.SessionName == "" {
		o.SessionName = "alice@example.com"
	}
	doc, err := s.Response(o)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "samlresponse.log")
	if err := os.WriteFile(p, []byte(base64.StdEncoding.EncodeToString(doc)), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// World is a test IdP with one user holding roles, an STS emulator that
// trusts it, and a samlgo config whose account "corp" signs in there
// headless: what a command needs for a real browser sign-in in-process.
type World struct {
	IdP    *idp.Server
	STS    *stsemu.Emulator
	Config *config.Config
	// ConfigPath is Config written as samlgo's config file.
	ConfigPath string
	// User and Password sign in at the IdP.
	User, Password string
}

// NewWorld starts the IdP and the emulator until the test ends, with
// user alice holding roles ("role-arn,provider-arn"), and points STS calls
// (AWS_ENDPOINT_URL_STS) and the user cache directory of the test at them.
func NewWorld(t testing.TB, roles ...string) *World {
	t.Helper()
	s, err := idp.NewSigner("https://idp.example.test/metadata")
	if err != nil {
		t.Fatal(err)
	}
	w := &World{User: "alice", Password: "correct horse"}
	w.IdP = idp.NewServer(s, &idp.User{Name: w.User, Password: w.Password, SessionName: "alice@example.com", Roles: roles})
	if err := w.IdP.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.IdP.Close() })
	w.STS = stsemu.New()
	for _, r := range roles {
		prov := r[strings.Index(r, ",")+1:]
		w.STS.TrustProvider(prov, s.Cert)
	}
	if err := w.STS.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.STS.Close() })
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CACHE_HOME", filepath.Join(home, ".cache"))
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(home, ".aws", "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(home, ".aws", "credentials"))
	t.Setenv("AWS_ENDPOINT_URL_STS", w.STS.URL)
	headless := true
	w.Config = &config.Config{DefaultAccount: "corp", Accounts: map[string]config.Account{
		"corp": {URL: w.IdP.SignOnURL(""), Headless: &headless, Username: w.User},
	}}
	w.ConfigPath = filepath.Join(home, "samlgo.toml")
	toml := fmt.Sprintf("default_account = \"corp\"\n[accounts.corp]\nurl = %q\nheadless = true\nusername = %q\n", w.IdP.SignOnURL(""), w.User)
	if err := os.WriteFile(w.ConfigPath, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	return w
}
