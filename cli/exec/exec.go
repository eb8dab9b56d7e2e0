// Package exec is the samlgo exec command: run a program with a profile's
// credentials in its environment, passing signals and its exit code
// through.
package exec

import (
	"context"
	"errors"
	"fmt"
	"os"
	osexec "os/exec"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo/cli/cmdutil"
)

// Options are exec's flags and dependencies.
type Options struct {
	cmdutil.SignerSetup
	// Environ is samlgo's own environment, the child's starting point.
	Environ func() []string

	Profile string
	Nested  bool
	Command []string
}

// NewCmdExec builds the command; runF replaces execRun in tests of the
// flag wiring.
func NewCmdExec(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{SignerSetup: cmdutil.NewSignerSetup(f), Environ: os.Environ}
	cmd := &cobra.Command{
		Use:   "exec [--profile P] [--nested] -- CMD [ARGS…]",
		Short: "Run a command with a profile's credentials in its environment",
		Long: `exec runs CMD with the credentials of profile P (default SAMLGO_PROFILE,
AWS_PROFILE, else default) in its environment: AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION, the
region and SAMLGO_PROFILE set; AWS_SECURITY_TOKEN, AWS_PROFILE,
AWS_DEFAULT_PROFILE and the other variables an SDK would read first
removed. Signals are passed on to CMD, and samlgo exits with CMD's exit
code (128+N when CMD dies of signal N).

Inside an exec for another profile (SAMLGO_PROFILE set), exec refuses:
the outer credentials would shadow the inner ones in programs that read
the shared files first. --nested runs it anyway.`,
		Example: `  samlgo exec --profile prod -- aws s3 ls
  samlgo exec --profile prod -- terraform plan`,
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
	cmd.Flags().StringVar(&opts.Profile, "profile", "", "profile whose credentials CMD gets (default $SAMLGO_PROFILE, $AWS_PROFILE, default)")
	cmd.Flags().BoolVar(&opts.Nested, "nested", false, "run inside another samlgo exec for a different profile")
	cmd.Flags().SetInterspersed(false) // flags after CMD are CMD's
	return cmd
}

// forwarded are the signals passed on to the child. SIGINT from a
// terminal reaches the child's process group too; forwarding it as well
// is what aws-vault does, and what a kill(1) aimed at samlgo needs.
var forwarded = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH}

func execRun(ctx context.Context, opts *Options) error {
	if len(opts.Command) == 0 {
		return cmdutil.UsageErrorf("no command to run; pass it after --: samlgo exec --profile P -- CMD")
	}
	profile := cmdutil.ProfileFor(opts.Profile, opts.Getenv)
	if outer := opts.Getenv("SAMLGO_PROFILE"); outer != "" && outer != profile && !opts.Nested {
		return cmdutil.UsageError(fmt.Errorf("already inside samlgo exec for profile %q; an exec for %q here would be shadowed by the outer credentials", outer, profile),
			"hint: exit the outer shell first, or pass --nested if you mean it")
	}
	env, err := childEnv(ctx, opts, profile)
	if err != nil {
		return err
	}
	path, err := osexec.LookPath(opts.Command[0])
	if err != nil {
		return cmdutil.UsageErrorf("command %q: %w", opts.Command[0], unwrapExec(err))
	}
	return run(path, opts.Command, env, opts)
}

// childEnv is the child's environment with fixed credentials. (An
// exec --server would give a credentials endpoint here instead.)
func childEnv(ctx context.Context, opts *Options, profile string) ([]string, error) {
	res, err := opts.StoredCredentials(ctx, profile)
	if err != nil {
		return nil, err
	}
	return res.Creds.ChildEnviron(opts.Environ(), res.Region, "SAMLGO_PROFILE="+profile), nil
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
		return cmdutil.FailureError(fmt.Errorf("starting %q: %w", argv[0], unwrapExec(err)))
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

func unwrapExec(err error) error {
	var ee *osexec.Error
	if errors.As(err, &ee) {
		return ee.Err
	}
	return err
}
