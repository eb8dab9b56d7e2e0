package serve

import (
	"context"
	"testing"
	"time"

	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/cli/prompt/prompttest"
	"github.com/samlgo/samlgo/internal/samltest"
	"github.com/samlgo/samlgo/internal/testenv"
)

// TestAccountSourceSignsInOnce: serve --account --role signs in (real
// headless Chromium, the test IdP) before announcing the endpoint, and
// serves later requests from the cache.
func TestAccountSourceSignsInOnce(t *testing.T) {
	chrome := testenv.Chrome(t)
	w := samltest.NewWorld(t, "arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/CorpIdP")
	ios, _, _, _ := iostreams.Test()
	f := &cmdutil.Factory{IOStreams: ios, Prompter: prompttest.NewFake(t), Now: time.Now, Log: cmdutil.Discard(), ConfigPath: w.ConfigPath,
		Getenv: func(k string) string {
			return map[string]string{"SAMLGO_PASSWORD": w.Password, "SAMLGO_BROWSER": chrome}[k]
		}}
	o := &Options{IO: ios, Now: time.Now, Log: cmdutil.Discard(), Config: f.Config, ConfigKey: f.CacheConfigKey, Account: "corp", Role: "Admin"}
	get, err := source(context.Background(), f, o)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if c, err := get(context.Background()); err != nil || c.SessionToken == "" {
			t.Fatalf("served %v, %v", c, err)
		}
	}
	if w.IdP.Logins() != 1 {
		t.Errorf("%d sign-ins, want 1", w.IdP.Logins())
	}
}
