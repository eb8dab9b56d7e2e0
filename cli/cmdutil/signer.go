package cmdutil

import (
	"context"
	"fmt"
	"time"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/chain"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/cli/prompt"
	"github.com/samlgo/samlgo/config"
	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/sso"
	"github.com/samlgo/samlgo/sts"
)

// SignerSetup is what a command that signs one STS call with someone's
// credentials (whoami, decode-message, env, exec) needs to find them.
type SignerSetup struct {
	IO       *iostreams.IOStreams
	Prompter prompt.Prompter
	AskTTY   func(string) (string, error)
	Now      func() time.Time
	Getenv   func(string) string
	NewSTS   func(ctx context.Context, o sts.Options) (chain.STS, error)
	// Cache keeps MFA sessions for role profiles with mfa_serial.
	Cache      func() (*chain.Cache, error)
	RunProcess func(ctx context.Context, argv []string) ([]byte, error)
	// CredentialsFile and ConfigFile override the AWS files (tests, and
	// commands with --credentials-file).
	CredentialsFile, ConfigFile string
	// Config reads samlgo's config (for the default account's profile);
	// nil means there is none.
	Config func() (*config.Config, error)
	// Renew makes a profile samlgo wrote from a sign-in to an account
	// again, with the same role (renewal in place); nil leaves expired
	// profiles to the hint.
	Renew func(ctx context.Context, credentialsFile string, m awsfiles.Made) error
	// MFACode is a code the person passed (--mfa-code), and MFAFlag the
	// flag that takes one in this command, for the hint when none can be
	// asked for ("" when the command has none).
	MFACode, MFAFlag string
}

// Resolver returns a chain.Resolver wired to the person: MFA codes asked
// without echo (or MFACode), MFA sessions cached, progress on stderr. It is
// the one wiring of the resolver: every command that reads a profile gets
// it here.
func (s *SignerSetup) Resolver() (*chain.Resolver, error) {
	r, err := ResolverFor(s.CredentialsFile, s.ConfigFile)
	if err != nil {
		return nil, err
	}
	r.Now, r.RunProcess, r.NewSTS = s.Now, s.RunProcess, s.NewSTS
	r.DefaultRegion = First(s.Getenv("AWS_REGION"), s.Getenv("AWS_DEFAULT_REGION"))
	r.MFACode = MFACode(s.IO, s.Prompter, s.AskTTY, s.MFACode, s.MFAFlag)
	r.Notify = func(msg string) { fmt.Fprintf(s.IO.ErrOut, "samlgo: %s\n", msg) }
	r.SSO = func(ctx context.Context, profile string) (creds.Credentials, error) {
		return sso.ProfileCredentials(ctx, r.ConfigFile, profile, s.Now())
	}
	if s.Cache != nil {
		c, err := s.Cache()
		if err != nil {
			r.Notify(fmt.Sprintf("no MFA session cache: %v", err))
		} else {
			r.Cache = c
		}
	}
	return r, nil
}

// NewSignerSetup fills a SignerSetup from the factory.
func NewSignerSetup(f *Factory) SignerSetup {
	return SignerSetup{
		IO: f.IOStreams, Prompter: f.Prompter, AskTTY: prompt.TTYSecret, Now: f.Now, Getenv: f.Getenv,
		NewSTS:     func(ctx context.Context, o sts.Options) (chain.STS, error) { return sts.New(ctx, o) },
		Cache:      chain.DefaultCache,
		RunProcess: RunProcess(f.IOStreams.ErrOut),
		Config:     func() (*config.Config, error) { return f.Config() }, // --config is known only when it runs
		Renew: func(ctx context.Context, credentialsFile string, m awsfiles.Made) error {
			ctx, cancel := context.WithTimeout(ctx, renewTimeout)
			defer cancel()
			b := BrowserFlags{Headless: true, Timeout: renewTimeout} // the saved session first; a window when it stalls
			return b.Renew(ctx, f, credentialsFile, m.Account, map[string]string{m.Role: m.Profile})
		},
	}
}
