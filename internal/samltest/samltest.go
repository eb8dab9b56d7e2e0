// Package samltest writes signed SAMLResponses to files for command tests.
package samltest

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"

	"github.com/samlgo/samlgo/internal/idp"
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
