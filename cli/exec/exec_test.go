package exec

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/chain"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/internal/fakests"
	"github.com/samlgo/samlgo/internal/testenv"
	"github.com/samlgo/samlgo/sts"
)

func setup(t *testing.T, env map[string]string) (*Options, *iostreams.IOStreams) {
	dir := t.TempDir()
	testenv.Home(t, dir)
	creds := filepath.Join(dir, "credentials")
	os.WriteFile(creds, []byte("[dev]\naws_access_key_id = ASIADEV0000000000001\naws_secret_access_key = wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\naws_session_token = tok\nx_security_token_expires = 2999-01-01T00:00:00Z\n"), 0o600)
	config := filepath.Join(dir, "config")
	os.WriteFile(config, []byte("[profile dev]\nregion = eu-west-1\n"), 0o600)
	ios, _, _, _ := iostreams.Test()
	fake := fakests.NewSigned(t)
	return &Options{
		SignerSetup: cmdutil.SignerSetup{IO: ios, Now: time.Now, Getenv: func(k string) string { return env[k] },
			NewSTS:          func(ctx context.Context, o sts.Options) (chain.STS, error) { return fake.New(ctx, o) },
			CredentialsFile: creds, ConfigFile: config},
		Environ: func() []string {
			return []string{"PATH=" + os.Getenv("PATH"), "AWS_PROFILE=other", "AWS_SECURITY_TOKEN=stale", "AWS_WEB_IDENTITY_TOKEN_FILE=/x", "KEEP=1", "SAMLGO_PASSWORD=hunter2"}
		},
	}, ios
}

func TestExecChildEnvironmentAndExit(t *testing.T) {
	opts, ios := setup(t, map[string]string{})
	opts.Profile = "dev"
	// SAMLGO_PASSWORD reached exec's child before (issue 14).
	opts.Command = selfChild(3, "AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_SECURITY_TOKEN", "AWS_WEB_IDENTITY_TOKEN_FILE", "KEEP", "SAMLGO_PROFILE", "AWS_DEFAULT_REGION", "SAMLGO_PASSWORD")
	err := execRun(context.Background(), opts)
	var ce *cmdutil.ChildExitError
	if !errors.As(err, &ce) || ce.Code != 3 {
		t.Errorf("err %v, want the child's exit 3", err)
	}
	if got := ios.Out.(interface{ String() string }).String(); got != "ASIADEV0000000000001 none none none 1 dev eu-west-1 none\n" {
		t.Errorf("child saw %q", got)
	}
	opts.Command = selfChild(0)
	if err := execRun(context.Background(), opts); err != nil {
		t.Errorf("exit 0 = %v", err)
	}
	if runtime.GOOS == "windows" {
		return // no signals to die of
	}
	opts.Command = []string{testenv.Need(t, "sh", "it is part of every Unix"), "-c", "kill -USR2 $$"}
	if err := execRun(context.Background(), opts); !errors.As(err, &ce) || ce.Code != 128+12 {
		t.Errorf("killed by USR2: %v", err)
	}
}

func TestExecRefusals(t *testing.T) {
	for name, c := range map[string]struct {
		env    map[string]string
		set    func(*Options)
		code   int
		want   string
		nested bool
	}{
		"nested":          {map[string]string{"SAMLGO_PROFILE": "prod"}, func(o *Options) { o.Profile = "dev" }, 2, `already inside samlgo exec for profile "prod"`, false},
		"missing profile": {map[string]string{}, func(o *Options) { o.Profile = "nope" }, 2, "is in neither", false},
		"bad profile":     {map[string]string{}, func(o *Options) { o.Profile = "a\x00b" }, 2, "control", false},
		"no such program": {map[string]string{}, func(o *Options) { o.Command = []string{"/nonexistent/x"} }, 127, `"/nonexistent/x"`, false},
		"not on PATH":     {map[string]string{}, func(o *Options) { o.Command = []string{"samlgo-no-such-command"} }, 127, `"samlgo-no-such-command"`, false},
		"not executable":  {map[string]string{}, func(o *Options) { o.Command = []string{"/etc/hostname"} }, 126, `"/etc/hostname"`, false},
	} {
		t.Run(name, func(t *testing.T) {
			if name == "not executable" {
				testenv.Unix(t, "execute bits")
			}
			opts, _ := setup(t, c.env)
			opts.Profile, opts.Command = "dev", selfChild(0)
			c.set(opts)
			err := execRun(context.Background(), opts)
			if code, _ := cmdutil.Classify(err); code != c.code || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err %v (exit %d), want %d %q", err, code, c.code, c.want)
			}
		})
	}
	// --nested, and the same profile again, are allowed.
	opts, _ := setup(t, map[string]string{"SAMLGO_PROFILE": "prod"})
	opts.Profile, opts.Nested, opts.Command = "dev", true, selfChild(0)
	if err := execRun(context.Background(), opts); err != nil {
		t.Errorf("--nested: %v", err)
	}
	opts, _ = setup(t, map[string]string{"SAMLGO_PROFILE": "dev"})
	opts.Command = selfChild(0)
	if err := execRun(context.Background(), opts); err != nil {
		t.Errorf("same profile: %v", err)
	}
}

// TestExecNoCommandStartsShell: exec without a command starts $SHELL with
// the credentials, as aws-vault does (it was a usage error).
func TestExecNoCommandStartsShell(t *testing.T) {
	testenv.Unix(t, "a #! script as $SHELL")
	dir := t.TempDir()
	shell := filepath.Join(dir, "myshell")
	os.WriteFile(shell, []byte("#!/bin/sh\necho \"$0 $SAMLGO_PROFILE $AWS_ACCESS_KEY_ID\"\n"), 0o700)
	opts, ios := setup(t, map[string]string{"SHELL": shell})
	opts.Profile = "dev"
	if err := execRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	if got := ios.Out.(interface{ String() string }).String(); got != shell+" dev ASIADEV0000000000001\n" {
		t.Errorf("the shell saw %q", got)
	}
}
