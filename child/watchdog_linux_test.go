package child

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/samlgo/samlgo/internal/testenv"
)

// The --tie helper: the watchdog macOS uses, ended the worst way.
var tie = watchdog

func endSelf() { syscall.Kill(os.Getpid(), syscall.SIGKILL) }

// TestWatchdogEndsProcessAfterSIGKILL: on macOS, which has no Pdeathsig,
// Chrome outlived a killed samlgo (issue 16). The watchdog macOS uses is
// tested here, on Linux: the process it guards ends when its starter is
// killed with SIGKILL.
func TestWatchdogEndsProcessAfterSIGKILL(t *testing.T) {
	out, _ := exec.Command(os.Args[0], "--tie").Output() // it dies of SIGKILL
	pid, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatalf("the starter said %q", out)
	}
	alive := func() bool {
		st, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		return err == nil && !strings.Contains(string(st), ") Z")
	}
	if !testenv.Eventually(10*time.Second, 20*time.Millisecond, func() bool { return !alive() }) {
		syscall.Kill(pid, syscall.SIGKILL)
		t.Fatalf("the guarded process (pid %d) outlived its killed starter by 10s", pid)
	}
}
