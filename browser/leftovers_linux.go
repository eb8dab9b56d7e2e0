package browser

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
	"time"
)

// Processes lists the running processes started with --user-data-dir=dir:
// a Chrome and its helpers (renderers, zygote, network service).
func Processes(dir string) []int {
	want := []byte("--user-data-dir=" + dir + "\x00")
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil || !bytes.Contains(append(cmdline, 0), want) {
			continue
		}
		if stat, err := os.ReadFile("/proc/" + e.Name() + "/stat"); err == nil {
			if i := bytes.LastIndexByte(stat, ')'); i > 0 && len(stat) > i+2 && stat[i+2] == 'Z' {
				continue // a zombie is already dead
			}
		}
		pids = append(pids, pid)
	}
	return pids
}

// killLeftovers kills what is left of a Chrome that used dir, after giving
// it grace to exit by itself (after a graceful close the network service
// may still be writing the cookie store). Helpers can outlive the browser
// process when it is killed, and a helper can fork as the browser dies, so
// it looks again until several passes find nothing.
func killLeftovers(dir string, grace time.Duration) {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for end := time.Now().Add(grace); time.Now().Before(end) && len(Processes(dir)) > 0; <-tick.C {
	}
	deadline := time.Now().Add(3 * time.Second)
	for quiet := 0; quiet < 2 && time.Now().Before(deadline); <-tick.C {
		pids := Processes(dir)
		if len(pids) == 0 {
			quiet++
			continue
		}
		quiet = 0
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}
