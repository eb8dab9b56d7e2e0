//go:build unix

package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/credcache"
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

// benchProcess runs argv once per iteration as a whole process and reports
// the median wall time and the median peak resident memory of five more
// runs started through internal/peakrss (see there why; its floor, the
// figure for /bin/true, is reported by BenchmarkPeakFloor).
func benchProcess(b *testing.B, env []string, argv ...string) {
	b.Helper()
	var walls []time.Duration
	for b.Loop() {
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Env = env
		t0 := time.Now()
		out, err := cmd.Output()
		walls = append(walls, time.Since(t0))
		if err != nil || len(out) == 0 {
			b.Fatalf("%s: %v %s", argv[0], err, out)
		}
	}
	b.StopTimer()
	slices.Sort(walls)
	b.ReportMetric(float64(walls[len(walls)/2].Microseconds())/1000, "median-ms")
	b.ReportMetric(peakMiB(b, env, argv...), "peak-MiB")
}

// peakMiB is the median peak resident memory of five runs of argv.
func peakMiB(b *testing.B, env []string, argv ...string) float64 {
	var peaks []int
	for range 5 {
		cmd := exec.Command(peakrssBin, argv...)
		cmd.Env = env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			b.Fatalf("peakrss %s: %v %s", argv[0], err, stderr.String())
		}
		var kib int
		if _, err := fmt.Sscanf(stderr.String()[strings.LastIndex(stderr.String(), "peak-kib "):], "peak-kib %d", &kib); err != nil {
			b.Fatalf("peakrss said %q", stderr.String())
		}
		peaks = append(peaks, kib)
	}
	slices.Sort(peaks)
	return float64(peaks[len(peaks)/2]) / 1024
}

// BenchmarkPeakFloor is the floor of the peak-MiB figures: /bin/true
// started the same way.
func BenchmarkPeakFloor(b *testing.B) {
	for b.Loop() {
	}
	b.ReportMetric(peakMiB(b, nil, "/bin/true"), "peak-MiB")
}

// cachedProfile logs in once, leaves a fresh credential_process document
// in the cache for account corp and role Admin (as a first
// credential-process call would), and points profile "cached" at the fast
// program.
func cachedProfile(b *testing.B) *world {
	w := newWorld(b)
	w.write(".config/samlgo/config.toml", "default_account = \"corp\"\n[accounts.corp]\nurl = \"https://idp.example.test/sso\"\nregion = \"us-east-1\"\n")
	f := benchAssertion(b, w)
	r := w.run("", "login", "--saml-file", f, "--role", adminA, "--format", "json")
	if r.code != 0 {
		b.Fatalf("login: %s", r.stderr)
	}
	w.write(".cache/samlgo/credential-process/"+filepath.Base(cacheEntry(w, "corp", "Admin")), r.stdout)
	if err := os.Chmod(cacheEntry(w, "corp", "Admin"), 0o600); err != nil {
		b.Fatal(err)
	}
	if r := w.run("", "configure-profile", "cached", "--account", "corp", "--role", "Admin"); r.code != 0 {
		b.Fatalf("configure-profile: %s", r.stderr)
	}
	return w
}

func cacheEntry(w *world, account, role string) string {
	return credcache.For(credcache.Dir(filepath.Join(w.home, ".cache")), credcache.ConfigKey(filepath.Join(w.home, ".config", "samlgo", "config.toml")), account, role).Path
}

// BenchmarkCredentialProcessCached is a cached credential_process call as
// the AWS CLI makes it: the fast samlgo-credential-process program.
func BenchmarkCredentialProcessCached(b *testing.B) {
	w := cachedProfile(b)
	benchProcess(b, w.env(), fastBin, "--account", "corp", "--role", "Admin")
}

// BenchmarkCredentialProcessCachedSamlgo is the same cached answer from
// samlgo itself, start-up included.
func BenchmarkCredentialProcessCachedSamlgo(b *testing.B) {
	w := cachedProfile(b)
	benchProcess(b, w.env(), samlgoBin, "credential-process", "--account", "corp", "--role", "Admin")
}

// BenchmarkAWSExportCredentials is the AWS CLI v2 reading the same profile:
// aws configure export-credentials runs the credential_process line.
func BenchmarkAWSExportCredentials(b *testing.B) {
	w := cachedProfile(b)
	benchProcess(b, append(w.env(), "PATH=/usr/bin:/bin"), awsCLI(b), "configure", "export-credentials", "--profile", "cached")
}

// BenchmarkVersion is samlgo's bare start: a command that does nothing else.
func BenchmarkVersion(b *testing.B) {
	w := newWorld(b)
	benchProcess(b, w.env(), samlgoBin, "version")
}
