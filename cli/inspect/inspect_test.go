package inspect

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/internal/idp"
	"github.com/samlgo/samlgo/internal/samltest"
)

const admin = "arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/P"

func TestInspectText(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	o := &Options{IO: ios, Now: time.Now, Output: "text", SAMLFile: samltest.File(t, idp.ResponseOptions{Roles: []string{admin}, SessionDuration: 7200})}
	if err := inspectRun(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Issuer:", "https://idp.example.test/metadata", "Destination:", "Status:", "Success",
		"response signed, assertion signed (not verified", "RoleSessionName:", "alice@example.com", "SessionDuration:", "2h0m0s",
		"Roles:", "arn:aws:iam::123456789012:role/Admin", "via arn:aws:iam::123456789012:saml-provider/P", "Attributes:", "left)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestInspectJSONReportsProblems(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	o := &Options{IO: ios, Now: time.Now, Output: "json", SAMLFile: samltest.File(t, idp.ResponseOptions{Roles: []string{admin}, Now: time.Now().Add(-72 * time.Hour)})}
	if err := inspectRun(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	var got inspection
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got.Problem, "expired") || len(got.Roles) != 1 || !got.AssertionSigned || got.NotOnOrAfter == nil {
		t.Errorf("inspection = %+v", got)
	}
	if !strings.Contains(out.String(), `"assertion_signed": true`) {
		t.Errorf("json lacks assertion_signed: %s", out)
	}
}

func TestHumanDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{90 * time.Second: "1m30s", 3 * time.Hour: "3h0m0s", 72 * time.Hour: "3 days"} {
		if got := humanDuration(d); got != want {
			t.Errorf("humanDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestInspectBadInput(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	for _, o := range []*Options{{Output: "yaml", SAMLFile: "x"}, {Output: "text", SAMLFile: "/nonexistent"}} {
		o.IO, o.Now = ios, time.Now
		err := inspectRun(context.Background(), o)
		if code, _ := cmdutil.Classify(err); code != cmdutil.ExitUsage || out.Len() != 0 {
			t.Errorf("err = %v (exit %d)", err, code)
		}
	}
	var got *Options
	cmd := NewCmdInspect(&cmdutil.Factory{IOStreams: ios, Now: time.Now}, func(o *Options) error { got = o; return nil })
	cmd.SetArgs([]string{"--saml-file", "f", "--output", "json"})
	if err := cmd.Execute(); err != nil || got.SAMLFile != "f" || got.Output != "json" {
		t.Errorf("flag wiring: %+v, %v", got, err)
	}
}

// TestInspectMalformedValue: one malformed Role value made inspect exit 2
// (issue 10); it is named on stderr and the rest is shown.
func TestInspectMalformedValue(t *testing.T) {
	bad := "arn:aws:iam::123456789012:role/ReadOnly;arn:aws:iam::123456789012:saml-provider/P"
	ios, _, out, errOut := iostreams.Test()
	o := &Options{IO: ios, Now: time.Now, Output: "text", SAMLFile: samltest.File(t, idp.ResponseOptions{Roles: []string{bad, admin}})}
	if err := inspectRun(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Roles:") || !strings.Contains(out.String(), "arn:aws:iam::123456789012:role/Admin") || strings.Contains(out.String(), "Problem:") {
		t.Errorf("stdout:\n%s", out)
	}
	if got := strings.TrimSpace(errOut.String()); strings.Count(got, "\n") != 0 || !strings.Contains(got, "warning: ignoring Role attribute value 1") || !strings.Contains(got, "ReadOnly;arn") {
		t.Errorf("stderr: %q", got)
	}
}
