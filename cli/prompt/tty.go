package prompt

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"
)

// TTYSecret asks on the controlling terminal (/dev/tty) without echo: the
// way to reach the person when stdin and stdout are taken, as under
// credential_process. It fails when the process has no terminal.
func TTYSecret(prompt string) (string, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return "", fmt.Errorf("no terminal to ask on: %w", err)
	}
	defer tty.Close()
	if !term.IsTerminal(int(tty.Fd())) {
		return "", fmt.Errorf("no terminal to ask on: /dev/tty is not a terminal")
	}
	fmt.Fprint(tty, prompt)
	b, err := term.ReadPassword(int(tty.Fd()))
	fmt.Fprintln(tty)
	if err != nil {
		return "", fmt.Errorf("reading from the terminal: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}
