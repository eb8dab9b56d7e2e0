package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo/assertion"
	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/browser"
	"github.com/samlgo/samlgo/config"
	"github.com/samlgo/samlgo/sts"
)

// samlAssumer is the STS call login needs.
type samlAssumer interface {
	AssumeRoleWithSAML(ctx context.Context, r sts.SAMLRequest) (*sts.Result, error)
}

// rolePicker asks the person to choose one role.
type rolePicker func(roles []assertion.Role, aliases assertion.Aliases) (assertion.Role, error)

type loginOptions struct {
	app *app

	Account         string
	SAMLFile        string
	Role            string
	Principal       string
	AllRoles        bool
	ProfileTemplate string
	Duration        string
	Region          string
	Output          outputOptions
	Browser         browserOptions

	// newAssumer makes the STS client for a region and profile.
	newAssumer func(ctx context.Context, o sts.Options) (samlAssumer, error)
	// pick is the interactive picker.
	pick rolePicker
	// cfg, when set, is used instead of reading the config file (demo).
	cfg *config.Config
	// trace, when set, hears "captured" and "written" (benchmarks).
	trace func(event string)
	// timings are the last browser sign-in's phases.
	timings browser.Timings
	// closing are closed when the browsers of this login have exited.
	closing []chan struct{}
}

func (o *loginOptions) traceEvent(event string) {
	if o.trace != nil {
		o.trace(event)
	}
}

func newLoginCmd(a *app) *cobra.Command {
	o := &loginOptions{
		app: a,
		newAssumer: func(ctx context.Context, so sts.Options) (samlAssumer, error) {
			return sts.New(ctx, so)
		},
		pick: func(roles []assertion.Role, aliases assertion.Aliases) (assertion.Role, error) {
			return pickRole(a.io, roles, aliases)
		},
	}
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Sign in through the IdP and get role credentials",
		Long: `login signs you in through your IdP in Chrome, catches the SAMLResponse the
IdP posts to AWS (it never reaches AWS from the browser), turns it into
temporary credentials for one of its roles (AssumeRoleWithSAML) and writes
them as a profile, shell export lines or credential_process JSON.

The window is visible when there is a display, headless otherwise (or with
--headless); headless, samlgo fills ordinary login forms itself. The IdP
session is kept per account, so the next login needs no password.

With --saml-file (a file saved from the browser, or - for stdin) no browser
is used; the response may be base64, URL-encoded, a whole form body, or XML.`,
		Example: `  samlgo login                                  # default account: sign in in Chrome
  samlgo login --account corp --role Admin
  samlgo login --headless --username alice       # password from SAMLGO_PASSWORD, --password-stdin or a prompt
  samlgo login --saml-file samlresponse.log
  samlgo login --saml-file - --role Admin --profile prod < samlresponse.log
  samlgo login --saml-file resp.txt --all-roles
  eval "$(samlgo login --saml-file resp.txt --role 123456789012:Admin --format env)"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return loginRun(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Account, "account", "", "account from the config file (default: default_account)")
	f.StringVar(&o.SAMLFile, "saml-file", "", "read the SAMLResponse from this file, or - for stdin")
	f.StringVar(&o.Role, "role", "", "role: ARN, name, ACCOUNT_ID:ROLE, ALIAS:ROLE or a glob like '*:ReadOnly'")
	f.StringVar(&o.Principal, "principal", "", "SAML provider ARN (needed with an encrypted assertion)")
	f.BoolVar(&o.AllRoles, "all-roles", false, "write one profile per role (see --profile-template)")
	f.StringVar(&o.ProfileTemplate, "profile-template", "", "profile names for --all-roles (default "+awsfiles.DefaultProfileTemplate+")")
	f.StringVar(&o.Duration, "duration", "", "session length, e.g. 1h or 3600 (15m to 12h)")
	f.StringVar(&o.Region, "region", "", "STS region, also written to ~/.aws/config (default from the role's partition)")
	o.Output.addFlags(f)
	o.Browser.addFlags(f)
	return cmd
}

// loginPlan is what login settles on before calling STS.
type loginPlan struct {
	roles    []assertion.Role
	profiles []string
	duration time.Duration
	region   string // "" means per role, from its partition
}

func loginRun(ctx context.Context, o *loginOptions) error {
	a := o.app
	if err := o.Output.validate(); err != nil {
		return err
	}
	if o.AllRoles && o.Output.Format != formatProfile {
		return usageErrorf("--all-roles writes one profile per role, so it needs --format profile")
	}
	if o.AllRoles && o.Output.Profile != "" {
		return usageErrorf("--all-roles names profiles with --profile-template, not --profile")
	}
	cfg := o.cfg
	if cfg == nil {
		var err error
		if cfg, err = a.loadConfig(); err != nil {
			return err
		}
	}
	acct, acctName, err := cfg.Account(o.Account)
	if err != nil {
		return usageError(err)
	}
	// Chrome closes in the background while STS and the files are done; no
	// process may outlive samlgo, so the login waits for it at the end.
	defer func() {
		for _, c := range o.closing {
			<-c
		}
	}()
	var capture captureFunc
	if o.SAMLFile != "" {
		capture = func(context.Context) (*assertion.Response, error) { return readSAML(a.io, o.SAMLFile) }
	} else if capture, err = o.browserCapture(cfg, acct, acctName); err != nil {
		return err
	}
	if err := o.Output.preflight(o.plannedProfiles(acct)); err != nil {
		return err
	}
	resp, err := capture(ctx)
	if err != nil {
		return err
	}
	o.traceEvent("captured")
	// A browser sign-in captures a fresh response once when the one it got
	// has expired (STS takes it only within 5 minutes of its issue).
	for retried := false; ; retried = true {
		canRetry := o.SAMLFile == "" && !retried
		plan, err := o.plan(resp, acct)
		if canRetry && errors.Is(err, assertion.ErrExpired) {
			fmt.Fprintln(a.io.ErrOut, "samlgo: the captured assertion has expired; signing in again")
			if resp, err = capture(ctx); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		if err := o.Output.preflight(plan.profiles); err != nil {
			return err
		}
		items, assumeErr := o.assume(ctx, resp, plan)
		var se *sts.Error
		if canRetry && len(items) == 0 && errors.As(assumeErr, &se) && se.Kind == sts.Expired {
			fmt.Fprintln(a.io.ErrOut, "samlgo: AWS says the assertion has expired; signing in again")
			if resp, err = capture(ctx); err != nil {
				return err
			}
			continue
		}
		if len(items) > 0 {
			if err := o.Output.write(ctx, a, items); err != nil {
				return err
			}
			o.traceEvent("written")
		}
		return assumeErr
	}
}

// plannedProfiles is the profile a single-role login writes, known before
// any sign-in, so a broken or protected credentials file stops the login
// before the browser opens.
func (o *loginOptions) plannedProfiles(acct config.Account) []string {
	if o.AllRoles {
		return nil
	}
	return []string{firstNonEmpty(o.Output.Profile, acct.Profile, defaultProfile)}
}

// plan checks the assertion, chooses roles, names profiles and settles the
// duration and region; nothing has been sent anywhere yet.
func (o *loginOptions) plan(resp *assertion.Response, acct config.Account) (*loginPlan, error) {
	a := o.app
	aliases := assertion.Aliases(acct.Aliases)
	selector := firstNonEmpty(o.Role, acct.Role)
	principal := firstNonEmpty(o.Principal, acct.Principal)

	var roles []assertion.Role
	switch err := resp.Check(a.now()); {
	case errors.Is(err, assertion.ErrEncrypted):
		if !strings.HasPrefix(selector, "arn:") || principal == "" {
			return nil, usageError(err, "hint: pass --role ROLE_ARN --principal PROVIDER_ARN; STS can decrypt the assertion, samlgo cannot read its roles")
		}
		r, perr := assertion.RoleFromARNs(selector, principal)
		if perr != nil {
			return nil, usageErrorf("--role and --principal: %v", perr)
		}
		roles = []assertion.Role{r}
	case err != nil:
		return nil, err
	default:
		offered := resp.Roles
		if principal != "" {
			offered = filterPrincipal(offered, principal)
			if len(offered) == 0 {
				return nil, usageError(fmt.Errorf("no role in the assertion is vouched for by --principal %q", principal), roleList(resp.Roles, aliases)...)
			}
		}
		roles, err = o.choose(offered, selector, aliases)
		if err != nil {
			return nil, err
		}
	}

	p := &loginPlan{roles: roles, region: firstNonEmpty(o.Region, acct.Region)}
	for _, r := range roles {
		name, err := o.profileName(r, acct, aliases)
		if err != nil {
			return nil, err
		}
		p.profiles = append(p.profiles, name)
	}
	if dupe := firstDuplicate(p.profiles); dupe != "" {
		return nil, usageErrorf("two roles would be written to profile %q; use a --profile-template with {account} or {role_path}", dupe)
	}
	d, err := o.duration(resp, acct)
	if err != nil {
		return nil, err
	}
	p.duration = d
	return p, nil
}

// choose applies PRODUCT.md §1.3: one role, a selector, the picker on a
// terminal, or exit 2 with the list.
func (o *loginOptions) choose(roles []assertion.Role, selector string, aliases assertion.Aliases) ([]assertion.Role, error) {
	chosen, err := assertion.Select(roles, selector, aliases, o.AllRoles)
	var se *assertion.SelectionError
	switch {
	case err == nil:
		return chosen, nil
	case errors.As(err, &se):
		return nil, usageError(err, append(roleList(se.Candidates, aliases), selectorHint(se.Candidates))...)
	case errors.Is(err, assertion.ErrNoSelector) && o.app.io.CanPrompt():
		r, perr := o.pick(roles, aliases)
		if perr != nil {
			return nil, perr
		}
		return []assertion.Role{r}, nil
	case errors.Is(err, assertion.ErrNoSelector):
		return nil, usageError(fmt.Errorf("the assertion offers %d roles; choose one with --role (no terminal to ask on)", len(roles)),
			append(roleList(roles, aliases), selectorHint(roles))...)
	}
	return nil, err
}

func (o *loginOptions) profileName(r assertion.Role, acct config.Account, aliases assertion.Aliases) (string, error) {
	if !o.AllRoles {
		return firstNonEmpty(o.Output.Profile, acct.Profile, defaultProfile), nil
	}
	tmpl := firstNonEmpty(o.ProfileTemplate, acct.ProfileTemplate, awsfiles.DefaultProfileTemplate)
	name, err := awsfiles.ProfileName(tmpl, awsfiles.RoleName{Account: r.AccountID, Alias: aliases[r.AccountID], Role: r.Name, Path: r.Path, Partition: r.Partition})
	if err != nil {
		return "", usageError(err)
	}
	return name, nil
}

// duration applies the precedence --duration › account config › the
// assertion's SessionDuration › 1h, within STS's 15m–12h.
func (o *loginOptions) duration(resp *assertion.Response, acct config.Account) (time.Duration, error) {
	if o.Duration != "" {
		d, err := config.ParseDuration(o.Duration)
		if err != nil {
			return 0, usageErrorf("--duration: %v", err)
		}
		return d, checkDuration("--duration", d)
	}
	if d := acct.SessionDuration(); d > 0 {
		return d, checkDuration("the account's duration", d)
	}
	if d := resp.SessionDuration; d > 0 {
		return min(max(d, sts.MinDuration), sts.MaxDuration), nil
	}
	return sts.DefaultDuration, nil
}

func checkDuration(what string, d time.Duration) error {
	if d < sts.MinDuration || d > sts.MaxDuration {
		return usageErrorf("%s %s is outside what AWS allows (15m to 12h)", what, d)
	}
	return nil
}

// assume calls STS for every chosen role, at most four at a time. With
// --all-roles, the credentials that were issued are returned even when some
// calls failed, together with an error that says how many failed.
func (o *loginOptions) assume(ctx context.Context, resp *assertion.Response, p *loginPlan) ([]issued, error) {
	a := o.app
	encoded := assertion.Encode(resp.XML)
	clients := map[string]samlAssumer{}
	items := make([]issued, len(p.roles))
	for i, r := range p.roles {
		region := firstNonEmpty(p.region, sts.RegionFor(r.Partition))
		items[i] = issued{Profile: p.profiles[i], RoleARN: r.RoleARN, Region: region}
		if clients[region] != nil {
			continue
		}
		c, err := o.newAssumer(ctx, sts.Options{Region: region, Profile: p.profiles[i]})
		if err != nil {
			return nil, err
		}
		clients[region] = c
	}
	errs := make([]error, len(p.roles))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i, r := range p.roles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			a.log.Debug("AssumeRoleWithSAML", "role", r.RoleARN, "region", items[i].Region, "duration", p.duration)
			res, err := clients[items[i].Region].AssumeRoleWithSAML(ctx, sts.SAMLRequest{
				RoleARN: r.RoleARN, PrincipalARN: r.PrincipalARN, Assertion: encoded, Duration: p.duration,
			})
			if err != nil {
				errs[i] = fmt.Errorf("%s: %w", r.RoleARN, err)
				return
			}
			items[i].Creds = res.Credentials
			if res.Shortened {
				fmt.Fprintf(a.io.ErrOut, "samlgo: %s allows at most 1h here; the session was shortened to 1h\n", r.RoleARN)
			}
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil, errCancelled
	}
	var ok []issued
	var failed []error
	for i := range items {
		if errs[i] != nil {
			failed = append(failed, errs[i])
		} else {
			ok = append(ok, items[i])
		}
	}
	switch {
	case len(failed) == 0:
		return ok, nil
	case len(ok) == 0 || !o.AllRoles:
		return nil, failed[0]
	}
	return ok, &exitError{exitFailure, fmt.Errorf("%d of %d roles failed; first: %w", len(failed), len(items), failed[0]), nil}
}

func filterPrincipal(roles []assertion.Role, principal string) []assertion.Role {
	var out []assertion.Role
	for _, r := range roles {
		if r.PrincipalARN == principal {
			out = append(out, r)
		}
	}
	return out
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

func firstDuplicate(names []string) string {
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			return n
		}
		seen[n] = true
	}
	return ""
}
