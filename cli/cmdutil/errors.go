package cmdutil

import (
	"errors"
	"fmt"
)

// Exit codes (PRODUCT.md §5).
const (
	ExitOK         = 0
	ExitFailure    = 1
	ExitUsage      = 2
	ExitCancelled  = 130
	ExitTerminated = 143
)

// ExitError carries an exit code and hint lines for an error.
type ExitError struct {
	Code  int
	Err   error
	Hints []string
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// UsageError is bad usage or bad input: exit code 2, with hint lines.
func UsageError(err error, hints ...string) error { return &ExitError{ExitUsage, err, hints} }

// UsageErrorf formats a usage error.
func UsageErrorf(format string, args ...any) error { return UsageError(fmt.Errorf(format, args...)) }

// FailureError is a run-time failure (exit code 1) with hint lines.
func FailureError(err error, hints ...string) error { return &ExitError{ExitFailure, err, hints} }

// ErrCancelled is the person ending a command (Ctrl-C, window closed).
var ErrCancelled = errors.New("cancelled")
