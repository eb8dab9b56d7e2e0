package main

import (
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/samlgo/samlgo/internal/idp"
)

// BenchmarkLoginProcess is the whole `samlgo login --saml-file` process
// against the local STS emulator: start, parse, AssumeRoleWithSAML, locked
// atomic write of the credentials and config files. Compare with
// BenchmarkAWSCLIRecipe (make bench prints both).
func BenchmarkLoginProcess(b *testing.B) {
	w := newWorld(b)
	f := benchAssertion(b, w)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		cmd := exec.Command(samlgoBin, "login", "--saml-file", f, "--profile", "bench")
		cmd.Env = w.env()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("samlgo: %v\n%s", err, out)
		}
	}
}

// BenchmarkAWSCLIRecipe is the recipe samlgo replaces, on the same STS:
// aws sts assume-role-with-saml | awk >> credentials (AWS CLI v2).
func BenchmarkAWSCLIRecipe(b *testing.B) {
	w := newWorld(b)
	aws := awsCLI(b)
	f := benchAssertion(b, w)
	recipe := fmt.Sprintf(`%s sts assume-role-with-saml --role-arn %s --principal-arn %s --saml-assertion file://%s --endpoint-url %s --region us-east-1 \
  --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken,Expiration]' --output text |
awk '{ print "[bench]"; print "aws_access_key_id = " $1; print "aws_secret_access_key = " $2; print "aws_session_token = " $3 }' >> %s`,
		aws, adminA, provA, f, w.emu.URL, w.creds)
	if err := os.MkdirAll(filepath.Dir(w.creds), 0o700); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		// The recipe appends, so a second run adds a second [bench] section
		// and the AWS CLI then refuses to parse the whole file; each run
		// starts from an empty file, reset outside the timing.
		b.StopTimer()
		if err := os.WriteFile(w.creds, nil, 0o600); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		cmd := exec.Command("bash", "-o", "pipefail", "-c", recipe)
		cmd.Env = []string{"HOME=" + w.home, "PATH=/usr/bin:/bin", "AWS_CONFIG_FILE=" + w.config, "AWS_SHARED_CREDENTIALS_FILE=" + w.creds}
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("recipe: %v\n%s", err, out)
		}
	}
}

// benchAssertion saves one fresh single-line base64 assertion (valid for
// the emulator's 5-minute window, longer than a benchmark run).
func benchAssertion(b *testing.B, w *world) string {
	doc, err := w.signer.Response(idp.ResponseOptions{Roles: []string{pair(adminA, provA)}, SessionName: userName})
	if err != nil {
		b.Fatal(err)
	}
	p := filepath.Join(w.home, "samlresponse.log")
	if err := os.WriteFile(p, []byte(base64.StdEncoding.EncodeToString(doc)), 0o600); err != nil {
		b.Fatal(err)
	}
	return p
}
