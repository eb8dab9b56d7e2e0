// Package root assembles samlgo's commands and runs one, mapping its error
// to an exit code.
package root

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo/cli/assumerole"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/configcmd"
	"github.com/samlgo/samlgo/cli/configureprofile"
	"github.com/samlgo/samlgo/cli/console"
	"github.com/samlgo/samlgo/cli/credentialprocess"
	"github.com/samlgo/samlgo/cli/decodemessage"
	"github.com/samlgo/samlgo/cli/doctor"
	"github.com/samlgo/samlgo/cli/env"
	samlgoexec "github.com/samlgo/samlgo/cli/exec"
	"github.com/samlgo/samlgo/cli/federationtoken"
	"github.com/samlgo/samlgo/cli/initconfig"
	"github.com/samlgo/samlgo/cli/inspect"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/cli/login"
	"github.com/samlgo/samlgo/cli/refresh"
	"github.com/samlgo/samlgo/cli/roles"
	"github.com/samlgo/samlgo/cli/serve"
	"github.com/samlgo/samlgo/cli/sessiontoken"
	"github.com/samlgo/samlgo/cli/sso"
	"github.com/samlgo/samlgo/cli/status"
	"github.com/samlgo/samlgo/cli/version"
	"github.com/samlgo/samlgo/cli/webidentity"
	"github.com/samlgo/samlgo/cli/whoami"
)

// Main runs samlgo with the process's arguments and streams and returns
// its exit code.
func Main() int { return MainCmd(NewCmdRoot) }

// MainCmd runs the command newCmd builds (samlgo, or a program of its own
// such as samlgo-demo) with the process's arguments and streams, Ctrl-C and
// SIGTERM ending its context, and returns its exit code.
func MainCmd(newCmd func(*cmdutil.Factory) *cobra.Command) int {
	ios := iostreams.System()
	ctx, sig := signalContext(context.Background())
	defer sig.stop()
	code := RunCmd(ctx, cmdutil.New(ctx, ios), newCmd, os.Args[1:])
	// A child's own exit code (exec) passes through; a command ended by
	// the signal says which signal it was.
	if code == cmdutil.ExitCancelled && sig.received() == syscall.SIGTERM {
		return cmdutil.ExitTerminated
	}
	return code
}

// Run runs one samlgo command line with the factory's dependencies; ctx
// ends on Ctrl-C.
func Run(ctx context.Context, f *cmdutil.Factory, args []string) int {
	return RunCmd(ctx, f, NewCmdRoot, args)
}

// RunCmd is Run for the command newCmd builds.
func RunCmd(ctx context.Context, f *cmdutil.Factory, newCmd func(*cmdutil.Factory) *cobra.Command, args []string) int {
	root := newCmd(f)
	root.SetArgs(args)
	root.SetIn(f.IOStreams.In)
	root.SetOut(f.IOStreams.Out)
	root.SetErr(f.IOStreams.ErrOut)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return cmdutil.ExitOK
	}
	var child *cmdutil.ChildExitError
	if errors.As(err, &child) {
		return child.Code // exec: the child's code, Ctrl-C or not, and no message
	}
	if ctx.Err() != nil {
		err = cmdutil.ErrCancelled // Ctrl-C: whatever broke after it does not matter
	}
	var ee *cmdutil.ExitError
	if !errors.As(err, &ee) && (strings.HasPrefix(err.Error(), "unknown command") || strings.HasPrefix(err.Error(), "unknown flag")) {
		err = cmdutil.UsageError(err, "hint: see samlgo --help")
	}
	return cmdutil.Report(f.IOStreams.ErrOut, err)
}

// NewCmdRoot builds samlgo with every command.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	var debug bool
	root := &cobra.Command{
		Use:   "samlgo",
		Short: "Temporary AWS credentials through your SAML identity provider",
		Long: `samlgo signs you in through your corporate SAML identity provider, lets you
pick an AWS role, and writes temporary credentials for it to ~/.aws/credentials
(or prints them for your shell or for credential_process).`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       version.String(),
		PersistentPreRun: func(cmd *cobra.Command, _ []string) {
			if debug {
				f.Log = slog.New(slog.NewTextHandler(f.IOStreams.ErrOut, &slog.HandlerOptions{Level: slog.LevelDebug}))
			}
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return cmdutil.UsageError(err, "hint: see samlgo --help")
	})
	root.PersistentFlags().StringVar(&f.ConfigPath, "config", "", "samlgo config file (default $SAMLGO_CONFIG or ~/.config/samlgo/config.toml)")
	root.PersistentFlags().BoolVar(&debug, "debug", false, "log what samlgo does to stderr (never secrets)")
	root.AddCommand(
		login.NewCmdLogin(f, nil),
		roles.NewCmdRoles(f, nil),
		inspect.NewCmdInspect(f, nil),
		sso.NewCmdSSO(f),
		version.NewCmdVersion(f),
		credentialprocess.NewCmdCredentialProcess(f, nil),
		configureprofile.NewCmdConfigureProfile(f, nil),
		serve.NewCmdServe(f, nil),
		console.NewCmdConsole(f, nil),
		doctor.NewCmdDoctor(f, nil),
		assumerole.NewCmdAssumeRole(f, nil),
		webidentity.NewCmdWebIdentity(f, nil),
		sessiontoken.NewCmdSessionToken(f, nil),
		federationtoken.NewCmdFederationToken(f, nil),
		decodemessage.NewCmdDecodeMessage(f, nil),
		whoami.NewCmdWhoami(f, nil),
		env.NewCmdEnv(f, nil),
		samlgoexec.NewCmdExec(f, nil),
		initconfig.NewCmdInit(f, nil),
		configcmd.NewCmdConfig(f),
		status.NewCmdStatus(f, nil),
		refresh.NewCmdRefresh(f, nil),
	)
	// --version prints cobra's default line, "samlgo version X", as the
	// version command does; no SetVersionTemplate (see cli/version).
	root.SetOut(f.IOStreams.Out) // the completion commands take their output now
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			// cobra shows help with exit 0 for a shell it does not know.
			c.Args = nil
			c.RunE = func(cmd *cobra.Command, args []string) error {
				if len(args) > 0 {
					return cmdutil.UsageErrorf("samlgo completes bash, zsh, fish and powershell, not %q", args[0])
				}
				return cmd.Help()
			}
		}
	}
	usageArgs(root)
	completeFlags(root, f)
	return root
}

// usageArgs makes every wrong number of arguments a usage error (exit 2),
// as a wrong flag is.
func usageArgs(c *cobra.Command) {
	if check := c.Args; check != nil {
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := check(cmd, args); err != nil {
				return cmdutil.UsageError(err, "hint: see "+cmd.CommandPath()+" --help")
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		usageArgs(sub)
	}
}

// signals remembers which signal ended the context.
type signals struct {
	ch   chan os.Signal
	stop func()
	got  chan os.Signal
}

// signalContext returns a context that ends on SIGINT or SIGTERM.
func signalContext(parent context.Context) (context.Context, *signals) {
	ctx, cancel := context.WithCancel(parent)
	s := &signals{ch: make(chan os.Signal, 1), got: make(chan os.Signal, 1)}
	signal.Notify(s.ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-s.ch:
			s.got <- sig
			cancel()
		case <-done:
		}
	}()
	s.stop = func() {
		signal.Stop(s.ch)
		close(done)
		cancel()
	}
	return ctx, s
}

// received is the signal that arrived, or nil.
func (s *signals) received() os.Signal {
	select {
	case sig := <-s.got:
		s.got <- sig
		return sig
	default:
		return nil
	}
}
