package browser

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/samlgo/samlgo/private"
)

// localStateFile is Chrome's per-installation preferences file in the
// user data directory.
const localStateFile = "Local State"

// allowNegotiate readies the profile dir for Kerberos before Chrome
// starts. Chrome on Linux loads the system GSSAPI library only once its
// Local State records that a server asked for Negotiate
// (net.received_http_auth_negotiate_headers): the first such challenge
// only sets that preference and restarts the network service, so on a
// new profile the first sign-in would get the IdP's password form
// instead of Kerberos. samlgo's profile is its own, and the account asked
// for Kerberos (kerberos_hosts), so the preference is set up front. Other
// platforms do not read it. A Local State that is not JSON is left to
// Chrome.
func allowNegotiate(dir string) error {
	path := filepath.Join(dir, localStateFile)
	state := map[string]any{}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("reading Chrome's %s: %w", localStateFile, err)
	default:
		// Numbers stay as Chrome wrote them (json.Number), not float64.
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		if d.Decode(&state) != nil {
			return nil
		}
	}
	netPrefs, _ := state["net"].(map[string]any)
	if netPrefs == nil {
		netPrefs = map[string]any{}
		state["net"] = netPrefs
	}
	if netPrefs["received_http_auth_negotiate_headers"] == true {
		return nil
	}
	netPrefs["received_http_auth_negotiate_headers"] = true
	out, err := json.Marshal(state)
	if err != nil {
		return err
	}
	if err := private.WriteFile(path, out, 0o600); err != nil {
		return fmt.Errorf("writing Chrome's %s: %w", localStateFile, err)
	}
	return nil
}
