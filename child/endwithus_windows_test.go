package child

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/windows"
)

// TestProcessEndsWithSamlgo: on Windows, Chrome outlived a killed samlgo,
// where Linux ends it with Pdeathsig (issue 16). A process EndWithUs tied
// to its starter ends when the starter exits.
func TestProcessEndsWithSamlgo(t *testing.T) {
	out, err := exec.Command(os.Args[0], "--tie").Output()
	if err != nil {
		t.Fatalf("holder: %v %s", err, out)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatalf("holder said %q", out)
	}
	h, err := windows.OpenProcess(windows.SYNCHRONIZE|windows.PROCESS_TERMINATE, false, uint32(pid))
	if err != nil {
		return // gone already
	}
	defer windows.CloseHandle(h)
	if ev, _ := windows.WaitForSingleObject(h, 10_000); ev != windows.WAIT_OBJECT_0 {
		windows.TerminateProcess(h, 1)
		t.Fatalf("the sleeper (pid %d) outlived its starter by 10s", pid)
	}
}
