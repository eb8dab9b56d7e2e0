package cmdutil

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/chain"
	"github.com/samlgo/samlgo/config"
	"github.com/samlgo/samlgo/credcache"
	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/flow"
)

// ChildExitError is the exit of a command samlgo ran for the person
// (exec): samlgo exits with Code and prints nothing of its own.
type ChildExitError struct{ Code int }

func (e *ChildExitError) Error() string {
	return fmt.Sprintf("the command exited with code %d", e.Code)
}

// ProfileFor names the profile a command reads credentials from (env,
// exec, whoami, console): --profile, else SAMLGO_PROFILE (inside an exec,
// the same profile again), else AWS_PROFILE, else AWS_DEFAULT_PROFILE, else
// the profile login writes by default: the default account's profile, else
// "saml" (flow.DefaultProfile). Never a silent "default": long-term keys
// there are not what a person who has just logged in means.
// config may be nil (no config).
func ProfileFor(flag string, getenv func(string) string, config func() (*config.Config, error)) (string, error) {
	if p := First(flag, getenv("SAMLGO_PROFILE"), getenv("AWS_PROFILE"), getenv("AWS_DEFAULT_PROFILE")); p != "" {
		return p, nil
	}
	if config != nil {
		cfg, err := config()
		if err != nil {
			return "", err
		}
		if acct, _, err := cfg.Account(""); err == nil && acct.Profile != "" {
			return acct.Profile, nil
		}
	}
	return flow.DefaultProfile, nil
}

// Announce says on a terminal which profile a command uses and until when
// its credentials last, so a person sees at once when it is not the one
// they meant.
func (s *SignerSetup) Announce(profile string, c creds.Credentials) {
	if !s.IO.ErrTTY {
		return
	}
	if c.Expiration.IsZero() {
		fmt.Fprintf(s.IO.ErrOut, "samlgo: using profile %s (keys without an expiry)\n", profile)
		return
	}
	fmt.Fprintf(s.IO.ErrOut, "samlgo: using profile %s (expires %s, in %s)\n", profile, c.Expiration.Local().Format("15:04"), TimeLeft(c.Expiration.Sub(s.Now())))
}

// StoredCredentials resolves a profile for env and exec: its stored keys,
// or its role assumed when it has role_arn. A profile samlgo wrote from a
// sign-in to an account is renewed first when it has expired or ends
// within RenewBefore (Renew). Other expired stored credentials are exit 1
// with the command that renews them.
func (s *SignerSetup) StoredCredentials(ctx context.Context, profile string) (*chain.Resolved, error) {
	if err := ProfileArg("--profile", profile); err != nil {
		return nil, err
	}
	if err := s.RenewIfDue(ctx, profile); err != nil {
		return nil, err
	}
	r, err := s.Resolver()
	if err != nil {
		return nil, err
	}
	res, err := r.Profile(ctx, profile)
	if err != nil {
		return nil, ChainError(err, r)
	}
	return res, nil
}

// Renewing is the one rule for a long-running consumer of a profile's
// credentials (exec, exec --server, serve --profile): the profile is
// resolved now, and resolved again whenever its credentials come within
// credcache.RefreshBefore of their end (a role is assumed again, keys a
// login stored are read again). Credentials that still end within that
// window after being read again are refused, with the command that renews
// them: a program must not be handed keys that die mid-request. region is
// the profile's.
func (s *SignerSetup) Renewing(ctx context.Context, profile string) (get func(context.Context) (creds.Credentials, error), region string, err error) {
	first, err := s.StoredCredentials(ctx, profile)
	if err != nil {
		return nil, "", err
	}
	fresh := func(c creds.Credentials) bool {
		return c.Expiration.IsZero() || c.Expiration.After(s.Now().Add(credcache.RefreshBefore))
	}
	var mu sync.Mutex
	cur := first
	return func(context.Context) (creds.Credentials, error) {
		mu.Lock()
		defer mu.Unlock()
		if fresh(cur.Creds) {
			return cur.Creds, nil
		}
		// The consumer's own ctx, not the request's: a client that gives
		// up after a second or two (botocore, the JS SDK) must not cancel
		// a renewal that signs in.
		next, err := s.StoredCredentials(ctx, profile)
		if err != nil {
			return creds.Credentials{}, err
		}
		if !fresh(next.Creds) {
			configFile, _ := awsfiles.ConfigPath(s.ConfigFile)
			credentialsFile, _ := awsfiles.CredentialsPath(s.CredentialsFile)
			return creds.Credentials{}, FailureError(fmt.Errorf("profile %q expires at %s, within %s", profile, next.Creds.Expiration.UTC().Format(time.RFC3339), credcache.RefreshBefore),
				"hint: log in again: "+RenewCommand(credentialsFile, configFile, profile))
		}
		cur = next
		return cur.Creds, nil
	}, first.Region, nil
}

// TimeLeft says how long credentials have left, as every command shows it:
// "47m", "3h05m", "under a minute", "expired".
func TimeLeft(d time.Duration) string {
	switch {
	case d <= 0:
		return "expired"
	case d < time.Minute:
		return "under a minute"
	}
	d = d.Round(time.Minute)
	if d < time.Hour {
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return fmt.Sprintf("%dh%02dm", d/time.Hour, (d%time.Hour)/time.Minute)
}
