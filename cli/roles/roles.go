// Package roles is the samlgo roles command: list the roles a saved
// SAMLResponse offers.
package roles

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo/assertion"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/config"
	"github.com/samlgo/samlgo/untrusted"
)

// Options are roles' flags and dependencies.
type Options struct {
	IO       *iostreams.IOStreams
	Now      func() time.Time
	Config   func() (*config.Config, error)
	SAMLFile string
	Output   string
	Account  string
}

// NewCmdRoles builds the command; runF replaces rolesRun in tests of the
// flag wiring.
func NewCmdRoles(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IO: f.IOStreams, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "roles",
		Short: "List the roles a SAMLResponse offers",
		Long: `roles lists the AWS roles in a saved SAMLResponse. An expired assertion is
still listed, with a warning on stderr.`,
		Example: `  samlgo roles --saml-file samlresponse.log
  samlgo roles --saml-file resp.txt --output json | jq -r '.[].role_arn'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Config = f.Config
			if runF != nil {
				return runF(o)
			}
			return rolesRun(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.SAMLFile, "saml-file", "", "the SAMLResponse file, or - for stdin")
	cmd.Flags().StringVar(&o.Output, "output", "text", "text or json")
	cmd.Flags().StringVarP(&o.Account, "account", "a", "", "account whose aliases to show (default: default_account)")
	return cmd
}

func rolesRun(ctx context.Context, o *Options) error {
	if err := cmdutil.CheckListing(o.Output); err != nil {
		return err
	}
	cfg, err := o.Config()
	if err != nil {
		return err
	}
	acct, _, err := cfg.Account(o.Account)
	if err != nil {
		return cmdutil.UsageError(err)
	}
	resp, err := cmdutil.ReadSAML(ctx, o.IO, o.SAMLFile)
	if err != nil {
		return err
	}
	// A malformed Role value is named here and the others are listed
	// (PRODUCT.md §6).
	for _, w := range resp.Warnings {
		fmt.Fprintf(o.IO.ErrOut, "samlgo: warning: %s\n", w)
	}
	if err := resp.Check(o.Now()); errors.Is(err, assertion.ErrExpired) {
		fmt.Fprintf(o.IO.ErrOut, "samlgo: warning: %v\n", err)
	} else if err != nil {
		return fmt.Errorf("%s: %w", cmdutil.SAMLName(o.SAMLFile), err)
	}
	aliases := assertion.Aliases(acct.Aliases)
	roles := assertion.SortByAccount(resp.Roles, aliases)
	if o.Output == "json" {
		if roles == nil {
			roles = []assertion.Role{}
		}
		b, err := json.MarshalIndent(roles, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(o.IO.Out, "%s\n", b)
		return err
	}
	tw := tabwriter.NewWriter(o.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tALIAS\tROLE\tROLE ARN\tPROVIDER ARN")
	for _, r := range roles {
		alias := aliases[r.AccountID]
		if alias == "" {
			alias = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.AccountID, untrusted.Text(alias), untrusted.Text(r.PathName()), untrusted.Text(r.RoleARN), untrusted.Text(r.PrincipalARN))
	}
	return tw.Flush()
}
