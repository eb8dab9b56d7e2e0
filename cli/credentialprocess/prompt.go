package credentialprocess

import (
	"context"

	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/cli/prompt"
)

// promptOn asks on the controlling terminal.
func promptOn(ctx context.Context, tty *iostreams.IOStreams) prompt.Prompter {
	return prompt.NewTerminal(ctx, tty)
}
