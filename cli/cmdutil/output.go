package cmdutil

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/pflag"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/flow"
)

// Output formats (--format).
const (
	FormatProfile = "profile"
	FormatEnv     = "env"
	FormatJSON    = "json"
)

// OutputFlags are the flags every command that produces credentials
// shares: where and how the credentials are delivered.
type OutputFlags struct {
	Format          string
	Shell           string
	Profile         string
	CredentialsFile string
	// ConfigFile overrides AWS_CONFIG_FILE (the demo's temporary files);
	// there is no flag for it.
	ConfigFile string
}

// Register adds --format, --shell, --profile and --credentials-file.
func (o *OutputFlags) Register(fs *pflag.FlagSet) {
	fs.StringVar(&o.Format, "format", FormatProfile, "output: profile (write the credentials file), env (shell export lines) or json (credential_process)")
	fs.StringVar(&o.Shell, "shell", "", "shell syntax for --format env: bash, zsh, fish, powershell or cmd (default from $SHELL; PowerShell on Windows without it)")
	fs.StringVarP(&o.Profile, "profile", "p", "", "profile to write (default from the account config, else \""+flow.DefaultProfile+"\")")
	fs.StringVar(&o.CredentialsFile, "credentials-file", "", "credentials file (default $AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials)")
}

// Sink checks the flags and returns where the credentials go. shellEnv is
// $SHELL, the default of --shell.
func (o *OutputFlags) Sink(ios *iostreams.IOStreams, now func() time.Time, log *slog.Logger, shellEnv string) (*Output, error) {
	switch o.Format {
	case FormatProfile, FormatEnv, FormatJSON:
	default:
		return nil, UsageErrorf("unknown --format %q; use profile, env or json", o.Format)
	}
	sh, err := creds.ParseShell(o.Shell, shellEnv)
	if err != nil {
		return nil, UsageError(err)
	}
	if o.Profile != "" {
		if err := awsfiles.ValidProfileName(o.Profile); err != nil {
			return nil, UsageErrorf("--profile: %w", err)
		}
	}
	return &Output{flags: *o, shell: sh, io: ios, now: now, log: log}, nil
}

// Output delivers credentials as OutputFlags say: profiles in the AWS
// files with one line each on stderr, or env lines or JSON on stdout. It
// implements flow.Sink.
type Output struct {
	flags OutputFlags
	shell creds.Shell
	io    *iostreams.IOStreams
	now   func() time.Time
	log   *slog.Logger
}

// Format is the --format in effect.
func (o *Output) Format() string { return o.flags.Format }

// paths resolves the credentials and config files.
func (o *Output) paths() (credPath, cfgPath string, err error) {
	if credPath, err = awsfiles.CredentialsPath(o.flags.CredentialsFile); err != nil {
		return "", "", err
	}
	if cfgPath, err = awsfiles.ConfigPath(o.flags.ConfigFile); err != nil {
		return "", "", err
	}
	return credPath, cfgPath, nil
}

// Preflight implements flow.Sink: AWS files samlgo could not update are
// refused before any credentials are fetched.
func (o *Output) Preflight(profiles []string) error {
	if o.flags.Format != FormatProfile {
		return nil
	}
	credPath, cfgPath, err := o.paths()
	if err != nil {
		return err
	}
	if err := awsfiles.CheckCredentials(credPath, profiles); err != nil {
		return err
	}
	return awsfiles.Check(cfgPath)
}

// Deliver implements flow.Sink.
func (o *Output) Deliver(ctx context.Context, items []flow.Issued) error {
	switch o.flags.Format {
	case FormatEnv:
		_, err := fmt.Fprint(o.io.Out, items[0].Creds.Env(o.shell, items[0].Region))
		return err
	case FormatJSON:
		_, err := o.io.Out.Write(items[0].Creds.JSON())
		return err
	}
	credPath, cfgPath, err := o.paths()
	if err != nil {
		return err
	}
	profiles := make([]awsfiles.Profile, len(items))
	origin := items[0].Origin
	for i, it := range items {
		profiles[i] = awsfiles.Profile{Name: it.Profile, Credentials: it.Creds, Account: it.Account}
		if it.Origin == awsfiles.OriginSAML {
			profiles[i].Role = it.RoleARN // what a renewal, or its hint, assumes again
		}
		if it.Origin != origin {
			origin = "" // one write records one origin; mixed ones are unknown
		}
	}
	if err := awsfiles.WriteCredentialsOrigin(ctx, credPath, profiles, origin); err != nil {
		return err
	}
	regions := make([]awsfiles.ProfileRegion, len(items))
	for i, it := range items {
		regions[i] = awsfiles.ProfileRegion{Profile: it.Profile, Region: it.Region}
	}
	if err := awsfiles.EnsureRegions(ctx, cfgPath, regions); err != nil {
		return fmt.Errorf("credentials written, but adding the region to %s failed: %w", cfgPath, err)
	}
	for _, it := range items {
		exp := it.Creds.Expiration
		fmt.Fprintf(o.io.ErrOut, "samlgo: profile %q: %s, expires %s (in %s)\n", it.Profile, it.RoleARN,
			exp.UTC().Format(time.RFC3339), TimeLeft(exp.Sub(o.now())))
	}
	o.log.Debug("credentials written", "file", credPath, "profiles", len(items))
	return nil
}

// CheckListing checks a listing's --output: text or json.
func CheckListing(output string) error {
	if output != "text" && output != "json" {
		return UsageErrorf("unknown --output %q; use text or json", output)
	}
	return nil
}

// Made lists the profiles samlgo wrote in the credentials file
// (credentialsFile, else the default) with what it recorded about them.
func Made(credentialsFile string) (path string, made []awsfiles.Made, err error) {
	if path, err = awsfiles.CredentialsPath(credentialsFile); err != nil {
		return "", nil, err
	}
	if made, err = awsfiles.ListMade(path); err != nil {
		return "", nil, UsageError(err)
	}
	return path, made, nil
}
