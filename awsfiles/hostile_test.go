package awsfiles

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/internal/testenv"
)

// Regression tests for issue 7, an attacker-style review of the AWS files.

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// withDeadline fails the test when f does not return in time: a FIFO
// opened for reading would block forever.
func withDeadline(t *testing.T, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("hung: a FIFO was opened for reading")
		return nil
	}
}

// TestNonRegularTargetRefused: a credentials path that was a symlink to
// /dev/null made login replace the device with a 0600 regular file and
// leave .bak and .lock beside it; a dangling link was replaced by a file;
// a FIFO could hang the read; a directory failed with a doubled "read X:
// read X: is a directory" at exit 1. Every such target must be refused as
// a *FileError (exit 2) before anything is created.
func TestNonRegularTargetRefused(t *testing.T) {
	type setup func(t *testing.T, dir string) (path string)
	link := func(to func(t *testing.T, dir string) string) setup {
		return func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "credentials")
			testenv.Symlink(t, to(t, dir), p)
			return p
		}
	}
	fifo := func(t *testing.T, dir string) string {
		p := filepath.Join(dir, "fifo")
		mkfifo(t, p)
		return p
	}
	socket := func(t *testing.T, dir string) string {
		p := filepath.Join(dir, "sock")
		l, err := net.Listen("unix", p)
		if err != nil {
			t.Skipf("unix socket: %v", err)
		}
		t.Cleanup(func() { l.Close() })
		return p
	}
	subdir := func(t *testing.T, dir string) string {
		p := filepath.Join(dir, "a-directory")
		if err := os.Mkdir(p, 0o700); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name  string
		setup setup
		kind  error
		says  string
	}{
		{"symlink to /dev/null", link(func(*testing.T, string) string { return os.DevNull }), ErrNotRegularFile, "character device"},
		{"symlink to a FIFO", link(fifo), ErrNotRegularFile, "FIFO"},
		{"symlink to a socket", link(socket), ErrNotRegularFile, "socket"},
		{"symlink to a directory", link(subdir), ErrNotRegularFile, "directory"},
		{"dangling symlink", link(func(_ *testing.T, dir string) string { return filepath.Join(dir, "missing", "credentials") }), ErrDanglingSymlink, "does not exist"},
		{"symlink loop", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "credentials")
			testenv.Symlink(t, p, p)
			return p
		}, ErrDanglingSymlink, "does not exist"},
		{"a FIFO", fifo, ErrNotRegularFile, "FIFO"},
		{"a directory", subdir, ErrNotRegularFile, "is a directory"},
	}
	ops := []struct {
		name string
		do   func(path string) error
	}{
		{"WriteCredentials", func(p string) error {
			return WriteCredentials(context.Background(), p, []Profile{{Name: "saml", Credentials: sample("ASIA1")}})
		}},
		{"EnsureRegion", func(p string) error { return EnsureRegion(context.Background(), p, "saml", "eu-west-1") }},
		{"Check", Check},
		{"CheckCredentials", func(p string) error { return CheckCredentials(p, []string{"saml"}) }},
		{"ReadCredentials", func(p string) error { _, err := ReadCredentials(p, "saml"); return err }},
	}
	for _, c := range cases {
		for _, op := range ops {
			t.Run(c.name+"/"+op.name, func(t *testing.T) {
				dir := t.TempDir()
				path := c.setup(t, dir)
				before := listDir(t, dir)
				linkBefore, _ := os.Readlink(path)
				err := withDeadline(t, func() error { return op.do(path) })
				var fe *FileError
				if !errors.As(err, &fe) || !errors.Is(err, c.kind) {
					t.Fatalf("err = %v (%T), want a *FileError of kind %v", err, err, c.kind)
				}
				if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, c.says) || !strings.Contains(msg, path) {
					t.Errorf("message %q: want one line naming %q and saying %q", msg, path, c.says)
				}
				if after := listDir(t, dir); !slices.Equal(before, after) {
					t.Errorf("files changed: %v, were %v", after, before)
				}
				if linkAfter, _ := os.Readlink(path); linkAfter != linkBefore {
					t.Errorf("link now points to %q, was %q", linkAfter, linkBefore)
				}
				if fi, err := os.Stat(os.DevNull); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
					t.Errorf("%s is no longer a character device", os.DevNull)
				}
			})
		}
	}
	// (On Windows every name NUL.* is the device itself.)
	if _, err := os.Lstat(os.DevNull + ".lock"); err == nil && runtime.GOOS != "windows" {
		t.Errorf("%s.lock was created", os.DevNull)
	}
}

// TestLockSymlinkNotFollowed: the lock file was opened and chmod-ed through
// a symlink, so a credentials.lock link to another file changed that
// file's mode. A lock path that is not a regular file is refused.
func TestLockSymlinkNotFollowed(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "credentials")
	testenv.Symlink(t, victim, path+".lock")
	err := WriteCredentials(context.Background(), path, []Profile{{Name: "saml", Credentials: sample("ASIA1")}})
	var fe *FileError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "lock") {
		t.Fatalf("err = %v, want a *FileError about the lock file", err)
	}
	testenv.Mode(t, victim, 0o644) // not chmod-ed through the link
	if _, err := os.Stat(path); err == nil {
		t.Errorf("the credentials file was written")
	}
}

// TestSymlinkToRegularFileUpdatedInPlace: a link to a regular file keeps
// being a link, its target is updated, and the .bak and .lock go beside
// the target.
func TestSymlinkToRegularFileUpdatedInPlace(t *testing.T) {
	dir := t.TempDir()
	dot := filepath.Join(dir, "dotfiles")
	if err := os.Mkdir(dot, 0o700); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dot, "credentials")
	if err := os.WriteFile(target, []byte("[a]\nk = v\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "credentials")
	testenv.Symlink(t, target, link)
	if err := WriteCredentials(context.Background(), link, []Profile{{Name: "saml", Credentials: sample("ASIA1")}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.Readlink(link); got != target {
		t.Fatalf("link points to %q", got)
	}
	if got, _ := os.ReadFile(target); string(got) != "[a]\nk = v\n\n[saml]\n"+owned("ASIA1") {
		t.Errorf("target = %q", got)
	}
	if names := listDir(t, dir); !slices.Equal(names, []string{"credentials", "dotfiles"}) {
		t.Errorf("beside the link: %v", names)
	}
	if _, err := os.Stat(target + ".bak"); err != nil {
		t.Errorf("no .bak beside the target: %v", err)
	}
}

// TestAWSCLIUnreadableFilesRefused: a file with two [rt] sections was
// accepted; login updated the first and the SDK read the second, stale one.
// Whatever the AWS CLI refuses to parse must be refused with the file, the
// line and the problem, and nothing written.
func TestAWSCLIUnreadableFilesRefused(t *testing.T) {
	cases := []struct{ name, before, says string }{
		{"duplicate section", "[rt]\naws_access_key_id = ASIAOLD\n\n[other]\nk = v\n[rt]\naws_access_key_id = ASIASTALE\n", "line 6: section [rt] again (first on line 1)"},
		{"duplicate key", "[rt]\nregion = a\nRegion = b\n", `line 3: key "region" again in section [rt]`},
		{"byte-order mark", "\xEF\xBB\xBF[rt]\nk = v\n", "line 1: the file starts with a byte-order mark"},
		{"nested value without '='", "[rt]\ns3 =\n  max_concurrent_requests\n", "line 3: the nested value"},
		{"not UTF-8", "[rt]\nk = \xff\n", "line 2: not UTF-8"},
		{"text before any section", "k = v\n[rt]\n", "line 1: text before the first [section]"},
	}
	for _, c := range cases {
		for _, op := range []struct {
			name string
			do   func(string) error
		}{
			{"WriteCredentials", func(p string) error {
				return WriteCredentials(context.Background(), p, []Profile{{Name: "rt", Credentials: sample("ASIA1")}})
			}},
			{"EnsureRegion", func(p string) error { return EnsureRegion(context.Background(), p, "rt", "eu-west-1") }},
			{"Check", Check},
		} {
			t.Run(c.name+"/"+op.name, func(t *testing.T) {
				dir := t.TempDir()
				path := filepath.Join(dir, "credentials")
				if err := os.WriteFile(path, []byte(c.before), 0o600); err != nil {
					t.Fatal(err)
				}
				err := op.do(path)
				var fe *FileError
				if !errors.As(err, &fe) {
					t.Fatalf("err = %v (%T), want *FileError", err, err)
				}
				msg := err.Error()
				if !strings.Contains(msg, c.says) || !strings.Contains(msg, path) || strings.Contains(msg, "\n") {
					t.Errorf("message %q: want one line naming the file and saying %q", msg, c.says)
				}
				if got, _ := os.ReadFile(path); string(got) != c.before {
					t.Errorf("file changed")
				}
				if names := listDir(t, dir); !slices.Equal(names, []string{"credentials"}) && !slices.Equal(names, []string{"credentials", "credentials.lock"}) {
					t.Errorf("files beside it: %v", names)
				}
			})
		}
	}
}

// TestSpacedSectionIsNotTheProfile: an existing "[ prod ]" was updated for
// --profile prod, but the AWS CLI reads that section as " prod " and found
// no prod. It must stay untouched and [prod] be written.
func TestSpacedSectionIsNotTheProfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	before := "[ prod ]\naws_access_key_id = ASIAOLD\n"
	if err := os.WriteFile(path, []byte(before), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteCredentials(context.Background(), path, []Profile{{Name: "prod", Credentials: sample("ASIA1")}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != before+"\n[prod]\n"+owned("ASIA1") {
		t.Errorf("file = %q", got)
	}
}

// TestConfigProfileSpellings: the config section botocore reads for a
// profile is found however it is spelled, so EnsureRegion neither adds a
// second section (which would hide the person's) nor edits one botocore
// ignores.
func TestConfigProfileSpellings(t *testing.T) {
	cases := []struct{ name, before, profile, after string }{
		{"two spaces", "[profile  dev]\noutput = json\n", "dev", "[profile  dev]\noutput = json\nregion = eu-west-1\n"},
		{"quoted", "[profile \"dev\"]\noutput = json\n", "dev", "[profile \"dev\"]\noutput = json\nregion = eu-west-1\n"},
		{"last of two wins", "[profile dev]\nregion = us-east-1\n[profile  dev]\noutput = json\n", "dev",
			"[profile dev]\nregion = us-east-1\n[profile  dev]\noutput = json\nregion = eu-west-1\n"},
		{"profile default after default", "[default]\noutput = json\n[profile default]\nregion = us-east-2\n", "default",
			"[default]\noutput = json\n[profile default]\nregion = us-east-2\n"},
		{"default after profile default", "[profile default]\nregion = us-east-2\n[default]\noutput = json\n", "default",
			"[profile default]\nregion = us-east-2\n[default]\noutput = json\nregion = eu-west-1\n"},
		{"spaced brackets are another section", "[ profile dev]\noutput = json\n", "dev",
			"[ profile dev]\noutput = json\n\n[profile dev]\nregion = eu-west-1\n"},
		{"indented keys keep their indentation", "[profile dev]\n  output = json\n  [x]\n", "dev",
			"[profile dev]\n  output = json\n  region = eu-west-1\n  [x]\n"},
		{"empty section before an indented header", "[profile dev]\n  [x]\nk = v\n", "dev",
			"[profile dev]\n  region = eu-west-1\n  [x]\nk = v\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config")
			if err := os.WriteFile(path, []byte(c.before), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := EnsureRegion(context.Background(), path, c.profile, "eu-west-1"); err != nil {
				t.Fatal(err)
			}
			if got, _ := os.ReadFile(path); string(got) != c.after {
				t.Errorf("config =\n%q\nwant\n%q", got, c.after)
			}
		})
	}
}

// TestHostileCredentialsRefused: a local endpoint answering SessionToken
// "tok\n[default]\naws_access_key_id = EVIL" made login inject a [default]
// section. WriteCredentials validates before it touches anything.
func TestHostileCredentialsRefused(t *testing.T) {
	evil := "tok\n[default]\naws_access_key_id = EVIL"
	good := sample("ASIA1")
	cases := map[string]creds.Credentials{}
	c := good
	c.SessionToken = evil
	cases["token with a section"] = c
	c = good
	c.SecretAccessKey = "secret with space and more"
	cases["secret with spaces"] = c
	c = good
	c.AccessKeyID = "ASIA\r\n[x]"
	cases["key id with a line break"] = c
	c = good
	c.Expiration = time.Time{}
	cases["no expiry"] = c
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "credentials")
			if err := os.WriteFile(path, []byte("[a]\nk = v\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			err := WriteCredentials(context.Background(), path, []Profile{{Name: "saml", Credentials: c}})
			if !errors.Is(err, creds.ErrMalformed) {
				t.Fatalf("err = %v, want creds.ErrMalformed", err)
			}
			if strings.Contains(err.Error(), "EVIL") || strings.Contains(err.Error(), "with space") {
				t.Errorf("the value is in the error: %q", err)
			}
			if got, _ := os.ReadFile(path); string(got) != "[a]\nk = v\n" {
				t.Errorf("file changed: %q", got)
			}
			if names := listDir(t, dir); !slices.Equal(names, []string{"credentials"}) {
				t.Errorf("files beside it: %v", names)
			}
		})
	}
}

// TestInterruptedWriteLeftoversRemoved: a SIGKILL between creating and
// renaming the temporary file left .credentials.tmp-* files holding
// secrets; the next write removes them (it holds the lock, so no other
// samlgo is writing them), and nothing else.
func TestInterruptedWriteLeftoversRemoved(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials")
	if err := os.WriteFile(path, []byte("[a]\nk = v\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{".credentials.tmp-123", ".credentials.tmp-4567", ".credentials.bak.tmp-89", ".config.tmp-1", "other"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("aws_secret_access_key = leaked"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteCredentials(context.Background(), path, []Profile{{Name: "saml", Credentials: sample("ASIA1")}}); err != nil {
		t.Fatal(err)
	}
	want := []string{".config.tmp-1", "credentials", "credentials.bak", "credentials.lock", "other"}
	if names := listDir(t, dir); !slices.Equal(names, want) {
		t.Errorf("files = %v, want %v", names, want)
	}
}

// TestStricterModeKept: a 0400 credentials file was silently made 0600. A
// mode stricter than 0600 is kept; a looser one becomes 0600.
func TestStricterModeKept(t *testing.T) {
	testenv.Unix(t, "file modes")
	for _, c := range []struct{ before, after fs.FileMode }{{0o400, 0o400}, {0o600, 0o600}, {0o644, 0o600}, {0o640, 0o600}, {0o604, 0o600}} {
		t.Run(c.before.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "credentials")
			if err := os.WriteFile(path, []byte("[a]\nk = v\n"), c.before); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, c.before); err != nil {
				t.Fatal(err)
			}
			if err := WriteCredentials(context.Background(), path, []Profile{{Name: "saml", Credentials: sample("ASIA1")}}); err != nil {
				t.Fatal(err)
			}
			for _, p := range []string{path, path + ".bak"} {
				if fi, _ := os.Stat(p); fi.Mode().Perm() != c.after {
					t.Errorf("%s mode %v, want %v", filepath.Base(p), fi.Mode().Perm(), c.after)
				}
			}
		})
	}
}
