// Package console is the samlgo console command: a sign-in URL for the AWS
// console from a stored profile's credentials, through the AWS federation
// endpoint.
package console

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/chain"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/config"
	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/desktop"
	"github.com/samlgo/samlgo/flow"
	"github.com/samlgo/samlgo/signin"
	"github.com/samlgo/samlgo/sts"
)

// FederationName is the federated user's name when long-term keys go
// through GetFederationToken; it shows in the console and in CloudTrail as
// federated-user/samlgo.
const FederationName = "samlgo"

// AllowAllPolicy is the session policy passed to GetFederationToken. A
// federated user without a session policy has no permissions; a session
// policy can only narrow what the IAM user may do, so allowing everything
// gives the console session exactly the user's own permissions (what
// aws-vault does too).
const AllowAllPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// DefaultFederationDuration is the length of the GetFederationToken
// session (and so of the console session) when --duration is not given.
const DefaultFederationDuration = time.Hour

// Federator is the STS call that turns long-term keys into credentials the
// console accepts.
type Federator interface {
	GetFederationToken(ctx context.Context, src creds.Credentials, r sts.FederationTokenRequest) (*sts.Result, error)
}

// TokenGetter calls the federation endpoint's getSigninToken.
type TokenGetter interface {
	SigninToken(ctx context.Context, base string, c creds.Credentials, sessionDuration time.Duration) (string, error)
}

// Options are console's flags and dependencies.
type Options struct {
	IO     *iostreams.IOStreams
	Getenv func(string) string
	Now    func() time.Time
	Log    *slog.Logger
	// Config reads samlgo's config file (for the default profile).
	Config func() (*config.Config, error)
	// NewFederator makes the STS client for a region and profile.
	NewFederator func(ctx context.Context, o sts.Options) (Federator, error)
	Signin       TokenGetter
	// Open opens a URL in the system browser.
	Open func(ctx context.Context, url string) error
	// Resolve gets a profile's credentials as the AWS CLI would (role_arn
	// chains, credential_process, SSO), for a profile with no keys in the
	// credentials file.
	Resolve func(ctx context.Context, credentialsFile, profile string) (*chain.Resolved, error)
	// RenewIfDue renews a profile samlgo wrote from a sign-in to an account
	// when it has expired or is about to (SignerSetup.RenewIfDue).
	RenewIfDue func(ctx context.Context, credentialsFile, profile string) error

	Profile         string
	Destination     string
	Region          string
	Duration        string
	CredentialsFile string
	Print           bool
	LogoutFirst     bool
}

// NewCmdConsole builds the command; runF replaces consoleRun in tests of
// the flag wiring.
func NewCmdConsole(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{
		IO: f.IOStreams, Getenv: f.Getenv, Now: f.Now,
		NewFederator: func(ctx context.Context, o sts.Options) (Federator, error) { return sts.New(ctx, o) },
		Signin:       signin.Client{},
		Open:         func(ctx context.Context, u string) error { return desktop.OpenPrivately(ctx, u, "") },
		Resolve: func(ctx context.Context, credentialsFile, profile string) (*chain.Resolved, error) {
			s := cmdutil.NewSignerSetup(f)
			s.CredentialsFile = credentialsFile
			return s.StoredCredentials(ctx, profile)
		},
		RenewIfDue: func(ctx context.Context, credentialsFile, profile string) error {
			s := cmdutil.NewSignerSetup(f)
			s.CredentialsFile = credentialsFile
			return s.RenewIfDue(ctx, profile)
		},
	}
	cmd := &cobra.Command{
		Use:   "console",
		Short: "Open the AWS console signed in with a profile's credentials",
		Long: `console signs in to the AWS console with the credentials of a profile, through
the AWS federation endpoint, and opens the console in the system browser (or
prints the sign-in URL with --print). The profile is any the AWS CLI can
use: keys in the shared credentials file, a role_arn chain, a
credential_process.

Role credentials are used as they are. Long-term keys (an IAM user's
AKIA… key) first go through GetFederationToken (federated user "samlgo",
with a session policy that allows whatever the user may do). Credentials
from GetSessionToken cannot sign in to the console.

--duration sets the console session's length. AWS takes it only for a role
assumed with SAML, web identity or long-term keys, which samlgo knows for
profiles it wrote (x_samlgo_origin); for long-term keys it is the length of
the federation token.

The sign-in URL is as good as the credentials for 15 minutes: it is never
logged, and goes only to stdout (--print) or to a private page that the
browser opener is given the path of.`,
		Example: `  samlgo console                                 # the console home, in the profile's region
  samlgo console --profile prod --destination s3
  samlgo console --destination https://console.aws.amazon.com/cloudwatch/home
  samlgo console --logout-first --duration 8h
  samlgo console --print | xclip`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Log, opts.Config = f.Log, f.Config
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return consoleRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Profile, "profile", "p", "", "profile whose credentials sign in (default $AWS_PROFILE, the default account's profile, else \""+flow.DefaultProfile+"\")")
	fl.StringVar(&opts.Destination, "destination", "", "where to land: a service (s3, ec2, …) or a console URL (default: the console home)")
	fl.StringVar(&opts.Region, "region", "", "console region, which also picks the partition (default $AWS_REGION, then the profile's region, else us-east-1)")
	fl.StringVar(&opts.Duration, "duration", "", "console session length, e.g. 8h (15m to 12h)")
	fl.StringVar(&opts.CredentialsFile, "credentials-file", "", "credentials file (default $AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials)")
	fl.BoolVar(&opts.Print, "print", false, "print the sign-in URL on stdout instead of opening it")
	fl.BoolVar(&opts.LogoutFirst, "logout-first", false, "sign out of any open console session first")
	return cmd
}

// request is what consoleRun works out before it calls anything.
type request struct {
	profile, region string
	hosts           signin.Hosts
	destination     string
	base            string
	duration        time.Duration
}

func consoleRun(ctx context.Context, opts *Options) error {
	if err := cmdutil.CheckRegion("--region", opts.Region); err != nil {
		return err
	}
	rq, err := plan(opts)
	if err != nil {
		return err
	}
	credPath, err := awsfiles.CredentialsPath(opts.CredentialsFile)
	if err != nil {
		return err
	}
	if opts.RenewIfDue != nil {
		if err := opts.RenewIfDue(ctx, credPath, rq.profile); err != nil {
			return err
		}
	}
	c, origin, err := stored(credPath, rq.profile)
	if errors.Is(err, errNotStored) && opts.Resolve != nil {
		// No keys stored under the profile: it may be a role_arn chain, a
		// credential_process or an SSO profile, which the AWS CLI uses too.
		// How its credentials were made is not recorded, so --duration is
		// refused for them (sessionDurationFor).
		res, rerr := opts.Resolve(ctx, credPath, rq.profile)
		if rerr != nil {
			return rerr
		}
		c, origin, err = res.Creds, "", nil
	}
	if err != nil {
		return err
	}
	if !c.Expiration.IsZero() && !opts.Now().Before(c.Expiration) {
		configFile, _ := awsfiles.ConfigPath("")
		return cmdutil.FailureError(fmt.Errorf("the credentials in profile %q expired at %s", rq.profile, c.Expiration.UTC().Format(time.RFC3339)),
			"hint: log in again: "+cmdutil.RenewCommand(credPath, configFile, rq.profile))
	}
	var sessionDuration time.Duration
	if c.SessionToken == "" {
		if c, err = federate(ctx, opts, rq, c); err != nil {
			return err
		}
		origin = awsfiles.OriginFederationToken
	} else if sessionDuration, err = sessionDurationFor(rq, origin); err != nil {
		return err
	}
	opts.Log.Debug("console sign-in", "profile", rq.profile, "region", rq.region, "partition", rq.hosts.Partition,
		"origin", string(origin), "endpoint", hostOf(rq.base), "session_duration", sessionDuration)
	token, err := opts.Signin.SigninToken(ctx, rq.base, c, sessionDuration)
	var se *signin.Error
	if errors.As(err, &se) && se.Status == 400 && sessionDuration > 0 {
		// A recorded origin can be wrong (another tool replaced the keys
		// and kept samlgo's key): AWS refuses SessionDuration for a
		// chained role. Once more without it.
		fmt.Fprintf(opts.IO.ErrOut, "samlgo: the sign-in endpoint refused a session length for these credentials (a chained role?); signing in without --duration\n")
		token, err = opts.Signin.SigninToken(ctx, rq.base, c, 0)
	}
	if err != nil {
		return signinError(err)
	}
	u := signin.LoginURL(rq.base, token, rq.destination)
	if opts.LogoutFirst {
		u = signin.LogoutURL(rq.base, u)
	}
	if opts.Print {
		_, err := fmt.Fprintln(opts.IO.Out, u)
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "samlgo: opening the AWS console for profile %q in the browser\n", rq.profile)
	if err := opts.Open(ctx, u); err != nil {
		return cmdutil.FailureError(fmt.Errorf("opening the browser: %w", err), "hint: pass --print and open the URL yourself")
	}
	return nil
}

// plan checks the flags and settings and works out the request; nothing
// is read from the credentials file or sent yet.
func plan(opts *Options) (*request, error) {
	rq := &request{}
	if opts.Duration != "" {
		d, err := config.ParseDuration(opts.Duration)
		if err != nil {
			return nil, cmdutil.UsageErrorf("--duration: %w", err)
		}
		if d < signin.MinSessionDuration || d > signin.MaxSessionDuration {
			return nil, cmdutil.UsageErrorf("--duration %s is outside what AWS allows (15m to 12h)", d)
		}
		rq.duration = d
	}
	var err error
	if rq.profile, err = cmdutil.ProfileFor(opts.Profile, opts.Getenv, opts.Config); err != nil {
		return nil, err
	}
	if err := awsfiles.ValidProfileName(rq.profile); err != nil {
		return nil, cmdutil.UsageErrorf("profile: %w", err)
	}
	profileRegion := ""
	if opts.Region == "" && opts.Getenv("AWS_REGION") == "" && opts.Getenv("AWS_DEFAULT_REGION") == "" {
		cfgPath, err := awsfiles.ConfigPath("")
		if err != nil {
			return nil, err
		}
		if profileRegion, err = awsfiles.ConfigValue(cfgPath, rq.profile, "region"); err != nil {
			return nil, err
		}
	}
	rq.region = cmdutil.First(opts.Region, opts.Getenv("AWS_REGION"), opts.Getenv("AWS_DEFAULT_REGION"), profileRegion, "us-east-1")
	if err := cmdutil.CheckRegion("the console region", rq.region); err != nil {
		return nil, err
	}
	rq.hosts = signin.HostsFor(rq.region)
	dest, err := rq.hosts.Destination(opts.Destination, rq.region)
	if err != nil {
		return nil, cmdutil.UsageError(fmt.Errorf("--destination %q: %w", opts.Destination, err),
			"hint: pass a service name like s3, or a URL on https://"+rq.hosts.Console+"/")
	}
	rq.destination = dest
	endpoint := opts.Getenv("AWS_ENDPOINT_URL_SIGNIN")
	if strings.EqualFold(opts.Getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true") {
		endpoint = ""
	}
	if rq.base, err = rq.hosts.BaseURL(endpoint); err != nil {
		return nil, cmdutil.UsageError(err)
	}
	return rq, nil
}

// errNotStored says the credentials file holds no keys for the profile.
var errNotStored = errors.New("no keys stored for the profile")

// stored reads the profile's credentials and the origin samlgo recorded.
func stored(path, profile string) (creds.Credentials, awsfiles.Origin, error) {
	c, err := awsfiles.ReadCredentials(path, profile)
	var fe *awsfiles.FileError
	if errors.As(err, &fe) {
		return c, "", err
	}
	if err != nil {
		return c, "", cmdutil.UsageError(fmt.Errorf("%w: %w", errNotStored, err), "hint: pass --profile with a profile the AWS CLI can use, or log in first: samlgo login --profile "+profile)
	}
	origin, err := awsfiles.ReadOrigin(path, profile)
	return c, origin, err
}

// federate turns long-term keys into federation-token credentials.
func federate(ctx context.Context, opts *Options, rq *request, long creds.Credentials) (creds.Credentials, error) {
	d := cmdutil.First(rq.duration, DefaultFederationDuration)
	client, err := opts.NewFederator(ctx, sts.Options{Region: rq.region, Profile: rq.profile})
	if err != nil {
		return creds.Credentials{}, err
	}
	opts.Log.Debug("GetFederationToken", "name", FederationName, "duration", d)
	res, err := client.GetFederationToken(ctx, long, sts.FederationTokenRequest{Name: FederationName, Policy: AllowAllPolicy, Duration: d})
	if err != nil {
		return creds.Credentials{}, fmt.Errorf("long-term keys need a federation token for the console: %w", err)
	}
	if err := res.Credentials.ValidateAt(opts.Now(), creds.MaxAhead); err != nil {
		return creds.Credentials{}, err
	}
	return res.Credentials, nil
}

// sessionDurationFor decides whether the sign-in may carry --duration as
// SessionDuration, from the recorded origin of session credentials.
func sessionDurationFor(rq *request, origin awsfiles.Origin) (time.Duration, error) {
	switch {
	case origin == awsfiles.OriginSessionToken:
		return 0, cmdutil.UsageError(fmt.Errorf("the credentials in profile %q come from GetSessionToken, which the AWS console does not accept", rq.profile),
			"hint: use a profile with the long-term keys (samlgo then calls GetFederationToken) or with role credentials")
	case rq.duration == 0 || origin.AllowsSessionDuration():
		return rq.duration, nil
	case origin == awsfiles.OriginFederationToken:
		return 0, cmdutil.UsageError(fmt.Errorf("--duration: AWS takes no console session length for federation-token credentials (profile %q)", rq.profile),
			"hint: leave out --duration; the console session ends with the federation token")
	case origin == awsfiles.OriginChained:
		return 0, cmdutil.UsageError(fmt.Errorf("--duration: AWS takes no console session length for a chained role's credentials (profile %q)", rq.profile),
			"hint: leave out --duration")
	}
	return 0, cmdutil.UsageError(fmt.Errorf("--duration: samlgo cannot tell how the credentials in profile %q were made, and AWS refuses a console session length for a chained role or federation-token credentials", rq.profile),
		"hint: leave out --duration, or write the profile with samlgo login, which records how the credentials were made")
}

// signinError gives a failed getSigninToken its exit code and hint; the
// error itself never holds the session or a URL.
func signinError(err error) error {
	var se *signin.Error
	switch {
	case errors.As(err, &se) && se.Status == 0:
		return cmdutil.FailureError(err, "hint: check the network, and AWS_ENDPOINT_URL_SIGNIN if set")
	case errors.As(err, &se):
		return cmdutil.FailureError(err, "hint: the credentials may have expired or been revoked; log in again")
	}
	return cmdutil.FailureError(err)
}

func hostOf(base string) string {
	if u, err := url.Parse(base); err == nil {
		return u.Host
	}
	return ""
}
