package whoami

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/chain"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/internal/fakests"
	"github.com/samlgo/samlgo/internal/testenv"
	"github.com/samlgo/samlgo/sts"
)

// setup writes profile p (session keys, region ap-south-1) into a fresh
// HOME and returns the signed-call fake and the two files.
func setup(t *testing.T) (fake *fakests.Signed, creds, config string) {
	dir := t.TempDir()
	testenv.Home(t, dir)
	creds, config = filepath.Join(dir, "credentials"), filepath.Join(dir, "config")
	os.WriteFile(creds, []byte("[p]\naws_access_key_id = ASIAP00000000000001\naws_secret_access_key = wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\naws_session_token = t\nx_security_token_expires = 2999-01-01T00:00:00Z\n"), 0o600)
	os.WriteFile(config, []byte("[profile p]\nregion = ap-south-1\n"), 0o600)
	return fakests.NewSigned(t), creds, config
}

func TestWhoami(t *testing.T) {
	fake, creds, config := setup(t)
	fake.ExpectCallerIdentity(&sts.Identity{Account: "123456789012", ARN: "arn:aws:sts::123456789012:assumed-role/A/x", UserID: "AROA:x"}, nil)
	fake.ExpectCallerIdentity(&sts.Identity{Account: "123456789012", ARN: "arn", UserID: "u"}, nil)
	ios, _, out, _ := iostreams.Test()
	opts := &Options{SignerSetup: cmdutil.SignerSetup{IO: ios, Now: time.Now, Getenv: func(string) string { return "" },
		NewSTS:          func(ctx context.Context, o sts.Options) (chain.STS, error) { return fake.New(ctx, o) },
		CredentialsFile: creds, ConfigFile: config}, Profile: "p", Output: "text"}
	if err := whoamiRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	if out.String() != "123456789012\tarn:aws:sts::123456789012:assumed-role/A/x\tAROA:x\n" || fake.Regions[0] != "ap-south-1" || fake.Calls[0].Signer != "ASIAP00000000000001" {
		t.Errorf("out %q regions %v", out, fake.Regions)
	}
	out.Reset()
	opts.Output = "json"
	if err := whoamiRun(context.Background(), opts); err != nil || !strings.Contains(out.String(), `"Arn": "arn"`) {
		t.Errorf("json %q %v", out, err)
	}
	opts.Output = "yaml"
	if code, _ := cmdutil.Classify(whoamiRun(context.Background(), opts)); code != 2 {
		t.Errorf("bad --output exit %d", code)
	}
}

// TestWhoamiEscapesHostileIdentity: an STS that answered an ARN holding a
// newline, U+202E and U+009B had them printed raw (issue 14).
func TestWhoamiEscapesHostileIdentity(t *testing.T) {
	fake, creds, config := setup(t)
	fake.ExpectCallerIdentity(&sts.Identity{Account: "123456789012", ARN: "arn:aws:sts::123456789012:assumed-role/A/x\nforged\u202eline\u009b2J", UserID: "AROA:\x1b[31mx"}, nil)
	ios, _, out, _ := iostreams.Test()
	opts := &Options{SignerSetup: cmdutil.SignerSetup{IO: ios, Now: time.Now, Getenv: func(string) string { return "" },
		NewSTS:          func(ctx context.Context, o sts.Options) (chain.STS, error) { return fake.New(ctx, o) },
		CredentialsFile: creds, ConfigFile: config}, Profile: "p", Output: "text"}
	if err := whoamiRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	want := `123456789012	arn:aws:sts::123456789012:assumed-role/A/x\nforged\u202eline\u009b2J	AROA:\x1b[31mx` + "\n"
	if out.String() != want {
		t.Errorf("out %q, want %q", out, want)
	}
}
