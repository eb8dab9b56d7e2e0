package env

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/chain"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/config"
	"github.com/samlgo/samlgo/internal/fakests"
	"github.com/samlgo/samlgo/internal/testenv"
	"github.com/samlgo/samlgo/sts"
)

func TestEnv(t *testing.T) {
	dir := t.TempDir()
	testenv.Home(t, dir)
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
	testenv.Home(t, dir)
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

// TestEnvDefaultProfileIsLogins: with long-term keys in [default], env
// without --profile exports the profile login writes (the default
// account's profile, else saml), never [default]; on a terminal it says
// which profile and until when (issue 15).
func TestEnvDefaultProfileIsLogins(t *testing.T) {
	dir := t.TempDir()
	testenv.Home(t, dir)
	creds := filepath.Join(dir, "credentials")
	expires := time.Now().Add(47 * time.Minute).UTC()
	os.WriteFile(creds, []byte("[default]\naws_access_key_id = AKIALONGTERM00000001\naws_secret_access_key = wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\n"+
		"[saml]\naws_access_key_id = ASIASAML000000000001\naws_secret_access_key = wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\naws_session_token = tok\nx_security_token_expires = "+expires.Format(time.RFC3339)+"\n"+
		"[corp-admin]\naws_access_key_id = ASIACORP000000000001\naws_secret_access_key = wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\naws_session_token = tok\nx_security_token_expires = "+expires.Format(time.RFC3339)+"\n"), 0o600)
	for name, c := range map[string]struct {
		config, want string
		env          map[string]string
	}{
		"no config":           {"", "ASIASAML000000000001", nil},
		"default account":     {"default_account = \"corp\"\n[accounts.corp]\nurl = \"https://idp.example/sso\"\nprofile = \"corp-admin\"\n", "ASIACORP000000000001", nil},
		"account, no profile": {"default_account = \"corp\"\n[accounts.corp]\nurl = \"https://idp.example/sso\"\n", "ASIASAML000000000001", nil},
		"AWS_PROFILE wins":    {"", "AKIALONGTERM00000001", map[string]string{"AWS_PROFILE": "default"}},
	} {
		t.Run(name, func(t *testing.T) {
			ios, _, out, errOut := iostreams.Test()
			ios.ErrTTY = true
			opts := &Options{SignerSetup: cmdutil.SignerSetup{IO: ios, Now: time.Now, Getenv: func(k string) string { return c.env[k] },
				CredentialsFile: creds, ConfigFile: filepath.Join(dir, "config"),
				Config: func() (*config.Config, error) { return config.Parse("config.toml", []byte(c.config)) }}}
			if err := envRun(context.Background(), opts); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), c.want) {
				t.Errorf("exported:\n%s\nwant %s", out, c.want)
			}
			if !strings.Contains(errOut.String(), "samlgo: using profile ") || (c.env == nil && !strings.Contains(errOut.String(), "in 47m")) {
				t.Errorf("stderr %q", errOut)
			}
		})
	}
	// A config that does not load is said, not skipped over to a guess.
	ios, _, _, _ := iostreams.Test()
	opts := &Options{SignerSetup: cmdutil.SignerSetup{IO: ios, Now: time.Now, Getenv: func(string) string { return "" }, CredentialsFile: creds,
		Config: func() (*config.Config, error) { return nil, errors.New("config.toml: line 1: bad") }}}
	if err := envRun(context.Background(), opts); err == nil || !strings.Contains(err.Error(), "config.toml") {
		t.Errorf("broken config: %v", err)
	}
}

// TestEnvRenewsInPlace: a profile samlgo wrote from a sign-in to an
// account is renewed when it has expired (or ends within 5 minutes), with
// the same role, and env exports the new keys; a renewal that fails names
// the full command, role included (issue 15).
func TestEnvRenewsInPlace(t *testing.T) {
	dir := t.TempDir()
	testenv.Home(t, dir)
	creds := filepath.Join(dir, "credentials")
	role := "arn:aws:iam::123456789012:role/Admin"
	write := func(key string, expires time.Time) {
		os.WriteFile(creds, []byte("[saml]\naws_access_key_id = "+key+"\naws_secret_access_key = wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\naws_session_token = tok\nx_security_token_expires = "+
			expires.UTC().Format(time.RFC3339)+"\nx_samlgo_origin = saml\nx_samlgo_account = corp\nx_samlgo_role = "+role+"\n"), 0o600)
	}
	for name, c := range map[string]struct {
		expires   time.Duration
		renewErr  error
		wantKey   string
		renewed   bool
		wantHints string
	}{
		"expired":        {-time.Hour, nil, "ASIARENEWED000000001", true, ""},
		"within 5m":      {3 * time.Minute, nil, "ASIARENEWED000000001", true, ""},
		"fresh":          {time.Hour, nil, "ASIAOLD0000000000001", false, ""},
		"renewal failed": {-time.Hour, errors.New("the IdP asked for the password again"), "", true, "samlgo login --account corp --role " + role + " --profile saml"},
		// Keys that still work are used when the renewal cannot be done.
		"renewal failed, keys valid": {3 * time.Minute, errors.New("no terminal to ask on"), "ASIAOLD0000000000001", true, ""},
	} {
		t.Run(name, func(t *testing.T) {
			write("ASIAOLD0000000000001", time.Now().Add(c.expires))
			ios, _, out, errOut := iostreams.Test()
			renewed := 0
			opts := &Options{SignerSetup: cmdutil.SignerSetup{IO: ios, Now: time.Now, Getenv: func(k string) string { return map[string]string{"SHELL": "/bin/bash"}[k] },
				CredentialsFile: creds, ConfigFile: filepath.Join(dir, "config"),
				Renew: func(_ context.Context, file string, m awsfiles.Made) error {
					renewed++
					if file != creds || m.Profile != "saml" || m.Account != "corp" || m.Role != role {
						t.Errorf("renew %q %+v", file, m)
					}
					if c.renewErr == nil {
						write("ASIARENEWED000000001", time.Now().Add(time.Hour))
					}
					return c.renewErr
				}}, Profile: "saml"}
			err := envRun(context.Background(), opts)
			if (renewed == 1) != c.renewed {
				t.Errorf("renewed %d times", renewed)
			}
			if c.wantHints != "" {
				code, hints := cmdutil.Classify(err)
				if code != 1 || len(hints) == 0 || !strings.Contains(hints[0], c.wantHints) {
					t.Errorf("err %v, exit %d, hints %q", err, code, hints)
				}
				return
			}
			if err != nil || !strings.Contains(out.String(), c.wantKey) {
				t.Errorf("err %v, exported %s", err, out)
			}
			if c.renewed && !strings.Contains(errOut.String(), "renewing it (account corp, role "+role+")") {
				t.Errorf("stderr %q", errOut)
			}
		})
	}
}
