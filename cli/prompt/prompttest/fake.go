// Package prompttest is a Prompter for tests that fails the test on a
// question it did not expect and on an expected one never asked.
package prompttest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/samlgo/samlgo/assertion"
)

// Fake is a Prompter for tests. Each question must have been expected with
// an answer; an unexpected question fails the test, and Verify (registered
// as a cleanup by NewFake) fails it when an expected question was never
// asked.
type Fake struct {
	t       testing.TB
	mu      sync.Mutex
	picks   []func([]assertion.Role) (assertion.Role, error)
	secrets []answer
	lines   []answer
	// Asked records every prompt shown, in order.
	Asked []string
	// Preselected records the preselection of every picker shown.
	Preselected []string
}

type answer struct {
	prompt, value string
	err           error
}

// NewFake returns a Fake that checks at the end of the test that every
// expected question was asked.
func NewFake(t testing.TB) *Fake {
	f := &Fake{t: t}
	t.Cleanup(f.Verify)
	return f
}

// ExpectPick answers the next role picker with choose.
func (f *Fake) ExpectPick(choose func(roles []assertion.Role) (assertion.Role, error)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.picks = append(f.picks, choose)
}

// ExpectSecret answers the next secret prompt, which must be prompt.
func (f *Fake) ExpectSecret(prompt, value string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.secrets = append(f.secrets, answer{prompt, value, err})
}

// ExpectLine answers the next line prompt, which must be prompt.
func (f *Fake) ExpectLine(prompt, value string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lines = append(f.lines, answer{prompt, value, err})
}

// PickRole implements Prompter.
func (f *Fake) PickRole(roles []assertion.Role, _ assertion.Aliases, preselect string) (assertion.Role, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Asked = append(f.Asked, "pick")
	f.Preselected = append(f.Preselected, preselect)
	if len(f.picks) == 0 {
		f.t.Errorf("unexpected role picker over %d roles", len(roles))
		return assertion.Role{}, fmt.Errorf("unexpected role picker")
	}
	p := f.picks[0]
	f.picks = f.picks[1:]
	return p(roles)
}

// Secret implements Prompter.
func (f *Fake) Secret(prompt string) (string, error) { return f.take(&f.secrets, "secret", prompt) }

// Line implements Prompter.
func (f *Fake) Line(prompt string) (string, error) { return f.take(&f.lines, "line", prompt) }

func (f *Fake) take(q *[]answer, kind, prompt string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Asked = append(f.Asked, prompt)
	if len(*q) == 0 {
		f.t.Errorf("unexpected %s prompt %q", kind, prompt)
		return "", fmt.Errorf("unexpected prompt %q", prompt)
	}
	a := (*q)[0]
	*q = (*q)[1:]
	if a.prompt != prompt {
		f.t.Errorf("%s prompt = %q, want %q", kind, prompt, a.prompt)
	}
	return a.value, a.err
}

// Verify fails the test for every expected question that was not asked.
func (f *Fake) Verify() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n := len(f.picks); n > 0 {
		f.t.Errorf("%d expected role picker(s) never shown", n)
	}
	for _, a := range f.secrets {
		f.t.Errorf("expected secret prompt %q never asked", a.prompt)
	}
	for _, a := range f.lines {
		f.t.Errorf("expected line prompt %q never asked", a.prompt)
	}
}
