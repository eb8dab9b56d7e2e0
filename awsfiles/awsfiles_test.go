package awsfiles

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/internal/testenv"
)

var testExpiry = time.Date(2026, 11, 22, 3, 0, 0, 0, time.FixedZone("CET", 3600))

// kid pads a short test key id to the 20 characters AWS issues.
func kid(id string) string { return id + strings.Repeat("X", 20-len(id)) }

func sample(id string) creds.Credentials {
	return creds.Credentials{AccessKeyID: kid(id), SecretAccessKey: "secret/" + kid(id), SessionToken: "token+" + kid(id) + "==", Expiration: testExpiry}
}

func owned(id string) string {
	return "aws_access_key_id = " + kid(id) + "\naws_secret_access_key = secret/" + kid(id) +
		"\naws_session_token = token+" + kid(id) + "==\nx_security_token_expires = 2026-11-22T02:00:00Z\n"
}

func TestWriteCredentials(t *testing.T) {
	cases := []struct {
		name, before, profile, after string
	}{
		{"new file", "", "saml", "[saml]\n" + owned("ASIA1")},
		{"append keeps others byte for byte",
			"# my keys\n[default]\naws_access_key_id=AKIAOLD\naws_secret_access_key =  s  \n",
			"saml",
			"# my keys\n[default]\naws_access_key_id=AKIAOLD\naws_secret_access_key =  s  \n\n[saml]\n" + owned("ASIA1")},
		{"no trailing newline",
			"[a]\nregion = x", "saml",
			"[a]\nregion = x\n\n[saml]\n" + owned("ASIA1")},
		{"replace in place, keep foreign keys and comments",
			"[saml]\n; written by hand\nregion=eu-west-1\naws_access_key_id = ASIAOLD\naws_security_token = stale\naws_secret_access_key: old\nAWS_SESSION_TOKEN = old\n  continued-old-token\n\n# next\n[other]\nk = v\n",
			"saml",
			"[saml]\n; written by hand\nregion=eu-west-1\naws_access_key_id = " + kid("ASIA1") + "\naws_secret_access_key = secret/" + kid("ASIA1") + "\naws_session_token = token+" + kid("ASIA1") + "==\nx_security_token_expires = 2026-11-22T02:00:00Z\n\n# next\n[other]\nk = v\n"},
		{"crlf file stays crlf",
			"[x]\r\nk = v\r\n", "saml",
			"[x]\r\nk = v\r\n\r\n[saml]\r\n" + strings.ReplaceAll(owned("ASIA1"), "\n", "\r\n")},
		{"empty section gets keys after header",
			"[saml]\n\n[b]\nk=v\n", "saml",
			"[saml]\n" + owned("ASIA1") + "\n[b]\nk=v\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "aws", "credentials")
			if c.before != "" {
				if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(c.before), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := WriteCredentials(context.Background(), path, []Profile{{Name: c.profile, Credentials: sample("ASIA1")}}); err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(path)
			if string(got) != c.after {
				t.Errorf("file =\n%q\nwant\n%q", got, c.after)
			}
			testenv.Mode(t, path, 0o600)
			bak, err := os.ReadFile(path + ".bak")
			if c.before == "" {
				if err == nil {
					t.Errorf("a .bak was written for a new file")
				}
			} else if string(bak) != c.before {
				t.Errorf(".bak = %q, want the previous file", bak)
			}
			if c.before == "" {
				testenv.Mode(t, filepath.Dir(path), 0o700)
			}
			leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".credentials*.tmp-*"))
			if len(leftovers) > 0 {
				t.Errorf("temporary files left: %v", leftovers)
			}
			got2, err := ReadCredentials(path, c.profile)
			if err != nil || got2.AccessKeyID != kid("ASIA1") || got2.SessionToken != "token+"+kid("ASIA1")+"==" || !got2.Expiration.Equal(testExpiry) {
				t.Errorf("ReadCredentials = %+v, %v", got2, err)
			}
		})
	}
}

func TestWriteCredentialsRefuses(t *testing.T) {
	cases := []struct {
		name, before string
		check        func(error) bool
	}{
		{"long-term key", "[saml]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = x\n",
			func(err error) bool { var p *ProtectedProfileError; return errors.As(err, &p) }},
		{"garbage line", "[a]\nthis is not ini\n", func(err error) bool { var f *FileError; return errors.As(err, &f) }},
		{"key before any section", "k = v\n[saml]\n", func(err error) bool { var f *FileError; return errors.As(err, &f) }},
		{"unclosed header", "[saml\nk = v\n", func(err error) bool { var f *FileError; return errors.As(err, &f) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "credentials")
			if err := os.WriteFile(path, []byte(c.before), 0o644); err != nil {
				t.Fatal(err)
			}
			before, _ := os.Stat(path)
			err := WriteCredentials(context.Background(), path, []Profile{{Name: "saml", Credentials: sample("ASIA1")}})
			if !c.check(err) {
				t.Fatalf("err = %v (%T)", err, err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("multi-line error %q", err)
			}
			got, _ := os.ReadFile(path)
			after, _ := os.Stat(path)
			if string(got) != c.before || !after.ModTime().Equal(before.ModTime()) || after.Mode() != before.Mode() {
				t.Errorf("the file changed")
			}
			if _, err := os.Stat(path + ".bak"); err == nil {
				t.Errorf("a .bak was written")
			}
		})
	}
}

func TestEnsureRegion(t *testing.T) {
	nested := "[profile dev]\ns3 =\n  max_concurrent_requests = 20\n  addressing_style = path\noutput = json\n"
	cases := []struct {
		name, before, profile, after string
		unchanged                    bool
	}{
		{"new file", "", "saml", "[profile saml]\nregion = eu-west-1\n", false},
		{"default profile", "", "default", "[default]\nregion = eu-west-1\n", false},
		{"nested block kept", nested, "saml", nested + "\n[profile saml]\nregion = eu-west-1\n", false},
		{"section without region gets one after its keys", nested, "dev",
			"[profile dev]\ns3 =\n  max_concurrent_requests = 20\n  addressing_style = path\noutput = json\nregion = eu-west-1\n", false},
		{"existing region untouched", "[profile saml]\nregion=us-east-2\n", "saml", "[profile saml]\nregion=us-east-2\n", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config")
			if c.before != "" {
				if err := os.WriteFile(path, []byte(c.before), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			old := time.Now().Add(-time.Hour).Truncate(time.Second)
			_ = os.Chtimes(path, old, old)
			if err := EnsureRegion(context.Background(), path, c.profile, "eu-west-1"); err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(path)
			if string(got) != c.after {
				t.Errorf("config =\n%q\nwant\n%q", got, c.after)
			}
			st, _ := os.Stat(path)
			_, bakErr := os.Stat(path + ".bak")
			if c.unchanged && (!st.ModTime().Equal(old) || bakErr == nil) {
				t.Errorf("an unchanged config was rewritten (mtime %v, was %v)", st.ModTime(), old)
			}
			if !c.unchanged && c.before != "" && bakErr != nil {
				t.Errorf("no config.bak kept: %v", bakErr)
			}
			if c.before != "" && !c.unchanged {
				testenv.Mode(t, path, 0o644) // kept, not made 0600
			}
		})
	}
}

func TestSymlinkStaysSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "dotfiles-credentials")
	link := filepath.Join(dir, "credentials")
	if err := os.WriteFile(target, []byte("[a]\nk = v\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	testenv.Symlink(t, target, link)
	if err := WriteCredentials(context.Background(), link, []Profile{{Name: "saml", Credentials: sample("ASIA1")}}); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the symlink was replaced")
	}
	if got, _ := os.ReadFile(target); !strings.Contains(string(got), "[saml]") {
		t.Errorf("target not updated: %q", got)
	}
}

// TestConcurrentWriters: goroutines writing different profiles to one file
// through the lock never lose a profile (process-level: cmd/samlgo tests).
func TestConcurrentWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(path, []byte("# keep me\n[default]\nregion = x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 24; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := WriteCredentials(context.Background(), path, []Profile{{Name: fmt.Sprintf("p%02d", i), Credentials: sample(fmt.Sprintf("ASIA%02d", i))}}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for i := 0; i < 24; i++ {
		c, err := ReadCredentials(path, fmt.Sprintf("p%02d", i))
		if err != nil || c.AccessKeyID != kid(fmt.Sprintf("ASIA%02d", i)) {
			t.Errorf("profile p%02d = %+v, %v", i, c, err)
		}
	}
	if got, _ := os.ReadFile(path); !strings.HasPrefix(string(got), "# keep me\n[default]\nregion = x\n") {
		t.Errorf("foreign content lost: %q", got)
	}
}

func TestLockHonoursContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "credentials")
	ctx, cancel := context.WithCancel(context.Background())
	held := make(chan struct{})
	release := make(chan struct{})
	holderDone := make(chan struct{})
	go func() {
		defer close(holderDone)
		_ = edit(context.Background(), path, true, func(*document) error {
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	cancel()
	err := WriteCredentials(ctx, path, []Profile{{Name: "saml", Credentials: sample("ASIA1")}})
	close(release)
	<-holderDone // its write must end before the temp dir is removed
	if err == nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("write under a held lock with a cancelled context = %v", err)
	}
}

func TestPaths(t *testing.T) {
	home := t.TempDir()
	testenv.Home(t, home)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "")
	t.Setenv("AWS_CONFIG_FILE", "")
	if p, _ := CredentialsPath(""); p != filepath.Join(home, ".aws", "credentials") {
		t.Errorf("default credentials path %q", p)
	}
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "~/c")
	if p, _ := CredentialsPath(""); p != filepath.Join(home, "c") {
		t.Errorf("env credentials path %q", p)
	}
	if p, _ := CredentialsPath("/x/y"); p != "/x/y" {
		t.Errorf("flag credentials path %q", p)
	}
	t.Setenv("AWS_CONFIG_FILE", "/etc/awsconf")
	if p, _ := ConfigPath(""); p != "/etc/awsconf" {
		t.Errorf("env config path %q", p)
	}
}

// sectionBytes maps every section header to the bytes of its section
// (headers and all), for checking that an edit left them alone.
func sectionBytes(d *document) map[string]string {
	out := map[string]string{}
	for i, l := range d.lines {
		if l.kind == headerLine {
			s, e, _ := d.section(l.name)
			if s == i {
				out[l.name] = string((&document{lines: d.lines[s:e]}).bytes())
			}
		}
	}
	return out
}

// FuzzDocument checks the line editor: whatever parses must print back
// byte for byte; an update of a credentials profile or of a config
// profile's region must parse again, read back, and leave every other
// section unchanged.
func FuzzDocument(f *testing.F) {
	f.Add([]byte("[a]\nk = v\n"), "saml")
	f.Add([]byte("[saml]\r\naws_access_key_id=x\r\n  cont\r\n; c\r\n[b]\r\nq: r"), "saml")
	f.Add([]byte("[profile dev]\ns3 =\n  max = 1\n"), "dev")
	f.Add([]byte("[ saml ]\nk=v\r[profile  saml]\n  k = v\n  [x]\n"), "saml")
	f.Add([]byte("[a]\n  k = v\n  [saml]\n   j = 1\n"), "saml")
	f.Fuzz(func(t *testing.T, in []byte, profile string) {
		if ValidProfileName(profile) != nil {
			return
		}
		d, err := parseDocument(in)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("error %v (%T) is not a one-line *SyntaxError", err, err)
			}
			return
		}
		if got := d.bytes(); string(got) != string(in) {
			t.Fatalf("round trip changed the file:\n%q\n%q", in, got)
		}
		check := func(what string, d2 *document, before map[string]string, own func(string) bool) {
			after := sectionBytes(d2)
			for name, want := range before {
				if own(name) {
					continue
				}
				if got := after[name]; strings.TrimRight(got, "\r\n") != strings.TrimRight(want, "\r\n") {
					t.Fatalf("%s: section %q changed:\n%q\n%q", what, name, want, got)
				}
			}
		}

		// A credentials profile.
		cd := &document{lines: append([]line(nil), d.lines...), eol: d.eol}
		before := sectionBytes(cd)
		s, e, ok := cd.section(profile)
		cd.update(s, e, ok, profile, []keyValue{{"aws_access_key_id", "ASIAXXXXXXXXXXXXXXXX"}, {"region", "r"}}, []string{"aws_security_token"}, false)
		d2, err := parseDocument(cd.bytes())
		if err != nil {
			t.Fatalf("updated file does not parse: %v\n%q", err, cd.bytes())
		}
		s, e, ok = d2.section(profile)
		if v, found := d2.get(s, e, "aws_access_key_id"); !ok || !found || v != "ASIAXXXXXXXXXXXXXXXX" {
			t.Fatalf("updated key reads back %q, %v\n%q", v, found, cd.bytes())
		}
		if _, found := d2.get(s, e, "aws_security_token"); found {
			t.Fatalf("aws_security_token survived\n%q", cd.bytes())
		}
		check("credentials", d2, before, func(n string) bool { return n == profile })

		// A config profile's region, in the section botocore reads.
		mine := func(n string) bool { p, ok := configProfile(n); return ok && p == profile }
		s, e, ok = d.sectionWhere(mine)
		had := ""
		if ok {
			had, _ = d.get(s, e, "region")
		}
		d.update(s, e, ok, ConfigSection(profile), []keyValue{{"region", "r"}}, nil, true)
		d3, err := parseDocument(d.bytes())
		if err != nil {
			t.Fatalf("updated config does not parse: %v\n%q", err, d.bytes())
		}
		s, e, ok = d3.sectionWhere(mine)
		want := "r"
		if had != "" {
			want = had
		}
		if v, _ := d3.get(s, e, "region"); !ok || v != want {
			t.Fatalf("config region reads back %q, want %q\n%q", v, want, d.bytes())
		}
		check("config", d3, before, func(n string) bool { return n == d3.lines[s].name })
	})
}

// FuzzConfigProfile checks the reading of config section names: no
// panic, every name ValidProfileName accepts reads back from the section
// samlgo writes for it, and a quoted spelling names the same profile.
func FuzzConfigProfile(f *testing.F) {
	f.Add("profile dev", "dev")
	f.Add(`profile "a b"`, "x")
	f.Add(`profile 'unclosed`, "default")
	f.Add(`profile a\`, "a")
	f.Fuzz(func(t *testing.T, section, name string) {
		_, _ = configProfile(section)
		if ValidProfileName(name) != nil {
			return
		}
		for _, s := range []string{ConfigSection(name), "profile  " + name + " ", `profile "` + name + `"`, "profile '" + name + "'"} {
			if got, ok := configProfile(s); !ok || got != name {
				t.Fatalf("configProfile(%q) = %q, %v; want %q", s, got, ok, name)
			}
		}
	})
}

// TestEnsureRegionsSameAsOneByOne: the batch that sso creds --all and
// login --all-roles use writes what EnsureRegion did one profile at a
// time, and writes nothing when one profile is refused.
func TestEnsureRegionsSameAsOneByOne(t *testing.T) {
	before := "[profile dev]\noutput = json\n\n[profile old]\nregion = us-east-2\n"
	var prs []ProfileRegion
	for _, p := range []string{"p3", "dev", "old", "default", "p1", "p3"} {
		prs = append(prs, ProfileRegion{Profile: p, Region: "eu-west-1"})
	}
	prs = append(prs, ProfileRegion{Profile: "no-region"})
	dir := t.TempDir()
	one, batch := filepath.Join(dir, "one"), filepath.Join(dir, "batch")
	for _, p := range []string{one, batch} {
		if err := os.WriteFile(p, []byte(before), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, pr := range prs {
		if err := EnsureRegion(context.Background(), one, pr.Profile, pr.Region); err != nil {
			t.Fatal(err)
		}
	}
	if err := EnsureRegions(context.Background(), batch, prs); err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(one)
	if got, _ := os.ReadFile(batch); string(got) != string(want) || !strings.Contains(string(got), "[profile p1]") {
		t.Fatalf("batch wrote\n%s\none by one\n%s", got, want)
	}
	bad := []ProfileRegion{{Profile: "fresh", Region: "eu-west-1"}, {Profile: "x", Region: "eu west 1"}}
	if err := EnsureRegions(context.Background(), batch, bad); err == nil {
		t.Fatal("a bad region was accepted")
	}
	if got, _ := os.ReadFile(batch); string(got) != string(want) {
		t.Fatal("a refused batch changed the file")
	}
}
