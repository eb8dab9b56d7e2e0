package cmdutil

import (
	"context"
	"fmt"

	"github.com/samlgo/samlgo/chain"
)

// ChildExitError is the exit of a command samlgo ran for the person
// (exec): samlgo exits with Code and prints nothing of its own.
type ChildExitError struct{ Code int }

func (e *ChildExitError) Error() string {
	return fmt.Sprintf("the command exited with code %d", e.Code)
}

// ProfileFor names the profile env and exec use: --profile, else
// SAMLGO_PROFILE (inside an exec, the same profile again), else
// AWS_PROFILE, else AWS_DEFAULT_PROFILE, else "default".
func ProfileFor(flag string, getenv func(string) string) string {
	return First(flag, getenv("SAMLGO_PROFILE"), getenv("AWS_PROFILE"), getenv("AWS_DEFAULT_PROFILE"), "default")
}

// StoredCredentials resolves a profile for env and exec: its stored keys,
// or its role assumed when it has role_arn. Expired stored credentials are
// exit 1 with the command that renews them.
func (s *SignerSetup) StoredCredentials(ctx context.Context, profile string) (*chain.Resolved, error) {
	if err := ProfileArg("--profile", profile); err != nil {
		return nil, err
	}
	r, err := s.Resolver()
	if err != nil {
		return nil, err
	}
	res, err := r.Profile(ctx, profile)
	if err != nil {
		return nil, ChainError(err, r.ConfigFile)
	}
	return res, nil
}
