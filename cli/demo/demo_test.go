package demo

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/browser"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/internal/testenv"
)

// TestDemoInProcess runs the demo's whole login in-process with real
// headless Chromium: it must sign in, write the profile, check it with
// GetCallerIdentity, and leave no temporary directory and no Chrome.
func TestDemoInProcess(t *testing.T) {
	exe := chrome(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	ios, _, out, errOut := iostreams.Test()
	o := &Options{IO: ios, Now: time.Now, Log: cmdutil.Discard(), Role: "ReadOnly", Browser: exe,
		Getenv: func(string) string { return "" }}
	if err := demoRun(context.Background(), o); err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	for _, want := range []string{"the IdP accepted 1 password login(s)", "GetCallerIdentity with profile samlgo-demo: arn:aws:sts::111122223333:assumed-role/ReadOnly/", "done in "} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if out.Len() != 0 {
		t.Errorf("stdout = %q", out)
	}
	left, _ := os.ReadDir(tmp)
	for _, e := range left {
		if strings.HasPrefix(e.Name(), "samlgo-demo-") {
			t.Errorf("temporary directory left: %s", e.Name())
		}
	}
}

func TestDemoUnknownRole(t *testing.T) {
	exe := chrome(t)
	t.Setenv("TMPDIR", t.TempDir())
	ios, _, _, _ := iostreams.Test()
	o := &Options{IO: ios, Now: time.Now, Log: cmdutil.Discard(), Role: "Nope", Browser: exe, Getenv: func(string) string { return "" }}
	err := demoRun(context.Background(), o)
	if code, _ := cmdutil.Classify(err); code != cmdutil.ExitUsage || !strings.Contains(err.Error(), `role "Nope" matches none of the 3 roles`) {
		t.Fatalf("err = %v (exit %d)", err, code)
	}
}

func chrome(t *testing.T) string {
	t.Helper()
	exe, err := browser.Find(os.Getenv("SAMLGO_BROWSER"))
	testenv.Require(t, "Chromium", err, "make test and .ci/run install Debian's chromium")
	return exe
}
