// Package env is the samlgo env command: export lines for a stored
// profile's credentials.
package env

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/creds"
)

// Options are env's flags and dependencies.
type Options struct {
	cmdutil.SignerSetup

	Profile string
	Shell   string
}

// NewCmdEnv builds the command; runF replaces envRun in tests of the flag
// wiring.
func NewCmdEnv(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{SignerSetup: cmdutil.NewSignerSetup(f)}
	cmd := &cobra.Command{
		Use:   "env [--profile P] [--shell bash|zsh|fish|powershell|cmd]",
		Short: "Print export lines for a stored profile",
		Long: `env prints shell lines that set AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION, the region and SAMLGO_PROFILE
from profile P (default SAMLGO_PROFILE, AWS_PROFILE, else the profile
login writes: the default account's profile, else saml), and
unset AWS_SECURITY_TOKEN, AWS_PROFILE, AWS_DEFAULT_PROFILE and the other
variables an SDK would read credentials from first. A profile with role_arn
is assumed, as the AWS CLI would. Expired credentials are an error that
names the command to renew them.`,
		Example: `  eval "$(samlgo env --profile prod)"
  samlgo env --profile prod --shell fish | source
  samlgo env --profile prod | Invoke-Expression          # PowerShell
  for /f "delims=" %i in ('samlgo env --profile prod --shell cmd') do %i`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return envRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Profile, "profile", "p", "", "profile to export (default $SAMLGO_PROFILE, $AWS_PROFILE, the default account's profile, else saml)")
	cmd.Flags().StringVar(&opts.Shell, "shell", "", "bash, zsh, fish, powershell or cmd (default from $SHELL; PowerShell on Windows without it)")
	return cmd
}

func envRun(ctx context.Context, opts *Options) error {
	sh, err := creds.ParseShell(opts.Shell, opts.Getenv("SHELL"))
	if err != nil {
		return cmdutil.UsageError(err)
	}
	profile, err := cmdutil.ProfileFor(opts.Profile, opts.Getenv, opts.Config)
	if err != nil {
		return err
	}
	res, err := opts.StoredCredentials(ctx, profile)
	if err != nil {
		return err
	}
	opts.Announce(profile, res.Creds)
	_, err = fmt.Fprint(opts.IO.Out, res.Creds.ExportLines(sh, res.Region, [][2]string{{"SAMLGO_PROFILE", profile}}))
	return err
}
