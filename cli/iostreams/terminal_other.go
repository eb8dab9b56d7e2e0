//go:build !windows

package iostreams

import "os"

// terminalName is the person's terminal whatever stdin and stdout are.
const terminalName = "/dev/tty"

// OpenTerminal opens the controlling terminal (/dev/tty) for reading and
// writing: in and out are the same file, closed by close.
func OpenTerminal() (in, out *os.File, close func(), err error) {
	tty, err := os.OpenFile(terminalName, os.O_RDWR, 0)
	if err != nil {
		return nil, nil, nil, err
	}
	return tty, tty, func() { tty.Close() }, nil
}
