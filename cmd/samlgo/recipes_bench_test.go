//go:build unix

package main

import (
	"fmt"
	"os/exec"
	"testing"

	"github.com/samlgo/samlgo/internal/stsemu"
)

// benchRoleWorld: alice's keys in the credentials file and a profile
// "bench" that assumes Ops from them, on the local STS emulator.
func benchRoleWorld(b *testing.B) *world {
	w := newWorld(b)
	alice := w.emu.AddUser(acctA, "alice")
	w.emu.AddRole(stsemu.Role{ARN: opsRole})
	w.write(".aws/credentials", fmt.Sprintf("[alice]\naws_access_key_id = %s\naws_secret_access_key = %s\n", alice.AccessKeyID, alice.SecretAccessKey))
	w.write(".aws/config", "[profile alice]\nregion = us-east-1\n\n[profile bench]\nrole_arn = "+opsRole+"\nsource_profile = alice\nrole_session_name = alice\nregion = us-east-1\n")
	return w
}

// BenchmarkAssumeRoleProcess is the whole `samlgo assume-role --profile
// bench` process: start, read ~/.aws/config and credentials, AssumeRole
// signed with alice's keys, locked atomic write of bench-session. Compare
// with BenchmarkAWSCLIAssumeRoleRecipe.
func BenchmarkAssumeRoleProcess(b *testing.B) {
	w := benchRoleWorld(b)
	for b.Loop() {
		cmd := exec.Command(samlgoBin, "assume-role", "--profile", "bench")
		cmd.Env = w.env()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("samlgo: %v\n%s", err, out)
		}
	}
}

// BenchmarkAssumeRoleEnvProcess is `eval "$(samlgo assume-role --profile
// bench --format env)"` in bash: the same as the recipe's result.
func BenchmarkAssumeRoleEnvProcess(b *testing.B) {
	w := benchRoleWorld(b)
	script := fmt.Sprintf(`eval "$(%s assume-role --profile bench --format env)" && test -n "$AWS_SESSION_TOKEN"`, samlgoBin)
	for b.Loop() {
		cmd := exec.Command("bash", "-c", script)
		cmd.Env = w.env()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("samlgo: %v\n%s", err, out)
		}
	}
}

// BenchmarkAWSCLIAssumeRoleRecipe is the one-liner assume-role replaces,
// on the same STS: aws sts assume-role | awk | eval export (AWS CLI v2).
func BenchmarkAWSCLIAssumeRoleRecipe(b *testing.B) {
	w := benchRoleWorld(b)
	aws := awsCLI(b)
	recipe := fmt.Sprintf(`eval "$(%s sts assume-role --profile alice --role-arn %s --role-session-name alice --endpoint-url %s \
  --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text |
awk '{ print "export AWS_ACCESS_KEY_ID=" $1; print "export AWS_SECRET_ACCESS_KEY=" $2; print "export AWS_SESSION_TOKEN=" $3 }')" && unset AWS_SECURITY_TOKEN && test -n "$AWS_SESSION_TOKEN"`,
		aws, opsRole, w.emu.URL)
	for b.Loop() {
		cmd := exec.Command("bash", "-o", "pipefail", "-c", recipe)
		cmd.Env = []string{"HOME=" + w.home, "PATH=/usr/bin:/bin", "AWS_CONFIG_FILE=" + w.config, "AWS_SHARED_CREDENTIALS_FILE=" + w.creds}
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("recipe: %v\n%s", err, out)
		}
	}
}
