// Package refresh is the samlgo refresh command: renew every profile
// samlgo wrote that expires soon, one sign-in per account.
package refresh

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
)

// Options are refresh's flags and dependencies.
type Options struct {
	IO  *iostreams.IOStreams
	Now func() time.Time
	// Renew signs in to an account once and renews the targets (role ARN
	// → profile) from that assertion (cmdutil.BrowserFlags.Renew).
	Renew func(ctx context.Context, credentialsFile, account string, targets map[string]string) error

	Within          time.Duration
	Account         string
	CredentialsFile string
	Browser         cmdutil.BrowserFlags
}

// NewCmdRefresh builds the command; runF replaces refreshRun in tests of
// the flag wiring.
func NewCmdRefresh(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Now: f.Now}
	opts.Renew = func(ctx context.Context, credentialsFile, account string, targets map[string]string) error {
		b := opts.Browser
		if !b.NoHeadless {
			b.Headless = true // the saved IdP session first; a window when it stalls and there is a display
		}
		return b.Renew(ctx, f, credentialsFile, account, targets)
	}
	cmd := &cobra.Command{
		Use:   "refresh [--within 15m] [--account A]",
		Short: "Renew every profile samlgo wrote that expires soon: one sign-in per account",
		Long: `refresh renews the profiles samlgo wrote from a sign-in to an account (see
samlgo status) that have expired or expire within --within: one sign-in per
account, with the saved IdP session when it still holds (headless; a
window, or the terminal, when the IdP asks for more), then every role of
that account from the one assertion, the STS calls in parallel, each
written back to its own profile. Profiles made otherwise (sso, assume-role,
a saved response) are left alone.`,
		Example: `  samlgo refresh
  samlgo refresh --within 1h --account corp`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return refreshRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.DurationVar(&opts.Within, "within", 15*time.Minute, "renew what expires within this long")
	fl.StringVarP(&opts.Account, "account", "a", "", "only this account's profiles")
	fl.StringVar(&opts.CredentialsFile, "credentials-file", "", "credentials file (default $AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials)")
	opts.Browser.RegisterChrome(fl)
	return cmd
}

func refreshRun(ctx context.Context, opts *Options) error {
	if opts.Within < 0 {
		return cmdutil.UsageErrorf("--within must not be negative")
	}
	path, made, err := cmdutil.Made(opts.CredentialsFile)
	if err != nil {
		return err
	}
	due := map[string]map[string]string{} // account → role ARN → profile
	total, kept := 0, 0
	for _, m := range made {
		if m.Origin != awsfiles.OriginSAML || m.Account == "" || m.Role == "" || (opts.Account != "" && m.Account != opts.Account) {
			continue
		}
		total++
		if !m.Due(opts.Now(), opts.Within) {
			kept++
			continue
		}
		if due[m.Account] == nil {
			due[m.Account] = map[string]string{}
		}
		if other, ok := due[m.Account][m.Role]; ok {
			// One role, two profiles: the assertion gives one set of
			// credentials per role; the second profile waits for the next run.
			fmt.Fprintf(opts.IO.ErrOut, "samlgo: %s and %s hold the same role; renewing %s this time\n", other, m.Profile, other)
			continue
		}
		due[m.Account][m.Role] = m.Profile
	}
	if len(due) == 0 {
		if total == 0 && opts.Account != "" {
			return cmdutil.UsageErrorf("no profile in %s was written by samlgo from account %q", path, opts.Account)
		}
		fmt.Fprintf(opts.IO.ErrOut, "samlgo: nothing to refresh: %d profiles from sign-ins, none expires within %s\n", total, opts.Within)
		return nil
	}
	accounts := make([]string, 0, len(due))
	for a := range due {
		accounts = append(accounts, a)
	}
	sort.Strings(accounts)
	var failed []string
	var first error
	for _, a := range accounts {
		n := fmt.Sprintf("%d profiles", len(due[a]))
		if len(due[a]) == 1 {
			n = "1 profile"
		}
		fmt.Fprintf(opts.IO.ErrOut, "samlgo: account %s: renewing %s with one sign-in\n", a, n)
		err := opts.Renew(ctx, path, a, due[a])
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			// The other accounts are still renewed; the failure is reported
			// at the end, with its hints.
			fmt.Fprintf(opts.IO.ErrOut, "samlgo: account %s: %v\n", a, err)
			failed = append(failed, a)
			if first == nil {
				first = err
			}
		}
	}
	if first != nil {
		// The first failure's own hints come with it (Classify reads them
		// through the wrapping).
		return cmdutil.FailureError(fmt.Errorf("%d of %d accounts could not be renewed (%v); the first: %w", len(failed), len(accounts), failed, first))
	}
	return nil
}
