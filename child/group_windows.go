//go:build windows

package child

import (
	"os/exec"
	"syscall"
)

// ownGroup starts cmd in a new process group (CREATE_NEW_PROCESS_GROUP),
// so a Ctrl-C meant for samlgo is not also delivered to it.
func ownGroup(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.CreationFlags |= 0x00000200 // CREATE_NEW_PROCESS_GROUP
}

// killGroup kills the child. Windows has no process-group kill; what the
// child started survives it, and WaitDelay still bounds the wait for its
// pipes. (A job object would end them too: not done yet.)
func killGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	return cmd.Process.Kill()
}
