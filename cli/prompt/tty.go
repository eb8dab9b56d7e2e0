package prompt

import (
	"fmt"
	"strings"

	"golang.org/x/term"

	"github.com/samlgo/samlgo/cli/iostreams"
)

// TTYSecret asks on the person's terminal without echo (/dev/tty; the
// console on Windows): the way to reach the person when stdin and stdout
// are taken, as under credential_process. It fails when the process has
// no terminal.
func TTYSecret(prompt string) (string, error) {
	in, out, closeTTY, err := iostreams.OpenTerminal()
	if err != nil {
		return "", fmt.Errorf("no terminal to ask on: %w", err)
	}
	defer closeTTY()
	if !term.IsTerminal(int(in.Fd())) {
		return "", fmt.Errorf("no terminal to ask on: %s is not a terminal", in.Name())
	}
	fmt.Fprint(out, prompt)
	b, err := term.ReadPassword(int(in.Fd()))
	fmt.Fprintln(out)
	if err != nil {
		return "", fmt.Errorf("reading from the terminal: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}
