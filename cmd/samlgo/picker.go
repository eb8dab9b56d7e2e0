package main

import (
	"errors"
	"fmt"

	"github.com/charmbracelet/huh"

	"github.com/samlgo/samlgo/assertion"
)

// pickRole shows a filterable list of roles grouped by account on the
// terminal (stderr, so stdout stays clean for --format env/json).
func pickRole(ios *IOStreams, roles []assertion.Role, aliases assertion.Aliases) (assertion.Role, error) {
	sorted := assertion.SortByAccount(roles, aliases)
	width := 0
	for _, r := range sorted {
		width = max(width, len(accountLabel(r, aliases)))
	}
	opts := make([]huh.Option[int], len(sorted))
	for i, r := range sorted {
		opts[i] = huh.NewOption(fmt.Sprintf("%-*s  %s", width, accountLabel(r, aliases), r.PathName()), i)
	}
	choice := 0
	sel := huh.NewSelect[int]().
		Title("Choose an AWS role").
		Description("↑/↓ move · / filter · enter choose · ctrl+c cancel").
		Options(opts...).
		Value(&choice)
	if len(opts) > 12 {
		sel.Height(16) // scrolls; the filter narrows long lists
	}
	form := huh.NewForm(huh.NewGroup(sel)).WithInput(ios.In).WithOutput(ios.ErrOut).WithShowHelp(false)
	if err := form.Run(); err != nil {
		if errors.Is(err, huh.ErrUserAborted) {
			return assertion.Role{}, errCancelled
		}
		return assertion.Role{}, fmt.Errorf("role picker: %w", err)
	}
	return sorted[choice], nil
}

func accountLabel(r assertion.Role, aliases assertion.Aliases) string {
	if a := aliases[r.AccountID]; a != "" {
		return a + " (" + r.AccountID + ")"
	}
	return r.AccountID
}
