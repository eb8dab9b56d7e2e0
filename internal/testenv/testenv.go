// Package testenv decides what a test does when a program it needs is
// missing: fail where everything must be installed, skip elsewhere.
package testenv

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Strict reports whether every test program must be present: under
// CI=true (.ci/run) and under `make test` (SAMLGO_TEST_REQUIRE=all), which
// install them first.
func Strict() bool {
	return os.Getenv("CI") == "true" || os.Getenv("SAMLGO_TEST_REQUIRE") == "all"
}

// Require ends the test when err says that what is missing: with a
// failure when Strict, else with a skip. install says how it is provided.
func Require(t testing.TB, what string, err error, install string) {
	t.Helper()
	if err == nil {
		return
	}
	if Strict() {
		t.Fatalf("%s is not installed (%v); %s", what, err, install)
	}
	t.Skipf("%s not installed: %v", what, err)
}

// Need returns the path of program, or ends the test (see Require).
func Need(t testing.TB, program, install string) string {
	t.Helper()
	p, err := exec.LookPath(program)
	Require(t, program, err, install)
	return p
}

// Chrome returns the Chromium the tests drive: $SAMLGO_BROWSER, else
// Debian's chromium on PATH (see Require).
func Chrome(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("SAMLGO_BROWSER"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	Require(t, "Chromium", exec.ErrNotFound, "make test and .ci/run install Debian's chromium")
	return ""
}

// AWSCLIv2 returns the AWS CLI v2 (see Require). Debian's awscli is
// /usr/bin/aws; a pip-installed v1 may come first on PATH, so that path
// is tried first.
func AWSCLIv2(t testing.TB) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/aws", "/usr/local/bin/aws", "aws"} {
		bin, err := exec.LookPath(p)
		if err != nil {
			continue
		}
		out, err := exec.Command(bin, "--version").CombinedOutput()
		if err == nil && strings.HasPrefix(string(out), "aws-cli/2") {
			return bin
		}
	}
	Require(t, "AWS CLI v2", exec.ErrNotFound, "make test and .ci/run install Debian's awscli")
	return ""
}

// Eventually polls cond every interval until it holds or timeout passes,
// and reports whether it held. Tests wait with it instead of sleeping.
func Eventually(timeout, interval time.Duration, cond func() bool) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline.C:
			return cond()
		case <-tick.C:
		}
	}
	return true
}

// Pause waits d, or less when ctx ends first: a settling delay that a
// cancelled test does not sit out.
func Pause(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// LiveProcesses lists the running processes (zombies left out) whose
// argv is exactly one of argvs, each given as its words: a test checks
// with it that nothing it made samlgo start is left running. It reads
// /proc, so it finds nothing where there is none.
func LiveProcesses(argvs ...[]string) []int {
	want := map[string]bool{}
	for _, a := range argvs {
		want[strings.Join(a, "\x00")+"\x00"] = true
	}
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil || !want[string(b)] {
			continue
		}
		if st, _ := os.ReadFile("/proc/" + e.Name() + "/stat"); strings.Contains(string(st), ") Z") {
			continue
		}
		pids = append(pids, pid)
	}
	return pids
}

// AWSCLIPython returns the Python the AWS CLI v2 runs on, whose botocore
// (awscli.botocore) the tests hold samlgo's readers and writers against
// (see Require).
func AWSCLIPython(t testing.TB) string {
	t.Helper()
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		if err := exec.Command(py, "-c", "from awscli.botocore import configloader").Run(); err == nil {
			return py
		}
	}
	Require(t, "the AWS CLI's Python (awscli.botocore)", exec.ErrNotFound, "make test and .ci/run install Debian's awscli")
	return ""
}
