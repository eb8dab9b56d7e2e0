package awsfiles

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestOriginRecordedAndRemoved(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	ctx := context.Background()
	if err := WriteCredentialsOrigin(ctx, path, []Profile{{Name: "saml", Credentials: sample("ASIA1")}}, OriginSAML); err != nil {
		t.Fatal(err)
	}
	if o, err := ReadOrigin(path, "saml"); err != nil || o != OriginSAML {
		t.Fatalf("origin = %q, %v", o, err)
	}
	// A later write that does not know the origin must not leave the old
	// one beside new keys.
	if err := WriteCredentials(ctx, path, []Profile{{Name: "saml", Credentials: sample("ASIA2")}}); err != nil {
		t.Fatal(err)
	}
	if o, err := ReadOrigin(path, "saml"); err != nil || o != "" {
		t.Fatalf("stale origin = %q, %v", o, err)
	}
	if b, _ := os.ReadFile(path); strings.Contains(string(b), KeyOrigin) {
		t.Errorf("file still holds %s:\n%s", KeyOrigin, b)
	}
	if err := WriteCredentialsOrigin(ctx, path, []Profile{{Name: "saml", Credentials: sample("ASIA3")}}, "x\n[evil]"); err == nil {
		t.Error("an origin with a line break was written")
	}
}

func TestOriginAllowsSessionDuration(t *testing.T) {
	for o, want := range map[Origin]bool{
		OriginSAML: true, OriginAssumeRole: true, OriginWebIdentity: true,
		OriginChained: false, OriginFederationToken: false, OriginSessionToken: false, OriginSSO: false, "": false,
	} {
		if got := o.AllowsSessionDuration(); got != want {
			t.Errorf("%q.AllowsSessionDuration() = %v", o, got)
		}
	}
}

func TestConfigValue(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, []byte("[default]\nregion = us-east-1\n[profile cn]\nregion = cn-north-1\n[cn]\nregion = ignored\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for profile, want := range map[string]string{"default": "us-east-1", "cn": "cn-north-1", "missing": ""} {
		if got, err := ConfigValue(path, profile, "region"); err != nil || got != want {
			t.Errorf("ConfigValue(%q) = %q, %v; want %q", profile, got, err, want)
		}
	}
	if got, err := ConfigValue(filepath.Join(t.TempDir(), "none"), "default", "region"); err != nil || got != "" {
		t.Errorf("missing file: %q, %v", got, err)
	}
}

// TestMadeRecordedListedAndRemoved: the account and role samlgo made a
// profile from are recorded beside its keys, listed for status and
// refresh, and removed by a write that does not know them.
func TestMadeRecordedListedAndRemoved(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	ctx := context.Background()
	os.WriteFile(path, []byte("[default]\naws_access_key_id = AKIALONGTERM\naws_secret_access_key = s\n"), 0o600)
	role := "arn:aws:iam::123456789012:role/Admin"
	c := sample("ASIA1")
	err := WriteCredentialsOrigin(ctx, path, []Profile{
		{Name: "saml", Credentials: c, Account: "corp", Role: role},
		{Name: "other", Credentials: sample("ASIA2")},
	}, OriginSAML)
	if err != nil {
		t.Fatal(err)
	}
	m, ok, err := ReadMade(path, "saml")
	if err != nil || !ok || m.Origin != OriginSAML || m.Account != "corp" || m.Role != role || !m.Expires.Equal(c.Expiration.Truncate(time.Second)) {
		t.Fatalf("made %+v %v %v", m, ok, err)
	}
	list, err := ListMade(path)
	if err != nil || len(list) != 2 || list[0].Profile != "saml" || list[1].Profile != "other" || list[1].Account != "" {
		t.Fatalf("list %+v %v", list, err)
	}
	if err := WriteCredentials(ctx, path, []Profile{{Name: "saml", Credentials: sample("ASIA3")}}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); strings.Contains(string(b), KeyAccount) || strings.Contains(string(b), KeyRole) {
		t.Errorf("stale record:\n%s", b)
	}
	if err := WriteCredentialsOrigin(ctx, path, []Profile{{Name: "saml", Credentials: sample("ASIA4"), Account: "x\n[evil]"}}, OriginSAML); err == nil {
		t.Error("an account with a line break was written")
	}
}
