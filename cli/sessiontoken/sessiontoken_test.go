package sessiontoken

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/cli/prompt/prompttest"
	"github.com/samlgo/samlgo/internal/fakests"
	"github.com/samlgo/samlgo/internal/testenv"
	"github.com/samlgo/samlgo/sts"
)

const serial = "arn:aws:iam::123456789012:mfa/alice"

func setup(t *testing.T) (*Options, *fakests.Signed, *prompttest.Fake, *iostreams.IOStreams) {
	dir := t.TempDir()
	testenv.Home(t, dir)
	creds := filepath.Join(dir, "credentials")
	os.WriteFile(creds, []byte("[alice]\naws_access_key_id = AKIAALICE00000000001\naws_secret_access_key = wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\n[sess]\naws_access_key_id = ASIASESS000000000001\naws_secret_access_key = wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\naws_session_token = abc\n"), 0o600)
	fake, fp := fakests.NewSigned(t), prompttest.NewFake(t)
	ios, _, _, _ := iostreams.Test()
	return &Options{
		IO: ios, Prompter: fp, Now: time.Now, Getenv: func(string) string { return "" }, Log: cmdutil.Discard(),
		NewSTS: func(ctx context.Context, o sts.Options) (STS, error) { return fake.New(ctx, o) },
		AskTTY: func(string) (string, error) { return "", errors.New("no tty") },
		Output: cmdutil.OutputFlags{Format: cmdutil.FormatProfile, CredentialsFile: creds, ConfigFile: filepath.Join(dir, "config")},
	}, fake, fp, ios
}

func TestSessionTokenWithMFAPrompt(t *testing.T) {
	opts, fake, fp, ios := setup(t)
	ios.InTTY, ios.ErrTTY = true, true
	fp.ExpectSecret("MFA code for "+serial+": ", "123456", nil)
	fake.ExpectSessionToken(fakests.Result("", "ASIANEW0000000000001", 36*time.Hour), nil)
	opts.Profile, opts.MFASerial, opts.Duration = "alice", serial, "36h"
	if err := sessionTokenRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	c := fake.Calls[0]
	if c.Signer != "AKIAALICE00000000001" || c.Session.TokenCode != "123456" || c.Session.Duration != 36*time.Hour {
		t.Errorf("call %+v", c)
	}
	if got, err := awsfiles.ReadCredentials(opts.Output.CredentialsFile, "alice-session"); err != nil || got.AccessKeyID != "ASIANEW0000000000001" {
		t.Errorf("written %v %v", got, err)
	}
}

func TestSessionTokenRefusals(t *testing.T) {
	cases := []struct {
		name string
		set  func(*Options)
		want string
		code int
	}{
		{"code without serial", func(o *Options) { o.Code = "123456" }, "--mfa-code needs --mfa-serial", 2},
		{"too long", func(o *Options) { o.Duration = "37h" }, "15m to 36h", 2},
		{"too short", func(o *Options) { o.Duration = "60" }, "15m to 36h", 2},
		{"session source", func(o *Options) { o.Profile = "sess" }, "temporary", 2},
		{"to itself", func(o *Options) { o.Profile, o.Output.Profile = "alice", "alice" }, "source profile", 2},
		{"no code, no terminal", func(o *Options) { o.Profile, o.MFASerial = "alice", serial }, "no terminal", 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts, _, _, _ := setup(t)
			c.set(opts)
			err := sessionTokenRun(context.Background(), opts)
			if code, _ := cmdutil.Classify(err); code != c.code || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err %v (exit %d)", err, code)
			}
		})
	}
	// STS refusing a long session for the root user says who gets 36h.
	opts, fake, _, _ := setup(t)
	fake.ExpectSessionToken(nil, &sts.Error{Op: sts.OpGetSessionToken, Code: "ValidationError", Message: "STS refused the request: The requested DurationSeconds exceeds the 1 hour limit for root credentials."})
	opts.Profile, opts.Duration = "alice", "2h"
	err := sessionTokenRun(context.Background(), opts)
	if code, hints := cmdutil.Classify(err); code != 2 || !strings.Contains(strings.Join(hints, " "), "only for IAM users") {
		t.Errorf("root refusal %v %d %q", err, code, hints)
	}
}
