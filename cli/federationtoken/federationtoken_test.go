package federationtoken

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/internal/fakests"
	"github.com/samlgo/samlgo/internal/testenv"
	"github.com/samlgo/samlgo/sts"
)

func setup(t *testing.T) (*Options, *fakests.Signed, *iostreams.IOStreams, string) {
	dir := t.TempDir()
	testenv.Home(t, dir)
	creds := filepath.Join(dir, "credentials")
	os.WriteFile(creds, []byte("[alice]\naws_access_key_id = AKIAALICE00000000001\naws_secret_access_key = wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\n"), 0o600)
	fake := fakests.NewSigned(t)
	ios, _, _, _ := iostreams.Test()
	return &Options{
		IO: ios, Now: time.Now, Getenv: func(string) string { return "" }, Log: cmdutil.Discard(),
		NewSTS: func(ctx context.Context, o sts.Options) (STS, error) { return fake.New(ctx, o) },
		Output: cmdutil.OutputFlags{Format: cmdutil.FormatJSON, CredentialsFile: creds, ConfigFile: filepath.Join(dir, "config")},
	}, fake, ios, dir
}

func TestFederationToken(t *testing.T) {
	opts, fake, ios, dir := setup(t)
	policy := filepath.Join(dir, "p.json")
	os.WriteFile(policy, []byte("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": []\n}\n"), 0o600)
	fake.ExpectFederationToken("bob", fakests.Result("arn:aws:sts::123456789012:federated-user/bob", "ASIAFED0000000000001", time.Hour), nil)
	opts.Profile, opts.Name, opts.PolicyFile, opts.PolicyARNs = "alice", "bob", policy, []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}
	if err := federationTokenRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	c := fake.Calls[0].Federation
	if c.Policy != `{"Version":"2012-10-17","Statement":[]}` || len(c.PolicyARNs) != 1 || fake.Calls[0].Signer != "AKIAALICE00000000001" {
		t.Errorf("call %+v", fake.Calls[0])
	}
	if !strings.Contains(ios.Out.(interface{ String() string }).String(), "ASIAFED0000000000001") {
		t.Errorf("no JSON on stdout")
	}
}

func TestFederationTokenBadInput(t *testing.T) {
	for name, c := range map[string]struct {
		set  func(*Options, string)
		want string
	}{
		"no name":      {func(o *Options, _ string) {}, "pass --name"},
		"bad name":     {func(o *Options, _ string) { o.Name = "a b" }, "2–32"},
		"bad arn":      {func(o *Options, _ string) { o.Name, o.PolicyARNs = "bob", []string{"ReadOnly"} }, "not an IAM managed policy ARN"},
		"bad policy":   {func(o *Options, d string) { o.Name, o.PolicyFile = "bob", filepath.Join(d, "credentials") }, "not a JSON policy"},
		"no policy":    {func(o *Options, d string) { o.Name, o.PolicyFile = "bob", filepath.Join(d, "nope") }, "no such file"},
		"too long":     {func(o *Options, _ string) { o.Name, o.Duration = "bob", "40h" }, "15m to 36h"},
		"bad profile":  {func(o *Options, _ string) { o.Name, o.Profile = "bob", "a;b" }, "comment"},
		"missing prof": {func(o *Options, _ string) { o.Name, o.Profile = "bob", "nobody" }, "is in neither"},
	} {
		t.Run(name, func(t *testing.T) {
			opts, _, _, dir := setup(t)
			c.set(opts, dir)
			err := federationTokenRun(context.Background(), opts)
			if code, _ := cmdutil.Classify(err); code != 2 || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err %v (exit %d), want %q", err, code, c.want)
			}
		})
	}
}
