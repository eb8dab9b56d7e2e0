package flow

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/samlgo/samlgo/assertion"
	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/sts"
)

// DefaultProfile is the profile a single-role login writes when nothing
// names one. It is not "default", which often holds a person's long-term
// keys.
const DefaultProfile = "saml"

// PlanOptions are what the person asked for, settled by the command layer
// from flags and config.
type PlanOptions struct {
	// Selector picks roles (see assertion.Select); Principal keeps only
	// roles vouched for by this SAML provider, and with an encrypted
	// assertion names it.
	Selector, Principal string
	// AllRoles takes every role (that Selector matches) at once.
	AllRoles bool
	Aliases  assertion.Aliases
	// Profile is where a single role is written (DefaultProfile when
	// empty); ProfileTemplate names the profiles of AllRoles
	// (awsfiles.DefaultProfileTemplate when empty).
	Profile, ProfileTemplate string
	// Duration is the session length the person chose; zero takes the
	// assertion's SessionDuration (clamped to what STS allows), else
	// sts.DefaultDuration.
	Duration time.Duration
	// Region is the STS region; empty takes each role's partition default.
	Region string
	// Account is the config account signed in with, recorded with each
	// profile so it can be renewed (empty: none, a saved response).
	Account string
	// Targets renews profiles: each role ARN in the assertion is written
	// to its profile, the others are left; the picker, Selector, AllRoles
	// and the profile names above do not apply. A role the assertion no
	// longer offers leaves its profile as it is (Plan.Gone, an error after
	// the others are delivered); none offered is a *ChoiceError. As with
	// AllRoles, what was issued is delivered when some roles fail.
	Targets map[string]string
}

// several reports whether several profiles are renewed at once (what
// was issued is delivered even when others failed).
func (o PlanOptions) several() bool { return o.AllRoles || len(o.Targets) > 0 }

func (o PlanOptions) profile() string {
	if o.Profile != "" {
		return o.Profile
	}
	return DefaultProfile
}

// Plan is what a login settles on before it calls STS.
type Plan struct {
	Roles []assertion.Role
	// Profiles are the profile names, one per role.
	Profiles []string
	Duration time.Duration
	// Region is the STS region; empty means per role, from its partition.
	Region string
	// Gone are the profiles of Targets whose role the assertion no longer
	// offers: the others are renewed, these reported.
	Gone []string
}

// RequestError is a request that cannot be carried out as given: flags
// that contradict the assertion, a template that names two roles alike.
type RequestError struct{ Err error }

func (e *RequestError) Error() string { return e.Err.Error() }
func (e *RequestError) Unwrap() error { return e.Err }

// ChoiceError reports roles that could not be narrowed to what the login
// needs; Roles are the candidates worth showing the person.
type ChoiceError struct {
	Err   error
	Roles []assertion.Role
}

func (e *ChoiceError) Error() string { return e.Err.Error() }
func (e *ChoiceError) Unwrap() error { return e.Err }

// ErrNoOneToAsk is wrapped by a ChoiceError when several roles are offered,
// none is selected and there is no terminal to ask on.
var ErrNoOneToAsk = errors.New("no terminal to ask on")

// MakePlan checks the assertion, chooses roles, names profiles and settles
// the duration; nothing has been sent anywhere yet. choose is asked when
// several roles remain and nothing selects one; nil means there is no one
// to ask.
func MakePlan(resp *assertion.Response, o PlanOptions, now time.Time, choose func([]assertion.Role, assertion.Aliases) (assertion.Role, error)) (*Plan, error) {
	var roles []assertion.Role
	var gone []string
	switch err := resp.Check(now); {
	case errors.Is(err, assertion.ErrEncrypted):
		if !strings.HasPrefix(o.Selector, "arn:") || o.Principal == "" {
			return nil, err
		}
		r, perr := assertion.RoleFromARNs(o.Selector, o.Principal)
		if perr != nil {
			return nil, &RequestError{fmt.Errorf("--role and --principal: %w", perr)}
		}
		roles = []assertion.Role{r}
	case err != nil:
		return nil, err
	case len(o.Targets) > 0:
		if roles, gone, err = targetRoles(resp.Roles, o.Targets); err != nil {
			return nil, err
		}
	default:
		offered := resp.Roles
		if o.Principal != "" {
			offered = filterPrincipal(offered, o.Principal)
			if len(offered) == 0 {
				return nil, &ChoiceError{Err: fmt.Errorf("no role in the assertion is vouched for by --principal %q", o.Principal), Roles: resp.Roles}
			}
		}
		if roles, err = chooseRoles(offered, o, choose); err != nil {
			return nil, err
		}
	}
	p := &Plan{Roles: roles, Region: o.Region, Duration: duration(o.Duration, resp.SessionDuration), Gone: gone}
	for _, r := range roles {
		name, err := profileName(r, o)
		if err != nil {
			return nil, err
		}
		p.Profiles = append(p.Profiles, name)
	}
	if dupe := firstDuplicate(p.Profiles); dupe != "" {
		return nil, &RequestError{fmt.Errorf("two roles would be written to profile %q; use a --profile-template with {account} or {role_path}", dupe)}
	}
	return p, nil
}

// chooseRoles applies PRODUCT.md §1.3: one role, a selector, the picker, or
// a ChoiceError with the list.
func chooseRoles(roles []assertion.Role, o PlanOptions, choose func([]assertion.Role, assertion.Aliases) (assertion.Role, error)) ([]assertion.Role, error) {
	chosen, err := assertion.Select(roles, o.Selector, o.Aliases, o.AllRoles)
	var se *assertion.SelectionError
	switch {
	case err == nil:
		return chosen, nil
	case errors.As(err, &se):
		return nil, &ChoiceError{Err: err, Roles: se.Candidates}
	case errors.Is(err, assertion.ErrNoSelector) && choose != nil:
		r, err := choose(roles, o.Aliases)
		if err != nil {
			return nil, err
		}
		return []assertion.Role{r}, nil
	case errors.Is(err, assertion.ErrNoSelector):
		return nil, &ChoiceError{Err: fmt.Errorf("the assertion offers %d roles; choose one with --role (%w)", len(roles), ErrNoOneToAsk), Roles: roles}
	}
	return nil, err
}

// targetRoles are the assertion's roles that Targets names, in the
// assertion's order, and the profiles whose role it no longer offers. None
// offered is a *ChoiceError.
func targetRoles(offered []assertion.Role, targets map[string]string) (roles []assertion.Role, gone []string, err error) {
	found := map[string]bool{}
	for _, r := range offered {
		if _, ok := targets[r.RoleARN]; ok && !found[r.RoleARN] {
			found[r.RoleARN] = true
			roles = append(roles, r)
		}
	}
	var missing []string
	for arn, profile := range targets {
		if !found[arn] {
			missing = append(missing, arn)
			gone = append(gone, profile)
		}
	}
	slices.Sort(missing)
	slices.Sort(gone)
	if len(roles) == 0 {
		return nil, nil, &ChoiceError{Err: fmt.Errorf("the assertion no longer offers %s; log in again and choose a role", strings.Join(missing, ", ")), Roles: offered}
	}
	return roles, gone, nil
}

func profileName(r assertion.Role, o PlanOptions) (string, error) {
	if len(o.Targets) > 0 {
		return o.Targets[r.RoleARN], nil
	}
	if !o.AllRoles {
		return o.profile(), nil
	}
	tmpl := o.ProfileTemplate
	if tmpl == "" {
		tmpl = awsfiles.DefaultProfileTemplate
	}
	name, err := awsfiles.ProfileName(tmpl, awsfiles.RoleName{
		Account: r.AccountID, Alias: o.Aliases[r.AccountID], Role: r.Name, Path: r.Path, Partition: r.Partition,
	})
	if err != nil {
		return "", &RequestError{err}
	}
	return name, nil
}

// duration is the session length: the person's choice, else the
// assertion's SessionDuration within what STS allows, else one hour.
func duration(chosen, fromAssertion time.Duration) time.Duration {
	switch {
	case chosen > 0:
		return chosen
	case fromAssertion > 0:
		return min(max(fromAssertion, sts.MinDuration), sts.MaxDuration)
	}
	return sts.DefaultDuration
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
