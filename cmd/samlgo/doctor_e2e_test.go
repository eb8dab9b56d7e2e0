//go:build unix

package main

// samlgo doctor end to end: the real binary, real Chromium, the STS
// emulator's Date header as the clock to compare with.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/internal/stsemu"
	"github.com/samlgo/samlgo/internal/testenv"
)

func doctorLine(t *testing.T, out, name string) string {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "  "+name+": ") {
			return l
		}
	}
	t.Fatalf("no %q line in:\n%s", name, out)
	return ""
}

func TestDoctor(t *testing.T) {
	w := newWorld(t)
	w.extra = append(w.extra, "SAMLGO_BROWSER="+testenv.Chrome(t))
	w.loginProfile(t, "corp")
	w.write(".config/samlgo/config.toml", "[accounts.corp]\nurl = \"https://idp.example.test/sso\"\n")
	if err := os.MkdirAll(filepath.Join(w.home, ".cache", "samlgo", "chrome", "corp"), 0o700); err != nil {
		t.Fatal(err)
	}
	r := w.run("", "doctor")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 8 {
		t.Errorf("%d lines:\n%s", len(lines), r.stdout)
	}
	if l := doctorLine(t, r.stdout, "browser"); !strings.HasPrefix(l, "ok") || !strings.Contains(l, "starts headless") {
		t.Errorf("browser: %q", l)
	}
	if l := doctorLine(t, r.stdout, "clock"); !strings.HasPrefix(l, "ok") || !strings.Contains(l, strings.TrimPrefix(w.emu.URL, "http://")) {
		t.Errorf("clock: %q", l)
	}
	if l := doctorLine(t, r.stdout, "endpoints"); !strings.Contains(l, "AWS_ENDPOINT_URL_STS="+w.emu.URL) {
		t.Errorf("endpoints: %q", l)
	}
	if l := doctorLine(t, r.stdout, "IdP sessions"); !strings.Contains(l, "corp (last used") {
		t.Errorf("IdP sessions: %q", l)
	}
	if leftovers := chromeUnder(filepath.Join(os.TempDir(), "samlgo-doctor-")); len(leftovers) > 0 {
		t.Errorf("Chrome processes left: %v", leftovers)
	}

	// Loose modes and a broken config: exit 1, each line with its fix.
	os.Chmod(w.creds, 0o644)
	os.Chmod(filepath.Dir(w.creds), 0o755)
	w.write(".config/samlgo/config.toml", "default_account = 3\n")
	r = w.run("", "doctor")
	if r.code != 1 || !strings.Contains(r.stderr, "3 of 8 checks need fixing") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for name, fix := range map[string]string{"credentials": "chmod 600 " + w.creds, "aws dir": "chmod 700 " + filepath.Dir(w.creds), "config": "fix: "} {
		if l := doctorLine(t, r.stdout, name); !strings.HasPrefix(l, "FAIL") || !strings.Contains(l, fix) {
			t.Errorf("%s: %q, want %q", name, l, fix)
		}
	}
	c := readFile(t, w.creds)
	for _, secret := range []string{"aws_secret_access_key", strings.SplitN(strings.SplitN(c, "aws_session_token = ", 2)[1], "\n", 2)[0][:40]} {
		if strings.Contains(r.stdout+r.stderr, secret) {
			t.Errorf("doctor printed a secret")
		}
	}
}

func TestDoctorClockSkew(t *testing.T) {
	w := newWorld(t)
	// A second emulator whose clock runs ten minutes ahead, set before it
	// serves.
	skewed := stsemu.New()
	skewed.Now = func() time.Time { return time.Now().Add(10 * time.Minute) }
	if err := skewed.Start(); err != nil {
		t.Fatal(err)
	}
	defer skewed.Close()
	w.extra = append(w.extra, "SAMLGO_BROWSER="+testenv.Chrome(t), "AWS_ENDPOINT_URL_STS="+skewed.URL)
	r := w.run("", "doctor")
	if l := doctorLine(t, r.stdout, "clock"); r.code != 1 || !strings.HasPrefix(l, "FAIL") || !strings.Contains(l, "behind STS") || !strings.Contains(l, "timedatectl") {
		t.Errorf("exit %d, clock: %q", r.code, l)
	}
	if calls := skewed.Calls(); len(calls) != 1 || calls[0].Action != "GetCallerIdentity" || calls[0].ErrorCode != "InvalidClientTokenId" {
		t.Errorf("STS calls %+v", calls)
	}
}
