//go:build unix

package main

// End-to-end regressions for issue 7 (an attacker-style review), through
// the real binary: hostile AWS files, hostile STS answers, hostile
// SAMLResponses.

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/samlgo/samlgo/internal/idp"
)

// dirNames lists a directory, or nil when it does not exist.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// refused checks the §6 contract for a login that must not happen: exit 2,
// one line on stderr saying want, no STS call.
func (w *world) refused(t *testing.T, r result, callsBefore int, want ...string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	if r.code != 2 {
		t.Errorf("exit %d, want 2; stderr %q", r.code, r.stderr)
	}
	if len(lines) > 2 || len(lines) == 2 && !strings.HasPrefix(lines[1], "hint: ") {
		t.Errorf("want one line (and at most a hint), got %q", r.stderr)
	}
	for _, s := range want {
		if !strings.Contains(lines[0], s) {
			t.Errorf("stderr %q does not say %q", r.stderr, s)
		}
	}
	if n := len(w.emu.Calls()); n != callsBefore {
		t.Errorf("%d STS calls", n-callsBefore)
	}
}

// TestHostileNonRegularAWSFiles: with AWS_SHARED_CREDENTIALS_FILE (or
// AWS_CONFIG_FILE) a symlink to /dev/null, login exited 0 and replaced the
// device with a regular file, leaving .bak and .lock beside it; a dangling
// link was replaced by a file; a directory gave exit 1 with "read X: read
// X: is a directory"; a FIFO could hang. Each is refused with exit 2, one
// line, no STS call, and nothing created.
func TestHostileNonRegularAWSFiles(t *testing.T) {
	w := newWorld(t)
	good := w.samlFile(pair(adminA, provA))
	cases := []struct {
		name  string
		setup func(dir string) string
		says  string
	}{
		{"symlink to /dev/null", func(dir string) string {
			p := filepath.Join(dir, "link")
			if err := os.Symlink(os.DevNull, p); err != nil {
				t.Fatal(err)
			}
			return p
		}, "character device"},
		{"dangling symlink", func(dir string) string {
			p := filepath.Join(dir, "link")
			if err := os.Symlink(filepath.Join(dir, "nowhere", "credentials"), p); err != nil {
				t.Fatal(err)
			}
			return p
		}, "does not exist"},
		{"directory", func(dir string) string {
			p := filepath.Join(dir, "adir")
			if err := os.Mkdir(p, 0o700); err != nil {
				t.Fatal(err)
			}
			return p
		}, "is a directory"},
		{"FIFO", func(dir string) string {
			p := filepath.Join(dir, "fifo")
			if err := syscall.Mkfifo(p, 0o600); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
			return p
		}, "FIFO"},
	}
	for _, c := range cases {
		for _, which := range []string{"credentials", "config"} {
			t.Run(c.name+"/"+which, func(t *testing.T) {
				dir := t.TempDir()
				path := c.setup(dir)
				before := dirNames(t, dir)
				saved := w.creds
				if which == "config" {
					saved = w.config
				}
				defer func() {
					if which == "config" {
						w.config = saved
					} else {
						w.creds = saved
					}
				}()
				if which == "config" {
					w.config = path
				} else {
					w.creds = path
				}
				calls := len(w.emu.Calls())
				start := time.Now()
				r := w.run("", "login", "--saml-file", good, "--profile", "rt")
				if d := time.Since(start); d > 20*time.Second {
					t.Errorf("login took %v", d)
				}
				w.refused(t, r, calls, path, c.says)
				if strings.Contains(r.stderr, "read "+path+": read") {
					t.Errorf("doubled read error: %q", r.stderr)
				}
				if after := dirNames(t, dir); !slices.Equal(after, before) {
					t.Errorf("files now %v, were %v", after, before)
				}
				if fi, err := os.Stat(os.DevNull); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
					t.Fatalf("%s is no longer a character device", os.DevNull)
				}
				for _, p := range []string{os.DevNull + ".lock", os.DevNull + ".bak"} {
					if _, err := os.Lstat(p); err == nil {
						t.Errorf("%s was created", p)
					}
				}
			})
		}
	}
}

// TestHostileLockSymlink: credentials.lock as a symlink was followed (and
// chmod-ed through). It is refused, and its target left alone.
func TestHostileLockSymlink(t *testing.T) {
	w := newWorld(t)
	good := w.samlFile(pair(adminA, provA))
	w.write(".aws/credentials", "[other]\nk = v\n")
	victim := w.write("victim", "keep")
	if err := os.Chmod(victim, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, w.creds+".lock"); err != nil {
		t.Fatal(err)
	}
	r := w.run("", "login", "--saml-file", good)
	if r.code == 0 || !strings.Contains(r.stderr, ".lock") {
		t.Errorf("exit %d %q", r.code, r.stderr)
	}
	if fi, _ := os.Stat(victim); fi.Mode().Perm() != 0o644 || readFile(t, victim) != "keep" {
		t.Errorf("the lock link's target changed")
	}
	if readFile(t, w.creds) != "[other]\nk = v\n" {
		t.Errorf("credentials changed")
	}
}

// TestHostileDuplicateSections: with two [rt] sections login updated the
// first and the SDK read the second, stale one. A file the AWS CLI cannot
// parse is refused naming the file, the line and the problem.
func TestHostileDuplicateSections(t *testing.T) {
	w := newWorld(t)
	good := w.samlFile(pair(adminA, provA))
	cases := []struct{ name, file, content, says string }{
		{"duplicate section in credentials", ".aws/credentials", "[rt]\naws_access_key_id = ASIAOLD\n[other]\nk = v\n[rt]\naws_access_key_id = ASIASTALE\n", "line 5: section [rt] again (first on line 1)"},
		{"duplicate key in credentials", ".aws/credentials", "[rt]\nregion = a\nregion = b\n", `line 3: key "region" again`},
		{"duplicate section in config", ".aws/config", "[profile rt]\nregion = eu-west-1\n[profile rt]\noutput = json\n", "line 3: section [profile rt] again"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			os.Remove(w.creds)
			os.Remove(w.config)
			p := w.write(c.file, c.content)
			calls := len(w.emu.Calls())
			r := w.run("", "login", "--saml-file", good, "--profile", "rt")
			w.refused(t, r, calls, p, c.says)
			if readFile(t, p) != c.content {
				t.Errorf("file changed")
			}
		})
	}
}

// TestHostileSpacedSection: an existing "[ prod ]" was updated for
// --profile prod, but the AWS CLI reads that section as " prod " and found
// no prod. Now [prod] is written and the AWS CLI signs with it.
func TestHostileSpacedSection(t *testing.T) {
	w := newWorld(t)
	f := w.samlFile(pair(adminA, provA))
	before := "[ prod ]\naws_access_key_id = ASIAOLDOLDOLDOLDOLD1\naws_secret_access_key = old\n"
	w.write(".aws/credentials", before)
	r := w.run("", "login", "--saml-file", f, "--profile", "prod")
	if r.code != 0 {
		t.Fatalf("exit %d %q", r.code, r.stderr)
	}
	got := readFile(t, w.creds)
	if !strings.HasPrefix(got, before+"\n[prod]\n") {
		t.Errorf("credentials:\n%s", got)
	}
	if arn, err := w.callerIdentity("prod", w.emu.URL); err != nil || !strings.Contains(arn, "assumed-role/Admin/") {
		t.Errorf("AWS CLI with --profile prod: %q, %v", arn, err)
	}
}

// TestHostileProfileNames: --profile 'my profile' wrote [profile my
// profile], which botocore splits and never finds. Such names are refused
// before any STS call.
func TestHostileProfileNames(t *testing.T) {
	w := newWorld(t)
	good := w.samlFile(pair(adminA, provA))
	w.write(".aws/credentials", "[other]\nk = v\n")
	for name, rule := range map[string]string{
		"my profile":            "white space",
		"it's":                  "quote",
		"a\"b":                  "quote",
		"a\tb":                  "white space",
		"a\x7fb":                "control",
		"DEFAULT":               "defaults section",
		strings.Repeat("p", 65): "longer than 64",
	} {
		t.Run(fmt.Sprintf("%q", name), func(t *testing.T) {
			calls := len(w.emu.Calls())
			r := w.run("", "login", "--saml-file", good, "--profile", name)
			w.refused(t, r, calls, "--profile", rule)
			if readFile(t, w.creds) != "[other]\nk = v\n" {
				t.Errorf("credentials changed")
			}
		})
	}
}

// hostileSTS answers every AssumeRoleWithSAML with the given credentials,
// as a compromised or mistaken endpoint could.
func hostileSTS(t *testing.T, keyID, secret, token string) (url string, calls *atomic.Int32) {
	t.Helper()
	calls = new(atomic.Int32)
	esc := func(s string) string {
		var b bytes.Buffer
		_ = xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		_ = r.ParseForm()
		if r.Form.Get("Action") != "AssumeRoleWithSAML" {
			http.Error(rw, "unexpected action", http.StatusBadRequest)
			return
		}
		rw.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(rw, `<AssumeRoleWithSAMLResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithSAMLResult>
    <Credentials>
      <AccessKeyId>%s</AccessKeyId>
      <SecretAccessKey>%s</SecretAccessKey>
      <SessionToken>%s</SessionToken>
      <Expiration>%s</Expiration>
    </Credentials>
    <AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:alice</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/Admin/alice</Arn></AssumedRoleUser>
  </AssumeRoleWithSAMLResult>
  <ResponseMetadata><RequestId>0000</RequestId></ResponseMetadata>
</AssumeRoleWithSAMLResponse>`, esc(keyID), esc(secret), esc(token), time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
	}))
	t.Cleanup(srv.Close)
	return srv.URL, calls
}

// TestHostileSTSValues: a local endpoint answering SessionToken
// "tok\n[default]\naws_access_key_id = EVIL" made login inject a [default]
// section into the credentials file. Such values are refused before any
// write, and never echoed.
func TestHostileSTSValues(t *testing.T) {
	const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	cases := []struct{ name, keyID, secret, token string }{
		{"token injecting a section", "ASIAZ2EXAMPLE7KEYID4", secret, "tok\n[default]\naws_access_key_id = EVIL"},
		{"key id injecting a section", "ASIAZ2EXAMPLE7KEYID4\n[default]\nx=EVIL", secret, "IQoJb3JpZ2luX2VjEXAMPLE"},
		{"secret with a quote", "ASIAZ2EXAMPLE7KEYID4", "wJalrXUtnFEMI'EVIL/bPxRfiCYEXAMPLEKEY", "IQoJb3JpZ2luX2VjEXAMPLE"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			f := w.samlFile(pair(adminA, provA))
			before := "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = " + secret + "\n"
			w.write(".aws/credentials", before)
			url, calls := hostileSTS(t, c.keyID, c.secret, c.token)
			w.extra = []string{"AWS_ENDPOINT_URL_STS=" + url}
			r := w.run("", "login", "--saml-file", f, "--profile", "rt")
			if calls.Load() != 1 {
				t.Fatalf("hostile endpoint called %d times; stderr %q", calls.Load(), r.stderr)
			}
			if r.code == 0 || strings.Count(strings.TrimRight(r.stderr, "\n"), "\n") > 1 {
				t.Errorf("exit %d, stderr %q", r.code, r.stderr)
			}
			if strings.Contains(r.stderr+r.stdout, "EVIL") {
				t.Errorf("the hostile value was echoed: %q", r.stderr)
			}
			if got := readFile(t, w.creds); got != before {
				t.Errorf("credentials changed:\n%s", got)
			}
			// Regression: only the profile writer checked the values, so
			// --format env and json printed them into the person's shell.
			for _, format := range []string{"env", "json"} {
				r := w.run("", "login", "--saml-file", f, "--format", format)
				if r.code != 1 || r.stdout != "" || strings.Contains(r.stderr, "EVIL") {
					t.Errorf("--format %s: exit %d, stdout %q, stderr %q", format, r.code, r.stdout, r.stderr)
				}
			}
		})
	}
}

// signedAssertion returns the first Assertion element of a signed response.
var assertionElement = regexp.MustCompile(`(?s)<(\w+:)?Assertion[\s>].*?</(\w+:)?Assertion>`)

// TestHostileTwoAssertions: a signed assertion followed by an unsigned one
// with another role was merged: roles listed both, inspect said signed,
// login --role for the unsigned role called STS. The response is refused
// by roles, inspect and login alike.
func TestHostileTwoAssertions(t *testing.T) {
	w := newWorld(t)
	doc := string(w.response(idp.ResponseOptions{Roles: []string{pair(adminA, provA)}}))
	signed := assertionElement.FindString(doc)
	if signed == "" {
		t.Fatal("no Assertion in the signed response")
	}
	unsigned := strings.ReplaceAll(assertionElement.FindString(string(w.response(idp.ResponseOptions{Roles: []string{pair(readA, provA)}}))), "Signature", "Sig")
	f := w.write("two.b64", base64.StdEncoding.EncodeToString([]byte(strings.Replace(doc, signed, signed+unsigned, 1))))
	calls := len(w.emu.Calls())
	for _, args := range [][]string{
		{"roles", "--saml-file", f},
		{"inspect", "--saml-file", f},
		{"login", "--saml-file", f, "--role", readA},
	} {
		r := w.run("", args...)
		w.refused(t, r, calls, "more than one assertion")
		if strings.Contains(r.stdout, readA) {
			t.Errorf("%s listed the unsigned role: %q", args[0], r.stdout)
		}
	}
}

// TestHostileInputs: several documents back to back were read as the
// first; gzip and binary files said "bad URL encoding"; roles on an
// expired assertion without a Role attribute exited 0 with [].
func TestHostileInputs(t *testing.T) {
	w := newWorld(t)
	doc := w.response(idp.ResponseOptions{Roles: []string{pair(adminA, provA)}})
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte(base64.StdEncoding.EncodeToString(doc)))
	_ = zw.Close()
	expiredNoRoles := string(w.response(idp.ResponseOptions{Now: time.Now().Add(-2 * time.Hour)}))
	cases := []struct {
		name, input string
		cmd         string
		says        string
	}{
		{"two responses in base64", base64.StdEncoding.EncodeToString(append(append([]byte(nil), doc...), doc...)), "login", "several XML documents"},
		{"text after the response", string(doc) + "\ntrailing", "login", "text after the end of the response"},
		{"gzip", gz.String(), "login", "gzip-compressed"},
		{"binary", "\x00\x01\x02%zz\xff", "login", "binary data"},
		{"expired without roles", expiredNoRoles, "roles", "no https://aws.amazon.com/SAML/Attributes/Role"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			calls := len(w.emu.Calls())
			r := w.run(c.input, c.cmd, "--saml-file", "-")
			w.refused(t, r, calls, c.says)
			if r.stdout != "" {
				t.Errorf("stdout %q", r.stdout)
			}
		})
	}
}

// TestHostileLeftovers: a SIGKILL during a write left .credentials.tmp-*
// files holding secrets, and a 0400 credentials file was made 0600. The
// next login removes the leftovers and keeps the stricter mode.
func TestHostileLeftovers(t *testing.T) {
	w := newWorld(t)
	f := w.samlFile(pair(adminA, provA))
	w.write(".aws/credentials", "[other]\nk = v\n")
	if err := os.Chmod(w.creds, 0o400); err != nil {
		t.Fatal(err)
	}
	w.write(".aws/.credentials.tmp-1234567", "aws_secret_access_key = leaked")
	w.write(".aws/.credentials.bak.tmp-89", "aws_secret_access_key = leaked")
	r := w.run("", "login", "--saml-file", f)
	if r.code != 0 {
		t.Fatalf("exit %d %q", r.code, r.stderr)
	}
	if names := dirNames(t, filepath.Dir(w.creds)); !slices.Equal(names, []string{"config", "config.lock", "credentials", "credentials.bak", "credentials.lock"}) {
		t.Errorf("~/.aws holds %v", names)
	}
	if fi, _ := os.Stat(w.creds); fi.Mode().Perm() != 0o400 {
		t.Errorf("credentials mode %v, want the stricter 0400 kept", fi.Mode().Perm())
	}
}

// TestBadRegionEveryCommand: --region 'us east' was exit 1 "check the
// network" in login, and unchecked in the recipes; every command refuses
// it with exit 2 naming --region, before anything is sent.
func TestBadRegionEveryCommand(t *testing.T) {
	w := newWorld(t)
	f := w.samlFile(pair(adminA, provA))
	for _, args := range [][]string{
		{"login", "--saml-file", f},
		{"web-identity", "--role-arn", adminA, "--token-file", f},
		{"session-token"},
		{"federation-token", "--name", "x"},
		{"decode-message", "abc"},
		{"whoami"},
		{"console", "--print"},
	} {
		r := w.run("", append(args, "--region", "us east")...)
		if r.code != 2 || !strings.Contains(r.stderr, `--region "us east" is not a region name`) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%s: exit %d, stderr %q", args[0], r.code, r.stderr)
		}
	}
	if calls := w.emu.Calls(); len(calls) != 0 {
		t.Errorf("STS was called: %+v", calls)
	}
}
