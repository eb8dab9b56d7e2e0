package roles

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/config"
	"github.com/samlgo/samlgo/internal/idp"
	"github.com/samlgo/samlgo/internal/samltest"
)

const (
	admin = "arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/P"
	dev   = "arn:aws:iam::210987654321:role/team/Deployer,arn:aws:iam::210987654321:saml-provider/P"
)

func TestRolesText(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	o := &Options{IO: ios, Now: time.Now, Output: "text", Account: "corp", SAMLFile: samltest.File(t, idp.ResponseOptions{Roles: []string{admin, dev}}),
		Config: func() (*config.Config, error) {
			return &config.Config{Accounts: map[string]config.Account{"corp": {Aliases: map[string]string{"210987654321": "dev"}}}}, nil
		}}
	if err := rolesRun(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "ACCOUNT") || !strings.Contains(lines[1], "dev") || !strings.Contains(lines[1], "team/Deployer") || !strings.Contains(lines[2], "Admin") {
		t.Errorf("output:\n%s", out)
	}
}

func TestRolesJSONAndExpired(t *testing.T) {
	ios, _, out, errOut := iostreams.Test()
	file := samltest.File(t, idp.ResponseOptions{Roles: []string{admin}, Now: time.Now().Add(-time.Hour)})
	o := &Options{IO: ios, Now: time.Now, Output: "json", SAMLFile: file, Config: func() (*config.Config, error) { return &config.Config{}, nil }}
	if err := rolesRun(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	var got []map[string]string
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || len(got) != 1 || got[0]["role_arn"] != "arn:aws:iam::123456789012:role/Admin" || got[0]["role_name"] != "Admin" || got[0]["account_id"] != "123456789012" {
		t.Fatalf("json = %s (%v)", out, err)
	}
	if !strings.Contains(errOut.String(), "warning: the assertion expired") {
		t.Errorf("no expiry warning: %q", errOut)
	}
}

func TestRolesBadInput(t *testing.T) {
	for name, o := range map[string]*Options{
		"bad --output": {Output: "yaml", SAMLFile: "x"},
		"missing file": {Output: "text", SAMLFile: "/nonexistent/response"},
		"no file":      {Output: "text"},
	} {
		t.Run(name, func(t *testing.T) {
			ios, _, out, _ := iostreams.Test()
			o.IO, o.Now = ios, time.Now
			o.Config = func() (*config.Config, error) { return &config.Config{}, nil }
			err := rolesRun(context.Background(), o)
			if code, _ := cmdutil.Classify(err); code != cmdutil.ExitUsage || out.Len() != 0 {
				t.Fatalf("err = %v (exit %d), stdout %q", err, code, out)
			}
		})
	}
}

func TestRolesFlagWiring(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	var got *Options
	cmd := NewCmdRoles(&cmdutil.Factory{IOStreams: ios, Now: time.Now, Log: cmdutil.Discard()}, func(o *Options) error { got = o; return nil })
	cmd.SetArgs([]string{"--saml-file", "f", "--output", "json", "--account", "a"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.SAMLFile != "f" || got.Output != "json" || got.Account != "a" || got.Config == nil {
		t.Errorf("options = %+v", got)
	}
}

// TestRolesMalformedValue: one malformed Role value made roles exit 2 and
// list nothing (issue 10); it is named on stderr and the others are listed
// (PRODUCT.md §6), in text and in JSON.
func TestRolesMalformedValue(t *testing.T) {
	bad := "arn:aws:iam::123456789012:saml-provider/P,AWS-123456789012-Dev"
	upper := "arn:aws:iam::123456789012:role/ADMIN,arn:aws:iam::123456789012:saml-provider/P"
	file := samltest.File(t, idp.ResponseOptions{Roles: []string{admin, bad, dev, upper}})
	for _, output := range []string{"text", "json"} {
		t.Run(output, func(t *testing.T) {
			ios, _, out, errOut := iostreams.Test()
			o := &Options{IO: ios, Now: time.Now, Output: output, SAMLFile: file, Config: func() (*config.Config, error) { return &config.Config{}, nil }}
			if err := rolesRun(context.Background(), o); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), "team/Deployer") || !strings.Contains(out.String(), "role/Admin") || strings.Contains(out.String(), "AWS-123456789012-Dev") {
				t.Errorf("stdout:\n%s", out)
			}
			lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
			if len(lines) != 2 || !strings.Contains(lines[0], `Role attribute value 2 "`+bad+`"`) || !strings.Contains(lines[1], "differ only in case") {
				t.Errorf("stderr:\n%s", errOut)
			}
		})
	}
}
