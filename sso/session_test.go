package sso

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samlgo/samlgo/awsfiles"
)

const configFile = `[profile dev]
sso_session = my-sso
sso_account_id = 123456789012
sso_role_name = AdministratorAccess

[profile legacy]
sso_start_url = https://old.awsapps.com/start
sso_region = us-east-1
sso_account_id = 210987654321
sso_role_name = ReadOnly

[profile broken]
sso_session = nope

[profile clash]
sso_session = my-sso
sso_region = us-west-2

[sso-session my-sso]
sso_start_url = https://my-org.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access, codewhisperer:completions
`

func TestLoadProfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, []byte(configFile), 0o600); err != nil {
		t.Fatal(err)
	}
	p, ok, err := LoadProfile(path, "dev")
	if err != nil || !ok || p.Session.Name != "my-sso" || p.Session.Region != "eu-west-1" || p.AccountID != "123456789012" ||
		len(p.Session.Scopes) != 2 || p.Session.Scopes[1] != "codewhisperer:completions" {
		t.Fatalf("dev: %+v, %v, %v", p, ok, err)
	}
	p, ok, err = LoadProfile(path, "legacy")
	if err != nil || !ok || p.Session.Name != "" || p.Session.StartURL != "https://old.awsapps.com/start" || p.RoleName != "ReadOnly" {
		t.Fatalf("legacy: %+v, %v, %v", p, ok, err)
	}
	for _, name := range []string{"broken", "clash"} {
		var ce *ConfigError
		if _, _, err := LoadProfile(path, name); !errors.As(err, &ce) {
			t.Errorf("%s: %v, want a *ConfigError", name, err)
		}
	}
	if _, ok, err := LoadProfile(path, "missing"); ok || err != nil {
		t.Errorf("missing: %v, %v", ok, err)
	}
	s, ok, err := LoadSession(path, "my-sso")
	if err != nil || !ok || s.StartURL != "https://my-org.awsapps.com/start" {
		t.Fatalf("session: %+v, %v, %v", s, ok, err)
	}
}

func TestSessionCheck(t *testing.T) {
	for _, s := range []Session{
		{StartURL: "", Region: "eu-west-1"},
		{StartURL: "http://my-org.awsapps.com/start", Region: "eu-west-1"},
		{StartURL: "https://my-org.awsapps.com/start", Region: "EU WEST"},
		{StartURL: "https://my-org.awsapps.com/start", Region: ""},
		{StartURL: "https://my-org.awsapps.com/start", Region: "eu-west-1", Scopes: []string{"a b"}},
	} {
		if s.Check() == nil {
			t.Errorf("%+v accepted", s)
		}
	}
}

// FuzzProfileConfig: reading a profile's sso_* keys and its session from
// any config file does not panic, and an error is one line.
func FuzzProfileConfig(f *testing.F) {
	f.Add([]byte(configFile), "dev")
	f.Add([]byte(configFile), "legacy")
	f.Add([]byte("[profile x]\nsso_session = s\n[sso-session s]\nsso_start_url = https://a\nsso_region = r\nsso_registration_scopes = ,,\n"), "x")
	f.Fuzz(func(t *testing.T, file []byte, name string) {
		keys, ok, err := awsfiles.ParseConfigSection(file, awsfiles.KindProfile, name)
		if err != nil || !ok {
			return
		}
		_, err = ProfileFromKeys(name, keys, func(sn string) (Session, bool, error) {
			k, ok, err := awsfiles.ParseConfigSection(file, awsfiles.KindSSOSession, sn)
			if err != nil || !ok {
				return Session{}, ok, err
			}
			s, err := SessionFromKeys(sn, k)
			return s, true, err
		})
		if err != nil && strings.Contains(err.Error(), "\n") && !strings.Contains(name, "\n") {
			t.Fatalf("error spans lines: %q", err)
		}
	})
}
