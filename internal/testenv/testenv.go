// Package testenv finds the programs tests need, failing under CI=true
// where .ci/run must have installed them.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// Need returns the path of program, or ends the test: with a failure under
// CI=true, else with a skip. install says how .ci/run provides it.
func Need(t testing.TB, program, install string) string {
	t.Helper()
	p, err := exec.LookPath(program)
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed; %s", program, install)
	}
	t.Skipf("%s not installed", program)
	return ""
}
