//go:build unix

package main

// Credentials on demand (issue 8) through the real binaries: the fast
// samlgo-credential-process program, samlgo credential-process behind it,
// configure-profile, and serve, read by the AWS CLI v2 and the SDK.

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials/processcreds"

	"github.com/samlgo/samlgo/credcache"
	"github.com/samlgo/samlgo/internal/testenv"
)

// TestCredentialProcessOneSignInForTwenty: 20 processes started at once on
// an empty cache cause exactly one IdP sign-in and one STS call, and all
// get the same credentials; then the AWS CLI and the SDK use them through
// the line configure-profile wrote, from the cache.
func TestCredentialProcessOneSignInForTwenty(t *testing.T) {
	w := newBrowserWorld(t)
	w.extra = append(w.extra, "SAMLGO_PASSWORD=correct horse")
	const n = 20
	outs := make([]result, n)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range outs {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, fastBin, "--account", "corp", "--role", "Admin")
			cmd.Env = w.env()
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			err := cmd.Run()
			outs[i] = result{out.String(), errb.String(), exitCodeOf(err)}
		})
	}
	wg.Wait()
	t.Logf("%d cold credential_process calls, one sign-in: %v wall", n, time.Since(start).Round(time.Millisecond))
	for i, r := range outs {
		if r.code != 0 || r.stdout != outs[0].stdout || !strings.HasPrefix(r.stdout, `{"Version":1,"AccessKeyId":"ASIA`) {
			t.Errorf("process %d: exit %d, stdout %q, stderr %q", i, r.code, r.stdout, r.stderr)
		}
	}
	if got := w.idp.Logins(); got != 1 {
		t.Errorf("%d IdP sign-ins, want 1", got)
	}
	if got := samlCalls(w); got != 1 {
		t.Errorf("%d AssumeRoleWithSAML calls, want 1", got)
	}
	noChromeLeft(t, w.profile)

	// Cached: both programs answer from the cache, with no sign-in.
	for _, args := range [][]string{{fastBin, "--account", "corp", "--role", "Admin"}, {samlgoBin, "credential-process", "--account=corp", "--role=Admin"}} {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Env = w.env()
		out, err := cmd.Output()
		if err != nil || string(out) != outs[0].stdout {
			t.Errorf("%s cached: %q, %v", filepath.Base(args[0]), out, err)
		}
	}

	// configure-profile writes the line the AWS CLI runs.
	r := w.run("", "configure-profile", "corp-admin", "--account", "corp", "--role", "Admin", "--region", "us-east-1")
	if r.code != 0 {
		t.Fatalf("configure-profile: exit %d %s", r.code, r.stderr)
	}
	if cfg := readFile(t, w.config); !strings.Contains(cfg, "[profile corp-admin]\ncredential_process = "+fastBin+" --account corp --role Admin\nregion = us-east-1\n") {
		t.Errorf("config:\n%s", cfg)
	}
	arn, err := w.callerIdentity("corp-admin", w.emu.URL)
	if err != nil || !strings.Contains(arn, "assumed-role/Admin/"+userName) {
		t.Errorf("AWS CLI with credential_process: %q, %v", arn, err)
	}
	// aws-sdk-go-v2's own process provider reads the same output.
	t.Setenv("HOME", w.home)
	t.Setenv("XDG_CACHE_HOME", filepath.Join(w.home, ".cache"))
	c, err := processcreds.NewProvider(fastBin + " --account corp --role Admin").Retrieve(context.Background())
	if err != nil || c.AccessKeyID == "" || !strings.Contains(outs[0].stdout, c.AccessKeyID) || !c.CanExpire {
		t.Errorf("SDK process provider: %+v, %v", c, err)
	}
	if w.idp.Logins() != 1 || samlCalls(w) != 1 {
		t.Errorf("cached calls signed in again: %d sign-ins, %d AssumeRoleWithSAML calls", w.idp.Logins(), samlCalls(w))
	}
}

// TestCredentialProcessKilledHolderLeavesNoLock: a process killed while it
// holds the refresh lock (signing in) does not hold up the next one.
func TestCredentialProcessKilledHolderLeavesNoLock(t *testing.T) {
	w := newBrowserWorld(t)
	w.extra = append(w.extra, "SAMLGO_PASSWORD=correct horse")
	// The first caller's IdP never posts to AWS: it waits, holding the lock.
	never := w.write("never.toml", fmt.Sprintf("default_account = \"corp\"\n[accounts.corp]\nurl = %q\nheadless = true\nusername = \"alice\"\n", w.idp.SignOnURL("via=never")))
	holder := exec.Command(samlgoBin, "credential-process", "--config", never, "--account", "corp", "--role", "Admin")
	holder.Env = w.env()
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	if !testenv.Eventually(45*time.Second, 50*time.Millisecond, func() bool { return w.idp.Logins() > 0 }) {
		t.Fatal("the first caller never signed in")
	}
	_ = holder.Process.Signal(syscall.SIGKILL)
	_ = holder.Wait()
	// Chrome dies with it (Pdeathsig) and the lock with the process.
	if !testenv.Eventually(10*time.Second, 50*time.Millisecond, func() bool { return len(chromeUnder(w.profile)) == 0 }) {
		t.Errorf("Chrome outlived the killed caller")
	}
	r := w.run("", "credential-process", "--account", "corp", "--role", "Admin")
	if r.code != 0 || !strings.HasPrefix(r.stdout, `{"Version":1`) {
		t.Fatalf("after the killed holder: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestCredentialProcessNeedsPerson: with no saved session, no password and
// no terminal, the refresh says which login to run.
func TestCredentialProcessNeedsPerson(t *testing.T) {
	w := newBrowserWorld(t)
	r := w.run("", "credential-process", "--account", "corp", "--role", "Admin")
	if r.code == 0 || r.stdout != "" || !strings.Contains(r.stderr, "run: samlgo login --account corp") {
		t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	noChromeLeft(t, w.profile)
}

// TestServeReadByAWSCLI: the AWS CLI v2 gets its credentials from serve's
// container endpoint, and only with the token; Ctrl-C stops it cleanly.
func TestServeReadByAWSCLI(t *testing.T) {
	w := newWorld(t)
	f := w.samlFile(pair(adminA, provA))
	if r := w.run("", "login", "--saml-file", f, "--profile", "stored"); r.code != 0 {
		t.Fatalf("login: %s", r.stderr)
	}
	cmd := exec.Command(samlgoBin, "serve", "--profile", "stored")
	cmd.Env = w.env()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	vars := map[string]string{}
	sc := bufio.NewScanner(stdout)
	for len(vars) < 2 && sc.Scan() {
		k, v, _ := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "=")
		vars[k] = v
	}
	uri, token := vars["AWS_CONTAINER_CREDENTIALS_FULL_URI"], vars["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
	if !strings.HasPrefix(uri, "http://127.0.0.1:") || len(token) != 64 {
		t.Fatalf("serve printed %v; stderr %q", vars, stderr.String())
	}
	aws := func(token string) (string, error) {
		c := exec.Command(awsCLI(t), "sts", "get-caller-identity", "--endpoint-url", w.emu.URL, "--output", "text", "--query", "Arn")
		c.Env = []string{"HOME=" + t.TempDir(), "PATH=/usr/bin:/bin", "AWS_REGION=us-east-1",
			"AWS_CONTAINER_CREDENTIALS_FULL_URI=" + uri, "AWS_CONTAINER_AUTHORIZATION_TOKEN=" + token}
		out, err := c.CombinedOutput()
		return strings.TrimSpace(string(out)), err
	}
	if arn, err := aws(token); err != nil || !strings.Contains(arn, "assumed-role/Admin/") {
		t.Errorf("AWS CLI through serve: %q, %v", arn, err)
	}
	if out, err := aws(strings.Repeat("0", 64)); err == nil {
		t.Errorf("a wrong token was served: %q", out)
	}
	_ = cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if code := exitCodeOf(err); code != 130 {
			t.Errorf("serve ended with %d after Ctrl-C, want 130; stderr %q", code, stderr.String())
		}
	case <-time.After(signalEnds):
		t.Fatal("serve still running after Ctrl-C")
	}
	if strings.Contains(stderr.String(), token) {
		t.Errorf("the token reached stderr")
	}
}

// samlCalls counts the AssumeRoleWithSAML calls the emulator answered.
func samlCalls(w *browserWorld) int {
	n := 0
	for _, c := range w.emu.Calls() {
		if c.Action == "AssumeRoleWithSAML" {
			n++
		}
	}
	return n
}

func exitCodeOf(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}

// TestExecServer: exec --server gives the child an endpoint, not keys;
// the AWS CLI in the child signs with what it serves. A [default] profile
// with keys in the shared credentials file would win over the endpoint,
// so the child gets an empty one; --keep-credentials-file shows why.
func TestExecServer(t *testing.T) {
	w := newWorld(t)
	f := w.samlFile(pair(adminA, provA))
	if r := w.run("", "login", "--saml-file", f, "--profile", "stored"); r.code != 0 {
		t.Fatalf("login: %s", r.stderr)
	}
	// Keys the emulator does not know, where the SDKs look first.
	w.write(".aws/credentials", readFile(t, w.creds)+"\n[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")
	aws := awsCLI(t)
	script := `test -z "$AWS_ACCESS_KEY_ID" || { echo "keys in the environment"; exit 3; }; ` +
		`echo "creds file: $AWS_SHARED_CREDENTIALS_FILE"; exec "$0" sts get-caller-identity --endpoint-url "$1" --output text --query Arn`
	r := w.run("", "exec", "--profile", "stored", "--server", "--", "/bin/sh", "-c", script, aws, w.emu.URL)
	if r.code != 0 || !strings.Contains(r.stdout, "assumed-role/Admin/") || strings.Contains(r.stdout, "creds file: "+w.creds) {
		t.Fatalf("exec --server: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	// The empty credentials file is gone with the child.
	file := strings.TrimSpace(strings.TrimPrefix(strings.SplitN(r.stdout, "\n", 2)[0], "creds file: "))
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("the child's empty credentials file %q is left: %v", file, err)
	}
	r = w.run("", "exec", "--profile", "stored", "--server", "--keep-credentials-file", "--", "/bin/sh", "-c", script, aws, w.emu.URL)
	if r.code == 0 {
		t.Errorf("with --keep-credentials-file the [default] keys should win and be refused: stdout %q", r.stdout)
	}
	if r := w.run("", "exec", "--keep-credentials-file", "--", "true"); r.code != 2 {
		t.Errorf("--keep-credentials-file without --server: exit %d", r.code)
	}
}

// TestExecServerSignsInOnce: exec --account --role --server signs in once
// through the IdP and serves the child from the shared cache.
func TestExecServerSignsInOnce(t *testing.T) {
	w := newBrowserWorld(t)
	w.extra = append(w.extra, "SAMLGO_PASSWORD=correct horse")
	r := w.run("", "exec", "--account", "corp", "--role", "Admin", "--server", "--", "/bin/sh", "-c",
		`exec "$0" sts get-caller-identity --endpoint-url "$1" --region us-east-1 --output text --query Arn`, awsCLI(t), w.emu.URL)
	if r.code != 0 || !strings.Contains(r.stdout, "assumed-role/Admin/") {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if w.idp.Logins() != 1 || samlCalls(w) != 1 {
		t.Errorf("%d sign-ins, %d AssumeRoleWithSAML calls; want 1 and 1", w.idp.Logins(), samlCalls(w))
	}
	noChromeLeft(t, w.profile)
}

// TestCredentialProcessCacheKeyedByConfig: the cache was keyed by account
// and role names only, so `samlgo-credential-process --config other.toml
// --account corp --role Admin` served the credentials of another config's
// corp; and configure-profile left out the config that SAMLGO_CONFIG set
// (issue 14).
func TestCredentialProcessCacheKeyedByConfig(t *testing.T) {
	w := newWorld(t)
	a := w.write("a.toml", "[accounts.corp]\nurl = \"https://idp-a.example.test/sso\"\n")
	b := w.write("b.toml", "[accounts.corp]\nurl = \"https://idp-b.example.test/sso\"\n")
	doc := `{"Version":1,"AccessKeyId":"ASIACONFIGA000000001","SecretAccessKey":"wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY","SessionToken":"tok","Expiration":"` + time.Now().Add(time.Hour).UTC().Format(time.RFC3339) + `"}`
	entry := credcache.For(credcache.Dir(filepath.Join(w.home, ".cache")), credcache.ConfigKey(a), "corp", "Admin")
	if err := entry.Store([]byte(doc)); err != nil {
		t.Fatal(err)
	}
	fast := func(config string) (string, int) {
		cmd := exec.Command(fastBin, "--config", config, "--account", "corp", "--role", "Admin")
		cmd.Env = w.env()
		out, _ := cmd.Output()
		return string(out), cmd.ProcessState.ExitCode()
	}
	if out, code := fast(a); code != 0 || !strings.Contains(out, "ASIACONFIGA000000001") {
		t.Fatalf("config a: exit %d, %q; want the cached document", code, out)
	}
	if out, _ := fast(b); strings.Contains(out, "ASIACONFIGA000000001") {
		t.Fatalf("config b was served config a's credentials")
	}
	// SAMLGO_CONFIG is written into the line, so the AWS CLI's process
	// (which may run without it) uses the same config and cache.
	w.extra = append(w.extra, "SAMLGO_CONFIG="+a)
	if r := w.run("", "configure-profile", "corp-admin", "--account", "corp", "--role", "Admin", "--region", "us-east-1"); r.code != 0 {
		t.Fatalf("configure-profile: exit %d %s", r.code, r.stderr)
	}
	if cfg := readFile(t, w.config); !strings.Contains(cfg, "credential_process = "+fastBin+" --config "+a+" --account corp --role Admin\n") {
		t.Errorf("config:\n%s", cfg)
	}
}

// TestServeEvalReturns: the README's eval "$(samlgo serve … &)" hung, as a
// command substitution waits for every writer of its pipe; serve now closes
// its stdout once the variables are printed, and the endpoint they name
// answers from the background (issue 15).
func TestServeEvalReturns(t *testing.T) {
	w := newWorld(t)
	f := w.samlFile(pair(adminA, provA))
	if r := w.run("", "login", "--saml-file", f, "--profile", "stored"); r.code != 0 {
		t.Fatalf("login: %s", r.stderr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	script := `eval "$("$0" serve --profile stored &)" && curl -sf -H "Authorization: $AWS_CONTAINER_AUTHORIZATION_TOKEN" "$AWS_CONTAINER_CREDENTIALS_FULL_URI"`
	cmd := exec.CommandContext(ctx, "sh", "-c", script, samlgoBin)
	cmd.Env = w.env()
	// The endpoint keeps the shell's stderr: a file, not a pipe the test
	// would wait on.
	errFile, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer errFile.Close()
	cmd.Stderr, cmd.WaitDelay = errFile, 2*time.Second
	out, err := cmd.Output()
	t.Cleanup(func() {
		// The endpoint outlives the shell, as meant; the test ends it.
		for _, pid := range processesWith(t, w.home) {
			_ = syscall.Kill(pid, syscall.SIGTERM)
		}
	})
	if ctx.Err() != nil {
		t.Fatal("eval \"$(samlgo serve … &)\" did not return")
	}
	if err != nil || !strings.Contains(string(out), `"AccessKeyId":"ASIA`) {
		t.Fatalf("the endpoint from eval: %q, %v", out, err)
	}
}

// processesWith lists the samlgo processes whose environment or arguments
// mention s (a test's own home directory).
func processesWith(t *testing.T, s string) []int {
	t.Helper()
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		env, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		exe, _ := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		if strings.Contains(string(env), s) && filepath.Base(exe) == filepath.Base(samlgoBin) {
			pids = append(pids, pid)
		}
	}
	return pids
}
