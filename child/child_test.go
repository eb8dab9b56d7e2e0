package child

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"
)

func TestEnvironDropsSecrets(t *testing.T) {
	got := Environ([]string{"PATH=/bin", "SAMLGO_PASSWORD=hunter2", "SAMLGO_CONFIG=/c", "samlgo_password=x", "HOME=/h"})
	if want := []string{"PATH=/bin", "SAMLGO_CONFIG=/c", "HOME=/h"}; !slices.Equal(got, want) {
		t.Errorf("Environ = %q, want %q", got, want)
	}
}

func TestOutputCapsStdout(t *testing.T) {
	out, err := Output(context.Background(), nil, io.Discard, 5, []string{os.Args[0], "--print", "0123456789"})
	if err != nil || string(out) != "01234" {
		t.Errorf("Output = %q, %v; want the first 5 bytes", out, err)
	}
}

// TestMain makes the test binary a child that prints, so the tests run
// where there is no sh (Windows): "TEST --print S" prints S; "--sleep"
// sleeps a minute; "--tie" starts a sleeper tied to itself, prints its
// pid and ends.
func TestMain(m *testing.M) {
	if len(os.Args) == 3 && os.Args[1] == "--print" {
		fmt.Println(os.Args[2])
		os.Exit(0)
	}
	switch {
	case len(os.Args) == 2 && os.Args[1] == "--sleep":
		time.Sleep(time.Minute)
		os.Exit(0)
	case len(os.Args) == 2 && os.Args[1] == "--tie":
		// Start a sleeper, tie it to this process (tie: EndWithUs, or
		// the watchdog where that is tested), say its pid, and end
		// (endSelf: SIGKILL where it can).
		c := exec.Command(os.Args[0], "--sleep")
		if err := c.Start(); err != nil {
			fmt.Println("start:", err)
			os.Exit(1)
		}
		if err := tie(c.Process.Pid); err != nil {
			fmt.Println("tie:", err)
			os.Exit(1)
		}
		fmt.Println(c.Process.Pid)
		os.Stdout.Sync()
		endSelf()
	}
	os.Exit(m.Run())
}
