// Package serve is the samlgo serve command: a container credentials
// endpoint on this machine for programs that must never hold expired keys.
package serve

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/credentialprocess"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/config"
	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/credserver"
)

// Options are serve's flags and dependencies.
type Options struct {
	IO     *iostreams.IOStreams
	Now    func() time.Time
	Log    *slog.Logger
	Config func() (*config.Config, error)
	// ConfigKey identifies the config in effect for the credential cache
	// (credcache.ConfigKey).
	ConfigKey func() string
	// Source returns the credentials source for the flags: a stored
	// profile, or an account and role refreshed by sign-in.
	Source func(ctx context.Context, opts *Options) (func(context.Context) (creds.Credentials, error), error)
	// Ready is told the endpoint's URL once it listens (tests).
	Ready func(url, token string)
	// DoneWithOut closes stdout once the two variables are printed, so that
	// eval "$(samlgo serve … &)" returns: a command substitution waits for
	// every writer of its pipe to close it.
	DoneWithOut func()

	Profile         string
	Account         string
	Role            string
	Listen          string
	CredentialsFile string
}

// NewCmdServe builds the command; runF replaces serveRun in tests of the
// flag wiring.
func NewCmdServe(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Now: f.Now, DoneWithOut: func() {
		if out, ok := f.IOStreams.Out.(*os.File); ok {
			_ = out.Close() // nothing else goes to stdout; progress is on stderr
		}
	}}
	cmd := &cobra.Command{
		Use:   "serve [--profile P | --account A --role R] [--listen ADDR]",
		Short: "Serve credentials to local programs as a container credentials endpoint",
		Long: `serve runs a container credentials endpoint (the ECS protocol every AWS SDK and
the AWS CLI read) until Ctrl-C, and prints the two variables a program needs:
AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN.
Every request must carry the token (32 random bytes, compared in constant
time, never logged).

With --account and --role the credentials are refreshed before they expire,
by the same cached single sign-in as credential-process, so a program that
runs for hours never holds expired keys. With --profile they are the stored
profile's, read at each request (log in again to renew them).

It listens on 127.0.0.1 by default; --listen 0.0.0.0:PORT serves containers
on Linux (docker run --network host, or the bridge address), token always
required.

serve closes its stdout once the two lines are printed, so that
eval "$(samlgo serve … &)" sets them in the shell and returns while the
endpoint goes on in the background (stop it with kill, or Ctrl-C in the
terminal it runs in when started there instead).`,
		Example: `  eval "$(samlgo serve --account corp --role Admin &)"   # the variables here, the endpoint in the background
  samlgo serve --profile saml --listen 127.0.0.1:9911     # or in another terminal`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Log, opts.Config, opts.ConfigKey = f.Log, f.Config, f.CacheConfigKey
			opts.Source = func(ctx context.Context, o *Options) (func(context.Context) (creds.Credentials, error), error) {
				return source(ctx, f, o)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return serveRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Profile, "profile", "p", "", "serve this stored profile's credentials")
	fl.StringVarP(&opts.Account, "account", "a", "", "account from the config file, refreshed by sign-in (with --role)")
	fl.StringVarP(&opts.Role, "role", "r", "", "role to refresh credentials for (with --account)")
	fl.StringVar(&opts.Listen, "listen", "127.0.0.1:0", "address to listen on; 0.0.0.0:PORT for containers (Linux)")
	fl.StringVar(&opts.CredentialsFile, "credentials-file", "", "credentials file of --profile (default $AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials)")
	return cmd
}

func serveRun(ctx context.Context, opts *Options) error {
	switch {
	case opts.Profile != "" && (opts.Account != "" || opts.Role != ""):
		return cmdutil.UsageErrorf("--profile serves a stored profile; --account and --role a refreshed one: pass one or the other")
	case opts.Profile == "" && opts.Role == "":
		return cmdutil.UsageErrorf("pass --profile P, or --account A --role R")
	}
	if opts.Profile != "" {
		if err := awsfiles.ValidProfileName(opts.Profile); err != nil {
			return cmdutil.UsageErrorf("--profile: %w", err)
		}
	}
	get, err := opts.Source(ctx, opts)
	if err != nil {
		return err
	}
	token, err := credserver.NewToken()
	if err != nil {
		return fmt.Errorf("making the authorization token: %w", err)
	}
	ln, err := net.Listen("tcp", opts.Listen)
	if err != nil {
		return cmdutil.UsageErrorf("--listen %q: %w", opts.Listen, err)
	}
	url := credserver.URL(ln.Addr())
	fmt.Fprintf(opts.IO.Out, "export AWS_CONTAINER_CREDENTIALS_FULL_URI=%s\nexport AWS_CONTAINER_AUTHORIZATION_TOKEN=%s\n", url, token)
	if opts.DoneWithOut != nil {
		opts.DoneWithOut()
	}
	if opts.IO.ErrTTY {
		fmt.Fprintf(opts.IO.ErrOut, "samlgo: serving credentials on %s (Ctrl-C to stop)\n", url)
	}
	if opts.Ready != nil {
		opts.Ready(url, token)
	}
	if err := (&credserver.Server{Token: token, Credentials: get, Log: opts.Log}).Serve(ctx, ln); err != nil {
		return err
	}
	// Stopped by Ctrl-C or SIGTERM, cleanly: the exit code says which
	// (PRODUCT.md §5).
	return ctx.Err()
}

// source is where the credentials come from: the stored profile, read at
// each request, or the cached account and role, refreshed when they near
// their end.
func source(ctx context.Context, f *cmdutil.Factory, opts *Options) (func(context.Context) (creds.Credentials, error), error) {
	if opts.Profile != "" {
		// Any profile the AWS CLI can use, renewed by the one rule.
		setup := cmdutil.NewSignerSetup(f)
		setup.Now, setup.CredentialsFile = opts.Now, opts.CredentialsFile // resolved by the resolver, as everywhere
		get, _, err := setup.Renewing(ctx, opts.Profile)
		if err != nil {
			return nil, err
		}
		// Refuse at once what would be refused at the first request.
		if _, err := get(ctx); err != nil {
			return nil, err
		}
		return get, nil
	}
	cfg, acct, acctName, err := cmdutil.Account(opts.Config, opts.Account, true)
	if err != nil {
		return nil, err
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return nil, fmt.Errorf("finding the cache directory: %w", err)
	}
	p := credentialprocess.NewProvider(cache, opts.ConfigKey(), cmdutil.First(opts.Account, acctName), opts.Role, opts.Now, opts.Log, func(ctx context.Context) (creds.Credentials, error) {
		return credentialprocess.SignIn(ctx, f, cfg, acct, acctName, opts.Role)
	})
	// The first credentials are fetched before the endpoint is announced,
	// so a sign-in that needs a person fails here, on the terminal.
	if _, err := p.Credentials(ctx); err != nil {
		return nil, err
	}
	return p.Credentials, nil
}
