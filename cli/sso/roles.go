package sso

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/sso"
	"github.com/samlgo/samlgo/untrusted"
)

// RolesOptions are sso roles' flags and dependencies.
type RolesOptions struct {
	*Deps
	Session SessionFlags
	Profile string
	Output  string
}

// NewCmdRoles builds sso roles; runF replaces rolesRun in tests of the
// flag wiring.
func NewCmdRoles(f *cmdutil.Factory, runF func(context.Context, *RolesOptions) error) *cobra.Command {
	o := &RolesOptions{}
	cmd := &cobra.Command{
		Use:   "roles",
		Short: "List the accounts and roles your IAM Identity Center sign-in reaches",
		Long: `sso roles lists every account and role (permission set) the cached token
reaches (ListAccounts and ListAccountRoles, all pages). JSON is an array of
{"account_id","account_name","email_address","role_name"}.`,
		Example: `  samlgo sso roles --session my-sso
  samlgo sso roles --session my-sso --output json | jq -r '.[] | .account_id + ":" + .role_name'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Deps = newDeps(f)
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return rolesRun(cmd.Context(), o)
		},
	}
	o.Session.register(cmd.Flags())
	cmd.Flags().StringVarP(&o.Profile, "profile", "p", "", "take the session from this profile's sso keys in ~/.aws/config")
	cmd.Flags().StringVar(&o.Output, "output", "text", "text or json")
	return cmd
}

func rolesRun(ctx context.Context, o *RolesOptions) error {
	if err := cmdutil.CheckListing(o.Output); err != nil {
		return err
	}
	s, _, err := o.Session.resolve(o.Deps, o.Profile)
	if err != nil {
		return ssoError(err, s)
	}
	a, svc, err := authorizer(ctx, o.Deps, s, o.Profile)
	if err != nil {
		return err
	}
	tok, err := token(ctx, a)
	if err != nil {
		return ssoError(err, s)
	}
	var as []sso.Assignment
	err = a.WithToken(ctx, &tok, func(access string) (err error) {
		as, err = sso.Assignments(ctx, svc.Portal, access)
		return err
	})
	if err != nil {
		return ssoError(err, s)
	}
	if o.Output == "json" {
		if as == nil {
			as = []sso.Assignment{}
		}
		b, err := json.MarshalIndent(as, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(o.IO.Out, "%s\n", b)
		return err
	}
	tw := tabwriter.NewWriter(o.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tNAME\tROLE")
	for _, x := range as {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", untrusted.Text(x.AccountID), untrusted.Text(cmdutil.First(x.AccountName, "-")), untrusted.Text(x.RoleName))
	}
	return tw.Flush()
}
