package credserver

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/samlgo/samlgo/internal/testenv"
)

func TestChildEnv(t *testing.T) {
	environ := []string{"PATH=/usr/bin", "AWS_ACCESS_KEY_ID=AKIAOLD", "AWS_SECURITY_TOKEN=stale", "AWS_PROFILE=prod",
		"AWS_SHARED_CREDENTIALS_FILE=/home/u/.aws/credentials", "AWS_CONFIG_FILE=/home/u/.aws/config", "AWS_REGION=eu-west-1"}
	got := ChildEnv(environ, "http://127.0.0.1:1/", "tok", "/tmp/x/credentials")
	want := []string{"PATH=/usr/bin", "AWS_CONFIG_FILE=/home/u/.aws/config", "AWS_REGION=eu-west-1",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:1/", "AWS_CONTAINER_AUTHORIZATION_TOKEN=tok", "AWS_SHARED_CREDENTIALS_FILE=/tmp/x/credentials"}
	if !slices.Equal(got, want) {
		t.Errorf("ChildEnv =\n%q\nwant\n%q", got, want)
	}
	kept := ChildEnv(environ, "u", "t", "")
	if !slices.Contains(kept, "AWS_SHARED_CREDENTIALS_FILE=/home/u/.aws/credentials") || slices.ContainsFunc(kept, func(kv string) bool { return strings.HasPrefix(kv, "AWS_ACCESS_KEY_ID=") }) {
		t.Errorf("--keep-credentials-file: %q", kept)
	}
}

func TestEmptyCredentialsFile(t *testing.T) {
	path, remove, err := EmptyCredentialsFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Size() != 0 {
		t.Fatalf("%v %v", st, err)
	}
	testenv.Mode(t, path, 0o600)
	remove()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("not removed: %v", err)
	}
}
