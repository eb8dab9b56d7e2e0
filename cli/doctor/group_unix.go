//go:build unix

package doctor

import (
	"os/exec"
	"syscall"
)

// ownGroup starts cmd in a process group of its own and makes the
// context's end kill the whole group, so no Chrome helper outlives a
// timed-out check.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
