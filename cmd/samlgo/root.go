package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

// app holds what every command needs: the terminal, the clock, logging.
type app struct {
	io  *IOStreams
	now func() time.Time
	log *slog.Logger
	// configPath is the --config flag shared by all commands.
	configPath string
	debug      bool
}

func run(args []string, ios *IOStreams) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a := &app{io: ios, now: time.Now, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	root := newRootCmd(a)
	root.SetArgs(args)
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	if ctx.Err() != nil {
		err = errCancelled // Ctrl-C: whatever broke after it does not matter
	}
	var ee *exitError
	if !errors.As(err, &ee) && (strings.HasPrefix(err.Error(), "unknown command") || strings.HasPrefix(err.Error(), "unknown flag")) {
		err = usageError(err, "hint: see samlgo --help")
	}
	return report(ios.ErrOut, err)
}

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "samlgo",
		Short: "Temporary AWS credentials through your SAML identity provider",
		Long: `samlgo signs you in through your corporate SAML identity provider, lets you
pick an AWS role, and writes temporary credentials for it to ~/.aws/credentials
(or prints them for your shell or for credential_process).`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       buildVersion(),
		PersistentPreRun: func(cmd *cobra.Command, _ []string) {
			if a.debug {
				a.log = slog.New(slog.NewTextHandler(a.io.ErrOut, &slog.HandlerOptions{Level: slog.LevelDebug}))
			}
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return usageError(err, "hint: see samlgo --help")
	})
	root.PersistentFlags().StringVar(&a.configPath, "config", "", "samlgo config file (default $SAMLGO_CONFIG or ~/.config/samlgo/config.toml)")
	root.PersistentFlags().BoolVar(&a.debug, "debug", false, "log what samlgo does to stderr (never secrets)")
	root.AddCommand(newLoginCmd(a), newRolesCmd(a), newInspectCmd(a), newDemoCmd(a), newVersionCmd(a))
	return root
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print samlgo's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := io.WriteString(a.io.Out, "samlgo "+buildVersion()+"\n")
			return err
		},
	}
}
