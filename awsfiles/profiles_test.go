package awsfiles

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigProfile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "config")
	os.WriteFile(p, []byte("[default]\nregion = eu-west-1\n[profile a]\nrole_arn = first\n[profile  'a']\nRole_Arn = arn:aws:iam::1:role/R\nsource_profile = b\ns3 =\n  max_concurrent_requests = 2\n[profile b c]\nx = 1\n[sso-session s]\nk = v\n"), 0o600)
	keys, ok, err := ConfigProfile(p, "a")
	if err != nil || !ok || keys["role_arn"] != "arn:aws:iam::1:role/R" || keys["source_profile"] != "b" || keys["s3"] != "\nmax_concurrent_requests = 2" {
		t.Errorf("a = %q, %v, %v (botocore: the last section for a profile wins, keys lower-case)", keys, ok, err)
	}
	if keys, ok, _ := ConfigProfile(p, "default"); !ok || keys["region"] != "eu-west-1" {
		t.Errorf("default = %q", keys)
	}
	for _, name := range []string{"b", "b c", "s", "nope"} {
		if _, ok, err := ConfigProfile(p, name); ok || err != nil {
			t.Errorf("%q found (%v): botocore reads no such profile", name, err)
		}
	}
	if names, err := ConfigProfileNames(p); err != nil || strings.Join(names, ",") != "a,default" {
		t.Errorf("names %q %v", names, err)
	}
	if _, ok, err := ConfigProfile(filepath.Join(t.TempDir(), "missing"), "a"); ok || err != nil {
		t.Errorf("missing file: %v %v", ok, err)
	}
	os.WriteFile(p, []byte("[profile a]\nx = 1\n[profile a]\n"), 0o600)
	if _, _, err := ConfigProfile(p, "a"); err == nil {
		t.Errorf("duplicate sections read")
	}
}

func TestCredentialsProfileAndSplitCommand(t *testing.T) {
	p := filepath.Join(t.TempDir(), "credentials")
	os.WriteFile(p, []byte("[profile a]\nk = 1\n[a]\nAWS_ACCESS_KEY_ID = AKIA\n"), 0o600)
	if keys, ok, err := CredentialsProfile(p, "a"); err != nil || !ok || keys[KeyAccessKeyID] != "AKIA" {
		t.Errorf("credentials a = %q %v %v", keys, ok, err)
	}
	if argv, err := SplitCommand(`/bin/get "a b" 'c d' e\ f`); err != nil || strings.Join(argv, "|") != "/bin/get|a b|c d|e f" {
		t.Errorf("argv %q %v", argv, err)
	}
	for _, bad := range []string{"", "  ", `"open`} {
		if _, err := SplitCommand(bad); err == nil {
			t.Errorf("SplitCommand(%q) accepted", bad)
		}
	}
}
