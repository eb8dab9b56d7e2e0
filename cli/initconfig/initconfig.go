// Package initconfig is the samlgo init command: a first run that asks for
// what a first login needs and writes it to the config.
package initconfig

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/cli/prompt"
	"github.com/samlgo/samlgo/config"
	"github.com/samlgo/samlgo/config/configedit"
	"github.com/samlgo/samlgo/flow"
)

// Options are init's flags and dependencies.
type Options struct {
	IO       *iostreams.IOStreams
	Prompter prompt.Prompter
	// ConfigPath is the config file to write (config.Path).
	ConfigPath func() (string, error)
	// Check asks the IdP's URL and returns the HTTP status it answered
	// with.
	Check func(ctx context.Context, url string) (int, error)

	URL      string
	Username string
	Profile  string
	Region   string
	Account  string
	NoCheck  bool
}

// NewCmdInit builds the command; runF replaces initRun in tests of the
// flag wiring.
func NewCmdInit(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Prompter: f.Prompter, Check: check}
	cmd := &cobra.Command{
		Use:   "init [--url URL] [--username NAME] [--profile P] [--region R] [--account NAME]",
		Short: "Set samlgo up: the IdP URL and a first account in the config",
		Long: `init asks for what a first login needs: the IdP's sign-on URL for AWS,
your username there, the profile to write and the region (on a terminal,
for what the flags do not give), checks that the URL answers, and adds the
account to samlgo's config file (samlgo config path), creating it when
there is none. What the file already holds is kept as it is; the first
account becomes the default one. The password is never stored.`,
		Example: `  samlgo init
  samlgo init --url 'https://adfs.example.com/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices' --username alice@example.com
  samlgo init --account lab --url https://idp.lab.example/sso --profile lab --region eu-west-1 --no-check`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.ConfigPath = func() (string, error) {
				p, _, err := config.Path(f.ConfigPath)
				return p, err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return initRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.URL, "url", "", "the IdP's sign-on URL for AWS (IdP-initiated)")
	fl.StringVar(&opts.Username, "username", "", "your username at the IdP (the autofill types it)")
	fl.StringVarP(&opts.Profile, "profile", "p", "", "the profile login writes (default "+flow.DefaultProfile+")")
	fl.StringVar(&opts.Region, "region", "", "STS region (default: from the role's partition)")
	fl.StringVarP(&opts.Account, "account", "a", "", "the account's name in the config (default: from the URL's host)")
	fl.BoolVar(&opts.NoCheck, "no-check", false, "do not check that the URL answers")
	return cmd
}

func initRun(ctx context.Context, opts *Options) error {
	path, err := opts.ConfigPath()
	if err != nil {
		return cmdutil.UsageError(err)
	}
	ask := opts.IO.CanPrompt()
	if opts.URL == "" && !ask {
		return cmdutil.UsageErrorf("init needs --url when there is no terminal to ask on")
	}
	if ask {
		fmt.Fprintf(opts.IO.ErrOut, "samlgo: setting up %s (Enter keeps what is in brackets)\n", path)
	}
	// Each answer is checked as it is given, and asked again when wrong.
	answer := func(value *string, question string, check func(string) error) error {
		for {
			if *value == "" && ask {
				v, err := opts.Prompter.Line(question)
				if err != nil {
					return err
				}
				*value = strings.TrimSpace(v)
			}
			err := check(*value)
			if err == nil || !ask {
				return err
			}
			fmt.Fprintf(opts.IO.ErrOut, "samlgo: %v\n", err)
			*value = ""
		}
	}
	if err := answer(&opts.URL, "IdP sign-on URL for AWS: ", func(v string) error {
		if v == "" {
			return cmdutil.UsageErrorf("the IdP's sign-on URL is what samlgo opens to sign you in; it is needed")
		}
		return cmdutil.CheckSignOnURL("the URL", v)
	}); err != nil {
		return err
	}
	if err := answer(&opts.Username, "IdP username (empty: asked at login): ", func(string) error { return nil }); err != nil {
		return err
	}
	if err := answer(&opts.Profile, "profile to write ["+flow.DefaultProfile+"]: ", func(v string) error {
		if v == "" {
			return nil
		}
		if err := awsfiles.ValidProfileName(v); err != nil {
			return cmdutil.UsageErrorf("profile: %w", err)
		}
		return nil
	}); err != nil {
		return err
	}
	if err := answer(&opts.Region, "AWS region (empty: from the role): ", func(v string) error { return cmdutil.CheckRegion("the region", v) }); err != nil {
		return err
	}
	name := cmdutil.First(opts.Account, accountName(opts.URL))
	if !configedit.ValidName(name) {
		return cmdutil.UsageErrorf("account name %q: use letters, digits, - and _", name)
	}
	if !opts.NoCheck {
		cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		status, err := opts.Check(cctx, opts.URL)
		cancel()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			return cmdutil.FailureError(fmt.Errorf("the URL does not answer: %w", err),
				"hint: check the address and the network (a VPN?), or pass --no-check to write it anyway")
		}
		fmt.Fprintf(opts.IO.ErrOut, "samlgo: the IdP answered (HTTP %d)\n", status)
	}
	added, err := configedit.AddAccount(ctx, path, name, configedit.Account{URL: opts.URL, Username: opts.Username, Profile: opts.Profile, Region: opts.Region})
	switch {
	case errors.Is(err, configedit.ErrExists):
		return cmdutil.UsageError(err, "hint: pass --account with another name, or edit the file")
	case err != nil:
		return cmdutil.FailureError(err)
	}
	verb := "added"
	if added.Created {
		verb = "wrote"
	}
	fmt.Fprintf(opts.IO.ErrOut, "samlgo: %s [accounts.%s] to %s\n", verb, name, path)
	switch added.Default {
	case name:
		fmt.Fprintf(opts.IO.ErrOut, "samlgo: it is the default account; next: samlgo login\n")
	case "":
		fmt.Fprintf(opts.IO.ErrOut, "samlgo: the config names no default account; next: samlgo login --account %s\n", name)
	default:
		fmt.Fprintf(opts.IO.ErrOut, "samlgo: the default account stays %s; next: samlgo login --account %s\n", added.Default, name)
	}
	return nil
}

// accountName names an account after its IdP's organisation: the label
// before the host's public suffix (adfs.example.com → example), else
// "work" (an address, localhost).
func accountName(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "work"
	}
	labels := strings.Split(strings.ToLower(u.Hostname()), ".")
	if len(labels) < 2 || net.ParseIP(u.Hostname()) != nil {
		return "work"
	}
	name := labels[len(labels)-2]
	// Two-part suffixes: example.co.uk, example.com.au.
	if len(labels) >= 3 && len(labels[len(labels)-1]) == 2 && (name == "co" || name == "com" || name == "ac" || name == "org" || name == "gov") {
		name = labels[len(labels)-3]
	}
	if !configedit.ValidName(name) {
		return "work"
	}
	return name
}

// check asks the URL with a GET, following redirects as a browser would;
// any HTTP answer counts (a sign-in page often answers 401 or 302).
func check(ctx context.Context, u string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL, with its query, is the person's own; no need to repeat it
		}
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
