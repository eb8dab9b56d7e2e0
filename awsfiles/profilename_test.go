package awsfiles

import (
	"fmt"
	"strings"
	"testing"
)

func TestProfileName(t *testing.T) {
	r := RoleName{Account: "210987654321", Role: "Deployer", Path: "/team/", Partition: "aws"}
	withAlias := r
	withAlias.Alias = "dev"
	cases := []struct {
		tmpl string
		r    RoleName
		want string
		err  bool
	}{
		{DefaultProfileTemplate, r, "210987654321-Deployer", false},
		{DefaultProfileTemplate, withAlias, "dev-Deployer", false},
		{"{partition}/{account}/{role_path}", r, "aws/210987654321/team-Deployer", false},
		{"x-{alias}", r, "x-", false},
		{"{nope}", r, "", true},
		{"{alias}", r, "", true},
		{"a[{role}]", r, "", true},
		{"{account} {role}", r, "", true},
		{"'{role}'", r, "", true},
		{"{role}#x", r, "", true},
	}
	for _, c := range cases {
		got, err := ProfileName(c.tmpl, c.r)
		if (err != nil) != c.err || got != c.want {
			t.Errorf("ProfileName(%q) = %q, %v", c.tmpl, got, err)
		}
	}
}

// TestValidProfileName: --profile 'my profile' wrote "[profile my
// profile]", which botocore splits into three words and never finds. Names
// the AWS CLI cannot read back are refused with the name and the rule.
func TestValidProfileName(t *testing.T) {
	good := []string{"saml", "default", "prod-admin", "dev_1", "a.b@c+d", "team:ops", "ärger", "x", strings.Repeat("p", 64)}
	for _, n := range good {
		if err := ValidProfileName(n); err != nil {
			t.Errorf("ValidProfileName(%q) = %v", n, err)
		}
	}
	bad := map[string]string{
		"":                      "empty",
		"my profile":            "white space",
		" saml":                 "white space",
		"saml\t":                "white space",
		"a\u00a0b":              "white space",
		"a[b":                   "bracket",
		"a]b":                   "bracket",
		"a#b":                   "comment",
		"a;b":                   "comment",
		"a=b":                   "'='",
		"it's":                  "quote",
		`say"x"`:                "quote",
		`a\b`:                   "backslash",
		"a\nb":                  "white space",
		"a\x00b":                "control",
		"a\x1bb":                "control",
		"a\u200bb":              "non-printable",
		"a\xffb":                "UTF-8",
		"DEFAULT":               "defaults section",
		strings.Repeat("p", 65): "longer than 64",
	}
	for n, rule := range bad {
		err := ValidProfileName(n)
		if err == nil || !strings.Contains(err.Error(), rule) || strings.ContainsAny(err.Error(), "\n\r") {
			t.Errorf("ValidProfileName(%q) = %v, want a one-line error saying %q", n, err, rule)
		}
		if n != "" && err != nil && !strings.Contains(err.Error(), fmt.Sprintf("%q", n)) {
			t.Errorf("ValidProfileName(%q) = %v does not name the name", n, err)
		}
	}
}
