package creds

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseProcessOutput(t *testing.T) {
	good := `{"Version":1,"AccessKeyId":"ASIAPROCESS000000001","SecretAccessKey":"wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY","SessionToken":"FwoGZXIvYXdzEBYaD==","Expiration":"2030-01-02T03:04:05Z","Extra":true}`
	c, err := ParseProcessOutput([]byte(good))
	if err != nil || c.AccessKeyID != "ASIAPROCESS000000001" || !c.Expiration.Equal(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)) || c.LongTerm() {
		t.Errorf("good = %v, %v", c, err)
	}
	long, err := ParseProcessOutput([]byte(`{"Version":1,"AccessKeyId":"AKIAPROCESS000000001","SecretAccessKey":"wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY"}`))
	if err != nil || !long.LongTerm() || !long.Expiration.IsZero() {
		t.Errorf("long-term = %v, %v", long, err)
	}
	for in, want := range map[string]string{
		"":                    "empty",
		"not json":            "not JSON",
		`{"Version":2}`:       "Version 2",
		`{"AccessKeyId":"x"}`: "no Version",
		`{"Version":1}`:       "no AccessKeyId",
		`{"Version":"1"}`:     "wrong type",
		`{"Version":1,"AccessKeyId":"ASIAPROCESS000000001"}`: "no SecretAccessKey",
		`{"Version":1,"AccessKeyId":"ASIAPROCESS000000001","SecretAccessKey":"wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY","Expiration":"tomorrow"}`: "ISO 8601",
		`{"Version":1,"AccessKeyId":"ASIA\nPROCESS00000001","SecretAccessKey":"wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY"}`:                        "access key id",
		`{"Version":1} {"Version":1}`:           "more than one",
		strings.Repeat(" ", MaxProcessOutput+1): "more than",
	} {
		_, err := ParseProcessOutput([]byte(in))
		var pe *ProcessError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseProcessOutput(%.40q) = %v, want %q", in, err, want)
		}
	}
}

// FuzzParseProcessOutput: any output is either credentials whose key id
// and secret pass the same checks as STS values, or a one-line
// *ProcessError that quotes nothing of the input.
func FuzzParseProcessOutput(f *testing.F) {
	f.Add([]byte(`{"Version":1,"AccessKeyId":"ASIAPROCESS000000001","SecretAccessKey":"wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY","SessionToken":"abc=","Expiration":"2030-01-02T03:04:05Z"}`))
	f.Add([]byte(`{"Version":1,"AccessKeyId":"SECRETLEAK","SecretAccessKey":"SECRETLEAK"}`))
	f.Add([]byte(`[1,2]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseProcessOutput(b)
		if err != nil {
			var pe *ProcessError
			if !errors.As(err, &pe) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %T %q", err, err)
			}
			if strings.Contains(err.Error(), "SECRETLEAK") {
				t.Fatalf("error quotes the input: %q", err)
			}
			return
		}
		// Accepted values are taken as the AWS CLI takes them (spaces and
		// quotes included: they reach a shell only quoted), but never with a
		// control character that could split a line.
		if c.ValidateLongTerm() != nil || strings.ContainsFunc(c.AccessKeyID+c.SecretAccessKey+c.SessionToken, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Fatalf("accepted %v", c)
		}
	})
}

func TestChildEnviron(t *testing.T) {
	c := Credentials{AccessKeyID: "ASIAKEY", SecretAccessKey: "s", SessionToken: "t", Expiration: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	env := c.ChildEnviron([]string{"PATH=/bin", "AWS_PROFILE=x", "AWS_SECURITY_TOKEN=old", "AWS_ACCESS_KEY_ID=old", "AWS_REGION=us-west-2", "AWS_CONTAINER_CREDENTIALS_FULL_URI=http://x", "SAMLGO_PROFILE=outer"}, "eu-west-1", "SAMLGO_PROFILE=p")
	got := strings.Join(env, " ")
	want := "PATH=/bin AWS_ACCESS_KEY_ID=ASIAKEY AWS_SECRET_ACCESS_KEY=s AWS_SESSION_TOKEN=t AWS_CREDENTIAL_EXPIRATION=2030-01-01T00:00:00Z AWS_REGION=eu-west-1 AWS_DEFAULT_REGION=eu-west-1 SAMLGO_PROFILE=p"
	if got != want {
		t.Errorf("ChildEnviron =\n%s\nwant\n%s", got, want)
	}
	lines := c.ExportLines(Bash, "", [][2]string{{"SAMLGO_PROFILE", "it's"}})
	for _, s := range []string{"unset AWS_SECURITY_TOKEN\n", "unset AWS_PROFILE\n", "unset AWS_DEFAULT_PROFILE\n", "export SAMLGO_PROFILE='it'\\''s'\n", "export AWS_CREDENTIAL_EXPIRATION="} {
		if !strings.Contains(lines, s) {
			t.Errorf("ExportLines lacks %q:\n%s", s, lines)
		}
	}
	if strings.Contains(lines, "unset AWS_ACCESS_KEY_ID") || strings.Contains(lines, "unset AWS_CREDENTIAL_EXPIRATION") {
		t.Errorf("ExportLines unsets what it sets:\n%s", lines)
	}
}
