package exec

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/internal/fakests"
)

func lookup(env []string, key string) (string, bool) {
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}

// TestServerChildEnv: with --server the child's environment holds the
// endpoint and its token, no keys, and an empty private credentials file;
// the endpoint serves the profile's credentials with the token only, and
// stop removes what it made.
func TestServerChildEnv(t *testing.T) {
	opts, _ := setup(t, map[string]string{})
	opts.Profile, opts.Server = "dev", true
	env, stop, err := childEnv(context.Background(), opts, "dev")
	if err != nil {
		t.Fatal(err)
	}
	url, _ := lookup(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI")
	token, _ := lookup(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN")
	file, _ := lookup(env, "AWS_SHARED_CREDENTIALS_FILE")
	if _, ok := lookup(env, "AWS_ACCESS_KEY_ID"); ok || !strings.HasPrefix(url, "http://127.0.0.1:") || len(token) != 64 || file == "" {
		t.Fatalf("env = %q", env)
	}
	if p, _ := lookup(env, "SAMLGO_PROFILE"); p != "dev" {
		t.Errorf("SAMLGO_PROFILE = %q", p)
	}
	if r, _ := lookup(env, "AWS_REGION"); r != "eu-west-1" {
		t.Errorf("AWS_REGION = %q", r)
	}
	if b, err := os.ReadFile(file); err != nil || len(b) != 0 {
		t.Errorf("credentials file %q: %q, %v", file, b, err)
	}
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]string
	_ = json.NewDecoder(resp.Body).Decode(&doc)
	resp.Body.Close()
	if doc["AccessKeyId"] != "ASIADEV0000000000001" || doc["Token"] != "tok" {
		t.Errorf("served %v", doc)
	}
	stop()
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("empty credentials file left: %v", err)
	}
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Errorf("the endpoint still answers after stop")
	}
}

// TestServerRefreshesNearExpiry: the profile is read again when what was
// served nears its end.
func TestServerRefreshesNearExpiry(t *testing.T) {
	opts, _ := setup(t, map[string]string{})
	now := time.Now()
	opts.Now = func() time.Time { return now }
	get, region, err := source(context.Background(), opts, "dev")
	if err != nil || region != "eu-west-1" {
		t.Fatalf("source: %v, %q", err, region)
	}
	if c, err := get(context.Background()); err != nil || c.AccessKeyID != "ASIADEV0000000000001" {
		t.Fatalf("first = %v, %v", c, err)
	}
	// The stored keys change (a new login) and the served ones near their
	// end (the clock moves on): the next request reads the profile again.
	if err := os.WriteFile(opts.CredentialsFile, []byte("[dev]\naws_access_key_id = ASIADEV0000000000002\naws_secret_access_key = wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\naws_session_token = tok2\nx_security_token_expires = 3000-01-01T00:00:00Z\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if c, _ := get(context.Background()); c.AccessKeyID != "ASIADEV0000000000001" {
		t.Errorf("refreshed too early: %v", c.AccessKeyID)
	}
	now = time.Date(2998, 12, 31, 23, 58, 0, 0, time.UTC)
	if c, err := get(context.Background()); err != nil || c.AccessKeyID != "ASIADEV0000000000002" {
		t.Errorf("near expiry = %v, %v", c.AccessKeyID, err)
	}
	// Read again and still ending within 5 minutes: refused, with the
	// login that renews them (the rule serve --profile had, now shared).
	now = time.Date(2999, 12, 31, 23, 58, 0, 0, time.UTC)
	if _, err := get(context.Background()); err == nil || !strings.Contains(err.Error(), "expires at 3000-01-01T00:00:00Z") {
		t.Errorf("still near expiry after reading again = %v", err)
	}
}

func TestAccountRoleSource(t *testing.T) {
	opts, ios := setup(t, map[string]string{})
	opts.Account, opts.Role = "corp", "Admin"
	opts.Refreshed = func(_ context.Context, account, role string) (func(context.Context) (creds.Credentials, error), string, error) {
		if account != "corp" || role != "Admin" {
			t.Errorf("Refreshed(%q, %q)", account, role)
		}
		return func(context.Context) (creds.Credentials, error) {
			return fakests.Credentials("ASIAACCOUNT000000001", time.Now().Add(time.Hour)), nil
		}, "us-west-2", nil
	}
	opts.Command = selfChild(0, "AWS_ACCESS_KEY_ID", "SAMLGO_PROFILE", "AWS_REGION")
	if err := execRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	if got := ios.Out.(interface{ String() string }).String(); got != "ASIAACCOUNT000000001 corp:Admin us-west-2\n" {
		t.Errorf("child saw %q", got)
	}
	for _, set := range []func(*Options){
		func(o *Options) { o.Profile = "dev" },
		func(o *Options) { o.Role = "" },
		func(o *Options) { o.Account, o.Role, o.KeepCredentialsFile = "", "", true },
	} {
		o, _ := setup(t, map[string]string{})
		o.Account, o.Role, o.Command = "corp", "Admin", selfChild(0)
		set(o)
		var ee *cmdutil.ExitError
		if err := execRun(context.Background(), o); !errors.As(err, &ee) || ee.Code != cmdutil.ExitUsage {
			t.Errorf("err = %v, want a usage error", err)
		}
	}
}
