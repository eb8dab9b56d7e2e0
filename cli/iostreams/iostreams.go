// Package iostreams is the terminal a command talks to: data on Out,
// everything meant for the person on ErrOut, and whether each is a terminal.
package iostreams

import (
	"bytes"
	"context"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/samlgo/samlgo/input"
)

// IOStreams are a command's standard streams. Data (credentials, export
// lines, JSON) goes to Out; prompts, progress and errors go to ErrOut.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// InTTY and ErrTTY say whether In and ErrOut are terminals; prompts
	// need both.
	InTTY, ErrTTY bool
	// InFile is In as a file, for no-echo reads; nil in tests.
	InFile *os.File
}

// CanPrompt reports whether the person can answer a prompt: stdin and
// stderr are both terminals.
func (s *IOStreams) CanPrompt() bool { return s.InTTY && s.ErrTTY }

// System returns the process's own streams.
func System() *IOStreams {
	return &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		InTTY:  term.IsTerminal(int(os.Stdin.Fd())),
		ErrTTY: term.IsTerminal(int(os.Stderr.Fd())),
		InFile: os.Stdin,
	}
}

// Test returns streams over buffers, with no terminal, and the buffers:
// what the command reads from in, and what it wrote to out and errOut.
func Test() (s *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

// ControllingTerminal returns streams on the person's terminal (/dev/tty;
// the console on Windows, see OpenTerminal), for a command whose stdin and
// stdout belong to another program (credential_process): data still goes
// to its stdout, questions to the person's terminal. Without a terminal,
// the streams cannot prompt; close is a no-op then.
func ControllingTerminal(out io.Writer) (s *IOStreams, close func()) {
	in, tty, closeTTY, err := OpenTerminal()
	if err != nil {
		return &IOStreams{In: bytes.NewReader(nil), Out: out, ErrOut: io.Discard}, func() {}
	}
	return &IOStreams{In: in, Out: out, ErrOut: tty, InTTY: true, ErrTTY: true, InFile: in}, closeTTY
}

// Await is input.Await: a blocking read that ends as soon as ctx does.
func Await[T any](ctx context.Context, read func() (T, error)) (T, error) {
	return input.Await(ctx, read)
}
