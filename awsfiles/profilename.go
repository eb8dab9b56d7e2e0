package awsfiles

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// DefaultProfileTemplate names one profile per role when several roles are
// written at once (login --all-roles, sso creds --all).
const DefaultProfileTemplate = "{alias_or_account}-{role}"

// RoleName is what a profile-name template can say about a role.
type RoleName struct {
	// Account is the 12-digit account id; Alias the name a person knows
	// it by, empty without one.
	Account, Alias string
	// Role is the role name without its path; Path is the IAM path
	// ("/team/"), empty or "/" for none.
	Role, Path string
	// Partition is the ARN partition ("aws", "aws-cn", …).
	Partition string
}

var placeholder = regexp.MustCompile(`\{[^{}]*\}`)

// ProfileName fills a profile-name template. Placeholders: {account},
// {alias} (empty without one), {alias_or_account}, {role} (name without
// path), {role_path} (path and name, '/' replaced by '-'), {partition}.
// The result must be a name ValidProfileName accepts.
func ProfileName(template string, r RoleName) (string, error) {
	aliasOrAccount := r.Alias
	if aliasOrAccount == "" {
		aliasOrAccount = r.Account
	}
	values := map[string]string{
		"{account}":          r.Account,
		"{alias}":            r.Alias,
		"{alias_or_account}": aliasOrAccount,
		"{role}":             r.Role,
		"{role_path}":        strings.ReplaceAll(strings.TrimPrefix(r.Path, "/")+r.Role, "/", "-"),
		"{partition}":        r.Partition,
	}
	var bad string
	name := placeholder.ReplaceAllStringFunc(template, func(p string) string {
		v, ok := values[p]
		if !ok && bad == "" {
			bad = p
		}
		return v
	})
	if bad != "" {
		return "", fmt.Errorf("profile template %q: unknown placeholder %s (known: {account} {alias} {alias_or_account} {role} {role_path} {partition})", template, bad)
	}
	if err := ValidProfileName(name); err != nil {
		return "", fmt.Errorf("profile template %q gives %w", template, err)
	}
	return name, nil
}

// ValidProfileName refuses names that cannot stand in an ini section header.
func ValidProfileName(name string) error {
	if strings.TrimSpace(name) == "" {
		return errors.New("an empty profile name")
	}
	if strings.ContainsAny(name, "[]\r\n#;=") || strings.TrimSpace(name) != name {
		return fmt.Errorf("profile name %q with characters an AWS file cannot hold (brackets, '=', '#', ';', line breaks or edge spaces)", name)
	}
	return nil
}
