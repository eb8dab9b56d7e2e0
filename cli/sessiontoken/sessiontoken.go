// Package sessiontoken is the samlgo session-token command: GetSessionToken
// with an IAM user's long-term keys, with MFA when asked.
package sessiontoken

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/creds"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo/chain"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/cli/prompt"
	"github.com/samlgo/samlgo/flow"
	"github.com/samlgo/samlgo/sts"
)

// STS is the calls session-token makes.
type STS interface {
	chain.STS
}

// Options are session-token's flags and dependencies.
type Options struct {
	IO         *iostreams.IOStreams
	Prompter   prompt.Prompter
	Now        func() time.Time
	Getenv     func(string) string
	Log        *slog.Logger
	NewSTS     func(ctx context.Context, o sts.Options) (STS, error)
	AskTTY     func(prompt string) (string, error)
	RunProcess func(ctx context.Context, argv []string) ([]byte, error)

	Profile   string
	MFASerial string
	Code      string
	Duration  string
	Region    string
	Output    cmdutil.OutputFlags
}

// NewCmdSessionToken builds the command; runF replaces sessionTokenRun in
// tests of the flag wiring.
func NewCmdSessionToken(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{
		IO: f.IOStreams, Prompter: f.Prompter, Now: f.Now, Getenv: f.Getenv,
		NewSTS:     func(ctx context.Context, o sts.Options) (STS, error) { return sts.New(ctx, o) },
		AskTTY:     prompt.TTYSecret,
		RunProcess: cmdutil.RunProcess(f.IOStreams.ErrOut),
	}
	cmd := &cobra.Command{
		Use:   "session-token [--mfa-serial S --mfa-code C]",
		Short: "Get session credentials for an IAM user (GetSessionToken), with MFA",
		Long: `session-token calls GetSessionToken with an IAM user's long-term keys: those
of --profile, else AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, else AWS_PROFILE,
else the default profile (as the AWS CLI chooses). With --mfa-serial the
session carries MFA (the code from --mfa-code, else asked without echo).

--duration is 15m to 36h (default 12h, AWS's); over 1h only for IAM users,
not for the root user. The result goes to --to-profile (default
SOURCE-session), or to stdout with --format env|json.`,
		Example: `  samlgo session-token --profile iam-alice --mfa-serial arn:aws:iam::123456789012:mfa/alice
  eval "$(samlgo session-token --mfa-serial arn:aws:iam::123456789012:mfa/alice --mfa-code 123456 --format env)"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Log = f.Log
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return sessionTokenRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Profile, "profile", "p", "", "profile with the IAM user's keys (default: environment, AWS_PROFILE, default)")
	fl.StringVar(&opts.MFASerial, "mfa-serial", "", "MFA device ARN (or serial number)")
	fl.StringVar(&opts.Code, "mfa-code", "", "current MFA code (default: asked without echo)")
	// --code was this flag's first name; kept so scripts keep working.
	fl.StringVar(&opts.Code, "code", "", "current MFA code (old name of --mfa-code)")
	_ = fl.MarkHidden("code")
	fl.StringVar(&opts.Duration, "duration", "", "session length, 15m to 36h (default 12h)")
	fl.StringVar(&opts.Region, "region", "", "STS region (default: the profile's, AWS_REGION, us-east-1)")
	opts.Output.RegisterOutputTo(fl)
	return cmd
}

func sessionTokenRun(ctx context.Context, opts *Options) error {
	if err := cmdutil.CheckRegion("--region", opts.Region); err != nil {
		return err
	}
	if err := cmdutil.ProfileArg("--profile", opts.Profile); err != nil {
		return err
	}
	if opts.Code != "" && opts.MFASerial == "" {
		return cmdutil.UsageErrorf("--mfa-code needs --mfa-serial (the device the code is from)")
	}
	if opts.Code != "" {
		if err := chain.CheckMFACode(opts.Code); err != nil {
			return cmdutil.UsageErrorf("--code: %w", err)
		}
	}
	d, err := cmdutil.TokenDuration(opts.Duration)
	if err != nil {
		return err
	}
	output := opts.Output
	sourceName := cmdutil.First(opts.Profile, opts.Getenv("AWS_PROFILE"), "default")
	if opts.Profile == "" && opts.Getenv("AWS_ACCESS_KEY_ID") != "" {
		sourceName = "env"
	}
	defaulted := output.Profile == ""
	if defaulted {
		output.Profile = sourceName + "-session"
	}
	sink, err := output.Sink(opts.IO, opts.Now, opts.Log, opts.Getenv("SHELL"))
	if err != nil {
		return err
	}
	if sink.Format() == cmdutil.FormatProfile && output.Profile == opts.Profile {
		return cmdutil.UsageErrorf("--to-profile %q is the source profile; samlgo will not replace long-term keys with session credentials", output.Profile)
	}
	if err := sink.Preflight([]string{output.Profile}); err != nil {
		return err
	}
	setup := cmdutil.SignerSetup{IO: opts.IO, Prompter: opts.Prompter, AskTTY: opts.AskTTY, Now: opts.Now, Getenv: opts.Getenv,
		NewSTS:     func(ctx context.Context, o sts.Options) (chain.STS, error) { return opts.NewSTS(ctx, o) },
		RunProcess: opts.RunProcess, CredentialsFile: output.CredentialsFile, ConfigFile: output.ConfigFile, MFAFlag: "--mfa-code"}
	r, err := setup.Resolver()
	if err != nil {
		return err
	}
	src, err := cmdutil.Source(ctx, r, opts.Profile, opts.Getenv)
	if err != nil {
		return err
	}
	if !src.Creds.LongTerm() {
		return cmdutil.UsageError(fmt.Errorf("the credentials of %s are temporary; GetSessionToken needs an IAM user's long-term keys", describe(src)),
			"hint: pass --profile with a profile holding aws_access_key_id and aws_secret_access_key")
	}
	code := ""
	if opts.MFASerial != "" {
		ask := cmdutil.MFACode(opts.IO, opts.Prompter, opts.AskTTY, opts.Code, "--mfa-code")
		if code, err = ask(opts.MFASerial); err != nil {
			return err
		}
		if err := chain.CheckMFACode(code); err != nil {
			return cmdutil.UsageError(err)
		}
	}
	region, err := cmdutil.SignedRegion(opts.Region, src, opts.Getenv)
	if err != nil {
		return err
	}
	client, err := opts.NewSTS(ctx, sts.Options{Region: region, Profile: opts.Profile})
	if err != nil {
		return err
	}
	res, err := client.GetSessionToken(ctx, src.Creds, sts.SessionTokenRequest{SerialNumber: opts.MFASerial, TokenCode: code, Duration: d})
	if err != nil {
		return durationRefusal(err, d)
	}
	if err := res.Credentials.ValidateAt(opts.Now(), creds.MaxAhead); err != nil {
		return cmdutil.FailureError(err)
	}
	arn := "session token for " + describe(src)
	if opts.MFASerial != "" {
		arn += " with MFA"
	}
	return sink.Deliver(ctx, []flow.Issued{{Profile: output.Profile, RoleARN: arn, Region: region, Creds: res.Credentials, Origin: awsfiles.OriginSessionToken}})
}

func describe(src *chain.Resolved) string {
	if src.Profile == "" {
		return "the environment's keys"
	}
	return fmt.Sprintf("profile %q", src.Profile)
}

// durationRefusal adds, to STS refusing the duration, that only IAM users
// get more than an hour.
func durationRefusal(err error, d time.Duration) error {
	var se *sts.Error
	if errors.As(err, &se) && se.Code == "ValidationError" && (strings.Contains(strings.ToLower(se.Message), "duration") || d > time.Hour) {
		return cmdutil.UsageError(err, "hint: sessions over 1h (up to 36h) are only for IAM users; the root user's last at most 1h: pass --duration 1h")
	}
	return err
}
