package awsfiles

import "testing"

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
	}
	for _, c := range cases {
		got, err := ProfileName(c.tmpl, c.r)
		if (err != nil) != c.err || got != c.want {
			t.Errorf("ProfileName(%q) = %q, %v", c.tmpl, got, err)
		}
	}
}
