//go:build unix

package doctor

import (
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"
)

// ownGroup starts cmd in a process group of its own and makes the
// context's end kill the whole group, so no Chrome helper outlives a
// timed-out check.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}

// writableDir reports whether the process may create files in dir,
// without creating one (access(2) with W_OK).
func writableDir(dir string) error { return unix.Access(dir, unix.W_OK) }
