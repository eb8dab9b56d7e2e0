package doctor

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/config"
	"github.com/samlgo/samlgo/internal/testenv"
	"github.com/samlgo/samlgo/private"
	"github.com/samlgo/samlgo/sts"
)

// fakeBrowser answers --version and a headless --dump-dom, and fails the
// test on any other run or when one of the two never came.
type fakeBrowser struct {
	t       *testing.T
	dom     string
	runs    [][]string
	version error
}

func newFakeBrowser(t *testing.T, dom string) *fakeBrowser {
	b := &fakeBrowser{t: t, dom: dom}
	t.Cleanup(func() {
		if b.version == nil && len(b.runs) != 2 {
			t.Errorf("browser ran %d times, want 2 (--version, --dump-dom)", len(b.runs))
		}
	})
	return b
}

func (b *fakeBrowser) run(_ context.Context, exe string, args ...string) ([]byte, error) {
	b.runs = append(b.runs, args)
	switch {
	case len(args) == 1 && args[0] == "--version":
		if b.version != nil {
			return nil, b.version
		}
		return []byte("Chromium 120.0.1 \n"), nil
	case slices.Contains(args, "--dump-dom") && slices.Contains(args, "--headless"):
		return []byte(b.dom), nil
	}
	b.t.Errorf("unexpected browser run %v", args)
	return nil, errors.New("unexpected")
}

type world struct {
	opts    *Options
	out     *bytes.Buffer
	home    string
	cache   string
	browser *fakeBrowser
	env     map[string]string
	skew    time.Duration
	stsErr  error
	stsRuns int
}

func newWorld(t *testing.T) *world {
	home := t.TempDir()
	testenv.Home(t, home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("SAMLGO_CONFIG", "")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "")
	t.Setenv("AWS_CONFIG_FILE", "")
	ios, _, out, _ := iostreams.Test()
	w := &world{out: out, home: home, cache: filepath.Join(home, ".cache"), browser: newFakeBrowser(t, "<html><head></head><body></body></html>"), env: map[string]string{}}
	w.opts = &Options{
		IO: ios, Now: time.Now, Timeout: 5 * time.Second,
		Getenv: func(k string) string { return w.env[k] },
		Environ: func() []string {
			var e []string
			for k, v := range w.env {
				e = append(e, k+"="+v)
			}
			return e
		},
		FindBrowser: func(explicit string) (string, error) {
			return cmdutil.First(explicit, "/usr/bin/chromium"), nil
		},
		RunBrowser: func(ctx context.Context, exe string, args ...string) ([]byte, error) {
			return w.browser.run(ctx, exe, args...)
		},
		ServerDate: func(_ context.Context, o sts.Options) (time.Time, string, error) {
			w.stsRuns++
			if o.Region == "" {
				t.Error("no region for STS")
			}
			return time.Now().Add(w.skew), "sts.amazonaws.com", w.stsErr
		},
		CacheDir: func() (string, error) { return w.cache, nil },
	}
	t.Cleanup(func() {
		if w.stsRuns != 1 {
			t.Errorf("STS called %d times, want 1", w.stsRuns)
		}
	})
	return w
}

// writeConfig writes samlgo's config where this system keeps it (the
// user config directory under the test's home).
func (w *world) writeConfig(t *testing.T, content string) string {
	t.Helper()
	p, _, err := config.Path("")
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(w.home, p)
	if err != nil || strings.HasPrefix(rel, "..") {
		t.Fatalf("the config path %s is outside the test's home %s", p, w.home)
	}
	return w.write(t, rel, content, 0o600)
}

func (w *world) write(t *testing.T, rel, content string, mode os.FileMode) string {
	p := filepath.Join(w.home, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

// line returns the output line of a check.
func (w *world) line(t *testing.T, name string) string {
	t.Helper()
	for _, l := range strings.Split(w.out.String(), "\n") {
		if strings.Contains(l, "  "+name+": ") {
			return l
		}
	}
	t.Fatalf("no %q line in:\n%s", name, w.out)
	return ""
}

func TestDoctorHealthy(t *testing.T) {
	w := newWorld(t)
	w.write(t, ".aws/credentials", "[saml]\naws_access_key_id = ASIAEXAMPLE00000\n", 0o600)
	w.write(t, ".aws/config", "[default]\nregion = eu-west-1\n", 0o600)
	w.writeConfig(t, "default_account = \"corp\"\n[accounts.corp]\nurl = \"https://idp.example.com/sso\"\n")
	if err := os.MkdirAll(filepath.Join(w.cache, "samlgo", "chrome", "corp"), 0o700); err != nil {
		t.Fatal(err)
	}
	w.skew = 1 * time.Second
	if err := doctorRun(context.Background(), w.opts); err != nil {
		t.Fatalf("%v\n%s", err, w.out)
	}
	lines := strings.Split(strings.TrimSpace(w.out.String()), "\n")
	if len(lines) != 8 {
		t.Errorf("%d lines:\n%s", len(lines), w.out)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "ok  ") && !strings.HasPrefix(l, "info") {
			t.Errorf("not ok: %s", l)
		}
	}
	if l := w.line(t, "browser"); !strings.Contains(l, "Chromium 120.0.1") {
		t.Errorf("browser line %q", l)
	}
	if l := w.line(t, "IdP sessions"); !strings.Contains(l, "corp (last used 0s ago)") {
		t.Errorf("sessions line %q", l)
	}
	if l := w.line(t, "config"); !strings.Contains(l, "(1 accounts)") {
		t.Errorf("config line %q", l)
	}
}

func TestDoctorFindsProblems(t *testing.T) {
	w := newWorld(t)
	cred := w.write(t, ".aws/credentials", "[saml]\naws_access_key_id = X\n", 0o644)
	if err := os.Chmod(filepath.Join(w.home, ".aws"), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := w.write(t, ".aws/config", "[default]\nregion = a\n[default]\nregion = b\n", 0o600)
	w.writeConfig(t, "nope = 1\n")
	sess := filepath.Join(w.cache, "samlgo", "chrome", "corp")
	if err := os.MkdirAll(sess, 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chmod(sess, 0o755)
	w.skew = -10 * time.Minute
	w.env["AWS_ENDPOINT_URL_STS"] = "https://user:pass@sts.internal.example/?token=SECRET"
	w.env["AWS_ENDPOINT_URL_SSO"] = "not a url"
	w.browser.dom = ""
	err := doctorRun(context.Background(), w.opts)
	if code, _ := cmdutil.Classify(err); code != cmdutil.ExitFailure {
		t.Fatalf("err %v (exit %d)", err, code)
	}
	for name, want := range map[string]string{
		"credentials":  "fix: chmod 600 " + cred,
		"aws dir":      "fix: chmod 700 " + filepath.Join(w.home, ".aws"),
		"aws config":   cfg,
		"config":       "nope",
		"clock":        "10m0s ahead of STS",
		"endpoints":    "AWS_ENDPOINT_URL_SSO",
		"IdP sessions": "fix: chmod 700 " + sess,
		"browser":      "does not start headless",
	} {
		if !private.ModesMean && strings.HasPrefix(want, "fix: chmod") {
			// Windows: modes say nothing, and doctor says it checks none.
			if l := w.line(t, name); !strings.HasPrefix(l, "ok") || !strings.Contains(l, "ACL") && name != "IdP sessions" {
				t.Errorf("%s on Windows: %q, want ok and what keeps it private", name, l)
			}
			continue
		}
		if l := w.line(t, name); !strings.HasPrefix(l, "FAIL") || !strings.Contains(l, want) || !strings.Contains(l, "fix: ") {
			t.Errorf("%s: %q, want FAIL with %q and a fix", name, l, want)
		}
	}
	if strings.Contains(w.out.String(), "pass") || strings.Contains(w.out.String(), "SECRET") {
		t.Errorf("output shows endpoint credentials:\n%s", w.out)
	}
	want := "8 of 8 checks need fixing"
	if !private.ModesMean {
		want = "5 of 8 checks need fixing" // the three mode checks pass there
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v", err)
	}
}

func TestDoctorNoBrowserNoSTS(t *testing.T) {
	w := newWorld(t)
	w.browser.version = errors.New("unused")
	w.opts.FindBrowser = func(string) (string, error) { return "", errors.New("no Chrome or Chromium found") }
	w.browser.runs = nil
	w.stsErr = &sts.Error{Kind: sts.Unreachable, Message: "could not reach STS in us-east-1: connection refused"}
	w.env["SAMLGO_BROWSER"] = "/opt/chrome"
	err := doctorRun(context.Background(), w.opts)
	if err == nil {
		t.Fatal("no error")
	}
	if l := w.line(t, "browser"); !strings.HasPrefix(l, "FAIL") || !strings.Contains(l, "apt install chromium") {
		t.Errorf("browser: %q", l)
	}
	if l := w.line(t, "clock"); !strings.HasPrefix(l, "FAIL") || !strings.Contains(l, "AWS_ENDPOINT_URL_STS") {
		t.Errorf("clock: %q", l)
	}
	if len(w.browser.runs) != 0 {
		t.Errorf("browser ran without one found")
	}
}

func TestDoctorEndpointsFromProfile(t *testing.T) {
	w := newWorld(t)
	w.write(t, ".aws/config", "[profile dev]\nendpoint_url = http://localhost:4566\n", 0o600)
	w.env["AWS_PROFILE"] = "dev"
	w.writeConfig(t, "[accounts.corp]\nurl = \"https://idp.example.com/sso\"\n")
	if err := doctorRun(context.Background(), w.opts); err != nil {
		t.Fatalf("%v\n%s", err, w.out)
	}
	if l := w.line(t, "endpoints"); !strings.Contains(l, "profile dev endpoint_url=http://localhost:4566") {
		t.Errorf("endpoints: %q", l)
	}
}

func TestAge(t *testing.T) {
	for d, want := range map[time.Duration]string{30 * time.Second: "30s", 5 * time.Minute: "5m", 3 * time.Hour: "3h", 72 * time.Hour: "3d"} {
		if got := age(d); got != want {
			t.Errorf("age(%s) = %q", d, got)
		}
	}
}

func TestNewCmdDoctorWiring(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	f := &cmdutil.Factory{IOStreams: ios, Now: time.Now, Getenv: func(string) string { return "" }, Log: cmdutil.Discard(), ConfigPath: "/c.toml"}
	var got *Options
	cmd := NewCmdDoctor(f, func(_ context.Context, o *Options) error { got = o; return nil })
	cmd.SetArgs(nil)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.ConfigFlag != "/c.toml" || got.Log == nil || got.RunBrowser == nil || got.ServerDate == nil || got.Timeout <= 0 {
		t.Errorf("options %+v", got)
	}
	if err := cmd.Flags().Parse([]string{"extra"}); err != nil || cmd.Args(cmd, []string{"extra"}) == nil {
		t.Error("doctor takes arguments")
	}
}

// TestDoctorNoAccount: no config file, or one without accounts, is
// flagged with samlgo init (it was reported as fine), as information: sso
// and the recipes need no account, so doctor does not fail for it.
func TestDoctorNoAccount(t *testing.T) {
	for name, cfg := range map[string]string{"no file": "", "no accounts": "browser = \"/usr/bin/chromium\"\n"} {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t)
			if cfg != "" {
				w.writeConfig(t, cfg)
			}
			if err := doctorRun(context.Background(), w.opts); err != nil {
				t.Errorf("doctor failed: %v\n%s", err, w.out)
			}
			if l := w.line(t, "config"); !strings.HasPrefix(l, "info") || !strings.Contains(l, "no account configured") || !strings.Contains(l, "samlgo init") {
				t.Errorf("config line %q", l)
			}
		})
	}
}
