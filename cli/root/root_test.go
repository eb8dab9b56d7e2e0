package root

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/cli/prompt/prompttest"
	"github.com/samlgo/samlgo/internal/idp"
	"github.com/samlgo/samlgo/internal/samltest"
	"github.com/samlgo/samlgo/internal/testenv"
	"github.com/samlgo/samlgo/recent"
)

func TestRun(t *testing.T) {
	testenv.Home(t, t.TempDir())
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("SAMLGO_CONFIG", "")
	file := samltest.File(t, idp.ResponseOptions{Roles: []string{"arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/P"}})
	cases := []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"version"}, 0, "samlgo version dev\n", ""},
		{[]string{"--version"}, 0, "samlgo version dev\n", ""},
		{[]string{"completion", "tcsh"}, 2, "", `not "tcsh"`},
		{[]string{"completion", "zsh"}, 0, "compdef", ""},
		{[]string{"configure-profile"}, 2, "", "takes one profile name"},
		{[]string{"whoami", "extra"}, 2, "", "hint: see samlgo whoami --help"},
		{[]string{"sso", "roles", "extra"}, 2, "", "hint: see samlgo sso roles --help"},
		{[]string{"nope"}, 2, "", "samlgo: unknown command \"nope\" for \"samlgo\"\nhint: see samlgo --help\n"},
		{[]string{"login", "--nope"}, 2, "", "hint: see samlgo --help"},
		{[]string{"roles", "--saml-file", file, "--output", "json"}, 0, `"role_name": "Admin"`, ""},
		{[]string{"--debug", "inspect", "--saml-file", file}, 0, "Roles:", ""},
		{[]string{"--config", "/nonexistent/config.toml", "roles", "--saml-file", file}, 2, "", "/nonexistent/config.toml"},
		{[]string{"login", "--saml-file", "/nonexistent/x"}, 2, "", `samlgo: SAML response "/nonexistent/x": no such file`},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			ios, _, out, errOut := iostreams.Test()
			f := &cmdutil.Factory{IOStreams: ios, Prompter: prompttest.NewFake(t), Now: time.Now, Getenv: func(string) string { return "" }, Log: cmdutil.Discard()}
			code := Run(context.Background(), f, c.args)
			if code != c.code || !strings.Contains(out.String(), c.stdout) || !strings.Contains(errOut.String(), c.stderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, %q, %q", code, out, errOut, c.code, c.stdout, c.stderr)
			}
		})
	}
}

// TestCancelledContext: whatever a command returns after Ctrl-C, the exit
// code is 130.
func TestCancelledContext(t *testing.T) {
	ios, in, _, errOut := iostreams.Test()
	in.WriteString("")
	f := &cmdutil.Factory{IOStreams: ios, Prompter: prompttest.NewFake(t), Now: time.Now, Getenv: func(string) string { return "" }, Log: cmdutil.Discard()}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if code := Run(ctx, f, []string{"roles", "--saml-file", "-"}); code != cmdutil.ExitCancelled || !strings.Contains(errOut.String(), "samlgo: cancelled") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestSignalContext(t *testing.T) {
	ctx, s := signalContext(context.Background())
	defer s.stop()
	if s.received() != nil || ctx.Err() != nil {
		t.Fatal("a signal before any was sent")
	}
	s.ch <- syscall.SIGTERM
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the context did not end on SIGTERM")
	}
	if s.received() != syscall.SIGTERM {
		t.Errorf("received = %v", s.received())
	}
}

// TestCompletion: flags complete from what exists (profiles in the AWS
// files, accounts in samlgo's config, sso sessions) and from their enums,
// never as file names (issue 15).
func TestCompletion(t *testing.T) {
	home := t.TempDir()
	testenv.Home(t, home)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(home, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(home, "credentials"))
	cfg := filepath.Join(home, "samlgo.toml")
	t.Setenv("SAMLGO_CONFIG", cfg)
	os.WriteFile(filepath.Join(home, "config"), []byte("[default]\nregion = eu-west-1\n[profile dev]\n[sso-session corp-sso]\nsso_start_url = https://x.awsapps.com/start\n"), 0o600)
	os.WriteFile(filepath.Join(home, "credentials"), []byte("[saml]\naws_access_key_id = A\n[dev]\naws_access_key_id = B\n"), 0o600)
	t.Setenv("XDG_CACHE_HOME", filepath.Join(home, "cache"))
	store, _ := recent.Default()
	store.Offered("corp", []string{"arn:aws:iam::123456789012:role/ReadOnly", "arn:aws:iam::123456789012:role/Admin"})
	store.Offered("lab", []string{"arn:aws:iam::210987654321:role/Lab"})
	os.WriteFile(cfg, []byte("default_account = \"corp\"\n[accounts.corp]\nurl = \"https://idp.example/sso\"\n[accounts.lab]\nurl = \"https://idp.example/lab\"\n"), 0o600)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"env", "--profile", ""}, "default\ndev\nsaml\n:4\n"},
		{[]string{"exec", "-p", "d"}, "default\ndev\nsaml\n:4\n"},
		{[]string{"login", "-a", ""}, "corp\nlab\n:4\n"},
		{[]string{"sso", "login", "--session", ""}, "corp-sso\n:4\n"},
		{[]string{"sso", "creds", "--account", ""}, ":4\n"},
		{[]string{"login", "--format", ""}, "profile\nenv\njson\n:4\n"},
		{[]string{"roles", "--output", ""}, "text\njson\n:4\n"},
		{[]string{"env", "--shell", ""}, "bash\nzsh\nfish\npowershell\ncmd\n:4\n"},
		{[]string{"login", "--role", ""}, "arn:aws:iam::123456789012:role/Admin\narn:aws:iam::123456789012:role/ReadOnly\n:4\n"},
		{[]string{"login", "-a", "lab", "--role", ""}, "arn:aws:iam::210987654321:role/Lab\n:4\n"},
		{[]string{"sso", "creds", "--role", ""}, ":4\n"},
	} {
		ios, _, out, _ := iostreams.Test()
		f := cmdutil.New(context.Background(), ios)
		f.Log = cmdutil.Discard()
		if code := Run(context.Background(), f, append([]string{"__complete"}, c.args...)); code != 0 || out.String() != c.want {
			t.Errorf("%q: exit %d, %q; want %q", c.args, code, out, c.want)
		}
	}
}
