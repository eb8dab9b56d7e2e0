package assertion

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Aliases maps an account id to the name a person knows it by ("prod").
type Aliases map[string]string

// Label is how a role is shown to a person: "prod (123456789012) team/Deployer".
func (r Role) Label(aliases Aliases) string {
	acct := r.AccountID
	if a := aliases[r.AccountID]; a != "" {
		acct = a + " (" + r.AccountID + ")"
	}
	return acct + " " + r.PathName()
}

// PathName is the role name with its path, without the leading slash.
func (r Role) PathName() string { return strings.TrimPrefix(r.Path, "/") + r.Name }

// SelectionError reports a selector that matched no role or several roles;
// Candidates are the roles worth showing the person.
type SelectionError struct {
	Selector   string
	Candidates []Role
	Ambiguous  bool
}

func (e *SelectionError) Error() string {
	if e.Ambiguous {
		return fmt.Sprintf("role %q matches %d roles", e.Selector, len(e.Candidates))
	}
	return fmt.Sprintf("role %q matches none of the %d roles in the assertion", e.Selector, len(e.Candidates))
}

// ErrNoSelector is returned by Select when there are several roles and no
// selector to choose among them.
var ErrNoSelector = errors.New("the assertion offers several roles and none was chosen")

// Select returns the roles a selector picks. A selector is a full role ARN,
// a role name ("Admin", or "team/Deployer" with its path), ACCOUNT_ID:ROLE,
// ALIAS:ROLE, or a glob over those forms where '*' and '?' match any
// character ("*:ReadOnly", "prod:*"). Names compare case-insensitively, as
// IAM role names are unique regardless of case. With all set, every match is
// returned; otherwise exactly one must match. An empty selector picks the
// only role, all roles with all, or fails with ErrNoSelector.
func Select(roles []Role, selector string, aliases Aliases, all bool) ([]Role, error) {
	selector = strings.TrimSpace(selector)
	if selector == "" {
		if all || len(roles) == 1 {
			return roles, nil
		}
		return nil, ErrNoSelector
	}
	match, err := matcher(selector)
	if err != nil {
		return nil, err
	}
	var out []Role
	for _, r := range roles {
		for _, form := range r.forms(aliases) {
			if match(form) {
				out = append(out, r)
				break
			}
		}
	}
	switch {
	case len(out) == 0:
		return nil, &SelectionError{Selector: selector, Candidates: roles}
	case len(out) > 1 && !all:
		return nil, &SelectionError{Selector: selector, Candidates: out, Ambiguous: true}
	}
	return out, nil
}

// forms lists the strings a selector may name a role by.
func (r Role) forms(aliases Aliases) []string {
	names := []string{r.Name, r.PathName()}
	forms := []string{r.RoleARN}
	forms = append(forms, names...)
	prefixes := []string{r.AccountID}
	if a := aliases[r.AccountID]; a != "" {
		prefixes = append(prefixes, a)
	}
	for _, p := range prefixes {
		for _, n := range names {
			forms = append(forms, p+":"+n)
		}
	}
	return forms
}

func matcher(selector string) (func(string) bool, error) {
	if !strings.ContainsAny(selector, "*?") {
		// Full ARNs too: IAM role names are unique regardless of case, and
		// the rest of an ARN is lower-case or digits.
		return func(s string) bool { return strings.EqualFold(s, selector) }, nil
	}
	var b strings.Builder
	b.WriteString("(?i)^")
	for _, c := range selector {
		switch c {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, fmt.Errorf("role selector %q: %w", selector, err)
	}
	return re.MatchString, nil
}

// SortByAccount orders roles by account alias (or id), then role name, the
// order a picker groups them in.
func SortByAccount(roles []Role, aliases Aliases) []Role {
	out := append([]Role(nil), roles...)
	key := func(r Role) string {
		a := aliases[r.AccountID]
		if a == "" {
			a = "~" + r.AccountID // accounts without an alias after named ones
		}
		return strings.ToLower(a + "\x00" + r.PathName())
	}
	sort.SliceStable(out, func(i, j int) bool { return key(out[i]) < key(out[j]) })
	return out
}
