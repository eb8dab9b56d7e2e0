// Package sso is the samlgo sso command group: IAM Identity Center sign-in
// (sso login), the accounts and roles it reaches (sso roles) and their
// credentials (sso creds).
package sso

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/sso"
)

// Services are the Identity Center APIs a command calls and the base of
// the authorize URL (see sso.NewClients).
type Services struct {
	OIDC              sso.OIDC
	Portal            sso.Portal
	AuthorizeEndpoint string
}

// Deps are what every sso subcommand needs besides its flags.
type Deps struct {
	IO     *iostreams.IOStreams
	Now    func() time.Time
	Getenv func(string) string
	Log    *slog.Logger
	// Clock paces device-code polling.
	Clock sso.Clock
	// NewServices makes the clients for a region and profile.
	NewServices func(ctx context.Context, o sso.ClientOptions) (*Services, error)
	// Cache is the AWS CLI's token cache (~/.aws/sso/cache).
	Cache func() (*sso.Cache, error)
	// ConfigFile is ~/.aws/config (AWS_CONFIG_FILE).
	ConfigFile func() (string, error)
}

func newDeps(f *cmdutil.Factory) *Deps {
	return &Deps{
		IO: f.IOStreams, Now: f.Now, Getenv: f.Getenv, Log: f.Log, Clock: sso.RealClock,
		NewServices: func(ctx context.Context, o sso.ClientOptions) (*Services, error) {
			c, err := sso.NewClients(ctx, o)
			if err != nil {
				return nil, err
			}
			return &Services{OIDC: c.OIDC, Portal: c.Portal, AuthorizeEndpoint: c.AuthorizeEndpoint}, nil
		},
		Cache:      sso.DefaultCache,
		ConfigFile: func() (string, error) { return awsfiles.ConfigPath("") },
	}
}

// NewCmdSSO builds the sso command group.
func NewCmdSSO(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sso",
		Short: "IAM Identity Center: sign in, list roles, get role credentials",
		Long: `sso signs you in to IAM Identity Center (AWS SSO) and turns the roles it
gives you into credentials. The token is kept where the AWS CLI keeps it
(~/.aws/sso/cache), so a login by samlgo serves the AWS CLI and the SDKs,
and the other way round. [sso-session NAME] sections of ~/.aws/config are
read, so --session alone is enough.`,
	}
	cmd.AddCommand(NewCmdLogin(f, nil), NewCmdRoles(f, nil), NewCmdCreds(f, nil))
	return cmd
}

// SessionFlags name the Identity Center session: --session (an
// [sso-session] of ~/.aws/config), or --start-url and --sso-region, or a
// config profile's sso keys.
type SessionFlags struct {
	Session  string
	StartURL string
	Region   string
	Scopes   []string
}

func (s *SessionFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&s.Session, "session", "", "sso-session name: its [sso-session NAME] in ~/.aws/config, and the token cache key")
	fs.StringVar(&s.StartURL, "start-url", "", "AWS access portal URL, e.g. https://my-org.awsapps.com/start")
	fs.StringVar(&s.Region, "sso-region", "", "IAM Identity Center region, e.g. eu-west-1")
}

// resolve returns the session: flags first, then the config's
// [sso-session NAME], then the sso keys of profile (when set). fromConfig
// says whether the config file supplied it.
func (s *SessionFlags) resolve(d *Deps, profile string) (sess sso.Session, prof *sso.Profile, err error) {
	cfgPath, err := d.ConfigFile()
	if err != nil {
		return sso.Session{}, nil, err
	}
	switch {
	case s.Session != "":
		file, ok, err := sso.LoadSession(cfgPath, s.Session)
		if err != nil {
			return sso.Session{}, nil, err
		}
		if !ok && s.StartURL == "" {
			return sso.Session{}, nil, cmdutil.UsageError(fmt.Errorf("no [sso-session %s] in %s", s.Session, cfgPath),
				"hint: pass --start-url and --sso-region (and --write-config to save them)")
		}
		sess = sso.Session{Name: s.Session, StartURL: cmdutil.First(s.StartURL, file.StartURL), Region: cmdutil.First(s.Region, file.Region), Scopes: file.Scopes}
	case s.StartURL != "":
		sess = sso.Session{StartURL: s.StartURL, Region: s.Region}
	case profile != "":
		p, ok, err := sso.LoadProfile(cfgPath, profile)
		if err != nil {
			return sso.Session{}, nil, err
		}
		if !ok {
			return sso.Session{}, nil, cmdutil.UsageErrorf("profile %q is not in %s and no --session or --start-url was given", profile, cfgPath)
		}
		sess, prof = p.Session, p
		if s.Region != "" {
			sess.Region = s.Region
		}
	default:
		return sso.Session{}, nil, cmdutil.UsageError(errors.New("no IAM Identity Center session given"),
			"hint: pass --session NAME (an [sso-session NAME] in ~/.aws/config), or --start-url URL --sso-region REGION")
	}
	if len(s.Scopes) > 0 {
		sess.Scopes = s.Scopes
	}
	if len(sess.Scopes) == 0 && sess.Name != "" {
		sess.Scopes = []string{sso.DefaultScope}
	}
	if err := sess.Check(); err != nil {
		return sso.Session{}, nil, cmdutil.UsageErrorf("%w", err)
	}
	return sess, prof, nil
}

// loginHint is what to run to sign in again for the session.
func loginHint(s sso.Session) string {
	if s.Name != "" {
		return "hint: run samlgo sso login --session " + s.Name
	}
	return "hint: run samlgo sso login --start-url " + s.StartURL + " --sso-region " + s.Region
}

// ssoError gives the sso package's errors their exit codes and hints.
func ssoError(err error, s sso.Session) error {
	var ce *sso.ConfigError
	var cacheErr *sso.CacheError
	var ee *cmdutil.ExitError
	var fe *awsfiles.FileError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ee), errors.As(err, &fe):
		return err
	case errors.Is(err, context.Canceled):
		return err
	case errors.As(err, &ce):
		return cmdutil.UsageError(err)
	case errors.Is(err, sso.ErrLoginRequired), errors.As(err, &cacheErr):
		return cmdutil.FailureError(err, loginHint(s))
	case errors.Is(err, sso.ErrDenied):
		return cmdutil.FailureError(err)
	case errors.Is(err, sso.ErrAuthorizationExpired):
		return cmdutil.FailureError(err, "hint: approve within the time shown, then try again")
	}
	return cmdutil.FailureError(err, "hint: check the network, and AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL_SSO_OIDC or the profile's endpoint_url if set")
}

// authorizer is the token source for a session.
func authorizer(ctx context.Context, d *Deps, s sso.Session, profile string) (*sso.Authorizer, *Services, error) {
	cache, err := d.Cache()
	if err != nil {
		return nil, nil, err
	}
	svc, err := d.NewServices(ctx, sso.ClientOptions{Region: s.Region, Profile: profile})
	if err != nil {
		return nil, nil, err
	}
	return &sso.Authorizer{OIDC: svc.OIDC, Cache: cache, Session: s, Clock: d.Clock, Log: d.Log}, svc, nil
}

// token returns a usable token, or the error that says to log in.
func token(ctx context.Context, a *sso.Authorizer) (*sso.Token, error) {
	return a.Token(ctx)
}
