package sso

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/desktop"
	"github.com/samlgo/samlgo/sso"
	"github.com/samlgo/samlgo/untrusted"
)

// LoginOptions are sso login's flags and dependencies.
type LoginOptions struct {
	*Deps
	// NewChrome prepares samlgo's Chrome with the saved IdP session of an
	// account: the same driver, flags and autofill as login
	// (cmdutil.BrowserFlags.Chrome).
	NewChrome func(ctx context.Context, account string) (Visitor, error)
	// OpenSystem opens a URL in the system's browser.
	OpenSystem func(ctx context.Context, url string) error

	Session       SessionFlags
	Profile       string
	UseDeviceCode bool
	WriteConfig   bool
	NoBrowser     bool
	Browser       cmdutil.BrowserFlags
	Account       string
	AllowSelector []string
}

// Visitor runs a sign-in in Chrome that ends on a page (flow.Browser).
type Visitor interface {
	Visit(ctx context.Context, url string, done func(string) bool, click []string) error
	Close()
}

// NewCmdLogin builds sso login; runF replaces loginRun in tests of the
// flag wiring.
func NewCmdLogin(f *cmdutil.Factory, runF func(context.Context, *LoginOptions) error) *cobra.Command {
	o := &LoginOptions{OpenSystem: desktop.Open}
	o.NewChrome = func(ctx context.Context, account string) (Visitor, error) {
		cfg, err := f.Config()
		if err != nil {
			return nil, err
		}
		// The account's browser settings (username, selectors, browser,
		// headless) when samlgo's config has it; else only its name.
		return o.Browser.Chrome(ctx, f, cfg, cfg.Accounts[account], account)
	}
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Sign in to IAM Identity Center and cache the token",
		Long: `sso login signs you in to IAM Identity Center and caches the token in
~/.aws/sso/cache, where the AWS CLI and the SDKs find it.

With a session (--session, an [sso-session NAME] in ~/.aws/config) the
sign-in is the authorization-code grant with PKCE, as the AWS CLI does
since 2.22: samlgo opens the authorization page in its own Chrome, with the
saved IdP session of the account (--account, default the session name),
headless when there is no display or with --headless. The IdP's sign-in
pages on the way are filled as login fills them: --username (or the
account's username in samlgo's config), the password from --password-stdin,
SAMLGO_PASSWORD or a prompt, one-time codes on the terminal; a headless
sign-in that stalls reopens in a window when there is a display.
--browser system uses the system's browser, --no-browser only prints the
URL. A callback on 127.0.0.1 receives the code; the sign-in ends after
--timeout (10 minutes).

--use-device-code (and a legacy --start-url without --session) uses the
device authorization instead: the code to enter is shown on stderr.`,
		Example: `  samlgo sso login --session my-sso --start-url https://my-org.awsapps.com/start --sso-region eu-west-1 --write-config
  samlgo sso login --session my-sso
  samlgo sso login --session my-sso --use-device-code --no-browser
  samlgo sso login --profile dev           # the profile's sso_session`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Deps = newDeps(f)
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return loginRun(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	o.Session.register(fl)
	fl.StringVarP(&o.Profile, "profile", "p", "", "take the session from this profile's sso_session (or legacy sso_start_url) in ~/.aws/config")
	fl.BoolVar(&o.UseDeviceCode, "use-device-code", false, "sign in with a device code instead of the authorization code with PKCE")
	fl.BoolVar(&o.WriteConfig, "write-config", false, "save --start-url, --sso-region and the scopes as [sso-session NAME] in ~/.aws/config")
	fl.BoolVar(&o.NoBrowser, "no-browser", false, "do not open a browser; print the URL to open")
	o.Browser.RegisterChrome(fl)
	fl.Lookup("browser").Usage = `Chrome or Chromium to run, or "system" for the system's browser (default $SAMLGO_BROWSER, the config, then PATH)`
	o.Browser.Timeout = sso.AuthCodeTimeout
	fl.Lookup("timeout").DefValue = sso.AuthCodeTimeout.String()
	fl.StringVarP(&o.Account, "account", "a", "", "whose saved IdP session Chrome uses (default: the session name)")
	fl.StringSliceVar(&o.AllowSelector, "allow-selector", nil, "CSS selector of a button samlgo presses on the approval page (e.g. an emulator's Allow)")
	fl.StringSliceVar(&o.Session.Scopes, "scope", nil, "registration scopes (default sso_registration_scopes, else "+sso.DefaultScope+")")
	return cmd
}

func loginRun(ctx context.Context, o *LoginOptions) error {
	if o.NoBrowser && o.Browser.Browser != "" {
		return cmdutil.UsageErrorf("--no-browser and --browser contradict each other")
	}
	if o.WriteConfig && o.Session.Session == "" {
		return cmdutil.UsageErrorf("--write-config needs --session NAME: it writes [sso-session NAME]")
	}
	s, _, err := o.Session.resolve(o.Deps, o.Profile)
	if err != nil {
		return ssoError(err, s)
	}
	if o.WriteConfig {
		if err := writeSession(ctx, o.Deps, s); err != nil {
			return err
		}
	}
	a, svc, err := authorizer(ctx, o.Deps, s, o.Profile)
	if err != nil {
		return err
	}
	var tok *sso.Token
	if o.UseDeviceCode || s.Name == "" {
		tok, err = o.device(ctx, a)
	} else {
		tok, err = a.LoginAuthCode(ctx, sso.AuthCode{AuthorizeEndpoint: svc.AuthorizeEndpoint, Timeout: o.Browser.Timeout, Open: o.opener(s, false, isCallback)})
	}
	if err != nil {
		return ssoError(err, s)
	}
	what := fmt.Sprintf("%q", s.StartURL)
	if s.Name != "" {
		what = "sso-session " + s.Name + " (" + s.StartURL + ")"
	}
	fmt.Fprintf(o.IO.ErrOut, "samlgo: signed in to %s; token valid until %s\n", what, tok.ExpiresAt.UTC().Format(time.RFC3339))
	return nil
}

// isCallback is the end of an authorization-code sign-in in Chrome: the
// loopback callback LoginAuthCode serves.
func isCallback(loc string) bool {
	return strings.HasPrefix(loc, "http://127.0.0.1:") && strings.Contains(loc, sso.CallbackPath)
}

// device runs the device authorization: the code on stderr, the page in
// the browser unless --no-browser. samlgo's Chrome closes by itself once
// the poll has the token (within sso.OpenGrace), else when ctx ends.
func (o *LoginOptions) device(ctx context.Context, a *sso.Authorizer) (*sso.Token, error) {
	openCtx, stop := context.WithCancel(ctx)
	opened := make(chan error, 1)
	finished := make(chan struct{})
	done := func(string) bool {
		select {
		case <-finished:
			return true
		default:
			return false
		}
	}
	started := false
	tok, err := a.LoginDevice(ctx, func(d sso.DeviceAuthorization) {
		fmt.Fprintf(o.IO.ErrOut, "samlgo: to sign in, open %s and enter the code %s (valid until %s)\n",
			untrusted.Text(d.VerificationURI), untrusted.Text(d.UserCode), d.ExpiresAt.UTC().Format(time.RFC3339))
		if o.NoBrowser {
			return
		}
		page := cmdutil.First(d.VerificationURIComplete, d.VerificationURI)
		started = true
		go func() { opened <- o.opener(a.Session, true, done)(openCtx, page) }()
	})
	if started {
		if err == nil {
			close(finished) // samlgo's Chrome ends on done
		}
		sso.EndOpener(opened, stop, err == nil)
	}
	stop()
	return tok, err
}

// opener shows a sign-in page: printed (--no-browser), in the system's
// browser, or in samlgo's Chrome with the saved IdP session until a page
// done accepts. quiet skips the printed line (the device flow printed its
// own).
func (o *LoginOptions) opener(s sso.Session, quiet bool, done func(string) bool) func(ctx context.Context, url string) error {
	return func(ctx context.Context, u string) error {
		if !quiet {
			fmt.Fprintf(o.IO.ErrOut, "samlgo: sign in at this address if no browser opens:\n  %s\n", untrusted.Text(u))
		}
		switch {
		case o.NoBrowser:
			return nil
		case o.Browser.Browser == "system":
			if err := o.OpenSystem(ctx, u); err != nil {
				fmt.Fprintf(o.IO.ErrOut, "samlgo: could not open the system's browser (%v); open the address above\n", err)
			}
			return nil
		}
		chrome, err := o.NewChrome(ctx, cmdutil.First(o.Account, s.Name, "sso"))
		var ee *cmdutil.ExitError
		switch {
		case errors.As(err, &ee):
			return err
		case err != nil:
			return cmdutil.UsageError(err, "hint: pass --browser system or --no-browser")
		}
		defer chrome.Close()
		err = chrome.Visit(ctx, u, done, o.AllowSelector)
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return nil // the sign-in ended some other way (the poll, Ctrl-C)
		case errors.Is(err, context.DeadlineExceeded):
			return cmdutil.FailureError(fmt.Errorf("no sign-in within %s", o.Browser.Timeout),
				"hint: pass a longer --timeout, or --no-headless to see the page")
		}
		return cmdutil.SignInError(err, o.Browser.Timeout)
	}
}

// writeSession saves the session as [sso-session NAME].
func writeSession(ctx context.Context, d *Deps, s sso.Session) error {
	path, err := d.ConfigFile()
	if err != nil {
		return err
	}
	set := [][2]string{{sso.KeyStartURL, s.StartURL}, {sso.KeyRegion, s.Region}}
	if len(s.Scopes) > 0 {
		set = append(set, [2]string{sso.KeyRegistrationScopes, strings.Join(s.Scopes, ",")})
	}
	if err := awsfiles.SetConfigKeys(ctx, path, awsfiles.KindSSOSession, s.Name, set); err != nil {
		return cmdutil.UsageError(fmt.Errorf("saving [sso-session %s] in %s: %w", s.Name, path, err))
	}
	fmt.Fprintf(d.IO.ErrOut, "samlgo: saved [sso-session %s] in %s\n", s.Name, path)
	return nil
}
