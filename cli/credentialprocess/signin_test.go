package credentialprocess

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/cli/prompt/prompttest"
	"github.com/samlgo/samlgo/internal/samltest"
	"github.com/samlgo/samlgo/internal/testenv"
)

const admin = "arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/CorpIdP"

// TestRealSignInInProcess drives the command as the binary wires it: a
// headless sign-in in real Chromium at the test IdP, STS at the emulator,
// the document printed and cached; the second call signs in no more.
func TestRealSignInInProcess(t *testing.T) {
	chrome := testenv.Chrome(t)
	w := samltest.NewWorld(t, admin)
	run := func() string {
		ios, _, out, errOut := iostreams.Test()
		f := &cmdutil.Factory{IOStreams: ios, Prompter: prompttest.NewFake(t), Now: time.Now, Log: cmdutil.Discard(), ConfigPath: w.ConfigPath,
			Getenv: func(k string) string {
				return map[string]string{"SAMLGO_PASSWORD": w.Password, "SAMLGO_BROWSER": chrome}[k]
			}}
		cmd := NewCmdCredentialProcess(f, nil)
		cmd.SetArgs([]string{"--account", "corp", "--role", "Admin"})
		if err := cmd.ExecuteContext(context.Background()); err != nil {
			t.Fatalf("%v\n%s", err, errOut)
		}
		return out.String()
	}
	first := run()
	if !strings.HasPrefix(first, `{"Version":1,"AccessKeyId":"ASIA`) || w.IdP.Logins() != 1 {
		t.Fatalf("first = %q after %d logins", first, w.IdP.Logins())
	}
	if second := run(); second != first || w.IdP.Logins() != 1 {
		t.Errorf("second = %q after %d logins", second, w.IdP.Logins())
	}
}
