// Package exec is the samlgo exec command: run a program with a profile's
// credentials in its environment, passing signals and its exit code
// through.
package exec

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	osexec "os/exec"
	"os/signal"
	"syscall"

	"github.com/samlgo/samlgo/child"
	"github.com/samlgo/samlgo/cli/credentialprocess"
	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/credserver"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo/cli/cmdutil"
)

// Options are exec's flags and dependencies.
type Options struct {
	cmdutil.SignerSetup
	// Environ is samlgo's own environment, the child's starting point.
	Environ func() []string

	// Refreshed is the cached, single-sign-in source of an account and
	// role's credentials (as credential-process serves them), and the
	// account's region.
	Refreshed func(ctx context.Context, account, role string) (get func(context.Context) (creds.Credentials, error), region string, err error)

	Profile string
	Nested  bool
	Command []string
	// Server gives the child a local container credentials endpoint
	// instead of fixed keys; KeepCredentialsFile leaves it the shared
	// credentials file.
	Server, KeepCredentialsFile bool
	// Account and Role take the credentials from a SAML sign-in instead of
	// a profile.
	Account, Role string
}

// NewCmdExec builds the command; runF replaces execRun in tests of the
// flag wiring.
func NewCmdExec(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{SignerSetup: cmdutil.NewSignerSetup(f), Environ: os.Environ}
	opts.Refreshed = func(ctx context.Context, account, role string) (func(context.Context) (creds.Credentials, error), string, error) {
		cfg, acct, acctName, err := cmdutil.Account(f.Config, account, true)
		if err != nil {
			return nil, "", err
		}
		cache, err := os.UserCacheDir()
		if err != nil {
			return nil, "", fmt.Errorf("finding the cache directory: %w", err)
		}
		p := credentialprocess.NewProvider(cache, f.CacheConfigKey(), cmdutil.First(account, acctName), role, f.Now, f.Log, func(ctx context.Context) (creds.Credentials, error) {
			return credentialprocess.SignIn(ctx, f, cfg, acct, acctName, role)
		})
		return p.Credentials, acct.Region, nil
	}
	cmd := &cobra.Command{
		Use:   "exec [--profile P | --account A --role R] [--server] [--nested] [-- CMD [ARGS…]]",
		Short: "Run a command with a profile's credentials in its environment",
		Long: `exec runs CMD with the credentials of profile P (default SAMLGO_PROFILE,
AWS_PROFILE, else the profile login writes: the default account's profile,
else saml; never a silent "default") in its environment: AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION, the
region and SAMLGO_PROFILE set; AWS_SECURITY_TOKEN, AWS_PROFILE,
AWS_DEFAULT_PROFILE and the other variables an SDK would read first
removed. Signals are passed on to CMD, and samlgo exits with CMD's exit
code (128+N when CMD dies of signal N); a CMD that is not found is 127,
one that cannot be run 126, as in a shell. Without CMD, exec starts $SHELL.

With --account A --role R the credentials come from a SAML sign-in
instead, cached and refreshed as credential-process does.

With --server, CMD gets no keys: a container credentials endpoint on
127.0.0.1 (AWS_CONTAINER_CREDENTIALS_FULL_URI and
AWS_CONTAINER_AUTHORIZATION_TOKEN) serves it credentials that are
refreshed before they expire, so a build that runs for hours never holds
expired ones. The SDKs read the shared credentials file before a container
endpoint, so CMD's AWS_SHARED_CREDENTIALS_FILE points at an empty private
file (its config file still works), unless --keep-credentials-file.

Inside an exec for another profile (SAMLGO_PROFILE set), exec refuses:
the outer credentials would shadow the inner ones in programs that read
the shared files first. --nested runs it anyway.`,
		Example: `  samlgo exec --profile prod -- aws s3 ls
  samlgo exec --profile prod -- terraform plan
  samlgo exec --account corp --role Admin --server -- make deploy   # hours long: never expired keys`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.ArgsLenAtDash() > 0 {
				return cmdutil.UsageErrorf("exec takes its command after --: samlgo exec [--profile P] -- CMD")
			}
			opts.Command = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return execRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Profile, "profile", "p", "", "profile whose credentials CMD gets (default $SAMLGO_PROFILE, $AWS_PROFILE, the default account's profile, else saml)")
	cmd.Flags().BoolVar(&opts.Nested, "nested", false, "run inside another samlgo exec for a different profile")
	cmd.Flags().StringVarP(&opts.Account, "account", "a", "", "take credentials from a SAML sign-in to this account (with --role) instead of a profile")
	cmd.Flags().StringVarP(&opts.Role, "role", "r", "", "the role of --account")
	cmd.Flags().BoolVar(&opts.Server, "server", false, "give CMD a local container credentials endpoint, refreshed, instead of fixed keys")
	cmd.Flags().BoolVar(&opts.KeepCredentialsFile, "keep-credentials-file", false, "with --server, leave CMD the shared credentials file (a profile there with keys would win over the endpoint)")
	cmd.Flags().SetInterspersed(false) // flags after CMD are CMD's
	return cmd
}

func execRun(ctx context.Context, opts *Options) error {
	if len(opts.Command) == 0 {
		// As aws-vault: no command starts the person's shell.
		sh := defaultShell(opts.Getenv)
		if opts.IO.ErrTTY {
			fmt.Fprintf(opts.IO.ErrOut, "samlgo: starting %s; exit it to drop the credentials\n", sh)
		}
		opts.Command = []string{sh}
	}
	// The command is looked up first: a typo must not cost a sign-in.
	path, err := osexec.LookPath(opts.Command[0])
	if err != nil {
		return commandError(opts.Command[0], err)
	}
	if opts.Role != "" || opts.Account != "" {
		switch {
		case opts.Profile != "":
			return cmdutil.UsageErrorf("--profile and --account/--role are two sources of credentials: pass one")
		case opts.Role == "":
			return cmdutil.UsageErrorf("--account needs --role: samlgo exec --account A --role R -- CMD")
		}
	}
	if opts.KeepCredentialsFile && !opts.Server {
		return cmdutil.UsageErrorf("--keep-credentials-file goes with --server")
	}
	var profile string
	if opts.Role != "" {
		profile = cmdutil.First(opts.Account, "default-account") + ":" + opts.Role
	} else if profile, err = cmdutil.ProfileFor(opts.Profile, opts.Getenv, opts.Config); err != nil {
		return err
	}
	if outer := opts.Getenv("SAMLGO_PROFILE"); outer != "" && outer != profile && !opts.Nested {
		return cmdutil.UsageError(fmt.Errorf("already inside samlgo exec for profile %q; an exec for %q here would be shadowed by the outer credentials", outer, profile),
			"hint: exit the outer shell first, or pass --nested if you mean it")
	}
	env, stop, err := childEnv(ctx, opts, profile)
	if err != nil {
		return err
	}
	defer stop()
	return run(path, opts.Command, env, opts)
}

// childEnv is the child's environment: fixed credentials, or with
// --server the endpoint that serves them; stop ends what it started.
func childEnv(ctx context.Context, opts *Options, profile string) (env []string, stop func(), err error) {
	get, region, err := source(ctx, opts, profile)
	if err != nil {
		return nil, nil, err
	}
	c, err := get(ctx)
	if err != nil {
		return nil, nil, err
	}
	opts.Announce(profile, c)
	label := "SAMLGO_PROFILE=" + profile
	if !opts.Server {
		return c.ChildEnviron(child.Environ(opts.Environ()), region, label), func() {}, nil
	}
	token, err := credserver.NewToken()
	if err != nil {
		return nil, nil, fmt.Errorf("making the endpoint's token: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, fmt.Errorf("starting the credentials endpoint: %w", err)
	}
	empty, removeEmpty := "", func() {}
	if !opts.KeepCredentialsFile {
		if empty, removeEmpty, err = credserver.EmptyCredentialsFile(""); err != nil {
			ln.Close()
			return nil, nil, err
		}
	}
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = (&credserver.Server{Token: token, Credentials: get}).Serve(sctx, ln)
	}()
	extra := []string{label}
	if region != "" {
		extra = append(extra, "AWS_REGION="+region, "AWS_DEFAULT_REGION="+region)
	}
	return credserver.ChildEnv(child.Environ(opts.Environ()), credserver.URL(ln.Addr()), token, empty, extra...), func() {
		cancel()
		<-done
		removeEmpty()
	}, nil
}

// source is where the child's credentials come from: the profile (its
// stored keys, or its role assumed), read again when they near their end,
// or the SAML sign-in of --account/--role.
func source(ctx context.Context, opts *Options, profile string) (func(context.Context) (creds.Credentials, error), string, error) {
	if opts.Role != "" {
		return opts.Refreshed(ctx, opts.Account, opts.Role)
	}
	return opts.Renewing(ctx, profile)
}

// run starts the child on samlgo's own streams, forwards signals until it
// ends, and returns its exit as a *cmdutil.ChildExitError (nil for 0).
func run(path string, argv, env []string, opts *Options) error {
	cmd := osexec.Command(path, argv[1:]...)
	cmd.Args = argv
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = opts.IO.In, opts.IO.Out, opts.IO.ErrOut
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, forwarded...)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		return commandError(argv[0], err)
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				_ = cmd.Process.Signal(s)
			case <-done:
				return
			}
		}
	}()
	err := cmd.Wait()
	close(done)
	if err == nil {
		return nil
	}
	var ee *osexec.ExitError
	if !errors.As(err, &ee) {
		return cmdutil.FailureError(fmt.Errorf("running %q: %w", argv[0], err))
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return &cmdutil.ChildExitError{Code: 128 + int(ws.Signal())}
	}
	return &cmdutil.ChildExitError{Code: ee.ExitCode()}
}

// commandError is a command exec cannot start, with the shell's exit
// codes: 127 when it is not found, 126 when it cannot be run (not
// executable, not a program the system can run).
func commandError(name string, err error) error {
	err = fmt.Errorf("command %q: %w", name, unwrapExec(err))
	if errors.Is(err, osexec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
		return &cmdutil.ExitError{Code: ExitNotFound, Err: err, Hints: []string{"hint: check the command's name and PATH"}}
	}
	return &cmdutil.ExitError{Code: ExitCannotRun, Err: err}
}

// The shell's exit codes for a command that does not start.
const (
	ExitCannotRun = 126
	ExitNotFound  = 127
)

func unwrapExec(err error) error {
	var ee *osexec.Error
	if errors.As(err, &ee) {
		return ee.Err
	}
	return err
}
