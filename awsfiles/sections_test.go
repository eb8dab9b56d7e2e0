package awsfiles

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const ssoConfig = `[default]
region = us-east-1

[profile dev]
sso_session = my-sso
sso_account_id = 123456789012
sso_role_name = AdministratorAccess

[sso-session my-sso]
sso_start_url = https://my-org.awsapps.com/start
sso_region = eu-west-1
SSO_Registration_Scopes = sso:account:access

[sso-session  "spaced name" ]
sso_start_url = https://other.awsapps.com/start

[sso-session two words extra]
sso_start_url = https://ignored.example
`

func TestReadConfigSection(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, []byte(ssoConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		kind, name, key, want string
		ok                    bool
	}{
		{KindSSOSession, "my-sso", "sso_region", "eu-west-1", true},
		{KindSSOSession, "my-sso", "sso_registration_scopes", "sso:account:access", true}, // keys compare lower-cased
		{KindSSOSession, "spaced name", "sso_start_url", "https://other.awsapps.com/start", true},
		{KindSSOSession, "two", "", "", false},
		{KindProfile, "dev", "sso_account_id", "123456789012", true},
		{KindProfile, "my-sso", "", "", false},
		{KindSSOSession, "dev", "", "", false},
	} {
		keys, ok, err := ReadConfigSection(path, tc.kind, tc.name)
		if err != nil || ok != tc.ok || keys[tc.key] != tc.want {
			t.Errorf("%s %q: %v, %v, %v; want %s=%q, %v", tc.kind, tc.name, keys, ok, err, tc.key, tc.want, tc.ok)
		}
	}
	if _, ok, err := ReadConfigSection(filepath.Join(t.TempDir(), "missing"), KindProfile, "dev"); ok || err != nil {
		t.Errorf("missing file: %v, %v", ok, err)
	}
}

func TestSetConfigKeys(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, []byte(ssoConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := SetConfigKeys(ctx, path, KindSSOSession, "new", [][2]string{{"sso_start_url", "https://n.awsapps.com/start"}, {"sso_region", "us-east-1"}}); err != nil {
		t.Fatal(err)
	}
	if err := SetConfigKeys(ctx, path, KindSSOSession, "my-sso", [][2]string{{"sso_region", "eu-central-1"}}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(b), strings.Split(ssoConfig, "[sso-session my-sso]")[0]) {
		t.Errorf("bytes before the changed section changed:\n%s", b)
	}
	if keys, _, _ := ReadConfigSection(path, KindSSOSession, "new"); keys["sso_region"] != "us-east-1" {
		t.Errorf("new section: %v", keys)
	}
	if keys, _, _ := ReadConfigSection(path, KindSSOSession, "my-sso"); keys["sso_region"] != "eu-central-1" || keys["sso_start_url"] == "" {
		t.Errorf("updated section: %v", keys)
	}
	for _, bad := range []string{"a\nb", "[evil]", " lead", ""} {
		if err := SetConfigKeys(ctx, path, KindProfile, "p", [][2]string{{"sso_region", bad}}); err == nil {
			t.Errorf("value %q accepted", bad)
		}
	}
}

// FuzzConfigSection: reading sso settings from any config file does not
// panic, agrees with a write (a value SetConfigKeys accepts reads back),
// and a file that parses gives every section's keys.
func FuzzConfigSection(f *testing.F) {
	f.Add([]byte(ssoConfig), "my-sso", "https://x.awsapps.com/start")
	f.Add([]byte("[sso-session a]\nsso_start_url =\n  x = y\n"), "a", "v")
	f.Add([]byte("[sso-session 'a b']\n"), "a b", "v")
	f.Fuzz(func(t *testing.T, file []byte, name, value string) {
		for _, kind := range []string{KindSSOSession, KindProfile} {
			_, _, _ = ParseConfigSection(file, kind, name)
		}
		doc, err := parseDocument(file)
		if err != nil || ValidProfileName(name) != nil || !validConfigValue(value) {
			return
		}
		header := KindSSOSession + " " + name
		start, end, ok := doc.sectionWhere(func(s string) bool { n, ok := sectionOf(s, KindSSOSession); return ok && n == name })
		doc.update(start, end, ok, header, []keyValue{{"sso_start_url", value}}, nil, false)
		out := doc.bytes()
		keys, ok, err := ParseConfigSection(out, KindSSOSession, name)
		if err != nil || !ok || keys["sso_start_url"] != value {
			t.Fatalf("wrote sso_start_url=%q for %q, read back %v, %v, %v\n%s", value, name, keys, ok, err, out)
		}
	})
}
