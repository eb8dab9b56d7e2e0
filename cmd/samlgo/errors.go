package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/samlgo/samlgo/assertion"
	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/config"
	"github.com/samlgo/samlgo/sts"
)

// Exit codes (PRODUCT.md §5).
const (
	exitOK        = 0
	exitFailure   = 1
	exitUsage     = 2
	exitCancelled = 130
)

// exitError carries an exit code and hint lines for an error.
type exitError struct {
	code  int
	err   error
	hints []string
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError is bad usage or bad input: exit code 2.
func usageError(err error, hints ...string) error { return &exitError{exitUsage, err, hints} }

func usageErrorf(format string, args ...any) error { return usageError(fmt.Errorf(format, args...)) }

// errCancelled is the person ending a command (Ctrl-C, window closed).
var errCancelled = errors.New("cancelled")

// report prints err as "samlgo: message" and its hints, one per line, and
// returns the exit code for it.
func report(w io.Writer, err error) int {
	code, hints := classify(err)
	fmt.Fprintf(w, "samlgo: %s\n", err.Error())
	for _, h := range hints {
		fmt.Fprintf(w, "%s\n", h)
	}
	return code
}

func classify(err error) (int, []string) {
	var ee *exitError
	var ie *assertion.InputError
	var ce *config.Error
	var fe *awsfiles.FileError
	var pe *awsfiles.ProtectedProfileError
	var se *sts.Error
	switch {
	case errors.As(err, &ee):
		_, inner := classify(ee.err)
		return ee.code, append(append([]string(nil), ee.hints...), inner...)
	case errors.Is(err, errCancelled) || errors.Is(err, context.Canceled):
		return exitCancelled, nil
	case errors.As(err, &ie), errors.As(err, &ce), errors.As(err, &fe):
		return exitUsage, nil
	case errors.As(err, &pe):
		return exitUsage, []string{"hint: pass another --profile, or remove those keys from the profile first"}
	case errors.As(err, &se):
		if se.Hint != "" {
			return exitFailure, []string{"hint: " + se.Hint}
		}
		return exitFailure, nil
	case errors.Is(err, context.DeadlineExceeded):
		return exitFailure, nil
	}
	return exitFailure, nil
}

// roleList formats roles for an error: one indented line each.
func roleList(roles []assertion.Role, aliases assertion.Aliases) []string {
	lines := []string{"roles in the assertion:"}
	for _, r := range assertion.SortByAccount(roles, aliases) {
		lines = append(lines, "  "+r.RoleARN+"  ("+r.Label(aliases)+")")
	}
	return lines
}

// selectorHint suggests a --role value for the first role.
func selectorHint(roles []assertion.Role) string {
	if len(roles) == 0 {
		return ""
	}
	r := assertion.SortByAccount(roles, nil)[0]
	return fmt.Sprintf("hint: pass --role, e.g. --role %s:%s (or a role ARN, a role name, or a glob like '*:%s')", r.AccountID, r.Name, r.Name)
}
