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
