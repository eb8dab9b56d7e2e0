package cmdutil

import (
	"context"
	"fmt"
	"time"

	"github.com/samlgo/samlgo/chain"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/cli/prompt"
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
	// CredentialsFile and ConfigFile override the AWS files (tests).
	CredentialsFile, ConfigFile string
}

// Resolver returns a chain.Resolver wired to the person: MFA codes asked
// without echo, progress on stderr.
func (s *SignerSetup) Resolver() (*chain.Resolver, error) {
	r, err := ResolverFor(s.CredentialsFile, s.ConfigFile)
	if err != nil {
		return nil, err
	}
	r.Now, r.RunProcess, r.NewSTS = s.Now, s.RunProcess, s.NewSTS
	r.DefaultRegion = First(s.Getenv("AWS_REGION"), s.Getenv("AWS_DEFAULT_REGION"))
	r.MFACode = MFACode(s.IO, s.Prompter, s.AskTTY, "", "")
	r.Notify = func(msg string) { fmt.Fprintf(s.IO.ErrOut, "samlgo: %s\n", msg) }
	if s.Cache != nil {
		if c, err := s.Cache(); err == nil {
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
	}
}
