// Package webidentity is the samlgo web-identity command:
// AssumeRoleWithWebIdentity with a token read from a file or stdin.
package webidentity

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/creds"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/config"
	"github.com/samlgo/samlgo/flow"
	"github.com/samlgo/samlgo/sts"
)

// Assumer is the call web-identity makes.
type Assumer interface {
	AssumeRoleWithWebIdentity(ctx context.Context, r sts.WebIdentityRequest) (*sts.Result, error)
}

// DefaultProfile is where web-identity writes without --profile.
const DefaultProfile = "web-identity"

// Options are web-identity's flags and dependencies.
type Options struct {
	IO     *iostreams.IOStreams
	Now    func() time.Time
	Getenv func(string) string
	Log    *slog.Logger
	NewSTS func(ctx context.Context, o sts.Options) (Assumer, error)

	RoleARN     string
	TokenFile   string
	ProviderID  string
	PolicyARNs  []string
	PolicyFile  string
	Duration    string
	SessionName string
	Region      string
	Output      cmdutil.OutputFlags
}

// NewCmdWebIdentity builds the command; runF replaces webIdentityRun in
// tests of the flag wiring.
func NewCmdWebIdentity(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{
		IO: f.IOStreams, Now: f.Now, Getenv: f.Getenv,
		NewSTS: func(ctx context.Context, o sts.Options) (Assumer, error) { return sts.New(ctx, o) },
	}
	cmd := &cobra.Command{
		Use:   "web-identity --role-arn A --token-file F",
		Short: "Assume a role with an OIDC or OAuth 2.0 token (AssumeRoleWithWebIdentity)",
		Long: `web-identity exchanges a web identity token for role credentials. The token
is read from --token-file (- for stdin), never from the command line. An
OpenID Connect ID token must be a JWT; with --provider-id (an OAuth 2.0
access token from www.amazon.com or graph.facebook.com) any token is sent.`,
		Example: `  samlgo web-identity --role-arn arn:aws:iam::123456789012:role/CI --token-file $AWS_WEB_IDENTITY_TOKEN_FILE
  gh-oidc-token | samlgo web-identity --role-arn arn:aws:iam::123456789012:role/CI --token-file - --format env`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Log = f.Log
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return webIdentityRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.RoleARN, "role-arn", "", "role to assume (required)")
	fl.StringVar(&opts.TokenFile, "token-file", "", "file holding the token, or - for stdin (required)")
	fl.StringVar(&opts.ProviderID, "provider-id", "", "OAuth 2.0 provider (www.amazon.com, graph.facebook.com); not for OIDC")
	fl.StringSliceVar(&opts.PolicyARNs, "policy-arns", nil, "managed policy ARNs as session policies (at most 10)")
	fl.StringVar(&opts.PolicyFile, "policy-file", "", "session policy JSON file")
	fl.StringVar(&opts.Duration, "duration", "", "session length, e.g. 1h or 3600 (15m to 12h)")
	fl.StringVar(&opts.SessionName, "role-session-name", "", "session name (default samlgo-UNIXTIME)")
	fl.StringVar(&opts.Region, "region", "", "STS region (default from the role's partition)")
	opts.Output.Register(fl)
	return cmd
}

var roleARNPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^arn:(aws[a-z0-9-]*):iam::\d{12}:role/(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}$`)
})

func webIdentityRun(ctx context.Context, opts *Options) error {
	if err := cmdutil.CheckRegion("--region", opts.Region); err != nil {
		return err
	}
	m := roleARNPattern().FindStringSubmatch(opts.RoleARN)
	switch {
	case opts.RoleARN == "":
		return cmdutil.UsageErrorf("no role given; pass --role-arn arn:aws:iam::ACCOUNT:role/NAME")
	case m == nil:
		return cmdutil.UsageErrorf("--role-arn %q is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)", opts.RoleARN)
	case opts.TokenFile == "":
		return cmdutil.UsageErrorf("no token given; pass --token-file PATH, or --token-file - for stdin (never the token itself)")
	case opts.PolicyFile == "-" && opts.TokenFile == "-":
		return cmdutil.UsageErrorf("--policy-file and --token-file cannot both read stdin")
	}
	if err := cmdutil.CheckPolicyARNs(opts.PolicyARNs); err != nil {
		return err
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
	session := opts.SessionName
	if session == "" {
		session = "samlgo-" + strconv.FormatInt(opts.Now().Unix(), 10)
	} else if err := sts.CheckSessionName(session); err != nil {
		return cmdutil.UsageErrorf("--role-session-name: %w", err)
	}
	policy, err := cmdutil.ReadPolicy(ctx, opts.IO, opts.PolicyFile)
	if err != nil {
		return err
	}
	output := opts.Output
	if output.Profile == "" {
		output.Profile = DefaultProfile
	}
	sink, err := output.Sink(opts.IO, opts.Now, opts.Log, opts.Getenv("SHELL"))
	if err != nil {
		return err
	}
	token, err := readToken(ctx, opts.IO, opts.TokenFile, opts.ProviderID == "")
	if err != nil {
		return err
	}
	if err := sink.Preflight([]string{output.Profile}); err != nil {
		return err
	}
	region := cmdutil.First(opts.Region, opts.Getenv("AWS_REGION"), opts.Getenv("AWS_DEFAULT_REGION"), sts.RegionFor(m[1]))
	if err := cmdutil.CheckRegion("the region", region); err != nil {
		return err
	}
	client, err := opts.NewSTS(ctx, sts.Options{Region: region, Profile: output.Profile})
	if err != nil {
		return err
	}
	res, err := client.AssumeRoleWithWebIdentity(ctx, sts.WebIdentityRequest{
		RoleARN: opts.RoleARN, RoleSessionName: session, Token: token, ProviderID: opts.ProviderID,
		PolicyARNs: opts.PolicyARNs, Policy: policy, Duration: duration,
	})
	if err != nil {
		return err
	}
	if res.Shortened {
		fmt.Fprintf(opts.IO.ErrOut, "samlgo: the role allows no session of %s; the session lasts 1h\n", duration)
	}
	if err := res.Credentials.ValidateAt(opts.Now(), creds.MaxAhead); err != nil {
		return cmdutil.FailureError(err)
	}
	return sink.Deliver(ctx, []flow.Issued{{Profile: output.Profile, RoleARN: opts.RoleARN, Region: region, Creds: res.Credentials, Origin: awsfiles.OriginWebIdentity}})
}

// readToken reads and checks the token; the error names the file, never
// the token.
func readToken(ctx context.Context, ios *iostreams.IOStreams, path string, jwt bool) (string, error) {
	name := cmdutil.ArgName("--token-file", path)
	b, err := cmdutil.ReadArg(ctx, ios, "--token-file", path, sts.MaxWebIdentityToken+1024)
	if err != nil {
		return "", err
	}
	token := strings.TrimSpace(string(b))
	if err := sts.CheckWebIdentityToken(token, jwt); err != nil {
		return "", cmdutil.UsageErrorf("%s: %w", name, err)
	}
	return token, nil
}
