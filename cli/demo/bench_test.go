package demo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"

	"github.com/samlgo/samlgo/browser"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/internal/testenv"
)

// benchServices starts the demo's IdP and STS emulator once for a
// benchmark, with the demo user's first role only.
func benchServices(b *testing.B) (*Services, string) {
	exe := testenv.Chrome(b)
	services, err := StartServices(Roles[:1])
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(services.Close)
	return services, exe
}

// BenchmarkHeadlessLogin is a whole headless login as samlgo demo runs it,
// with a fresh browser profile each time (so the login form is shown and
// filled), split into phases: Chrome start, IdP pages until the capture,
// and capture to profile written (parse, STS, locked write); total-ms ends
// when the profile is written, chrome-exited-ms when the background close of
// Chrome has finished too. Compare with BenchmarkChromeAlone.
func BenchmarkHeadlessLogin(b *testing.B) {
	services, exe := benchServices(b)
	var start, pages, written, total, exited time.Duration
	n := 0
	for b.Loop() {
		ios, _, _, _ := iostreams.Test()
		login, capturer, err := services.Login(ios, time.Now, cmdutil.Discard(), exe, "", b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		var captured, done time.Time
		login.Trace = func(ev string) {
			switch ev {
			case "captured":
				captured = time.Now()
			case "written":
				done = time.Now()
			}
		}
		t0 := time.Now()
		if err := login.Run(context.Background()); err != nil {
			b.Fatal(err)
		}
		n++
		start += capturer.Timings().Start
		pages += capturer.Timings().Pages
		written += done.Sub(captured)
		total += done.Sub(t0)
		exited += time.Since(t0) // Run returns once Chrome has exited
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
	services, exe := benchServices(b)
	srv := services.IdP
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
		fill := fmt.Sprintf(`(() => { const f = document.forms[0]; f.username.value = %q; f.password.value = %q; f.submit(); return true })()`, User, Password)
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
