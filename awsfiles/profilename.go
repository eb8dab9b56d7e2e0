package awsfiles

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
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

var placeholder = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\{[^{}]*\}`) })

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
	name := placeholder().ReplaceAllStringFunc(template, func(p string) string {
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

// MaxProfileNameLen bounds profile names, in characters.
const MaxProfileNameLen = 64

// ValidProfileName refuses profile names the AWS CLI could not read back
// from the files samlgo writes them to: white space (botocore splits
// "[profile NAME]" into words as a shell would), brackets (they end the
// section header), '#' and ';' (comments), '=' (a key delimiter), quotes
// and backslashes (shell quoting in botocore's split), control and other
// non-printable characters, "DEFAULT" (configparser's defaults section,
// never a profile), and names over MaxProfileNameLen characters. The error
// names the name and the rule.
func ValidProfileName(name string) error {
	bad := func(rule string) error {
		return fmt.Errorf("profile name %q %s; the AWS CLI could not read it back, so choose a name of letters, digits and - _ . @ +", name, rule)
	}
	switch {
	case name == "":
		return errors.New("an empty profile name; choose a name of letters, digits and - _ . @ +")
	case utf8.RuneCountInString(name) > MaxProfileNameLen:
		return bad(fmt.Sprintf("is longer than %d characters", MaxProfileNameLen))
	case !utf8.ValidString(name):
		return bad("is not UTF-8 text")
	case name == "DEFAULT":
		return bad("is configparser's defaults section, which is no profile")
	}
	for _, r := range name {
		switch {
		case unicode.IsSpace(r):
			return bad("has white space")
		case r == '[' || r == ']':
			return bad("has a bracket")
		case r == '#' || r == ';':
			return bad(fmt.Sprintf("has %q, which starts a comment", r))
		case r == '=':
			return bad("has '='")
		case r == '\'' || r == '"' || r == '\\':
			return bad(fmt.Sprintf("has a quote or backslash (%q)", r))
		case !unicode.IsPrint(r):
			return bad(fmt.Sprintf("has a control or non-printable character (%U)", r))
		}
	}
	return nil
}
