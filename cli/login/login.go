// Package login is the samlgo login command: sign in through the IdP (or
// read a saved response) and turn a role into credentials.
package login

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo/assertion"
	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/cli/prompt"
	"github.com/samlgo/samlgo/config"
	"github.com/samlgo/samlgo/flow"
	"github.com/samlgo/samlgo/recent"
	"github.com/samlgo/samlgo/sts"
)

// Options are login's flags and dependencies.
type Options struct {
	IO       *iostreams.IOStreams
	Prompter prompt.Prompter
	Now      func() time.Time
	Getenv   func(string) string
	Log      *slog.Logger
	// Config reads samlgo's config file.
	Config func() (*config.Config, error)
	// NewAssumer makes the STS client for a region and profile.
	NewAssumer func(ctx context.Context, o sts.Options) (flow.SAMLAssumer, error)
	// Recent remembers, per account, the roles offered and the one chosen
	// (nil: nothing is remembered).
	Recent *recent.Store
	// NewBrowser prepares the browser sign-in for an account.
	NewBrowser func(ctx context.Context, cfg *config.Config, acct config.Account, acctName string) (flow.Capturer, error)

	Account         string
	SAMLFile        string
	Role            string
	Principal       string
	AllRoles        bool
	ProfileTemplate string
	Duration        string
	Region          string
	Output          cmdutil.OutputFlags
	Browser         cmdutil.BrowserFlags
}

// NewCmdLogin builds the command; runF replaces loginRun in tests of the
// flag wiring.
func NewCmdLogin(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{
		IO: f.IOStreams, Prompter: f.Prompter, Now: f.Now, Getenv: f.Getenv,
		NewAssumer: func(ctx context.Context, so sts.Options) (flow.SAMLAssumer, error) { return sts.New(ctx, so) },
	}
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Sign in through the IdP and get role credentials",
		Long: `login signs you in through your IdP in Chrome, catches the SAMLResponse the
IdP posts to AWS (it never reaches AWS from the browser), turns it into
temporary credentials for one of its roles (AssumeRoleWithSAML) and writes
them as a profile, shell export lines or credential_process JSON.

The window is visible when there is a display, headless otherwise (or with
--headless); headless, samlgo fills ordinary login forms itself. The IdP
session is kept per account, so the next login needs no password.

With --saml-file (a file saved from the browser, or - for stdin) no browser
is used; the response may be base64, URL-encoded, a whole form body, or XML.`,
		Example: `  samlgo login                                  # default account: sign in in Chrome
  samlgo login --account corp --role Admin
  samlgo login --headless --username alice       # password from SAMLGO_PASSWORD, --password-stdin or a prompt
  samlgo login --saml-file samlresponse.log
  samlgo login --saml-file - --role Admin --profile prod < samlresponse.log
  samlgo login --saml-file resp.txt --all-roles
  eval "$(samlgo login --saml-file resp.txt --role 123456789012:Admin --format env)"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// --debug and --config are known only now.
			opts.Log, opts.Config = f.Log, f.Config
			if store, err := recent.Default(); err == nil {
				opts.Recent = store
			}
			opts.NewBrowser = func(ctx context.Context, cfg *config.Config, acct config.Account, acctName string) (flow.Capturer, error) {
				b, err := opts.Browser.Capturer(ctx, f, cfg, acct, acctName)
				if err != nil {
					return nil, err
				}
				return signInErrors{b, opts.Browser.Timeout}, nil
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return loginRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Account, "account", "a", "", "account from the config file (default: default_account)")
	fl.StringVar(&opts.SAMLFile, "saml-file", "", "read the SAMLResponse from this file, or - for stdin")
	fl.StringVarP(&opts.Role, "role", "r", "", "role: ARN, name, ACCOUNT_ID:ROLE, ALIAS:ROLE or a glob like '*:ReadOnly'")
	fl.StringVar(&opts.Principal, "principal", "", "SAML provider ARN (needed with an encrypted assertion)")
	fl.BoolVar(&opts.AllRoles, "all-roles", false, "write one profile per role (see --profile-template)")
	fl.StringVar(&opts.ProfileTemplate, "profile-template", "", "profile names for --all-roles (default "+awsfiles.DefaultProfileTemplate+")")
	fl.StringVar(&opts.Duration, "duration", "", "session length, e.g. 1h or 3600 (15m to 12h)")
	fl.StringVar(&opts.Region, "region", "", "STS region, also written to ~/.aws/config (default from the role's partition)")
	opts.Output.Register(fl)
	opts.Browser.Register(fl)
	return cmd
}

// signInErrors gives a browser capture's failures their exit codes and
// hints.
type signInErrors struct {
	*flow.Browser
	timeout time.Duration
}

func (s signInErrors) Capture(ctx context.Context) (*assertion.Response, error) {
	resp, err := s.Browser.Capture(ctx)
	if err != nil {
		return nil, cmdutil.SignInError(err, s.timeout)
	}
	return resp, nil
}

func loginRun(ctx context.Context, opts *Options) error {
	sink, err := opts.Output.Sink(opts.IO, opts.Now, opts.Log, opts.Getenv("SHELL"))
	if err != nil {
		return err
	}
	if opts.AllRoles && sink.Format() != cmdutil.FormatProfile {
		return cmdutil.UsageErrorf("--all-roles writes one profile per role, so it needs --format profile")
	}
	if opts.AllRoles && opts.Output.Profile != "" {
		return cmdutil.UsageErrorf("--all-roles names profiles with --profile-template, not --profile")
	}
	cfg, acct, acctName, err := cmdutil.Account(opts.Config, opts.Account, false)
	if err != nil {
		return err
	}
	duration, err := chosenDuration(opts.Duration, acct)
	if err != nil {
		return err
	}
	region := cmdutil.First(opts.Region, acct.Region)
	regionFrom := "the account's region"
	if opts.Region != "" {
		regionFrom = "--region"
	}
	if err := cmdutil.CheckRegion(regionFrom, region); err != nil {
		return err
	}
	var capturer flow.Capturer
	if opts.SAMLFile != "" {
		capturer = flow.Saved{Name: cmdutil.SAMLName(opts.SAMLFile), Read: func() (*assertion.Response, error) { return cmdutil.ReadSAML(ctx, opts.IO, opts.SAMLFile) }}
	} else if capturer, err = opts.NewBrowser(ctx, cfg, acct, acctName); err != nil {
		return err
	}
	aliases := assertion.Aliases(acct.Aliases)
	// The account is recorded with the profile when a sign-in to it made
	// the credentials and can make them again (status, refresh, renewal in
	// place); a saved response is for those whose sign-in samlgo cannot do.
	renewable := ""
	if acctName != "" && acct.URL != "" && opts.Browser.URL == "" && opts.SAMLFile == "" {
		renewable = acctName
	}
	l := &flow.Login{
		Capturer: capturer,
		Plan: flow.PlanOptions{
			Selector:        cmdutil.First(opts.Role, acct.Role),
			Principal:       cmdutil.First(opts.Principal, acct.Principal),
			AllRoles:        opts.AllRoles,
			Aliases:         aliases,
			Profile:         cmdutil.First(opts.Output.Profile, acct.Profile),
			ProfileTemplate: cmdutil.First(opts.ProfileTemplate, acct.ProfileTemplate),
			Duration:        duration,
			Region:          region,
			Account:         renewable,
		},
		NewAssumer: opts.NewAssumer,
		Sink:       sink,
		Now:        opts.Now,
		Notify:     func(msg string) { fmt.Fprintf(opts.IO.ErrOut, "samlgo: %s\n", msg) },
		Log:        opts.Log,
	}
	if opts.Recent != nil && acctName != "" {
		l.Offered = func(roles []assertion.Role) {
			arns := make([]string, len(roles))
			for i, r := range roles {
				arns[i] = r.RoleARN
			}
			if err := opts.Recent.Offered(acctName, arns); err != nil {
				opts.Log.Debug("remembering the roles offered", "error", err)
			}
		}
	}
	if opts.IO.CanPrompt() {
		l.Choose = func(roles []assertion.Role, aliases assertion.Aliases) (assertion.Role, error) {
			last := ""
			if opts.Recent != nil && acctName != "" {
				last = opts.Recent.Get(acctName).Chosen
			}
			r, err := opts.Prompter.PickRole(roles, aliases, last)
			if err == nil && opts.Recent != nil && acctName != "" {
				if err := opts.Recent.Chose(acctName, r.RoleARN); err != nil {
					opts.Log.Debug("remembering the role chosen", "error", err)
				}
			}
			return r, err
		}
	}
	return cmdutil.LoginError(l.Run(ctx), aliases)
}

// chosenDuration is the session length the person chose: --duration, else
// the account's duration, else zero (the assertion's SessionDuration or
// one hour, decided by the plan).
func chosenDuration(flag string, acct config.Account) (time.Duration, error) {
	if flag != "" {
		d, err := config.ParseDuration(flag)
		if err != nil {
			return 0, cmdutil.UsageErrorf("--duration: %w", err)
		}
		return d, checkDuration("--duration", d)
	}
	if d := acct.SessionDuration(); d > 0 {
		return d, checkDuration("the account's duration", d)
	}
	return 0, nil
}

func checkDuration(what string, d time.Duration) error {
	if d < sts.MinDuration || d > sts.MaxDuration {
		return cmdutil.UsageErrorf("%s %s is outside what AWS allows (15m to 12h)", what, d)
	}
	return nil
}
