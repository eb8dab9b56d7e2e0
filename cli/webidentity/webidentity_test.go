package webidentity

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/internal/fakests"
	"github.com/samlgo/samlgo/internal/testenv"
	"github.com/samlgo/samlgo/sts"
)

const role = "arn:aws-cn:iam::444455556666:role/CI"

var jwt = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256"}`)) + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"x"}`)) + ".c2ln"

// testNow is the commands' clock: fixed, so the session name is known, and
// near the real time, since the fake STS issues credentials that expire an
// hour from the real one and samlgo refuses expiries that are not ahead.
var testNow = time.Now().Truncate(time.Second)

func setup(t *testing.T) (*Options, *fakests.Signed, *iostreams.IOStreams, string) {
	dir := t.TempDir()
	testenv.Home(t, dir)
	fake := fakests.NewSigned(t)
	ios, _, _, _ := iostreams.Test()
	return &Options{
		IO: ios, Now: func() time.Time { return testNow }, Getenv: func(string) string { return "" }, Log: cmdutil.Discard(),
		NewSTS: func(ctx context.Context, o sts.Options) (Assumer, error) { return fake.New(ctx, o) },
		Output: cmdutil.OutputFlags{Format: cmdutil.FormatProfile, CredentialsFile: filepath.Join(dir, "credentials"), ConfigFile: filepath.Join(dir, "config")},
	}, fake, ios, dir
}

func TestWebIdentityFromStdin(t *testing.T) {
	opts, fake, ios, dir := setup(t)
	ios.In.(interface{ WriteString(string) (int, error) }).WriteString(jwt + "\n")
	fake.ExpectWebIdentity(role, fakests.Result(role, "ASIAWEB0000000000001", time.Hour), nil)
	opts.RoleARN, opts.TokenFile = role, "-"
	if err := webIdentityRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	c := fake.Calls[0].WebIdentity
	if c.Token != jwt || c.RoleSessionName != "samlgo-"+strconv.FormatInt(testNow.Unix(), 10) || fake.Regions[0] != "cn-north-1" {
		t.Errorf("call %+v regions %v", c, fake.Regions)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "config")); !strings.Contains(string(b), "[profile web-identity]\nregion = cn-north-1") {
		t.Errorf("config %q", b)
	}
}

func TestWebIdentityBadInput(t *testing.T) {
	for name, c := range map[string]struct {
		token string
		set   func(*Options)
		want  string
	}{
		"no role":          {jwt, func(o *Options) { o.RoleARN = "" }, "--role-arn"},
		"bad role":         {jwt, func(o *Options) { o.RoleARN = "arn:aws:iam::1:user/x" }, "not an IAM role ARN"},
		"no token":         {jwt, func(o *Options) { o.TokenFile = "" }, "never the token itself"},
		"empty":            {"  \n", nil, "empty"},
		"not a jwt":        {"opaque-token", nil, "not a JWT"},
		"oversized":        {strings.Repeat("x", 20001), nil, "at most 20000"},
		"provider, opaque": {"opaque-token", func(o *Options) { o.ProviderID = "www.amazon.com"; o.Output.Profile = "a b" }, "white space"}, // the profile is checked before the token is read
		"session name":     {jwt, func(o *Options) { o.SessionName = "x" }, "role session name"},
		"duration":         {jwt, func(o *Options) { o.Duration = "13h" }, "15m to 12h"},
	} {
		t.Run(name, func(t *testing.T) {
			opts, _, _, dir := setup(t)
			p := filepath.Join(dir, "token")
			os.WriteFile(p, []byte(c.token), 0o600)
			opts.RoleARN, opts.TokenFile = role, p
			if c.set != nil {
				c.set(opts)
			}
			err := webIdentityRun(context.Background(), opts)
			if code, _ := cmdutil.Classify(err); code != 2 || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "opaque-token") {
				t.Errorf("err %v (exit %d), want %q", err, code, c.want)
			}
		})
	}
}
