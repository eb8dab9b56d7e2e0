package main

import (
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams are the command's terminal: data goes to Out, everything meant
// for the person (progress, prompts, errors) to ErrOut.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// InTTY and ErrTTY say whether In and ErrOut are terminals; prompts
	// need both.
	InTTY, ErrTTY bool
	// InFile is In as a file, for no-echo password reads; nil in tests.
	InFile *os.File
}

// CanPrompt reports whether the person can answer a prompt.
func (s *IOStreams) CanPrompt() bool { return s.InTTY && s.ErrTTY }

func systemIO() *IOStreams {
	return &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		InTTY:  term.IsTerminal(int(os.Stdin.Fd())),
		ErrTTY: term.IsTerminal(int(os.Stderr.Fd())),
		InFile: os.Stdin,
	}
}
