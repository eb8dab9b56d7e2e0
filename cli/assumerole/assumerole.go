// Package assumerole is the samlgo assume-role command: AssumeRole from a
// ~/.aws/config profile (role_arn, source_profile chains, mfa_serial,
// external_id, duration_seconds, role_session_name), written to another
// profile.
package assumerole

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/chain"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/cli/prompt"
	"github.com/samlgo/samlgo/config"
	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/flow"
	"github.com/samlgo/samlgo/sts"
)

// Options are assume-role's flags and dependencies.
type Options struct {
	IO       *iostreams.IOStreams
	Prompter prompt.Prompter
	Now      func() time.Time
	Getenv   func(string) string
	Log      *slog.Logger
	// NewSTS makes the STS client for a region and profile.
	NewSTS func(ctx context.Context, o sts.Options) (chain.STS, error)
	// Cache is where MFA sessions are kept between runs.
	Cache func() (*chain.Cache, error)
	// AskTTY asks on /dev/tty when the streams cannot prompt.
	AskTTY func(prompt string) (string, error)
	// RunProcess runs a source profile's credential_process.
	RunProcess func(ctx context.Context, argv []string) ([]byte, error)

	Profile     string
	MFACode     string
	Duration    string
	SessionName string
	Output      cmdutil.OutputFlags
}

// NewCmdAssumeRole builds the command; runF replaces assumeRoleRun in tests
// of the flag wiring.
func NewCmdAssumeRole(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{
		IO: f.IOStreams, Prompter: f.Prompter, Now: f.Now, Getenv: f.Getenv,
		NewSTS:     func(ctx context.Context, o sts.Options) (chain.STS, error) { return sts.New(ctx, o) },
		Cache:      chain.DefaultCache,
		AskTTY:     prompt.TTYSecret,
		RunProcess: cmdutil.RunProcess(f.IOStreams.ErrOut),
	}
	cmd := &cobra.Command{
		Use:   "assume-role --profile P",
		Short: "Assume the role of a ~/.aws/config profile and store the credentials",
		Long: `assume-role reads profile P from ~/.aws/config (role_arn, source_profile,
mfa_serial, external_id, duration_seconds, role_session_name, region),
gets the source profile's credentials (static keys, a profile samlgo wrote,
credential_process, or another role profile, any number of hops deep),
calls AssumeRole and writes the result.

It writes the profile P-session by default (--to-profile to choose): the
AWS CLI reads role_arn first, so keys stored under P itself would be
ignored. With mfa_serial, the code is asked once (without echo, also on
/dev/tty, or the console on Windows, when stdout is taken) and the MFA session is kept in samlgo's
cache until it expires. A role assumed from a role session (role
chaining) lasts at most 1h, as AWS allows; samlgo says so and asks for 1h.`,
		Example: `  samlgo assume-role --profile prod-admin
  samlgo assume-role --profile prod-admin --mfa-code 123456 --to-profile admin
  eval "$(samlgo assume-role --profile prod-admin --format env)"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Log = f.Log
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return assumeRoleRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Profile, "profile", "p", "", "profile in ~/.aws/config with role_arn (required)")
	fl.StringVar(&opts.MFACode, "mfa-code", "", "current code of the profile's mfa_serial device (default: asked without echo)")
	fl.StringVar(&opts.Duration, "duration", "", "session length, e.g. 1h or 3600 (default: duration_seconds, else 1h)")
	fl.StringVar(&opts.SessionName, "role-session-name", "", "session name (default: role_session_name, else the caller's name)")
	opts.Output.RegisterOutputTo(fl)
	return cmd
}

func assumeRoleRun(ctx context.Context, opts *Options) error {
	if opts.Profile == "" {
		return cmdutil.UsageErrorf("no profile given; pass --profile NAME (a profile in ~/.aws/config with role_arn)")
	}
	if err := cmdutil.ProfileArg("--profile", opts.Profile); err != nil {
		return err
	}
	if opts.MFACode != "" {
		if err := chain.CheckMFACode(opts.MFACode); err != nil {
			return cmdutil.UsageErrorf("--mfa-code: %w", err)
		}
	}
	var duration time.Duration
	if opts.Duration != "" {
		d, err := config.ParseDuration(opts.Duration)
		if err != nil {
			return cmdutil.UsageErrorf("--duration: %w", err)
		}
		if d < sts.MinDuration || d > sts.MaxDuration {
			return cmdutil.UsageErrorf("--duration %s is outside what AWS allows (15m to 12h)", d)
		}
		duration = d
	}
	if opts.SessionName != "" {
		if err := sts.CheckSessionName(opts.SessionName); err != nil {
			return cmdutil.UsageErrorf("--role-session-name: %w", err)
		}
	}
	output := opts.Output
	defaulted := false
	if output.Profile == "" {
		output.Profile, defaulted = opts.Profile+"-session", true
		if err := awsfiles.ValidProfileName(output.Profile); err != nil {
			return cmdutil.UsageError(err, "hint: pass --to-profile NAME")
		}
	}
	sink, err := output.Sink(opts.IO, opts.Now, opts.Log, opts.Getenv("SHELL"))
	if err != nil {
		return err
	}
	if output.Profile == opts.Profile && sink.Format() == cmdutil.FormatProfile {
		return cmdutil.UsageErrorf("--to-profile %q is the role profile itself; the AWS CLI would assume its role and ignore the stored keys", output.Profile)
	}
	if err := sink.Preflight([]string{output.Profile}); err != nil {
		return err
	}
	setup := cmdutil.SignerSetup{IO: opts.IO, Prompter: opts.Prompter, AskTTY: opts.AskTTY, Now: opts.Now, Getenv: opts.Getenv,
		NewSTS: opts.NewSTS, Cache: opts.Cache, RunProcess: opts.RunProcess,
		CredentialsFile: output.CredentialsFile, ConfigFile: output.ConfigFile, MFACode: opts.MFACode, MFAFlag: "--mfa-code"}
	r, err := setup.Resolver()
	if err != nil {
		return err
	}
	res, err := r.Assume(ctx, opts.Profile, chain.AssumeOptions{Duration: duration, SessionName: opts.SessionName})
	if err != nil {
		return cmdutil.ChainError(err, r)
	}
	if err := res.Creds.ValidateAt(opts.Now(), creds.MaxAhead); err != nil {
		return cmdutil.FailureError(err)
	}
	if defaulted && sink.Format() == cmdutil.FormatProfile {
		fmt.Fprintf(opts.IO.ErrOut, "samlgo: writing profile %q (the AWS CLI would assume %q's role itself and ignore keys stored under it); pass --to-profile to choose\n", output.Profile, opts.Profile)
	}
	region := cmdutil.First(res.Region, r.DefaultRegion, "us-east-1")
	return sink.Deliver(ctx, []flow.Issued{{Profile: output.Profile, RoleARN: res.RoleARN, Region: region, Creds: res.Creds}})
}
