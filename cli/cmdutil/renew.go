package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/samlgo/samlgo/assertion"
	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/credcache"
	"github.com/samlgo/samlgo/flow"
	"github.com/samlgo/samlgo/sts"
)

// Renew makes again the credentials of profiles samlgo wrote from a SAML
// sign-in to an account: one sign-in (the saved IdP session when it still
// holds, else the person is asked, as login asks), then every role of
// targets (role ARN → profile) from that one assertion, its STS calls in
// parallel, written in place to credentialsFile ("" for the default). What
// was issued is written even when some roles fail.
func (b *BrowserFlags) Renew(ctx context.Context, f *Factory, credentialsFile, account string, targets map[string]string) error {
	cfg, acct, name, err := Account(f.Config, account, true)
	if err != nil {
		return err
	}
	capturer, err := b.Capturer(ctx, f, cfg, acct, name)
	if err != nil {
		return err
	}
	out := OutputFlags{Format: FormatProfile, CredentialsFile: credentialsFile}
	sink, err := out.Sink(f.IOStreams, f.Now, f.Log, f.Getenv("SHELL"))
	if err != nil {
		return err
	}
	aliases := assertion.Aliases(acct.Aliases)
	l := &flow.Login{
		Capturer: capturer,
		Plan: flow.PlanOptions{
			Targets: targets, Principal: acct.Principal, Aliases: aliases,
			Duration: acct.SessionDuration(), Region: acct.Region, Account: name,
		},
		NewAssumer: func(ctx context.Context, o sts.Options) (flow.SAMLAssumer, error) { return sts.New(ctx, o) },
		Sink:       sink,
		Now:        f.Now,
		Notify:     func(msg string) { fmt.Fprintf(f.IOStreams.ErrOut, "samlgo: %s\n", msg) },
		Log:        f.Log,
	}
	return LoginError(SignInError(l.Run(ctx), b.Timeout), aliases)
}

// RenewBefore is how close to its end a profile samlgo wrote from an
// account is renewed in place (env, exec, console, serve).
const RenewBefore = credcache.RefreshBefore

// RenewIfDue renews, in place, a profile that samlgo wrote from a sign-in
// to an account when it has expired or ends within RenewBefore, with the
// same role. A profile samlgo did not write that way is left to the
// resolver (and its hint).
func (s *SignerSetup) RenewIfDue(ctx context.Context, profile string) error {
	if s.Renew == nil {
		return nil
	}
	credPath, err := awsfiles.CredentialsPath(s.CredentialsFile)
	if err != nil {
		return err
	}
	m, ok, err := awsfiles.ReadMade(credPath, profile)
	if err != nil || !ok || m.Origin != awsfiles.OriginSAML || m.Account == "" || m.Role == "" {
		return nil // the resolver reports a file it cannot read
	}
	if !m.Due(s.Now(), RenewBefore) {
		return nil
	}
	stillValid := m.Expires.After(s.Now())
	when := "expired at " + m.Expires.Local().Format("15:04")
	if stillValid {
		when = "expires at " + m.Expires.Local().Format("15:04")
	}
	fmt.Fprintf(s.IO.ErrOut, "samlgo: profile %s %s; renewing it (account %s, role %s)\n", profile, when, m.Account, m.Role)
	err = s.Renew(ctx, s.CredentialsFile, m)
	var ee *ExitError
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case stillValid:
		// The keys still work: a renewal that could not be done (no
		// terminal, an IdP session gone) must not stop what worked before.
		fmt.Fprintf(s.IO.ErrOut, "samlgo: could not renew profile %s (%v); using its keys until %s\n", profile, err, m.Expires.Local().Format("15:04"))
		return nil
	case errors.As(err, &ee) && ee.Code != ExitFailure:
		return err // a closed window (130), bad input (2): as they are
	}
	configFile, _ := awsfiles.ConfigPath(s.ConfigFile)
	return FailureError(fmt.Errorf("renewing profile %q: %w", profile, err),
		"hint: log in again: "+RenewCommand(credPath, configFile, profile))
}

// renewTimeout bounds a renewal in place: the saved session answers in
// seconds; a person asked for a password needs a little longer.
const renewTimeout = 5 * time.Minute
