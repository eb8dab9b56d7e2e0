package browser

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samlgo/samlgo/internal/testenv"
)

// TestAllowNegotiate: the preference that lets Chrome on Linux load the
// GSSAPI library is added to the profile's Local State, and what Chrome
// wrote there stays as it was (numbers too), whether the file is missing,
// has other preferences, or has it already; a file that is not JSON is
// left alone.
func TestAllowNegotiate(t *testing.T) {
	for _, c := range []struct {
		name, before string
		want         []string // substrings of the file afterwards
	}{
		{"no file", "", []string{`"received_http_auth_negotiate_headers":true`}},
		{"other preferences", `{"browser":{"last_redirect_origin":""},"net":{"network_service_sandbox":false},"big":12345678901234567890}`,
			[]string{`"received_http_auth_negotiate_headers":true`, `"network_service_sandbox":false`, `"big":12345678901234567890`, `"last_redirect_origin":""`}},
		{"already set", `{"net":{"received_http_auth_negotiate_headers":true},"x":1}`, []string{`{"net":{"received_http_auth_negotiate_headers":true},"x":1}`}},
		{"not JSON", `{"net":`, []string{`{"net":`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, localStateFile)
			if c.before != "" {
				if err := os.WriteFile(path, []byte(c.before), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if err := allowNegotiate(dir); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range c.want {
				if !strings.Contains(string(b), w) {
					t.Errorf("Local State %s lacks %s", b, w)
				}
			}
			if c.name != "not JSON" && !json.Valid(b) {
				t.Errorf("Local State is not JSON: %s", b)
			}
			testenv.Mode(t, path, 0o600)
		})
	}
}
