package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/creds"
)

// Output formats (--format).
const (
	formatProfile = "profile"
	formatEnv     = "env"
	formatJSON    = "json"
)

// defaultProfile is the profile written when neither --profile nor the
// account config names one. It is not "default", which often holds a
// person's long-term keys.
const defaultProfile = "saml"

// outputOptions are the flags every credential-producing command shares.
type outputOptions struct {
	Format          string
	Shell           string
	Profile         string
	CredentialsFile string
	// ConfigFile overrides AWS_CONFIG_FILE (the demo's temporary files);
	// there is no flag for it.
	ConfigFile string

	shell creds.Shell
}

func (o *outputOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Format, "format", formatProfile, "output: profile (write the credentials file), env (shell export lines) or json (credential_process)")
	fs.StringVar(&o.Shell, "shell", "", "shell syntax for --format env: bash, zsh, fish or powershell (default from $SHELL)")
	fs.StringVar(&o.Profile, "profile", "", "profile to write (default from the account config, else \""+defaultProfile+"\")")
	fs.StringVar(&o.CredentialsFile, "credentials-file", "", "credentials file (default $AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials)")
}

// validate checks the output flags before anything is fetched.
func (o *outputOptions) validate() error {
	switch o.Format {
	case formatProfile, formatEnv, formatJSON:
	default:
		return usageErrorf("unknown --format %q; use profile, env or json", o.Format)
	}
	sh, err := creds.ParseShell(o.Shell, os.Getenv("SHELL"))
	if err != nil {
		return usageError(err)
	}
	o.shell = sh
	if o.Profile != "" {
		if err := awsfiles.ValidProfileName(o.Profile); err != nil {
			return usageErrorf("--profile: %v", err)
		}
	}
	return nil
}

// issued is one set of credentials ready to be written.
type issued struct {
	Profile string
	RoleARN string
	Region  string
	Creds   creds.Credentials
}

// awsPaths resolves the credentials and config files.
func (o *outputOptions) awsPaths() (credPath, cfgPath string, err error) {
	if credPath, err = awsfiles.CredentialsPath(o.CredentialsFile); err != nil {
		return "", "", err
	}
	if cfgPath, err = awsfiles.ConfigPath(o.ConfigFile); err != nil {
		return "", "", err
	}
	return credPath, cfgPath, nil
}

// preflight refuses, before any credentials are fetched, AWS files that
// samlgo would not be able to update.
func (o *outputOptions) preflight(profiles []string) error {
	if o.Format != formatProfile {
		return nil
	}
	credPath, cfgPath, err := o.awsPaths()
	if err != nil {
		return err
	}
	if err := awsfiles.CheckCredentials(credPath, profiles); err != nil {
		return err
	}
	return awsfiles.Check(cfgPath)
}

// write delivers credentials in the chosen format: profiles go to the AWS
// files with one line each on stderr; env and json go to stdout.
func (o *outputOptions) write(ctx context.Context, a *app, items []issued) error {
	switch o.Format {
	case formatEnv:
		_, err := fmt.Fprint(a.io.Out, items[0].Creds.Env(o.shell, items[0].Region))
		return err
	case formatJSON:
		_, err := a.io.Out.Write(items[0].Creds.JSON())
		return err
	}
	credPath, cfgPath, err := o.awsPaths()
	if err != nil {
		return err
	}
	profiles := make([]awsfiles.Profile, len(items))
	for i, it := range items {
		profiles[i] = awsfiles.Profile{Name: it.Profile, Credentials: it.Creds}
	}
	if err := awsfiles.WriteCredentials(ctx, credPath, profiles); err != nil {
		return err
	}
	for _, it := range items {
		if err := awsfiles.EnsureRegion(ctx, cfgPath, it.Profile, it.Region); err != nil {
			return fmt.Errorf("credentials written, but adding the region to %s failed: %w", cfgPath, err)
		}
	}
	for _, it := range items {
		exp := it.Creds.Expiration
		fmt.Fprintf(a.io.ErrOut, "samlgo: profile %q: %s, expires %s (in %s)\n", it.Profile, it.RoleARN,
			exp.UTC().Format(time.RFC3339), strings.TrimSuffix(exp.Sub(a.now()).Round(time.Minute).String(), "0s"))
	}
	a.log.Debug("credentials written", "file", credPath, "profiles", len(items))
	return nil
}
