package env

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
	"github.com/samlgo/samlgo/sts"
)

func TestEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	creds := filepath.Join(dir, "credentials")
	os.WriteFile(creds, []byte("[dev]\naws_access_key_id = ASIADEV0000000000001\naws_secret_access_key = wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\naws_session_token = tok\nx_security_token_expires = 2999-01-01T00:00:00Z\n"+
		"[old-session]\naws_access_key_id = ASIAOLD0000000000001\naws_secret_access_key = wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\naws_session_token = tok\nx_security_token_expires = 2001-01-01T00:00:00Z\n"), 0o600)
	config := filepath.Join(dir, "config")
	os.WriteFile(config, []byte("[profile dev]\nregion = eu-west-1\n[profile old]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile = dev\n"), 0o600)
	env := map[string]string{"AWS_PROFILE": "dev", "SHELL": "/usr/bin/fish"}
	ios, _, out, _ := iostreams.Test()
	fake := fakests.NewSigned(t)
	opts := &Options{SignerSetup: cmdutil.SignerSetup{IO: ios, Now: time.Now, Getenv: func(k string) string { return env[k] },
		NewSTS:          func(ctx context.Context, o sts.Options) (chain.STS, error) { return fake.New(ctx, o) },
		CredentialsFile: creds, ConfigFile: config}}
	if err := envRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"set -gx AWS_ACCESS_KEY_ID 'ASIADEV0000000000001';", "set -gx AWS_REGION 'eu-west-1';", "set -e AWS_PROFILE;", "set -e AWS_SECURITY_TOKEN;", "set -gx SAMLGO_PROFILE 'dev';"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("env output lacks %q:\n%s", want, out)
		}
	}
	// An expired stored profile names the command that renews it:
	// old-session is what assume-role --profile old writes.
	opts.Profile = "old-session"
	err := envRun(context.Background(), opts)
	code, hints := cmdutil.Classify(err)
	if code != 1 || len(hints) != 1 || hints[0] != "hint: log in again: samlgo assume-role --profile old" {
		t.Errorf("expired: %v %d %q", err, code, hints)
	}
	opts.Profile, opts.Shell = "dev", "tcsh"
	if code, _ := cmdutil.Classify(envRun(context.Background(), opts)); code != 2 {
		t.Errorf("unknown shell: exit %d", code)
	}
}

// TestEnvLocalStackTestKeys: a profile with aws_access_key_id = test and
// aws_secret_access_key = test (LocalStack, moto), which the AWS CLI uses,
// was refused as "malformed credentials" (issue 14).
func TestEnvLocalStackTestKeys(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	creds := filepath.Join(dir, "credentials")
	os.WriteFile(creds, []byte("[localstack]\naws_access_key_id = test\naws_secret_access_key = test\n"), 0o600)
	config := filepath.Join(dir, "config")
	os.WriteFile(config, []byte("[profile localstack]\nregion = us-east-1\n"), 0o600)
	ios, _, out, _ := iostreams.Test()
	fake := fakests.NewSigned(t)
	opts := &Options{SignerSetup: cmdutil.SignerSetup{IO: ios, Now: time.Now, Getenv: func(k string) string { return map[string]string{"SHELL": "/bin/bash"}[k] },
		NewSTS:          func(ctx context.Context, o sts.Options) (chain.STS, error) { return fake.New(ctx, o) },
		CredentialsFile: creds, ConfigFile: config}, Profile: "localstack"}
	if err := envRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"export AWS_ACCESS_KEY_ID='test'", "export AWS_SECRET_ACCESS_KEY='test'"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("env output lacks %q:\n%s", want, out)
		}
	}
}
