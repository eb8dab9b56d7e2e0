// Package cmdutil holds what samlgo's commands share: the factory of their
// dependencies, flag groups, the precedence resolver and exit codes.
package cmdutil

import (
	"context"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/cli/prompt"
	"github.com/samlgo/samlgo/config"
	"github.com/samlgo/samlgo/credcache"
)

// Factory gives commands their dependencies. Fields that flags change
// (Log with --debug, ConfigPath with --config) are read when a command
// runs, not when it is built.
type Factory struct {
	IOStreams *iostreams.IOStreams
	Prompter  prompt.Prompter
	Now       func() time.Time
	Getenv    func(string) string
	// Log receives debug records (--debug); it never sees secrets.
	Log *slog.Logger
	// ConfigPath is the --config flag.
	ConfigPath string
}

// New returns the factory for the process's own terminal and environment;
// prompts end when ctx does.
func New(ctx context.Context, ios *iostreams.IOStreams) *Factory {
	return &Factory{
		IOStreams: ios,
		Prompter:  prompt.NewTerminal(ctx, ios),
		Now:       time.Now,
		Getenv:    os.Getenv,
		Log:       Discard(),
	}
}

// Discard is a logger that drops everything.
func Discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// Config reads samlgo's config file named by --config, $SAMLGO_CONFIG or
// the default path.
func (f *Factory) Config() (*config.Config, error) {
	path, explicit, err := config.Path(f.ConfigPath)
	if err != nil {
		return nil, UsageError(err)
	}
	c, err := config.Load(path, explicit)
	if err != nil {
		return nil, err
	}
	f.Log.Debug("config loaded", "path", path, "accounts", len(c.Accounts))
	return c, nil
}

// Account reads samlgo's config and picks an account: name, else the
// config's default_account. A name that is not configured is a usage
// error; so is no account at all when required (a command that cannot
// work without one).
func Account(load func() (*config.Config, error), name string, required bool) (*config.Config, config.Account, string, error) {
	cfg, err := load()
	if err != nil {
		return nil, config.Account{}, "", err
	}
	acct, acctName, err := cfg.Account(name)
	if err != nil {
		return nil, config.Account{}, "", UsageError(err)
	}
	if required && acctName == "" {
		return nil, config.Account{}, "", UsageErrorf("no account: pass --account, or set default_account in the config")
	}
	return cfg, acct, acctName, nil
}

// CacheConfigKey identifies the config in effect for the credential cache
// (credcache.ConfigKey), as samlgo-credential-process computes it.
func (f *Factory) CacheConfigKey() string {
	path, _, err := config.Path(f.ConfigPath)
	if err != nil {
		return ""
	}
	return credcache.ConfigKey(path)
}
