//go:build !unix

package exec

import "os"

// forwarded are the signals passed on to the child: Windows delivers
// Ctrl-C (os.Interrupt) to the whole console, and has none of the Unix
// signals samlgo forwards elsewhere.
var forwarded = []os.Signal{os.Interrupt}

// defaultShell is what exec runs without a command: $SHELL (Git Bash,
// MSYS), else %COMSPEC% (cmd.exe), else PowerShell.
func defaultShell(getenv func(string) string) string {
	if sh := getenv("SHELL"); sh != "" {
		return sh
	}
	if c := getenv("COMSPEC"); c != "" {
		return c
	}
	return "powershell.exe"
}
