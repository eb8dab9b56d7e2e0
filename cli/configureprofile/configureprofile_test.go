package configureprofile

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/config"
)

func options(t *testing.T, exe string) (*Options, any) {
	t.Helper()
	dir := t.TempDir()
	ios, _, _, _ := iostreams.Test()
	return &Options{IO: ios, Profile: "corp-admin", Account: "corp", Role: "Admin",
		Config: func() (*config.Config, error) {
			return &config.Config{Accounts: map[string]config.Account{"corp": {Region: "eu-west-1"}}}, nil
		},
		Executable:      func() (string, error) { return exe, nil },
		ConfigFile:      filepath.Join(dir, "config"),
		CredentialsFile: filepath.Join(dir, "credentials"),
	}, nil
}

func TestWritesCredentialProcessLine(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "my bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(bin, "samlgo")
	o, _ := options(t, exe)
	if err := configureProfileRun(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(o.ConfigFile)
	want := "[profile corp-admin]\ncredential_process = '" + exe + "' credential-process --account corp --role Admin\nregion = eu-west-1\n"
	if string(b) != want {
		t.Errorf("config =\n%s\nwant\n%s", b, want)
	}
	// With the fast program beside samlgo, the line runs it.
	if err := os.WriteFile(filepath.Join(bin, "samlgo-credential-process"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	o.Role = "team/Deploy*"
	if err := configureProfileRun(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(o.ConfigFile)
	if !strings.Contains(string(b), "credential_process = '"+filepath.Join(bin, "samlgo-credential-process")+"' --account corp --role 'team/Deploy*'\n") {
		t.Errorf("config =\n%s", b)
	}
}

func TestWarnsAboutShadowingKeys(t *testing.T) {
	o, _ := options(t, "/usr/bin/samlgo")
	if err := os.WriteFile(o.CredentialsFile, []byte("[corp-admin]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := configureProfileRun(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(o.IO.ErrOut.(interface{ String() string }).String(), "warning:") {
		t.Errorf("no warning about the credentials file's keys: %q", o.IO.ErrOut)
	}
}

func TestRefusals(t *testing.T) {
	for name, set := range map[string]func(*Options){
		"profile with a space": func(o *Options) { o.Profile = "my profile" },
		"no role":              func(o *Options) { o.Role = "" },
		"unknown account":      func(o *Options) { o.Account = "nope" },
		"bad region":           func(o *Options) { o.Region = "us east" },
	} {
		t.Run(name, func(t *testing.T) {
			o, _ := options(t, "/usr/bin/samlgo")
			set(o)
			err := configureProfileRun(context.Background(), o)
			if code, _ := cmdutil.Classify(err); code != cmdutil.ExitUsage {
				t.Errorf("err = %v (exit %d)", err, code)
			}
			if _, err := os.Stat(o.ConfigFile); !os.IsNotExist(err) {
				t.Errorf("config written")
			}
		})
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{"plain/path-1.2": "plain/path-1.2", "a b": "'a b'", "it's": `'it'"'"'s'`, "": "''", "*:Admin": "'*:Admin'"} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
