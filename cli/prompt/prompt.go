// Package prompt asks the person things on the terminal: a role from a
// list, a secret without echo, a line of text.
package prompt

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"golang.org/x/term"

	"github.com/samlgo/samlgo/assertion"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/untrusted"
)

// ErrCancelled is returned when the person aborts a prompt (Ctrl-C in the
// picker).
var ErrCancelled = errors.New("cancelled")

// Prompter is what commands ask the person through. Commands only call it
// when IOStreams.CanPrompt is true.
type Prompter interface {
	// PickRole shows a filterable list of roles grouped by account, with
	// preselect (a role ARN, "" for none) highlighted first.
	PickRole(roles []assertion.Role, aliases assertion.Aliases, preselect string) (assertion.Role, error)
	// Secret reads a line without echo (passwords, one-time codes).
	Secret(prompt string) (string, error)
	// Line reads a line with echo (a username).
	Line(prompt string) (string, error)
}

// Terminal prompts on the streams' terminal; everything it draws goes to
// ErrOut, so stdout stays clean for --format env and json. Every question
// ends when its context does (Ctrl-C, SIGTERM), leaving the terminal as it
// found it.
type Terminal struct {
	IO *iostreams.IOStreams
	// Numbered asks for a role by its number in a printed list instead of
	// drawing a menu: for a terminal that cannot draw one (TERM=dumb, an
	// editor's shell, a screen reader).
	Numbered bool
	ctx      context.Context
	in       *bufio.Reader
}

// NewTerminal returns a Prompter on ios whose questions end with ctx. With
// TERM=dumb the role picker is a numbered list.
func NewTerminal(ctx context.Context, ios *iostreams.IOStreams) *Terminal {
	return &Terminal{IO: ios, ctx: ctx, Numbered: os.Getenv("TERM") == "dumb"}
}

// pickTries is how many answers the numbered list takes before it gives up.
const pickTries = 3

// PickRole implements Prompter with samlgo's list (picker), or a numbered
// list on a terminal that cannot draw one.
func (t *Terminal) PickRole(roles []assertion.Role, aliases assertion.Aliases, preselect string) (assertion.Role, error) {
	sorted := assertion.SortByAccount(roles, aliases)
	width := 0
	for _, r := range sorted {
		width = max(width, len(AccountLabel(r, aliases)))
	}
	labels := make([]string, len(sorted))
	for i, r := range sorted {
		labels[i] = untrusted.Text(fmt.Sprintf("%-*s  %s", width, AccountLabel(r, aliases), r.PathName()))
	}
	if t.Numbered {
		i, err := t.pickNumber(labels)
		if err != nil {
			return assertion.Role{}, err
		}
		return sorted[i], nil
	}
	pre := 0
	for i, r := range sorted {
		if r.RoleARN == preselect {
			pre = i
		}
	}
	p := newPicker("Choose an AWS role", labels, pre)
	// samlgo's own list, not huh's select: huh filters by one substring,
	// shows no count and takes no preselection; its accessible mode (for
	// TERM=dumb) ignored Ctrl-C, took Ctrl-D for role 1 and panicked on a
	// number out of range (pickNumber replaces it).
	prog := tea.NewProgram(p, tea.WithInput(t.IO.In), tea.WithOutput(t.IO.ErrOut), tea.WithContext(t.ctx), tea.WithoutSignalHandler())
	if _, err := prog.Run(); err != nil {
		if t.ctx.Err() != nil {
			return assertion.Role{}, t.ctx.Err()
		}
		return assertion.Role{}, fmt.Errorf("role picker: %w", err)
	}
	if p.cancelled || p.chosen < 0 {
		return assertion.Role{}, ErrCancelled
	}
	return sorted[p.chosen], nil
}

// pickNumber prints the labels numbered from 1 and reads the number of one.
// A wrong answer asks again, pickTries times in all; the end of input
// (Ctrl-D) is ErrCancelled, and so is ctx's end (Ctrl-C, SIGTERM), within
// a moment.
func (t *Terminal) pickNumber(labels []string) (int, error) {
	fmt.Fprintln(t.IO.ErrOut, "Choose an AWS role:")
	for i, l := range labels {
		fmt.Fprintf(t.IO.ErrOut, "%*d) %s\n", len(fmt.Sprint(len(labels))), i+1, l)
	}
	for try := 1; ; try++ {
		line, err := t.readLine(fmt.Sprintf("Role number (1-%d, Ctrl-C to cancel): ", len(labels)))
		if err != nil {
			if errors.Is(err, io.EOF) {
				fmt.Fprintln(t.IO.ErrOut)
				return 0, ErrCancelled
			}
			return 0, err
		}
		n, convErr := strconv.Atoi(line)
		if convErr == nil && n >= 1 && n <= len(labels) {
			return n - 1, nil
		}
		if try == pickTries {
			return 0, fmt.Errorf("%w: no role chosen after %d answers; pass --role to choose one without the list", ErrNoChoice, pickTries)
		}
		fmt.Fprintf(t.IO.ErrOut, "%q is not a number from 1 to %d\n", untrusted.Text(line), len(labels))
	}
}

// ErrNoChoice is the numbered list given up after wrong answers.
var ErrNoChoice = errors.New("no role chosen")

// readLine prints prompt on ErrOut and reads one line from In, ending with
// ctx. The end of input with nothing typed is io.EOF.
func (t *Terminal) readLine(prompt string) (string, error) {
	fmt.Fprint(t.IO.ErrOut, prompt)
	if t.in == nil {
		t.in = bufio.NewReader(t.IO.In)
	}
	line, err := iostreams.Await(t.ctx, func() (string, error) { return t.in.ReadString('\n') })
	if t.ctx.Err() != nil {
		return "", t.ctx.Err()
	}
	if err != nil && line == "" {
		if errors.Is(err, io.EOF) {
			return "", io.EOF
		}
		return "", fmt.Errorf("reading from the terminal: %w", err)
	}
	return strings.TrimSpace(line), nil
}

// Secret implements Prompter: the prompt on ErrOut, the answer read from
// the terminal without echo.
func (t *Terminal) Secret(prompt string) (string, error) {
	if t.IO.InFile == nil {
		return "", errors.New("no terminal to read from")
	}
	fd := int(t.IO.InFile.Fd())
	fmt.Fprint(t.IO.ErrOut, prompt)
	defer fmt.Fprintln(t.IO.ErrOut)
	state, _ := term.GetState(fd)
	b, err := iostreams.Await(t.ctx, func() ([]byte, error) { return term.ReadPassword(fd) })
	if t.ctx.Err() != nil && state != nil {
		_ = term.Restore(fd, state) // the abandoned read turned echo off
	}
	if err != nil {
		if t.ctx.Err() != nil {
			return "", t.ctx.Err()
		}
		return "", fmt.Errorf("reading from the terminal: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// Line implements Prompter: the prompt on ErrOut, one echoed line from In.
func (t *Terminal) Line(prompt string) (string, error) {
	line, err := t.readLine(prompt)
	if errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading from the terminal: %w", err)
	}
	return line, err
}

// AccountLabel is how the picker shows a role's account: "prod
// (123456789012)", or the id alone without an alias.
func AccountLabel(r assertion.Role, aliases assertion.Aliases) string {
	if a := aliases[r.AccountID]; a != "" {
		return a + " (" + r.AccountID + ")"
	}
	return r.AccountID
}
