package awsfiles

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestSetConfigKeysCredentialProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	before := "# mine\n[profile other]\nregion = eu-west-1\n\n[profile p]\nregion = us-east-1\ncredential_process = old\n"
	if err := os.WriteFile(path, []byte(before), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := SetConfigKeys(context.Background(), path, KindProfile, "p", [][2]string{{"credential_process", "/bin/samlgo credential-process --account a --role 'R x'"}}); err != nil {
		t.Fatal(err)
	}
	want := "# mine\n[profile other]\nregion = eu-west-1\n\n[profile p]\nregion = us-east-1\ncredential_process = /bin/samlgo credential-process --account a --role 'R x'\n"
	if b, _ := os.ReadFile(path); string(b) != want {
		t.Errorf("config =\n%s\nwant\n%s", b, want)
	}
	if v, err := ConfigValue(path, "p", "region"); v != "us-east-1" || err != nil {
		t.Errorf("ConfigValue = %q, %v", v, err)
	}
	if err := SetConfigKeys(context.Background(), path, KindProfile, "new", [][2]string{{"credential_process", "x"}}); err != nil {
		t.Fatal(err)
	}
	if v, _ := ConfigValue(path, "new", "credential_process"); v != "x" {
		t.Errorf("new profile = %q", v)
	}
	for _, bad := range [][2]string{{"Bad-Key", "x"}, {"k", "a\nb"}, {"k", ""}, {"k", " x"}} {
		if err := SetConfigKeys(context.Background(), path, KindProfile, "p", [][2]string{bad}); err == nil {
			t.Errorf("SetConfigKeys(%q) = nil", bad)
		}
	}
}
