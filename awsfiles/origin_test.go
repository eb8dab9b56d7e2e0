package awsfiles

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOriginRecordedAndRemoved(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	ctx := context.Background()
	if err := WriteCredentialsOrigin(ctx, path, []Profile{{"saml", sample("ASIA1")}}, OriginSAML); err != nil {
		t.Fatal(err)
	}
	if o, err := ReadOrigin(path, "saml"); err != nil || o != OriginSAML {
		t.Fatalf("origin = %q, %v", o, err)
	}
	// A later write that does not know the origin must not leave the old
	// one beside new keys.
	if err := WriteCredentials(ctx, path, []Profile{{"saml", sample("ASIA2")}}); err != nil {
		t.Fatal(err)
	}
	if o, err := ReadOrigin(path, "saml"); err != nil || o != "" {
		t.Fatalf("stale origin = %q, %v", o, err)
	}
	if b, _ := os.ReadFile(path); strings.Contains(string(b), KeyOrigin) {
		t.Errorf("file still holds %s:\n%s", KeyOrigin, b)
	}
	if err := WriteCredentialsOrigin(ctx, path, []Profile{{"saml", sample("ASIA3")}}, "x\n[evil]"); err == nil {
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
