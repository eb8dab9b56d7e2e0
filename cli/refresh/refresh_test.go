package refresh

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
)

const (
	admin  = "arn:aws:iam::123456789012:role/Admin"
	deploy = "arn:aws:iam::210987654321:role/Deployer"
	lab    = "arn:aws:iam::333333333333:role/Lab"
)

func profile(name, account, role string, expires time.Time) string {
	s := "[" + name + "]\naws_access_key_id = ASIA" + strings.ToUpper(name) + "\naws_secret_access_key = s\naws_session_token = t\nx_security_token_expires = " + expires.UTC().Format(time.RFC3339) + "\nx_samlgo_origin = saml\n"
	if account != "" {
		s += "x_samlgo_account = " + account + "\nx_samlgo_role = " + role + "\n"
	}
	return s
}

type call struct {
	account string
	targets map[string]string
}

func setup(t *testing.T, content string) (*Options, *[]call, *iostreams.IOStreams) {
	path := filepath.Join(t.TempDir(), "credentials")
	os.WriteFile(path, []byte(content), 0o600)
	ios, _, _, _ := iostreams.Test()
	var calls []call
	return &Options{IO: ios, Now: time.Now, Within: 15 * time.Minute, CredentialsFile: path,
		Renew: func(_ context.Context, file, account string, targets map[string]string) error {
			if file != path {
				t.Errorf("renewed into %q", file)
			}
			calls = append(calls, call{account, targets})
			if account == "broken" {
				return cmdutil.FailureError(errors.New("the IdP asked for the password again"), "hint: run samlgo login --account broken")
			}
			return nil
		}}, &calls, ios
}

// TestRefreshOneSignInPerAccount: what expires within --within is renewed,
// grouped by account; fresh profiles, profiles of another origin and
// profiles without a recorded account are left alone.
func TestRefreshOneSignInPerAccount(t *testing.T) {
	now := time.Now()
	opts, calls, _ := setup(t, profile("a", "corp", admin, now.Add(5*time.Minute))+profile("b", "corp", deploy, now.Add(-time.Hour))+
		profile("c", "corp", lab, now.Add(2*time.Hour))+profile("d", "lab", lab, now.Add(time.Minute))+profile("e", "", "", now.Add(-time.Hour))+
		"[f]\naws_access_key_id = ASIAF\naws_secret_access_key = s\nx_samlgo_origin = sso\nx_security_token_expires = 2001-01-01T00:00:00Z\n")
	if err := refreshRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	want := []call{{"corp", map[string]string{admin: "a", deploy: "b"}}, {"lab", map[string]string{lab: "d"}}}
	if !reflect.DeepEqual(*calls, want) {
		t.Errorf("calls %v, want %v", *calls, want)
	}
	opts, calls, _ = setup(t, profile("a", "corp", admin, now.Add(5*time.Minute))+profile("d", "lab", lab, now.Add(time.Minute)))
	opts.Account = "lab"
	if err := refreshRun(context.Background(), opts); err != nil || len(*calls) != 1 || (*calls)[0].account != "lab" {
		t.Errorf("--account lab: %v %v", err, *calls)
	}
}

func TestRefreshNothingDueAndFailures(t *testing.T) {
	now := time.Now()
	opts, calls, ios := setup(t, profile("a", "corp", admin, now.Add(time.Hour)))
	if err := refreshRun(context.Background(), opts); err != nil || len(*calls) != 0 || !strings.Contains(ios.ErrOut.(interface{ String() string }).String(), "nothing to refresh: 1 profiles") {
		t.Errorf("nothing due: %v %v", err, *calls)
	}
	opts.Account = "nope"
	if code, _ := cmdutil.Classify(refreshRun(context.Background(), opts)); code != 2 {
		t.Errorf("unknown account: exit %d", code)
	}
	// One account failing does not stop the others; the run fails with
	// the failing account's hint.
	opts, calls, _ = setup(t, profile("a", "broken", admin, now)+profile("b", "corp", deploy, now))
	err := refreshRun(context.Background(), opts)
	code, hints := cmdutil.Classify(err)
	if len(*calls) != 2 || code != 1 || !strings.Contains(err.Error(), "1 of 2 accounts") || len(hints) != 1 || !strings.Contains(hints[0], "--account broken") {
		t.Errorf("err %v (exit %d, %q), calls %v", err, code, hints, *calls)
	}
}
