package root

import (
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/recent"
)

// completeFlags gives every flag with a known set of values its dynamic
// completion, by the flag's name, so that a flag added later gets it too:
// profiles from the AWS files, accounts from samlgo's config, sso sessions,
// and the enums. Nothing is completed as a file name that is not one.
func completeFlags(root *cobra.Command, f *cmdutil.Factory) {
	fixed := func(values ...string) cobra.CompletionFunc {
		return cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp)
	}
	byName := map[string]cobra.CompletionFunc{
		"profile": func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return profiles(), cobra.ShellCompDirectiveNoFileComp
		},
		"to-profile": func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return profiles(), cobra.ShellCompDirectiveNoFileComp
		},
		"session": func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return ssoSessions(), cobra.ShellCompDirectiveNoFileComp
		},
		"format":      fixed(cmdutil.FormatProfile, cmdutil.FormatEnv, cmdutil.FormatJSON),
		"output":      fixed("text", "json"),
		"shell":       fixed("bash", "zsh", "fish", "powershell", "cmd"),
		"sso-region":  cobra.NoFileCompletions,
		"region":      cobra.NoFileCompletions,
		"username":    cobra.NoFileCompletions,
		"duration":    cobra.NoFileCompletions,
		"mfa-code":    cobra.NoFileCompletions,
		"url":         cobra.NoFileCompletions,
		"destination": cobra.NoFileCompletions,
	}
	accounts := func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		cfg, err := f.Config()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		names := make([]string, 0, len(cfg.Accounts))
		for name := range cfg.Accounts {
			names = append(names, name)
		}
		sort.Strings(names)
		return names, cobra.ShellCompDirectiveNoFileComp
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		sso := strings.HasPrefix(c.CommandPath(), root.Name()+" sso")
		for name, fn := range byName {
			if c.LocalNonPersistentFlags().Lookup(name) != nil {
				_ = c.RegisterFlagCompletionFunc(name, fn)
			}
		}
		if c.LocalNonPersistentFlags().Lookup("role") != nil {
			if sso {
				_ = c.RegisterFlagCompletionFunc("role", cobra.NoFileCompletions)
			} else {
				_ = c.RegisterFlagCompletionFunc("role", func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
					return recentRoles(cmd, f), cobra.ShellCompDirectiveNoFileComp
				})
			}
		}
		// sso's --account is an AWS account id or name, not a config account.
		if c.LocalNonPersistentFlags().Lookup("account") != nil {
			if sso && c.Name() != "login" {
				_ = c.RegisterFlagCompletionFunc("account", cobra.NoFileCompletions)
			} else {
				_ = c.RegisterFlagCompletionFunc("account", accounts)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// profiles are the profiles the AWS files define, config and credentials.
func profiles() []string {
	seen := map[string]bool{}
	var out []string
	add := func(names []string, err error) {
		for _, n := range names {
			if err == nil && !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	if p, err := awsfiles.ConfigPath(""); err == nil {
		add(awsfiles.ConfigProfileNames(p))
	}
	if p, err := awsfiles.CredentialsPath(""); err == nil {
		add(awsfiles.CredentialsProfileNames(p))
	}
	sort.Strings(out)
	return out
}

// ssoSessions are the [sso-session NAME] sections of the AWS config.
func ssoSessions() []string {
	p, err := awsfiles.ConfigPath("")
	if err != nil {
		return nil
	}
	names, _ := awsfiles.ConfigSectionNames(p, awsfiles.KindSSOSession)
	return names
}

// recentRoles are the role ARNs the last assertion of the account offered
// (--account, else the config's default account; every account's when
// neither names one).
func recentRoles(cmd *cobra.Command, f *cmdutil.Factory) []string {
	store, err := recent.Default()
	if err != nil {
		return nil
	}
	account := ""
	if fl := cmd.Flag("account"); fl != nil {
		account = fl.Value.String()
	}
	if account == "" {
		if cfg, err := f.Config(); err == nil {
			account = cfg.DefaultAccount
		}
	}
	if account != "" {
		return store.Get(account).Offered
	}
	var all []string
	for _, a := range store.Accounts() {
		all = append(all, a.Offered...)
	}
	sort.Strings(all)
	return slices.Compact(all)
}
