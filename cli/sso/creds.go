package sso

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/flow"
	"github.com/samlgo/samlgo/sso"
)

// CredsOptions are sso creds' flags and dependencies.
type CredsOptions struct {
	*Deps
	Session         SessionFlags
	Account         string
	Role            string
	All             bool
	ProfileTemplate string
	Region          string
	Output          cmdutil.OutputFlags
}

// NewCmdCreds builds sso creds; runF replaces credsRun in tests of the
// flag wiring.
func NewCmdCreds(f *cmdutil.Factory, runF func(context.Context, *CredsOptions) error) *cobra.Command {
	o := &CredsOptions{}
	cmd := &cobra.Command{
		Use:   "creds",
		Short: "Get a role's credentials with the cached IAM Identity Center token",
		Long: `sso creds turns the cached token into a role's temporary credentials
(GetRoleCredentials) and writes them as login does: a profile in the
credentials file, export lines, or credential_process JSON.

--account takes the 12-digit id or the account's name in the portal. With
--profile P and no --session, P's sso_session (or legacy sso_start_url),
sso_account_id and sso_role_name in ~/.aws/config fill in what is not
given. --all writes a profile for every account and role, named by
--profile-template (default ` + awsfiles.DefaultProfileTemplate + `; {alias} is the account's name).`,
		Example: `  samlgo sso creds --session my-sso --account 123456789012 --role AdministratorAccess --profile admin
  eval "$(samlgo sso creds --session my-sso --account prod --role ReadOnly --format env)"
  samlgo sso creds --session my-sso --all`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Deps = newDeps(f)
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return credsRun(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	o.Session.register(fl)
	fl.StringVarP(&o.Account, "account", "a", "", "account id (12 digits) or name")
	fl.StringVarP(&o.Role, "role", "r", "", "role (permission set) name")
	fl.BoolVar(&o.All, "all", false, "write a profile for every account and role (see --profile-template)")
	fl.StringVar(&o.ProfileTemplate, "profile-template", "", "profile names for --all (default "+awsfiles.DefaultProfileTemplate+")")
	fl.StringVar(&o.Region, "region", "", "region written to the profile's config (default the sso region)")
	o.Output.Register(fl)
	return cmd
}

func credsRun(ctx context.Context, o *CredsOptions) error {
	sink, err := o.Output.Sink(o.IO, o.Now, o.Log, o.Getenv("SHELL"))
	if err != nil {
		return err
	}
	switch {
	case o.All && sink.Format() != cmdutil.FormatProfile:
		return cmdutil.UsageErrorf("--all writes one profile per role, so it needs --format profile")
	case o.All && o.Output.Profile != "":
		return cmdutil.UsageErrorf("--all names profiles with --profile-template, not --profile")
	case o.All && (o.Account != "" || o.Role != ""):
		return cmdutil.UsageErrorf("--all takes every account and role; leave out --account and --role")
	case o.Role != "" && !sso.ValidRoleName(o.Role):
		return cmdutil.UsageErrorf("--role %q is not a role name", o.Role)
	}
	profileCfg := ""
	if o.Session.Session == "" && o.Session.StartURL == "" {
		profileCfg = o.Output.Profile
	}
	s, prof, err := o.Session.resolve(o.Deps, profileCfg)
	if err != nil {
		return ssoError(err, s)
	}
	account, role := o.Account, o.Role
	if prof != nil {
		account, role = cmdutil.First(account, prof.AccountID), cmdutil.First(role, prof.RoleName)
	}
	if !o.All && (account == "" || role == "") {
		return cmdutil.UsageError(errors.New("no role given: pass --account and --role, or --all"),
			"hint: samlgo sso roles lists them")
	}
	tmpl := cmdutil.First(o.ProfileTemplate, awsfiles.DefaultProfileTemplate)
	if o.All {
		if _, err := awsfiles.ProfileName(tmpl, awsfiles.RoleName{Account: "123456789012", Role: "R", Partition: "aws"}); err != nil {
			return cmdutil.UsageError(err)
		}
	}
	profile := cmdutil.First(o.Output.Profile, flow.DefaultProfile)
	if !o.All && sso.ValidAccountID(account) {
		// Nothing to look up: refuse a file that cannot be written before
		// any call.
		if err := sink.Preflight([]string{profile}); err != nil {
			return err
		}
	}
	a, svc, err := authorizer(ctx, o.Deps, s, profileCfg)
	if err != nil {
		return err
	}
	tok, err := token(ctx, a)
	if err != nil {
		return ssoError(err, s)
	}
	region := cmdutil.First(o.Region, s.Region)
	var want []sso.Assignment
	switch {
	case o.All || !sso.ValidAccountID(account):
		var as []sso.Assignment
		err := a.WithToken(ctx, &tok, func(access string) (err error) {
			as, err = sso.Assignments(ctx, svc.Portal, access)
			return err
		})
		if err != nil {
			return ssoError(err, s)
		}
		if o.All {
			want = as
			break
		}
		for _, x := range as {
			if x.AccountName == account && x.RoleName == role {
				want = append(want, x)
			}
		}
		if len(want) != 1 {
			return cmdutil.UsageErrorf("no single account named %q with role %q among your assignments (see samlgo sso roles)", account, role)
		}
	default:
		want = []sso.Assignment{{AccountID: account, RoleName: role}}
	}
	items := make([]flow.Issued, 0, len(want))
	for _, x := range want {
		name := profile
		if o.All {
			if name, err = awsfiles.ProfileName(tmpl, awsfiles.RoleName{Account: x.AccountID, Alias: x.AccountName, Role: x.RoleName, Partition: "aws"}); err != nil {
				return cmdutil.UsageError(err)
			}
		}
		items = append(items, flow.Issued{Profile: name, RoleARN: x.AccountID + ":" + x.RoleName + " (IAM Identity Center)", Region: region})
	}
	if o.All || !sso.ValidAccountID(account) {
		names := make([]string, len(items))
		for i, it := range items {
			names[i] = it.Profile
		}
		if err := sink.Preflight(names); err != nil {
			return err
		}
	}
	// All roles at once (sso.ParallelCalls in flight). A 401 from any of
	// them refreshes the token and asks for the whole set again; nothing
	// is written until every role has its credentials.
	var cs []creds.Credentials
	err = a.WithToken(ctx, &tok, func(access string) (err error) {
		cs, err = sso.AllRoleCredentials(ctx, svc.Portal, o.Now(), access, want)
		return err
	})
	if err != nil {
		return ssoError(err, s)
	}
	for i := range items {
		items[i].Creds = cs[i]
	}
	if len(items) == 0 {
		fmt.Fprintln(o.IO.ErrOut, "samlgo: the token reaches no account or role; nothing written")
		return nil
	}
	return sink.Deliver(ctx, items)
}
