//go:build unix

package chain

import (
	"os"
	"testing"
	"time"

	"github.com/samlgo/samlgo/creds"
)

// TestMFACacheRefusesAnotherUsersFile: a 0600 session file that another
// user owned was used (issue 14); the cache reads through private.ReadOwn.
func TestMFACacheRefusesAnotherUsersFile(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give a file to another user")
	}
	c := &Cache{Dir: t.TempDir(), Now: time.Now}
	cr := creds.Credentials{AccessKeyID: "ASIAMFA0000000000001", SecretAccessKey: "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY", SessionToken: "tok", Expiration: time.Now().Add(time.Hour).UTC().Truncate(time.Second)}
	if err := c.Put("k", cr); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get("k"); !ok {
		t.Fatal("own session not served")
	}
	if err := os.Chown(c.path("k"), 65534, 65534); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get("k"); ok {
		t.Fatal("another user's session file was served")
	}
}
