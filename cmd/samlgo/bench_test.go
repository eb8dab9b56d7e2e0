package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"

	"github.com/samlgo/samlgo/browser"
	"github.com/samlgo/samlgo/config"
	"github.com/samlgo/samlgo/internal/idp"
	"github.com/samlgo/samlgo/internal/stsemu"
	"github.com/samlgo/samlgo/sts"
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

// benchIdP starts the demo's IdP and STS emulator once for a benchmark.
func benchIdP(b *testing.B) (*idp.Server, *stsemu.Emulator, string) {
	exe, err := browser.Find(os.Getenv("SAMLGO_BROWSER"))
	if err != nil {
		b.Skip("no Chrome or Chromium installed")
	}
	services, err := startDemoServices(demoRoles[:1])
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(services.Close)
	srv, emu := services.idp, services.sts
	return srv, emu, exe
}

// BenchmarkHeadlessLogin is a whole headless login as samlgo demo runs it,
// with a fresh browser profile each time (so the login form is shown and
// filled), split into phases: Chrome start, IdP pages until the capture,
// and capture to profile written (parse, STS, locked write); total-ms ends
// when the profile is written, chrome-exited-ms when the background close of
// Chrome has finished too. Compare with BenchmarkChromeAlone.
func BenchmarkHeadlessLogin(b *testing.B) {
	srv, emu, exe := benchIdP(b)
	var start, pages, written, total, exited time.Duration
	n := 0
	for b.Loop() {
		dir := b.TempDir()
		a := &app{io: &IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard}, now: time.Now, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		var t0, captured, done time.Time
		lo := &loginOptions{
			app: a, cfg: &config.Config{},
			Output: outputOptions{Format: formatProfile, Profile: "bench", CredentialsFile: filepath.Join(dir, "credentials"), ConfigFile: filepath.Join(dir, "config")},
			Browser: browserOptions{URL: srv.SignOnURL(""), Headless: true, Browser: exe, Timeout: time.Minute, Username: demoUser,
				profileDir: filepath.Join(dir, "profile"), password: func() (string, error) { return demoPassword, nil }},
			newAssumer: func(ctx context.Context, so sts.Options) (samlAssumer, error) {
				so.Endpoint = emu.URL
				return sts.New(ctx, so)
			},
			trace: func(ev string) {
				switch ev {
				case "captured":
					captured = time.Now()
				case "written":
					done = time.Now()
				}
			},
		}
		t0 = time.Now()
		if err := loginRun(context.Background(), lo); err != nil {
			b.Fatal(err)
		}
		n++
		start += lo.timings.Start
		pages += lo.timings.Pages
		written += done.Sub(captured)
		total += done.Sub(t0)
		exited += time.Since(t0) // loginRun returns once Chrome has exited
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(n) }
	b.ReportMetric(ms(start), "chrome-start-ms")
	b.ReportMetric(ms(pages), "idp-pages-ms")
	b.ReportMetric(ms(written), "capture-to-written-ms")
	b.ReportMetric(ms(total), "total-ms")
	b.ReportMetric(ms(exited), "chrome-exited-ms")
}

// BenchmarkChromeAlone is the floor under BenchmarkHeadlessLogin: the same
// Chrome with the same flags and a fresh profile loads the same IdP pages
// (the login form filled by script, the same interception of the POST to
// AWS), then closes. samlgo's own share of a login is the difference.
func BenchmarkChromeAlone(b *testing.B) {
	srv, _, exe := benchIdP(b)
	var total time.Duration
	n := 0
	for b.Loop() {
		dir := filepath.Join(b.TempDir(), "profile")
		t0 := time.Now()
		o := browser.Options{ExecPath: exe, ProfileDir: dir, Headless: true, NoSandbox: os.Geteuid() == 0}
		actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), browser.AllocatorOptions(&o)...)
		bctx, cancel := chromedp.NewContext(actx)
		if err := chromedp.Do(bctx); err != nil {
			b.Fatal(err)
		}
		paused := chromedp.BrowserEvents(bctx, fetch.RequestPaused)
		if _, err := chromedp.CallBrowser(bctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "https://*signin.aws.amazon.com/saml*"}}}); err != nil {
			b.Fatal(err)
		}
		if err := chromedp.Do(bctx, chromedp.Navigate(srv.SignOnURL(""))); err != nil {
			b.Fatal(err)
		}
		fill := fmt.Sprintf(`(() => { const f = document.forms[0]; f.username.value = %q; f.password.value = %q; f.submit(); return true })()`, demoUser, demoPassword)
		if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](fill)); err != nil {
			b.Fatal(err)
		}
		for ev, err := range paused {
			if err != nil {
				b.Fatal(err)
			}
			_, _ = chromedp.CallBrowser(bctx, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: ev.RequestID, ResponseCode: 200, Body: []byte("ok")})
			break
		}
		_ = chromedp.Cancel(bctx)
		cancel()
		cancelAlloc()
		total += time.Since(t0)
		n++
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(n), "total-ms")
}
