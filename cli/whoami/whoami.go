// Package whoami is the samlgo whoami command: GetCallerIdentity for a
// profile or the environment's credentials.
package whoami

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/sts"
	"github.com/samlgo/samlgo/untrusted"
)

// Options are whoami's flags and dependencies.
type Options struct {
	cmdutil.SignerSetup

	Profile string
	Output  string
	Region  string
}

// NewCmdWhoami builds the command; runF replaces whoamiRun in tests of the
// flag wiring.
func NewCmdWhoami(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{SignerSetup: cmdutil.NewSignerSetup(f)}
	cmd := &cobra.Command{
		Use:   "whoami [--profile P]",
		Short: "Show who a profile's credentials belong to (GetCallerIdentity)",
		Long: `whoami calls GetCallerIdentity with --profile's credentials (its role
assumed when it has role_arn), else the environment's keys, else those of
the profile env and exec use (SAMLGO_PROFILE, AWS_PROFILE, the default
account's profile, else saml). Text output is "ACCOUNT ARN USERID"
separated by tabs, like aws --output text.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return whoamiRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Profile, "profile", "p", "", "profile to ask about")
	cmd.Flags().StringVar(&opts.Output, "output", "text", "text or json")
	cmd.Flags().StringVar(&opts.Region, "region", "", "STS region (default: the profile's, AWS_REGION, us-east-1)")
	return cmd
}

func whoamiRun(ctx context.Context, opts *Options) error {
	if err := cmdutil.CheckRegion("--region", opts.Region); err != nil {
		return err
	}
	if err := cmdutil.CheckListing(opts.Output); err != nil {
		return err
	}
	if err := cmdutil.ProfileArg("--profile", opts.Profile); err != nil {
		return err
	}
	r, err := opts.Resolver()
	if err != nil {
		return err
	}
	// The environment's keys, as the AWS CLI; else the same profile env
	// and exec read.
	profile := opts.Profile
	if profile == "" && opts.Getenv("AWS_ACCESS_KEY_ID") == "" && opts.Getenv("AWS_SECRET_ACCESS_KEY") == "" {
		if profile, err = cmdutil.ProfileFor("", opts.Getenv, opts.Config); err != nil {
			return err
		}
	}
	if profile != "" {
		if err := opts.RenewIfDue(ctx, profile); err != nil { // as env and exec
			return err
		}
	}
	src, err := cmdutil.Source(ctx, r, profile, opts.Getenv)
	if err != nil {
		return err
	}
	if profile != "" {
		opts.Announce(profile, src.Creds)
	}
	region, err := cmdutil.SignedRegion(opts.Region, src, opts.Getenv)
	if err != nil {
		return err
	}
	client, err := opts.NewSTS(ctx, sts.Options{Region: region, Profile: profile})
	if err != nil {
		return err
	}
	id, err := client.CallerIdentity(ctx, src.Creds)
	if err != nil {
		return err
	}
	if opts.Output == "json" {
		b, _ := json.MarshalIndent(struct {
			UserID  string `json:"UserId"`
			Account string `json:"Account"`
			Arn     string `json:"Arn"`
		}{id.UserID, id.Account, id.ARN}, "", "    ")
		_, err = fmt.Fprintf(opts.IO.Out, "%s\n", b)
		return err
	}
	_, err = fmt.Fprintf(opts.IO.Out, "%s\t%s\t%s\n", untrusted.Text(id.Account), untrusted.Text(id.ARN), untrusted.Text(id.UserID))
	return err
}
