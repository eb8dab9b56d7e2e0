// Package configureprofile is the samlgo configure-profile command: it
// writes the credential_process line of a profile into ~/.aws/config.
package configureprofile

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/child"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/config"
)

// Options are configure-profile's arguments and dependencies.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	// Executable is the running samlgo (os.Executable).
	Executable func() (string, error)
	// ConfigPath is samlgo's --config, else $SAMLGO_CONFIG: when one is in
	// effect the line carries it, since credential_process runs without
	// the person's environment and its cache is keyed by the config.
	ConfigPath string

	Profile string
	Account string
	Role    string
	Region  string
	// CredentialsFile is the shared credentials file to check for keys
	// that would shadow the line; ConfigFile the config file written.
	CredentialsFile, ConfigFile string
}

// NewCmdConfigureProfile builds the command; runF replaces
// configureProfileRun in tests of the flag wiring.
func NewCmdConfigureProfile(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Executable: os.Executable}
	cmd := &cobra.Command{
		Use:   "configure-profile PROFILE --account ACCOUNT --role ROLE",
		Short: "Write a profile's credential_process line into ~/.aws/config",
		Long: `configure-profile makes PROFILE in ~/.aws/config (or $AWS_CONFIG_FILE) get its
credentials from samlgo: it writes the credential_process line with samlgo's
absolute path, so the AWS CLI and every SDK sign in through your IdP when
they need to, and share one cached sign-in. Nothing else in the file
changes. The fast samlgo-credential-process program is used when it is
installed beside samlgo.`,
		Example: `  samlgo configure-profile corp-admin --account corp --role Admin
  aws s3 ls --profile corp-admin`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("configure-profile takes one profile name, got %d arguments: samlgo configure-profile P --account A --role R", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Profile = args[0]
			opts.Config, opts.ConfigPath = f.Config, cmdutil.First(f.ConfigPath, f.Getenv("SAMLGO_CONFIG"))
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return configureProfileRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Account, "account", "a", "", "account from the config file (default: default_account)")
	cmd.Flags().StringVarP(&opts.Role, "role", "r", "", "role: ARN, name, ACCOUNT_ID:ROLE, ALIAS:ROLE or a glob matching one role")
	cmd.Flags().StringVar(&opts.Region, "region", "", "region for the profile (default: the account's region)")
	cmd.Flags().StringVar(&opts.CredentialsFile, "credentials-file", "", "credentials file (default $AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials)")
	return cmd
}

func configureProfileRun(ctx context.Context, opts *Options) error {
	if err := awsfiles.ValidProfileName(opts.Profile); err != nil {
		return cmdutil.UsageErrorf("profile: %w", err)
	}
	if opts.Role == "" {
		return cmdutil.UsageErrorf("--role is required: credential_process cannot ask which role")
	}
	_, acct, acctName, err := cmdutil.Account(opts.Config, opts.Account, true)
	if err != nil {
		return err
	}
	region := cmdutil.First(opts.Region, acct.Region)
	if err := cmdutil.CheckRegion("--region", region); err != nil {
		return err
	}
	line, warn, err := opts.commandLine(acctName)
	if err != nil {
		return err
	}
	if warn != "" {
		fmt.Fprintf(opts.IO.ErrOut, "samlgo: warning: %s\n", warn)
	}
	cfgPath, err := awsfiles.ConfigPath(opts.ConfigFile)
	if err != nil {
		return err
	}
	keys := [][2]string{{"credential_process", line}}
	if region != "" {
		keys = append(keys, [2]string{"region", region})
	}
	if err := awsfiles.SetConfigKeys(ctx, cfgPath, awsfiles.KindProfile, opts.Profile, keys); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "samlgo: profile %q in %s: credential_process = %s\n", opts.Profile, cfgPath, line)
	if region == "" {
		if v, _ := awsfiles.ConfigValue(cfgPath, opts.Profile, "region"); v == "" {
			fmt.Fprintf(opts.IO.ErrOut, "samlgo: warning: profile %q has no region; the AWS CLI will ask for one: pass --region, or set region in the account's config\n", opts.Profile)
		}
	}
	// Keys stored under the same name in the credentials file come first
	// in the AWS CLI's chain: the line would never run.
	if credPath, err := awsfiles.CredentialsPath(opts.CredentialsFile); err == nil {
		if _, err := awsfiles.ReadCredentials(credPath, opts.Profile); err == nil {
			fmt.Fprintf(opts.IO.ErrOut, "samlgo: warning: %s also has keys for profile %q; the AWS CLI uses those first, so remove them for credential_process to run\n", credPath, opts.Profile)
		}
	}
	return nil
}

// commandLine is the credential_process value: the fast program when it
// is installed beside samlgo, else samlgo credential-process; absolute
// paths, quoted as the AWS CLI splits the line on this system (see
// joinWords). warn is set when a Windows path keeps a space that some
// runners of the line cannot take.
func (opts *Options) commandLine(acctName string) (line, warn string, err error) {
	exe, err := opts.Executable()
	if err != nil {
		return "", "", fmt.Errorf("finding samlgo's own path: %w", err)
	}
	if abs, err := filepath.Abs(exe); err == nil {
		exe = abs
	}
	words := []string{exe, "credential-process"}
	if fast := filepath.Join(filepath.Dir(exe), "samlgo-credential-process"+child.ExeSuffix); child.Runnable(fast) {
		words = []string{fast}
	}
	if runtime.GOOS == "windows" && strings.ContainsAny(words[0], " \t") {
		// The Go SDK runs the line through cmd.exe /C, which cannot run a
		// quoted program followed by arguments (aws-sdk-go-v2#3208); the
		// short 8.3 name has no space, where the volume keeps such names.
		if short := shortPath(words[0]); !strings.ContainsAny(short, " \t") {
			words[0] = short
		} else {
			warn = fmt.Sprintf("%s has a space: the AWS CLI runs the line, but programs built on the AWS SDK for Go (Terraform, and others) cannot; install samlgo in a folder without spaces and run configure-profile again", words[0])
		}
	}
	if opts.ConfigPath != "" {
		abs, err := filepath.Abs(opts.ConfigPath)
		if err != nil {
			return "", "", err
		}
		words = append(words, "--config", abs)
	}
	words = append(words, "--account", acctName, "--role", opts.Role)
	return joinWords(runtime.GOOS, words), warn, nil
}

// joinWords makes the command line whose split, as the AWS CLI splits
// credential_process on goos, gives words back. Elsewhere botocore splits
// with shlex (POSIX shell rules): single quotes. On Windows it splits as
// the C runtime does (botocore.compat._windows_shell_split), where a
// single quote is an ordinary character: double quotes, backslashes
// doubled only before a quote. Words that need no quotes get none, which
// also keeps the line runnable through cmd.exe /C (the Go SDK's way).
func joinWords(goos string, words []string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		if goos == "windows" {
			quoted[i] = windowsQuote(w)
		} else {
			quoted[i] = shellQuote(w)
		}
	}
	return strings.Join(quoted, " ")
}

// shellQuote quotes a word for a POSIX shell-style split (botocore splits
// credential_process with shlex) when it holds anything beyond the safe
// characters.
func shellQuote(w string) string {
	if w != "" && strings.Trim(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-") == "" {
		return w
	}
	return "'" + strings.ReplaceAll(w, "'", `'"'"'`) + "'"
}

// windowsQuote quotes a word for the C runtime's split when it holds a
// space, a tab, a double quote or a character cmd.exe would act on.
func windowsQuote(w string) string {
	if w != "" && !strings.ContainsAny(w, " \t\"&|<>^%()!") {
		return w
	}
	var b strings.Builder
	b.WriteByte('"')
	slashes := 0
	for _, r := range w {
		switch r {
		case '\\':
			slashes++
			continue
		case '"':
			b.WriteString(strings.Repeat(`\`, 2*slashes+1))
		default:
			b.WriteString(strings.Repeat(`\`, slashes))
		}
		slashes = 0
		b.WriteRune(r)
	}
	b.WriteString(strings.Repeat(`\`, 2*slashes)) // before the closing quote
	b.WriteByte('"')
	return b.String()
}
