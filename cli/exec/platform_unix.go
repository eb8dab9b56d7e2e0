//go:build unix

package exec

import (
	"os"
	"syscall"
)

// forwarded are the signals passed on to the child. SIGINT from a
// terminal reaches the child's process group too; forwarding it as well
// is what aws-vault does, and what a kill(1) aimed at samlgo needs.
var forwarded = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH}

// defaultShell is what exec runs without a command: $SHELL, else /bin/sh.
func defaultShell(getenv func(string) string) string {
	if sh := getenv("SHELL"); sh != "" {
		return sh
	}
	return "/bin/sh"
}
