package creds

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/internal/testenv"
)

var sample = Credentials{
	AccessKeyID:     "ASIAEXAMPLE",
	SecretAccessKey: `se'cr"et/\+$HOME`,
	SessionToken:    "tok'en+/== $(echo pwned) `x`",
	Expiration:      time.Date(2026, 11, 22, 4, 0, 0, 0, time.FixedZone("X", 7200)),
}

func TestJSON(t *testing.T) {
	var got map[string]any
	if err := json.Unmarshal(sample.JSON(), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"Version": 1.0, "AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": sample.SecretAccessKey,
		"SessionToken": sample.SessionToken, "Expiration": "2026-11-22T02:00:00Z"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("JSON = %v, want %v", got, want)
	}
}

func TestStringHidesSecrets(t *testing.T) {
	for _, s := range []string{fmt.Sprint(sample), fmt.Sprintf("%+v", sample), fmt.Sprintf("%#v", sample)} {
		if strings.Contains(s, "se'cr") || strings.Contains(s, "tok'en") {
			t.Errorf("secret printed: %s", s)
		}
	}
}

// TestEnvInRealShells evaluates the export lines in each shell and reads
// the variables back, so quoting mistakes show up as wrong values.
func TestEnvInRealShells(t *testing.T) {
	shells := []struct {
		sh   Shell
		bin  string
		args func(script string) []string
	}{
		{Bash, "bash", func(s string) []string {
			return []string{"-c", s + `printf '%s\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN" "$AWS_CREDENTIAL_EXPIRATION" "$AWS_REGION" "${AWS_SECURITY_TOKEN-unset}"`}
		}},
		{Zsh, "zsh", func(s string) []string {
			return []string{"-c", s + `printf '%s\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN" "$AWS_CREDENTIAL_EXPIRATION" "$AWS_REGION" "${AWS_SECURITY_TOKEN-unset}"`}
		}},
		{Fish, "fish", func(s string) []string {
			return []string{"-c", s + `printf '%s\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN" "$AWS_CREDENTIAL_EXPIRATION" "$AWS_REGION"; set -q AWS_SECURITY_TOKEN; or echo unset`}
		}},
	}
	for _, c := range shells {
		t.Run(string(c.sh), func(t *testing.T) {
			bin := testenv.Need(t, c.bin, ".ci/run installs Debian's "+c.bin)
			cmd := exec.Command(bin, c.args(sample.Env(c.sh, "eu-west-1"))...)
			cmd.Env = append(os.Environ(), "AWS_SECURITY_TOKEN=stale")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", c.bin, err, out)
			}
			want := strings.Join([]string{sample.AccessKeyID, sample.SecretAccessKey, sample.SessionToken, "2026-11-22T02:00:00Z", "eu-west-1", "unset"}, "\n") + "\n"
			if string(out) != want {
				t.Errorf("%s read back\n%q\nwant\n%q", c.bin, out, want)
			}
		})
	}
}

func TestPowerShellLines(t *testing.T) {
	got := sample.Env(PowerShell, "")
	if !strings.Contains(got, `$Env:AWS_SECRET_ACCESS_KEY = 'se''cr"et/\+$HOME'`) ||
		!strings.Contains(got, "Remove-Item Env:AWS_SECURITY_TOKEN") || strings.Contains(got, "AWS_REGION") {
		t.Errorf("powershell lines:\n%s", got)
	}
}

func TestParseShell(t *testing.T) {
	cases := []struct {
		flag, env string
		want      Shell
		err       bool
	}{
		{"", "/usr/bin/fish", Fish, false},
		{"", "/bin/zsh", Zsh, false},
		{"", "", Bash, false},
		{"", "/usr/bin/nushell", Bash, false},
		{"pwsh", "/bin/zsh", PowerShell, false},
		{"tcsh", "", "", true},
	}
	for _, c := range cases {
		got, err := ParseShell(c.flag, c.env)
		if got != c.want || (err != nil) != c.err {
			t.Errorf("ParseShell(%q, %q) = %q, %v", c.flag, c.env, got, err)
		}
	}
}
