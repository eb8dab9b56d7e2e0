//go:build unix

package child

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
)

// watchdog ends process pid when samlgo ends, on a system with no
// Pdeathsig (macOS): a small sh waits on a pipe that only samlgo holds
// open; samlgo's end, however it comes (SIGKILL included), closes the
// pipe and sh kills pid. sh runs in its own process group and ignores
// SIGINT and SIGHUP, so a Ctrl-C or a closed terminal does not end it
// first. Chrome's helper processes end when its browser process does.
func watchdog(pid int) error {
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("starting the watchdog: %w", err)
	}
	cmd := exec.Command("/bin/sh", "-c", `trap "" INT HUP; read _; kill -9 "$1" 2>/dev/null`, "sh", strconv.Itoa(pid))
	cmd.Stdin = r
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		r.Close()
		w.Close()
		return fmt.Errorf("starting the watchdog: %w", err)
	}
	r.Close()
	// w stays open (close-on-exec, so no child inherits it) until samlgo
	// exits; the watchdog is reaped by whoever outlives it.
	watchdogs.Lock()
	watchdogs.pipes = append(watchdogs.pipes, w)
	watchdogs.Unlock()
	go cmd.Wait()
	return nil
}

// watchdogs keeps the pipes' write ends from being collected and closed.
var watchdogs struct {
	sync.Mutex
	pipes []*os.File
}
