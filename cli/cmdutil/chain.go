package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/chain"
	"github.com/samlgo/samlgo/child"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/cli/prompt"
	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/sso"
)

// RegisterOutputTo adds the output flags with --to-profile in place of
// --profile, for the commands whose --profile names the source profile
// (assume-role, session-token, federation-token), as in the AWS CLI.
func (o *OutputFlags) RegisterOutputTo(fs *pflag.FlagSet) {
	tmp := pflag.NewFlagSet("output", pflag.ContinueOnError)
	o.Register(tmp)
	tmp.VisitAll(func(f *pflag.Flag) {
		if f.Name != "profile" {
			fs.AddFlag(f)
		}
	})
	fs.StringVar(&o.Profile, "to-profile", "", "profile to write the credentials to (with --format profile)")
}

// MFACode returns how a command gets an MFA code: the code given with a
// flag; else asked without echo, on stdin's terminal when the streams can
// prompt, else on /dev/tty through askTTY (stdout taken, as under
// credential_process); else a usage error naming the flag (flag is ""
// for commands without one).
func MFACode(ios *iostreams.IOStreams, p prompt.Prompter, askTTY func(string) (string, error), given, flag string) func(serial string) (string, error) {
	return func(serial string) (string, error) {
		if given != "" {
			return given, nil
		}
		q := fmt.Sprintf("MFA code for %s: ", serial)
		if ios.CanPrompt() {
			return p.Secret(q)
		}
		if askTTY != nil {
			code, err := askTTY(q)
			if err == nil {
				return code, nil
			}
		}
		if flag == "" {
			return "", UsageError(chain.ErrNoMFA, "hint: run it on a terminal, or first samlgo assume-role --mfa-code CODE (the MFA session is cached)")
		}
		return "", UsageError(chain.ErrNoMFA, "hint: pass "+flag+" with the device's current code")
	}
}

// RunProcess runs a credential_process command without a shell, as
// botocore does: its stderr goes to the person, its stdout (at most
// creds.MaxProcessOutput bytes) is returned. It runs as a child.Command:
// killed with whatever it started when ctx ends, without samlgo's secrets.
func RunProcess(errOut io.Writer) func(ctx context.Context, argv []string) ([]byte, error) {
	return func(ctx context.Context, argv []string) ([]byte, error) {
		return child.Output(ctx, os.Environ(), errOut, creds.MaxProcessOutput+1, argv)
	}
}

// ChainError gives the failures of resolving a profile their exit codes
// and hints: a profile that cannot be resolved as configured and a bad
// MFA code are bad input (2); expired stored credentials say which
// command renews them (1).
func ChainError(err error, r *chain.Resolver) error {
	var pe *chain.ProfileError
	var xe *chain.ExpiredError
	var ee *ExitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ee):
		return err
	case errors.As(err, &xe):
		return FailureError(err, "hint: log in again: "+RenewCommand(r.CredentialsFile, r.ConfigFile, xe.Profile))
	case errors.As(err, &pe):
		return UsageError(err)
	case errors.Is(err, chain.ErrBadMFACode):
		return UsageError(err)
	case errors.Is(err, chain.ErrNoMFA):
		return UsageError(err, "hint: pass --mfa-code with the device's current code")
	case errors.Is(err, sso.ErrLoginRequired):
		return FailureError(err, "hint: sign in to IAM Identity Center first: samlgo sso login (with the profile's --session)")
	}
	return err
}

// RenewCommand is the samlgo command that writes fresh credentials into a
// stored profile: assume-role for "P-session" when P has a role_arn (the
// default of assume-role --to-profile), else login with the account and
// role samlgo recorded for the profile, so that no picker comes up.
func RenewCommand(credentialsFile, configFile, profile string) string {
	if base, ok := strings.CutSuffix(profile, "-session"); ok && base != "" {
		if keys, found, err := awsfiles.ConfigProfile(configFile, base); err == nil && found && keys["role_arn"] != "" {
			return "samlgo assume-role --profile " + base
		}
	}
	cmd := "samlgo login"
	if m, ok, err := awsfiles.ReadMade(credentialsFile, profile); err == nil && ok && m.Origin == awsfiles.OriginSAML {
		if m.Account != "" {
			cmd += " --account " + m.Account
		}
		if m.Role != "" {
			cmd += " --role " + m.Role
		}
	}
	return cmd + " --profile " + profile
}

// ResolverFor returns a chain.Resolver over the AWS files: the given
// paths, else AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE, else ~/.aws.
func ResolverFor(credentialsFile, configFile string) (*chain.Resolver, error) {
	cp, err := awsfiles.CredentialsPath(credentialsFile)
	if err != nil {
		return nil, err
	}
	cf, err := awsfiles.ConfigPath(configFile)
	if err != nil {
		return nil, err
	}
	return &chain.Resolver{CredentialsFile: cp, ConfigFile: cf}, nil
}

// ProfileArg checks a --profile value before anything is called.
func ProfileArg(flag, name string) error {
	if name == "" {
		return nil
	}
	if err := awsfiles.ValidProfileName(name); err != nil {
		return UsageErrorf("%s: %w", flag, err)
	}
	return nil
}
