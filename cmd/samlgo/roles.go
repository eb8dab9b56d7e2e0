package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo/assertion"
)

type rolesOptions struct {
	app      *app
	SAMLFile string
	Output   string
	Account  string
}

func newRolesCmd(a *app) *cobra.Command {
	o := &rolesOptions{app: a}
	cmd := &cobra.Command{
		Use:   "roles",
		Short: "List the roles a SAMLResponse offers",
		Long: `roles lists the AWS roles in a saved SAMLResponse. An expired assertion is
still listed, with a warning on stderr.`,
		Example: `  samlgo roles --saml-file samlresponse.log
  samlgo roles --saml-file resp.txt --output json | jq -r '.[].role_arn'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return rolesRun(o) },
	}
	cmd.Flags().StringVar(&o.SAMLFile, "saml-file", "", "the SAMLResponse file, or - for stdin")
	cmd.Flags().StringVar(&o.Output, "output", "text", "text or json")
	cmd.Flags().StringVar(&o.Account, "account", "", "account whose aliases to show (default: default_account)")
	return cmd
}

func rolesRun(o *rolesOptions) error {
	a := o.app
	if o.Output != "text" && o.Output != "json" {
		return usageErrorf("unknown --output %q; use text or json", o.Output)
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	acct, _, err := cfg.Account(o.Account)
	if err != nil {
		return usageError(err)
	}
	resp, err := readSAML(a.io, o.SAMLFile)
	if err != nil {
		return err
	}
	if err := resp.Check(a.now()); errors.Is(err, assertion.ErrExpired) {
		fmt.Fprintf(a.io.ErrOut, "samlgo: warning: %v\n", err)
	} else if err != nil {
		return err
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
		_, err = fmt.Fprintf(a.io.Out, "%s\n", b)
		return err
	}
	tw := tabwriter.NewWriter(a.io.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tALIAS\tROLE\tROLE ARN\tPROVIDER ARN")
	for _, r := range roles {
		alias := aliases[r.AccountID]
		if alias == "" {
			alias = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.AccountID, alias, r.PathName(), r.RoleARN, r.PrincipalARN)
	}
	return tw.Flush()
}
