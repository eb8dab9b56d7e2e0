// Package federationtoken is the samlgo federation-token command:
// GetFederationToken for a named federated user, with session policies.
package federationtoken

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/samlgo/samlgo/awsfiles"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo/chain"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/cli/prompt"
	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/flow"
	"github.com/samlgo/samlgo/sts"
)

// STS is the calls federation-token makes.
type STS interface {
	chain.STS
	GetFederationToken(ctx context.Context, src creds.Credentials, r sts.FederationTokenRequest) (*sts.Result, error)
}

// Options are federation-token's flags and dependencies.
type Options struct {
	IO         *iostreams.IOStreams
	Now        func() time.Time
	Getenv     func(string) string
	Log        *slog.Logger
	NewSTS     func(ctx context.Context, o sts.Options) (STS, error)
	RunProcess func(ctx context.Context, argv []string) ([]byte, error)
	// Prompter and AskTTY ask for an MFA code when the source profile's
	// chain needs one.
	Prompter prompt.Prompter
	AskTTY   func(prompt string) (string, error)
	// Cache keeps MFA sessions (chain.DefaultCache).
	Cache func() (*chain.Cache, error)

	Profile    string
	Name       string
	PolicyFile string
	PolicyARNs []string
	Duration   string
	Region     string
	Output     cmdutil.OutputFlags
}

// NewCmdFederationToken builds the command; runF replaces
// federationTokenRun in tests of the flag wiring.
func NewCmdFederationToken(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{
		IO: f.IOStreams, Now: f.Now, Getenv: f.Getenv, Prompter: f.Prompter, AskTTY: prompt.TTYSecret, Cache: chain.DefaultCache,
		NewSTS:     func(ctx context.Context, o sts.Options) (STS, error) { return sts.New(ctx, o) },
		RunProcess: cmdutil.RunProcess(f.IOStreams.ErrOut),
	}
	cmd := &cobra.Command{
		Use:   "federation-token --name N [--policy-file F] [--policy-arns ARN,…]",
		Short: "Get credentials for a federated user (GetFederationToken)",
		Long: `federation-token calls GetFederationToken with an IAM user's long-term keys
(--profile, else the environment, AWS_PROFILE or the default profile, as the
AWS CLI chooses). The federated user's permissions are the intersection of
the IAM user's and the session policies (--policy-file, --policy-arns);
without one it has none. --duration is 15m to 36h (root: 1h).`,
		Example: `  samlgo federation-token --name bob --policy-file s3-read.json --to-profile bob`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Log = f.Log
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return federationTokenRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Profile, "profile", "p", "", "profile with the IAM user's keys (default: environment, AWS_PROFILE, default)")
	fl.StringVar(&opts.Name, "name", "", "federated user name, 2–32 characters (required)")
	fl.StringVar(&opts.PolicyFile, "policy-file", "", "session policy JSON file, or - for stdin")
	fl.StringSliceVar(&opts.PolicyARNs, "policy-arns", nil, "managed policy ARNs as session policies (at most 10)")
	fl.StringVar(&opts.Duration, "duration", "", "session length, 15m to 36h (default 12h)")
	fl.StringVar(&opts.Region, "region", "", "STS region (default: the profile's, AWS_REGION, us-east-1)")
	opts.Output.RegisterOutputTo(fl)
	return cmd
}

func federationTokenRun(ctx context.Context, opts *Options) error {
	if err := cmdutil.CheckRegion("--region", opts.Region); err != nil {
		return err
	}
	if opts.Name == "" {
		return cmdutil.UsageErrorf("no federated user name; pass --name NAME")
	}
	if err := sts.CheckFederatedName(opts.Name); err != nil {
		return cmdutil.UsageErrorf("--name: %w", err)
	}
	if err := cmdutil.ProfileArg("--profile", opts.Profile); err != nil {
		return err
	}
	if err := cmdutil.CheckPolicyARNs(opts.PolicyARNs); err != nil {
		return err
	}
	d, err := cmdutil.TokenDuration(opts.Duration)
	if err != nil {
		return err
	}
	policy, err := cmdutil.ReadPolicy(ctx, opts.IO, opts.PolicyFile)
	if err != nil {
		return err
	}
	output := opts.Output
	if output.Profile == "" {
		output.Profile = "federated-" + opts.Name
	}
	sink, err := output.Sink(opts.IO, opts.Now, opts.Log, opts.Getenv("SHELL"))
	if err != nil {
		return err
	}
	if err := sink.Preflight([]string{output.Profile}); err != nil {
		return err
	}
	// The source profile may be a role with mfa_serial: the code is asked
	// as everywhere else (it never was here).
	setup := cmdutil.SignerSetup{IO: opts.IO, Prompter: opts.Prompter, AskTTY: opts.AskTTY, Now: opts.Now, Getenv: opts.Getenv,
		NewSTS: func(ctx context.Context, o sts.Options) (chain.STS, error) { return opts.NewSTS(ctx, o) },
		Cache:  opts.Cache, RunProcess: opts.RunProcess, CredentialsFile: output.CredentialsFile, ConfigFile: output.ConfigFile}
	r, err := setup.Resolver()
	if err != nil {
		return err
	}
	src, err := cmdutil.Source(ctx, r, opts.Profile, opts.Getenv)
	if err != nil {
		return err
	}
	if !src.Creds.LongTerm() {
		return cmdutil.UsageError(fmt.Errorf("GetFederationToken needs an IAM user's long-term keys, and these credentials are temporary"),
			"hint: pass --profile with a profile holding aws_access_key_id and aws_secret_access_key")
	}
	if policy == "" && len(opts.PolicyARNs) == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "samlgo: no --policy-file or --policy-arns: the federated user gets no permissions (AWS grants the intersection with the session policies)")
	}
	region, err := cmdutil.SignedRegion(opts.Region, src, opts.Getenv)
	if err != nil {
		return err
	}
	client, err := opts.NewSTS(ctx, sts.Options{Region: region, Profile: opts.Profile})
	if err != nil {
		return err
	}
	res, err := client.GetFederationToken(ctx, src.Creds, sts.FederationTokenRequest{Name: opts.Name, Policy: policy, PolicyARNs: opts.PolicyARNs, Duration: d})
	if err != nil {
		return err
	}
	if err := res.Credentials.ValidateAt(opts.Now(), creds.MaxAhead); err != nil {
		return cmdutil.FailureError(err)
	}
	return sink.Deliver(ctx, []flow.Issued{{Profile: output.Profile, RoleARN: res.AssumedRoleARN, Region: region, Creds: res.Credentials, Origin: awsfiles.OriginFederationToken}})
}
