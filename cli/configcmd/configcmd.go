// Package configcmd is the samlgo config command group: where the config
// file is, and the documented example built into the binary.
package configcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/config"
)

// NewCmdConfig builds the config group.
func NewCmdConfig(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Where samlgo's config is, and an example of every key",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "path",
		Short: "Print the config file samlgo reads (--config, $SAMLGO_CONFIG, else the user config directory)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return pathRun(cmd.Context(), f)
		},
	}, &cobra.Command{
		Use:   "example",
		Short: "Print the documented example config: every key, what it does, an example value",
		Example: `  samlgo config example | less
  samlgo init                     # writes a first account for you`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := io.WriteString(f.IOStreams.Out, samlgo.ConfigExample)
			return err
		},
	})
	return cmd
}

func pathRun(_ context.Context, f *cmdutil.Factory) error {
	path, _, err := config.Path(f.ConfigPath)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	if _, err := fmt.Fprintln(f.IOStreams.Out, path); err != nil {
		return err
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) && f.IOStreams.ErrTTY {
		fmt.Fprintln(f.IOStreams.ErrOut, "samlgo: it does not exist yet; samlgo init writes it")
	}
	return nil
}
