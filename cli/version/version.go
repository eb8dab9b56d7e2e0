// Package version is the samlgo version command.
package version

import (
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo/cli/cmdutil"
)

// Version is set at build time with
// -ldflags "-X github.com/samlgo/samlgo/cli/version.Version=…".
var Version = ""

// String is samlgo's version: the one set at build time, else the module
// version go install recorded, else "dev".
func String() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// NewCmdVersion builds the command.
func NewCmdVersion(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print samlgo's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// The line cobra prints for --version, so that both say the
			// same without a version template (a text/template in the
			// binary turns off the linker's dead-code elimination of
			// methods: 3.4 MB and a slower start).
			_, err := io.WriteString(f.IOStreams.Out, "samlgo version "+String()+"\n")
			return err
		},
	}
}
