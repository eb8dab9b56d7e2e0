// Package credentialprocess is the samlgo credential-process command: the
// credential_process JSON for an account and role, cached, refreshed by
// one headless sign-in however many processes ask at once.
package credentialprocess

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo/assertion"
	"github.com/samlgo/samlgo/browser"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/cli/prompt"
	"github.com/samlgo/samlgo/config"
	"github.com/samlgo/samlgo/credcache"
	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/flow"
	"github.com/samlgo/samlgo/ondemand"
	"github.com/samlgo/samlgo/sts"
)

// Options are credential-process's flags and dependencies.
type Options struct {
	IO     *iostreams.IOStreams
	Now    func() time.Time
	Log    *slog.Logger
	Config func() (*config.Config, error)
	// ConfigKey identifies the config in effect for the credential cache
	// (credcache.ConfigKey).
	ConfigKey func() string
	// CacheDir is the user cache directory.
	CacheDir func() (string, error)
	// SignIn gets fresh credentials for the account and role (a headless
	// sign-in with the saved IdP session, then STS).
	SignIn func(ctx context.Context, cfg *config.Config, acct config.Account, acctName, role string) (creds.Credentials, error)

	Account string
	Role    string
}

// NewCmdCredentialProcess builds the command; runF replaces
// credentialProcessRun in tests of the flag wiring.
func NewCmdCredentialProcess(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Now: f.Now, CacheDir: os.UserCacheDir}
	cmd := &cobra.Command{
		Use:   "credential-process",
		Short: "Print credential_process JSON for an account and role (cached)",
		Long: `credential-process prints the credential_process document the AWS CLI and the
SDKs read, for a role of an account in samlgo's config. It is served from a
private cache until 5 minutes before it expires, then refreshed by a headless
sign-in with the account's saved IdP session. However many processes ask at
once, one signs in and the others wait for its result.

When the IdP needs a person, a window opens if there is a display and
one-time codes are asked on the terminal (/dev/tty; the console on Windows); otherwise it fails with
the samlgo login command to run. Use configure-profile to write the
credential_process line.`,
		Example: `  samlgo credential-process --account corp --role Admin
  # ~/.aws/config, written by: samlgo configure-profile corp-admin --account corp --role Admin
  [profile corp-admin]
  credential_process = /usr/local/bin/samlgo-credential-process --account corp --role Admin`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Log, opts.Config, opts.ConfigKey = f.Log, f.Config, f.CacheConfigKey
			opts.SignIn = func(ctx context.Context, cfg *config.Config, acct config.Account, acctName, role string) (creds.Credentials, error) {
				return signIn(ctx, f, cfg, acct, acctName, role)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return credentialProcessRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Account, "account", "a", "", "account from the config file (default: default_account)")
	cmd.Flags().StringVarP(&opts.Role, "role", "r", "", "role: ARN, name, ACCOUNT_ID:ROLE, ALIAS:ROLE or a glob matching one role")
	return cmd
}

func credentialProcessRun(ctx context.Context, opts *Options) error {
	if opts.Role == "" {
		return cmdutil.UsageErrorf("--role is required: credential_process cannot ask which role")
	}
	cfg, acct, acctName, err := cmdutil.Account(opts.Config, opts.Account, true)
	if err != nil {
		return err
	}
	cache, err := opts.CacheDir()
	if err != nil {
		return fmt.Errorf("finding the cache directory: %w", err)
	}
	// The cache is keyed by the command line's spelling, as the fast
	// program (samlgo-credential-process) keys it.
	key := cmdutil.First(opts.Account, acctName)
	p := NewProvider(cache, opts.ConfigKey(), key, opts.Role, opts.Now, opts.Log, func(ctx context.Context) (creds.Credentials, error) {
		return opts.SignIn(ctx, cfg, acct, acctName, opts.Role)
	})
	doc, err := p.Document(ctx)
	if err != nil {
		return NeedsPerson(err, acctName)
	}
	_, err = opts.IO.Out.Write(doc)
	return err
}

// NewProvider is the cached, single-flight source of one account and
// role's credentials under the user cache directory, refreshed by signIn.
func NewProvider(cacheDir, configKey, account, role string, now func() time.Time, log *slog.Logger, signIn func(context.Context) (creds.Credentials, error)) *ondemand.Provider {
	return &ondemand.Provider{
		Entry: credcache.For(credcache.Dir(cacheDir), configKey, account, role),
		Now:   now,
		Refresh: func(ctx context.Context) (creds.Credentials, error) {
			log.Debug("refreshing credentials", "account", account, "role", role)
			return signIn(ctx)
		},
		Waiting: func() { log.Debug("another samlgo is refreshing these credentials; waiting") },
	}
}

// SignIn is a headless login for an account's role whose credentials come
// back as values (see signIn); failures that need a person say which
// samlgo login to run.
func SignIn(ctx context.Context, f *cmdutil.Factory, cfg *config.Config, acct config.Account, acctName, role string) (creds.Credentials, error) {
	c, err := signIn(ctx, f, cfg, acct, acctName, role)
	if err != nil {
		return creds.Credentials{}, NeedsPerson(err, acctName)
	}
	return c, nil
}

// NeedsPerson adds the command that gets a person through the sign-in to
// failures a headless refresh cannot get past.
func NeedsPerson(err error, acctName string) error {
	var stall *browser.StallError
	var rejected *browser.RejectedError
	var ee *cmdutil.ExitError
	hint := "hint: run: samlgo login --account " + acctName
	switch {
	case errors.As(err, &stall), errors.As(err, &rejected):
		return cmdutil.FailureError(err, hint)
	case errors.As(err, &ee) && ee.Code == cmdutil.ExitUsage:
		ee.Hints = append(ee.Hints, hint)
		return ee
	}
	return err
}

// signIn is a headless login for the account's role whose credentials
// come back as values instead of being written anywhere. Questions (a
// one-time code, a password without SAMLGO_PASSWORD) go to /dev/tty.
func signIn(ctx context.Context, f *cmdutil.Factory, cfg *config.Config, acct config.Account, acctName, role string) (creds.Credentials, error) {
	tty, closeTTY := iostreams.ControllingTerminal(f.IOStreams.Out)
	defer closeTTY()
	tf := *f
	tf.IOStreams = tty
	tf.Prompter = prompt.NewTerminal(ctx, tty)
	bf := cmdutil.BrowserFlags{Headless: true, Timeout: 5 * time.Minute}
	b, err := bf.Capturer(ctx, &tf, cfg, acct, acctName)
	if err != nil {
		return creds.Credentials{}, err
	}
	sink := &capture{}
	l := &flow.Login{
		Capturer: signInErrors{b, bf.Timeout},
		Plan: flow.PlanOptions{
			Selector: role, Principal: acct.Principal, Aliases: assertion.Aliases(acct.Aliases),
			Duration: acct.SessionDuration(), Region: acct.Region,
		},
		NewAssumer: func(ctx context.Context, o sts.Options) (flow.SAMLAssumer, error) { return sts.New(ctx, o) },
		Sink:       sink,
		Now:        f.Now,
		Log:        f.Log,
		Notify: func(msg string) {
			if tty.ErrTTY {
				fmt.Fprintf(tty.ErrOut, "samlgo: %s\n", msg)
			}
		},
	}
	if err := cmdutil.LoginError(l.Run(ctx), assertion.Aliases(acct.Aliases)); err != nil {
		return creds.Credentials{}, err
	}
	return sink.creds, nil
}

// capture is the sink of a refresh: it keeps the credentials.
type capture struct{ creds creds.Credentials }

func (c *capture) Preflight([]string) error { return nil }

func (c *capture) Deliver(_ context.Context, items []flow.Issued) error {
	c.creds = items[0].Creds
	return nil
}

// signInErrors keeps the browser's own errors (stall, rejected) visible
// to needsPerson while giving a timeout its message.
type signInErrors struct {
	*flow.Browser
	timeout time.Duration
}

func (s signInErrors) Capture(ctx context.Context) (*assertion.Response, error) {
	resp, err := s.Browser.Capture(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		return nil, cmdutil.SignInError(err, s.timeout)
	}
	return resp, err
}
