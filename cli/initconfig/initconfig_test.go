package initconfig

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/cli/prompt"
	"github.com/samlgo/samlgo/cli/prompt/prompttest"
	"github.com/samlgo/samlgo/config"
)

func newOpts(t *testing.T, tty bool) (*Options, *prompttest.Fake, string) {
	path := filepath.Join(t.TempDir(), "samlgo", "config.toml")
	ios, _, _, _ := iostreams.Test()
	ios.InTTY, ios.ErrTTY = tty, tty
	fake := prompttest.NewFake(t)
	return &Options{IO: ios, Prompter: fake, ConfigPath: func() (string, error) { return path, nil }, Check: check}, fake, path
}

// idp answers like a sign-in page that sends the browser on.
func idp(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/sso" {
			http.Redirect(w, r, "/login", http.StatusFound)
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestInitAsks: on a terminal, init asks for each value, asks again for a
// wrong one, checks the URL and writes a config login loads.
func TestInitAsks(t *testing.T) {
	srv := idp(t)
	opts, fake, path := newOpts(t, true)
	fake.ExpectLine("IdP sign-on URL for AWS: ", "ftp://nope", nil)
	fake.ExpectLine("IdP sign-on URL for AWS: ", " "+srv.URL+"/sso?loginToRp=urn:amazon:webservices ", nil)
	fake.ExpectLine("IdP username (empty: asked at login): ", "alice@example.com", nil)
	fake.ExpectLine("profile to write [saml]: ", "", nil)
	fake.ExpectLine("AWS region (empty: from the role): ", "eu west 1", nil)
	fake.ExpectLine("AWS region (empty: from the role): ", "eu-west-1", nil)
	if err := initRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(path, true)
	if err != nil {
		t.Fatal(err)
	}
	a, name, err := c.Account("")
	if err != nil || name != "work" || a.URL != srv.URL+"/sso?loginToRp=urn:amazon:webservices" || a.Username != "alice@example.com" || a.Region != "eu-west-1" || a.Profile != "" {
		t.Errorf("config %q %+v %v", name, a, err)
	}
	errOut := opts.IO.ErrOut.(interface{ String() string }).String()
	for _, want := range []string{"is not an http(s) URL", "is not a region name", "the IdP answered (HTTP 401)", "wrote [accounts.work] to " + path, "next: samlgo login"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

// TestInitByFlags: a script gives every value as a flag; nothing is asked.
// A second account is added beside the first, which stays the default.
func TestInitByFlags(t *testing.T) {
	srv := idp(t)
	opts, _, path := newOpts(t, false)
	opts.URL, opts.Username, opts.Profile, opts.Region, opts.Account = srv.URL+"/sso", "bob", "corp-admin", "us-east-2", "corp"
	if err := initRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	opts2, _, _ := newOpts(t, false)
	opts2.ConfigPath = opts.ConfigPath
	opts2.URL, opts2.Account, opts2.NoCheck = "https://idp.lab.example.co.uk/sso", "", true
	if err := initRun(context.Background(), opts2); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(path, true)
	if err != nil || c.DefaultAccount != "corp" || c.Accounts["corp"].Profile != "corp-admin" || c.Accounts["example"].URL != "https://idp.lab.example.co.uk/sso" {
		t.Fatalf("config %+v %v", c, err)
	}
	if errOut := opts2.IO.ErrOut.(interface{ String() string }).String(); !strings.Contains(errOut, "default account stays corp; next: samlgo login --account example") {
		t.Errorf("stderr %q", errOut)
	}
	// The same name again is refused, and the file is unchanged.
	before, _ := os.ReadFile(path)
	opts2.URL, opts2.Account = "https://other.example/sso", "corp"
	if code, hints := cmdutil.Classify(initRun(context.Background(), opts2)); code != 2 || len(hints) == 0 {
		t.Errorf("existing name: exit %d %q", code, hints)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Error("the config changed")
	}
}

func TestInitRefusals(t *testing.T) {
	for name, c := range map[string]struct {
		set  func(*Options)
		code int
		want string
	}{
		"no url, no terminal": {func(o *Options) {}, 2, "needs --url"},
		"bad url":             {func(o *Options) { o.URL = "idp.example.com/sso" }, 2, "not an http(s) URL"},
		"bad profile":         {func(o *Options) { o.URL, o.Profile = "https://x.example/", "a b\x00" }, 2, "profile"},
		"bad account":         {func(o *Options) { o.URL, o.Account = "https://x.example/", "a.b" }, 2, "account name"},
		"no answer":           {func(o *Options) { o.URL = "http://127.0.0.1:1/sso" }, 1, "does not answer"},
	} {
		t.Run(name, func(t *testing.T) {
			opts, _, path := newOpts(t, false)
			c.set(opts)
			err := initRun(context.Background(), opts)
			if code, _ := cmdutil.Classify(err); code != c.code || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err %v (exit %d), want %d %q", err, code, c.code, c.want)
			}
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Error("a config was written")
			}
		})
	}
	// Ctrl-C at a question ends init with nothing written.
	opts, fake, path := newOpts(t, true)
	fake.ExpectLine("IdP sign-on URL for AWS: ", "", prompt.ErrCancelled)
	if code, _ := cmdutil.Classify(initRun(context.Background(), opts)); code != cmdutil.ExitCancelled {
		t.Errorf("Ctrl-C: exit %d", code)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Error("a config was written")
	}
}

func TestAccountName(t *testing.T) {
	for u, want := range map[string]string{
		"https://adfs.example.com/adfs/ls/": "example",
		"https://login.corp.co.uk/":         "corp",
		"https://localhost:8443/":           "work",
		"https://127.0.0.1/":                "work",
		"https://xn--bcher-kva.example/":    "xn--bcher-kva",
	} {
		if got := accountName(u); got != want {
			t.Errorf("accountName(%q) = %q, want %q", u, got, want)
		}
	}
}
