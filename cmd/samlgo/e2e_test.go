//go:build unix

// The end-to-end tests build the binaries with the go toolchain and drive
// them with Unix tools (sh, tmux, moto_server, signals, FIFOs): they run on
// Linux and macOS. On Windows the packages' own tests run instead (see
// scripts/wine-test.sh).

package main

// End-to-end tests: the real binary, a strict STS emulator (and moto), and
// the real AWS CLI v2 reading what samlgo wrote.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/internal/idp"
	"github.com/samlgo/samlgo/internal/moto"
	"github.com/samlgo/samlgo/internal/stsemu"
	"github.com/samlgo/samlgo/internal/testenv"
	"github.com/samlgo/samlgo/sts"
)

var samlgoBin, fastBin, peakrssBin, demoBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "samlgo-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	samlgoBin = filepath.Join(dir, "samlgo")
	if out, err := exec.Command("go", "build", "-o", samlgoBin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building samlgo: %v\n%s", err, out)
		os.Exit(1)
	}
	// The fast credential_process program, installed beside samlgo as
	// make install does.
	peakrssBin = filepath.Join(dir, "peakrss")
	if out, err := exec.Command("go", "build", "-o", peakrssBin, "../../internal/peakrss").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building peakrss: %v\n%s", err, out)
		os.Exit(1)
	}
	fastBin = filepath.Join(dir, "samlgo-credential-process")
	if out, err := exec.Command("go", "build", "-o", fastBin, "../samlgo-credential-process").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building samlgo-credential-process: %v\n%s", err, out)
		os.Exit(1)
	}
	// The demo, a program of its own (make demo).
	demoBin = filepath.Join(dir, "samlgo-demo")
	if out, err := exec.Command("go", "build", "-o", demoBin, "../samlgo-demo").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building samlgo-demo: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const (
	acctA    = "123456789012"
	acctB    = "210987654321"
	provA    = "arn:aws:iam::" + acctA + ":saml-provider/CorpIdP"
	provB    = "arn:aws:iam::" + acctB + ":saml-provider/CorpIdP"
	adminA   = "arn:aws:iam::" + acctA + ":role/Admin"
	readA    = "arn:aws:iam::" + acctA + ":role/ReadOnly"
	deployB  = "arn:aws:iam::" + acctB + ":role/team/Deployer"
	cnRole   = "arn:aws-cn:iam::444455556666:role/ChinaOps"
	cnProv   = "arn:aws-cn:iam::444455556666:saml-provider/CorpIdP"
	userName = "alice@example.com"
)

// world is one isolated user: a HOME, AWS files, an IdP signer and an STS
// emulator trusting it.
type world struct {
	t      testing.TB
	home   string
	creds  string
	config string
	signer *idp.Signer
	emu    *stsemu.Emulator
	extra  []string
}

func newWorld(t testing.TB) *world {
	t.Helper()
	home := t.TempDir()
	s, err := idp.NewSigner("https://idp.example.test/metadata")
	if err != nil {
		t.Fatal(err)
	}
	emu := stsemu.New()
	for _, p := range []string{provA, provB, cnProv} {
		emu.TrustProvider(p, s.Cert)
	}
	if err := emu.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		emu.Close()
		if p := emu.PendingFailures(); len(p) > 0 {
			t.Errorf("failures queued with FailNext never used: %v", p)
		}
	})
	return &world{t: t, home: home, creds: filepath.Join(home, ".aws", "credentials"), config: filepath.Join(home, ".aws", "config"), signer: s, emu: emu}
}

func (w *world) env() []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + w.home,
		"XDG_CONFIG_HOME=" + filepath.Join(w.home, ".config"),
		"XDG_CACHE_HOME=" + filepath.Join(w.home, ".cache"),
		"AWS_SHARED_CREDENTIALS_FILE=" + w.creds,
		"AWS_CONFIG_FILE=" + w.config,
		"AWS_ENDPOINT_URL_STS=" + w.emu.URL,
		"SHELL=/bin/bash",
	}
	return append(env, w.extra...)
}

type result struct {
	stdout, stderr string
	code           int
}

func (w *world) run(stdin string, args ...string) result {
	w.t.Helper()
	return w.runProgram(samlgoBin, stdin, args...)
}

// runProgram is run for another of samlgo's programs.
func (w *world) runProgram(bin, stdin string, args ...string) result {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = w.env()
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		w.t.Fatalf("running samlgo: %v", err)
	}
	return result{out.String(), errb.String(), code}
}

// response signs a fresh SAMLResponse XML for the roles (role ARN first).
func (w *world) response(o idp.ResponseOptions) []byte {
	w.t.Helper()
	if o.SessionName == "" {
		o.SessionName = userName
	}
	doc, err := w.signer.Response(o)
	if err != nil {
		w.t.Fatal(err)
	}
	return doc
}

// samlFile saves a base64 response, line-wrapped as browsers' copy does.
func (w *world) samlFile(roles ...string) string {
	w.t.Helper()
	b64 := base64.StdEncoding.EncodeToString(w.response(idp.ResponseOptions{Roles: roles}))
	var b strings.Builder
	for len(b64) > 76 {
		b.WriteString(b64[:76] + "\r\n")
		b64 = b64[76:]
	}
	b.WriteString(b64 + "\r\n")
	return w.write("samlresponse.log", b.String())
}

func (w *world) write(name, content string) string {
	w.t.Helper()
	p := filepath.Join(w.home, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		w.t.Fatal(err)
	}
	return p
}

func pair(role, prov string) string { return role + "," + prov }

// awsCLI finds the AWS CLI v2 (Debian's awscli; a pip-installed v1 may come
// first on PATH, so /usr/bin/aws is tried first).
func awsCLI(t testing.TB) string { return testenv.AWSCLIv2(t) }

// callerIdentity runs `aws sts get-caller-identity --profile P` against
// endpoint: the emulator verifies the SigV4 signature, so a wrong secret or
// token fails.
func (w *world) callerIdentity(profile, endpoint string) (string, error) {
	w.t.Helper()
	cmd := exec.Command(awsCLI(w.t), "sts", "get-caller-identity", "--profile", profile, "--endpoint-url", endpoint, "--output", "json")
	cmd.Env = []string{"HOME=" + w.home, "PATH=/usr/bin:/bin", "AWS_SHARED_CREDENTIALS_FILE=" + w.creds, "AWS_CONFIG_FILE=" + w.config}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("aws sts get-caller-identity: %v\n%s", err, out)
	}
	var id struct{ Arn string }
	if err := json.Unmarshal(out, &id); err != nil {
		return "", fmt.Errorf("aws output %q: %v", out, err)
	}
	return id.Arn, nil
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestLoginProfileReadByAWSCLI(t *testing.T) {
	w := newWorld(t)
	w.write(".aws/credentials", "# personal keys\n[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\n[prod]\naws_access_key_id = ASIAOLD\naws_security_token = stale-old-token\n")
	w.write(".aws/config", "[default]\nregion = eu-central-1\n")
	f := w.samlFile(pair(adminA, provA), pair(readA, provA), pair(deployB, provB))
	r := w.run("", "login", "--saml-file", f, "--role", "Deployer", "--profile", "prod", "--duration", "45m")
	if r.code != 0 {
		t.Fatalf("login exit %d: %s", r.code, r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("stdout must stay empty for --format profile, got %q", r.stdout)
	}
	if lines := strings.Split(strings.TrimSpace(r.stderr), "\n"); len(lines) != 1 || !strings.Contains(r.stderr, `profile "prod"`) || !strings.Contains(r.stderr, deployB) {
		t.Errorf("stderr = %q, want one line naming profile and role", r.stderr)
	}
	got := readFile(t, w.creds)
	if !strings.HasPrefix(got, "# personal keys\n[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n") || strings.Contains(got, "aws_security_token") {
		t.Errorf("credentials file:\n%s", got)
	}
	if !strings.Contains(readFile(t, w.creds+".bak"), "stale-old-token") {
		t.Errorf("credentials.bak does not hold the previous file")
	}
	if cfg := readFile(t, w.config); cfg != "[default]\nregion = eu-central-1\n\n[profile prod]\nregion = us-east-1\n" {
		t.Errorf("config file:\n%s", cfg)
	}
	if st, _ := os.Stat(w.creds); st.Mode().Perm() != 0o600 {
		t.Errorf("credentials mode %v", st.Mode().Perm())
	}
	arn, err := w.callerIdentity("prod", w.emu.URL)
	if err != nil {
		t.Fatal(err)
	}
	if want := "arn:aws:sts::" + acctB + ":assumed-role/Deployer/" + userName; arn != want {
		t.Errorf("AWS CLI sees %q, want %q", arn, want)
	}
	c, _ := awsfiles.ReadCredentials(w.creds, "prod")
	if d := time.Until(c.Expiration); d < 44*time.Minute || d > 46*time.Minute {
		t.Errorf("x_security_token_expires in %v, want 45m", d)
	}
}

func TestLoginFormats(t *testing.T) {
	w := newWorld(t)
	f := w.samlFile(pair(adminA, provA), pair(readA, provA))

	r := w.run("", "login", "--saml-file", f, "--role", acctA+":ReadOnly", "--format", "json")
	if r.code != 0 {
		t.Fatalf("json exit %d: %s", r.code, r.stderr)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || doc["Version"] != 1.0 || !strings.HasPrefix(fmt.Sprint(doc["AccessKeyId"]), "ASIA") ||
		!strings.HasSuffix(fmt.Sprint(doc["Expiration"]), "Z") || doc["SessionToken"] == "" {
		t.Errorf("json output %q: %v", r.stdout, err)
	}

	r = w.run("", "login", "--saml-file", f, "--role", "*:Admin", "--format", "env", "--region", "eu-west-1")
	if r.code != 0 {
		t.Fatalf("env exit %d: %s", r.code, r.stderr)
	}
	sh := exec.Command("bash", "-c", r.stdout+`echo "$AWS_ACCESS_KEY_ID|$AWS_REGION|${AWS_SECURITY_TOKEN-unset}|$AWS_CREDENTIAL_EXPIRATION"`)
	sh.Env = []string{"AWS_SECURITY_TOKEN=stale"}
	out, err := sh.Output()
	parts := strings.Split(strings.TrimSpace(string(out)), "|")
	if err != nil || len(parts) != 4 || !strings.HasPrefix(parts[0], "ASIA") || parts[1] != "eu-west-1" || parts[2] != "unset" || !strings.HasSuffix(parts[3], "Z") {
		t.Errorf("env lines evaluated to %q (%v)", out, err)
	}
	if _, err := os.Stat(w.creds); err == nil {
		t.Errorf("--format env/json wrote the credentials file")
	}

	r = w.run("", "login", "--saml-file", f, "--role", "Admin", "--format", "env", "--shell", "fish")
	if r.code != 0 || !strings.Contains(r.stdout, "set -gx AWS_ACCESS_KEY_ID") || !strings.Contains(r.stdout, "set -e AWS_SECURITY_TOKEN") {
		t.Errorf("fish output %q (%s)", r.stdout, r.stderr)
	}
}

func TestLoginInputForms(t *testing.T) {
	w := newWorld(t)
	doc := w.response(idp.ResponseOptions{Roles: []string{pair(provA, adminA)}}) // principal first, as ADFS sends it
	b64 := base64.StdEncoding.EncodeToString(doc)
	forms := map[string]string{
		"raw xml":     string(doc),
		"url-encoded": url.QueryEscape(b64),
		"form body":   "SAMLResponse=" + url.QueryEscape(b64) + "&RelayState=https%3A%2F%2Fconsole.aws.amazon.com",
	}
	for name, body := range forms {
		t.Run(name+" on stdin", func(t *testing.T) {
			r := w.run(body, "login", "--saml-file", "-", "--profile", "p")
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
		})
	}
	if arn, err := w.callerIdentity("p", w.emu.URL); err != nil || !strings.Contains(arn, "assumed-role/Admin/") {
		t.Errorf("AWS CLI: %q, %v", arn, err)
	}
}

func TestAllRoles(t *testing.T) {
	w := newWorld(t)
	w.write(".config/samlgo/config.toml", "default_account = \"corp\"\n[accounts.corp]\nregion = \"eu-west-1\"\n[accounts.corp.aliases]\n\""+acctA+"\" = \"prod\"\n")
	f := w.samlFile(pair(adminA, provA), pair(readA, provA), pair(deployB, provB))
	r := w.run("", "login", "--saml-file", f, "--all-roles")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for profile, role := range map[string]string{"prod-Admin": "Admin", "prod-ReadOnly": "ReadOnly", acctB + "-Deployer": "Deployer"} {
		arn, err := w.callerIdentity(profile, w.emu.URL)
		if err != nil || !strings.Contains(arn, "assumed-role/"+role+"/") {
			t.Errorf("profile %s: %q, %v", profile, arn, err)
		}
	}
	if strings.Count(r.stderr, "\n") != 3 {
		t.Errorf("want one stderr line per profile, got %q", r.stderr)
	}
	if !strings.Contains(readFile(t, w.config), "[profile prod-Admin]\nregion = eu-west-1\n") {
		t.Errorf("config:\n%s", readFile(t, w.config))
	}
	// A glob with --all-roles narrows the set.
	r = w.run("", "login", "--saml-file", f, "--all-roles", "--role", "prod:*", "--profile-template", "x-{role}")
	if r.code != 0 || strings.Count(r.stderr, "\n") != 2 {
		t.Errorf("narrowed --all-roles: exit %d %q", r.code, r.stderr)
	}
}

func TestPartitionRegion(t *testing.T) {
	w := newWorld(t)
	f := w.samlFile(pair(cnRole, cnProv))
	r := w.run("", "login", "--saml-file", f, "--profile", "cn")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(readFile(t, w.config), "[profile cn]\nregion = cn-north-1\n") {
		t.Errorf("config:\n%s", readFile(t, w.config))
	}
}

func TestNoTerminalSeveralRoles(t *testing.T) {
	w := newWorld(t)
	f := w.samlFile(pair(adminA, provA), pair(deployB, provB))
	r := w.run("", "login", "--saml-file", f)
	if r.code != 2 || !strings.Contains(r.stderr, adminA) || !strings.Contains(r.stderr, deployB) || !strings.Contains(r.stderr, "hint: pass --role") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	r = w.run("", "login", "--saml-file", f, "--role", "Nope")
	if r.code != 2 || !strings.Contains(r.stderr, `role "Nope" matches none`) || !strings.Contains(r.stderr, deployB) {
		t.Errorf("no match: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if n := len(w.emu.Calls()); n != 0 {
		t.Errorf("%d STS calls for refused logins", n)
	}
}

// TestBadInput covers PRODUCT.md §6: one line on stderr naming the input,
// exit 2, no STS call, and byte-identical ~/.aws files.
func TestBadInput(t *testing.T) {
	w := newWorld(t)
	credsBefore := "[saml]\naws_access_key_id = ASIAOLD\naws_secret_access_key = old\n"
	cfgBefore := "[profile saml]\nregion = eu-north-1\n"
	w.write(".aws/credentials", credsBefore)
	w.write(".aws/config", cfgBefore)
	good := w.samlFile(pair(adminA, provA))
	xmlOf := func(o idp.ResponseOptions) string { return string(w.response(o)) }
	expired := xmlOf(idp.ResponseOptions{Roles: []string{pair(adminA, provA)}, Now: time.Now().Add(-2 * time.Hour)})
	encrypted := readFile(t, filepath.Join("..", "..", "assertion", "testdata", "responses", "encrypted.xml"))
	big := strings.Replace(xmlOf(idp.ResponseOptions{Roles: []string{pair(adminA, provA)}}), "</samlp:Response>", "<!--"+strings.Repeat("x", 80000)+"--></samlp:Response>", 1)

	cases := []struct {
		name, input string
		args        []string
		want        string
	}{
		{"not base64", "this is not a response", nil, "not base64 or XML"},
		{"not xml", base64.StdEncoding.EncodeToString([]byte("hello world")), nil, "decodes as base64, but not to XML"},
		{"not a saml response", "<html><body>login</body></html>", nil, "not a SAML Response"},
		{"failed status", xmlOf(idp.ResponseOptions{Status: "urn:oasis:names:tc:SAML:2.0:status:Requester"}), nil, "failed sign-in"},
		{"no role attribute", xmlOf(idp.ResponseOptions{}), nil, "no https://aws.amazon.com/SAML/Attributes/Role"},
		{"malformed pair", xmlOf(idp.ResponseOptions{Roles: []string{adminA + ";" + provA}}), nil, "malformed role ARN pair"},
		{"expired", expired, nil, "expired"},
		{"encrypted", encrypted, nil, "encrypted"},
		{"oversized", big, nil, "STS takes at most 100000"},
		{"dtd", `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>`, nil, "DTD"},
		{"empty", "", nil, "empty"},
		{"missing file", "", []string{"--saml-file", "/nonexistent/resp.log"}, "no such file"},
		{"bad duration", "", []string{"--saml-file", good, "--duration", "20h"}, "outside what AWS allows"},
		{"bad format", "", []string{"--saml-file", good, "--format", "yaml"}, "unknown --format"},
		{"bad profile name", "", []string{"--saml-file", good, "--profile", "a]b"}, "--profile"},
		{"all-roles with env", "", []string{"--saml-file", good, "--all-roles", "--format", "env"}, "--all-roles"},
		{"unknown flag", "", []string{"--saml-file", good, "--rol", "x"}, "unknown flag"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := c.args
			if args == nil {
				args = []string{"--saml-file", "-"}
			}
			before := len(w.emu.Calls())
			r := w.run(c.input, append([]string{"login"}, args...)...)
			lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
			if r.code != 2 {
				t.Errorf("exit %d, want 2; stderr %q", r.code, r.stderr)
			}
			if !strings.Contains(lines[0], c.want) {
				t.Errorf("stderr %q does not say %q", r.stderr, c.want)
			}
			if len(lines) > 2 || len(lines) == 2 && !strings.HasPrefix(lines[1], "hint: ") {
				t.Errorf("want one line (and at most a hint), got %q", r.stderr)
			}
			if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic") {
				t.Errorf("stack trace on stderr")
			}
			if n := len(w.emu.Calls()); n != before {
				t.Errorf("%d STS calls", n-before)
			}
			if readFile(t, w.creds) != credsBefore || readFile(t, w.config) != cfgBefore {
				t.Errorf("~/.aws changed")
			}
		})
	}
	t.Run("config and credentials that do not parse", func(t *testing.T) {
		w.write(".config/samlgo/config.toml", "[accounts.a]\nrol = \"x\"\n")
		r := w.run("", "login", "--saml-file", good)
		if r.code != 2 || !strings.Contains(r.stderr, "config.toml line 2") || !strings.Contains(r.stderr, `"accounts.a.rol"`) {
			t.Errorf("bad config: exit %d %q", r.code, r.stderr)
		}
		os.Remove(filepath.Join(w.home, ".config/samlgo/config.toml"))
		broken := "[saml]\nthis line is not ini\n"
		w.write(".aws/credentials", broken)
		r = w.run("", "login", "--saml-file", good)
		if r.code != 2 || !strings.Contains(r.stderr, "does not parse") || readFile(t, w.creds) != broken {
			t.Errorf("bad credentials file: exit %d %q", r.code, r.stderr)
		}
		w.write(".aws/credentials", "[saml]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = x\n")
		r = w.run("", "login", "--saml-file", good)
		if r.code != 2 || !strings.Contains(r.stderr, "long-term access key") {
			t.Errorf("long-term keys: exit %d %q", r.code, r.stderr)
		}
		if n := len(w.emu.Calls()); n != 0 {
			t.Errorf("%d STS calls", n)
		}
	})
}

func TestEncryptedWithRoleAndPrincipal(t *testing.T) {
	w := newWorld(t)
	f := filepath.Join("..", "..", "assertion", "testdata", "responses", "encrypted.xml")
	r := w.run("", "login", "--saml-file", f, "--role", adminA, "--principal", provA)
	// The emulator cannot decrypt, but the call must go out with the pair.
	calls := w.emu.Calls()
	if len(calls) != 1 || calls[0].RoleARN != adminA || calls[0].PrincipalARN != provA {
		t.Fatalf("calls = %+v (stderr %q)", calls, r.stderr)
	}
	if r.code != 1 || !strings.Contains(r.stderr, "InvalidIdentityToken") {
		t.Errorf("exit %d %q", r.code, r.stderr)
	}
}

func TestSTSFailures(t *testing.T) {
	w := newWorld(t)
	f := w.samlFile(pair(adminA, provA))
	before := "[other]\nk = v\n"
	w.write(".aws/credentials", before)
	cases := []struct{ code, want, hint string }{
		{"ExpiredTokenException", "expired", "log in again"},
		{"AccessDenied", "AWS refused the role", "trust policy"},
	}
	for _, c := range cases {
		t.Run(c.code, func(t *testing.T) {
			w.emu.FailNext("AssumeRoleWithSAML", c.code, "forced", 403)
			r := w.run("", "login", "--saml-file", f)
			if r.code != 1 || !strings.Contains(r.stderr, c.want) || !strings.Contains(r.stderr, "hint: ") || !strings.Contains(r.stderr, c.hint) {
				t.Errorf("exit %d %q", r.code, r.stderr)
			}
			if readFile(t, w.creds) != before {
				t.Errorf("credentials changed after a failed call")
			}
		})
	}
	t.Run("duration retried at 1h", func(t *testing.T) {
		r := w.run("", "login", "--saml-file", f, "--duration", "8h")
		if r.code != 0 || !strings.Contains(r.stderr, "shortened to 1h") {
			t.Errorf("exit %d %q", r.code, r.stderr)
		}
	})
}

// TestSecretsStayOffStderr: even with --debug, no secret, token or
// assertion reaches stderr, and argv never carries them.
func TestSecretsStayOffStderr(t *testing.T) {
	w := newWorld(t)
	f := w.samlFile(pair(adminA, provA))
	for _, format := range []string{"profile", "json"} {
		r := w.run("", "--debug", "login", "--saml-file", f, "--format", format)
		if r.code != 0 {
			t.Fatalf("exit %d %q", r.code, r.stderr)
		}
		c, err := awsfiles.ReadCredentials(w.creds, "saml")
		if format == "json" {
			var doc struct{ SecretAccessKey, SessionToken string }
			json.Unmarshal([]byte(r.stdout), &doc)
			c.SecretAccessKey, c.SessionToken, err = doc.SecretAccessKey, doc.SessionToken, nil
		}
		if err != nil || c.SecretAccessKey == "" {
			t.Fatalf("no credentials to look for: %v", err)
		}
		saml := strings.ReplaceAll(readFile(t, f), "\r\n", "")
		for _, secret := range []string{c.SecretAccessKey, c.SessionToken, saml[:60], saml[200:260]} {
			if strings.Contains(r.stderr, secret) {
				t.Errorf("%s: stderr contains a secret", format)
			}
		}
		if !strings.Contains(r.stderr, "level=DEBUG") {
			t.Errorf("--debug logged nothing")
		}
	}
}

// TestConcurrentProcesses runs many samlgo processes writing different
// profiles to one credentials file at once; none may be lost.
func TestConcurrentProcesses(t *testing.T) {
	w := newWorld(t)
	w.write(".aws/credentials", "# keep this comment\n[default]\nregion = eu-west-1\n")
	f := w.samlFile(pair(adminA, provA))
	const n = 16
	var wg sync.WaitGroup
	results := make([]result, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = w.run("", "login", "--saml-file", f, "--profile", fmt.Sprintf("p%02d", i))
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r.code != 0 {
			t.Errorf("process %d: exit %d %q", i, r.code, r.stderr)
		}
	}
	// The checking client reads the world's files, never the real HOME's
	// (regression: it was built before these were set).
	t.Setenv("HOME", w.home)
	t.Setenv("AWS_CONFIG_FILE", w.config)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", w.creds)
	t.Setenv("AWS_ENDPOINT_URL_STS", w.emu.URL)
	cl, err := sts.New(context.Background(), sts.Options{Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		c, err := awsfiles.ReadCredentials(w.creds, fmt.Sprintf("p%02d", i))
		if err != nil {
			t.Errorf("profile p%02d lost: %v", i, err)
			continue
		}
		if id, err := cl.CallerIdentity(context.Background(), c); err != nil || !strings.Contains(id.ARN, "assumed-role/Admin") {
			t.Errorf("profile p%02d unusable: %v", i, err)
		}
	}
	if !strings.HasPrefix(readFile(t, w.creds), "# keep this comment\n[default]\nregion = eu-west-1\n") {
		t.Errorf("foreign content lost")
	}
	if _, err := w.callerIdentity(fmt.Sprintf("p%02d", n-1), w.emu.URL); err != nil {
		t.Error(err)
	}
}

// TestAgainstMoto runs the binary against moto_server as STS and reads the
// profile back with the AWS CLI against moto.
func TestAgainstMoto(t *testing.T) {
	w := newWorld(t)
	motoURL := moto.Start(t)
	w.extra = []string{"AWS_ENDPOINT_URL_STS=" + motoURL}
	f := w.samlFile(pair(adminA, provA))
	r := w.run("", "login", "--saml-file", f, "--profile", "moto", "--duration", "2h")
	if r.code != 0 {
		t.Fatalf("exit %d %q", r.code, r.stderr)
	}
	arn, err := w.callerIdentity("moto", motoURL)
	if err != nil || !strings.Contains(arn, "assumed-role/Admin/"+userName) {
		t.Errorf("AWS CLI against moto: %q, %v", arn, err)
	}
}

func TestRolesAndInspect(t *testing.T) {
	w := newWorld(t)
	f := w.samlFile(pair(adminA, provA), pair(deployB, provB))
	r := w.run("", "roles", "--saml-file", f, "--output", "json")
	var roles []map[string]string
	if err := json.Unmarshal([]byte(r.stdout), &roles); r.code != 0 || err != nil || len(roles) != 2 {
		t.Fatalf("roles json: exit %d %q %v", r.code, r.stdout, err)
	}
	want := map[string]string{"role_arn": deployB, "principal_arn": provB, "account_id": acctB, "role_name": "Deployer"}
	if fmt.Sprint(roles[1]) != fmt.Sprint(want) {
		t.Errorf("roles[1] = %v, want %v", roles[1], want)
	}
	r = w.run("", "inspect", "--saml-file", f)
	for _, s := range []string{"Issuer:", "https://idp.example.test/metadata", "Destination:", "https://signin.aws.amazon.com/saml", "left)", "response signed, assertion signed", deployB} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("inspect output lacks %q:\n%s", s, r.stdout)
		}
	}
	r = w.run("", "roles", "--saml-file", w.write("old.xml", string(w.response(idp.ResponseOptions{Roles: []string{pair(adminA, provA)}, Now: time.Now().Add(-time.Hour)}))))
	if r.code != 0 || !strings.Contains(r.stderr, "warning") || !strings.Contains(r.stdout, adminA) {
		t.Errorf("expired roles listing: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
}

// TestDemo runs samlgo-demo (built-in IdP, headless Chromium, STS
// emulator) and checks that it leaves no temporary directory, profile or
// Chrome.
func TestDemo(t *testing.T) {
	w := newBrowserWorld(t).world
	tmp := t.TempDir()
	w.extra = []string{"TMPDIR=" + tmp}
	r := w.runProgram(demoBin, "")
	if r.code != 0 || !strings.Contains(r.stderr, "assumed-role/Developer/demo@samlgo.test") || !strings.Contains(r.stderr, "1 password login") {
		t.Fatalf("demo: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(w.creds); err == nil {
		t.Errorf("the demo touched the user's credentials file")
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, "*")); len(left) > 0 {
		t.Errorf("the demo left %v", left)
	}
	if pids := chromeUnder(tmp); len(pids) > 0 {
		t.Errorf("the demo left Chrome running: %v", pids)
	}
}

// TestDemoNotInSamlgo: the demo's IdP and STS emulator were linked into
// samlgo itself, costing every start (issue 14): the samlgo binary has no
// demo command now, and its package graph none of internal/ or samlidp.
func TestDemoNotInSamlgo(t *testing.T) {
	w := newWorld(t)
	if r := w.run("", "demo"); r.code != 2 {
		t.Errorf("samlgo demo: exit %d, want 2 (no such command)", r.code)
	}
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/samlgo/samlgo/internal/") || strings.Contains(dep, "samlidp") {
			t.Errorf("samlgo links %s", dep)
		}
	}
}

// chromeUnder lists processes whose command line names a path under dir.
func chromeUnder(dir string) []string {
	var out []string
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, _ := os.ReadFile(p)
		if strings.Contains(string(b), "--user-data-dir="+dir) {
			out = append(out, p)
		}
	}
	return out
}

// TestLoginRefusesImpossibleExpiration: STS answers expiring in 2020,
// 1970 and 9999 were written with exit 0 ("expires … in -60729h59m";
// issue 14). Through the binary and the STS emulator, each is now refused
// with one line naming the expiry, and nothing is written.
func TestLoginRefusesImpossibleExpiration(t *testing.T) {
	for _, at := range []time.Time{
		time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(0, 0),
		time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC),
	} {
		t.Run(at.Format("2006"), func(t *testing.T) {
			w := newWorld(t)
			w.emu.AnswerExpiration = at
			r := w.run("", "login", "--saml-file", w.samlFile(pair(adminA, provA)), "--profile", "prod")
			if r.code != 1 || !strings.Contains(r.stderr, at.UTC().Format(time.RFC3339)) || strings.Count(strings.TrimSpace(r.stderr), "\n") > 1 {
				t.Errorf("exit %d, stderr %q; want exit 1 naming the expiry", r.code, r.stderr)
			}
			if _, err := os.Stat(w.creds); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("credentials file written: %v", err)
			}
		})
	}
}

// TestLoginThenUseWithLongTermDefault: with an IAM user's long-term keys
// in [default], `samlgo login && samlgo exec -- CMD` ran CMD with those
// keys, not the role just chosen (issue 15). env, exec and whoami without
// --profile now read the profile login wrote.
func TestLoginThenUseWithLongTermDefault(t *testing.T) {
	w := newWorld(t)
	w.write(".aws/credentials", "[default]\naws_access_key_id = AKIALONGTERM00000001\naws_secret_access_key = wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\n")
	f := w.samlFile(pair(adminA, provA))
	if r := w.run("", "login", "--saml-file", f, "--region", "eu-west-1"); r.code != 0 {
		t.Fatalf("login: %+v", r)
	}
	saml, err := awsfiles.ReadCredentials(w.creds, "saml")
	if err != nil || !strings.HasPrefix(saml.AccessKeyID, "ASIA") {
		t.Fatalf("login wrote %+v, %v", saml, err)
	}
	r := w.run("", "exec", "--", "sh", "-c", `printf %s "$AWS_ACCESS_KEY_ID $SAMLGO_PROFILE"`)
	if r.code != 0 || r.stdout != saml.AccessKeyID+" saml" {
		t.Errorf("exec: %+v, want %s saml", r, saml.AccessKeyID)
	}
	r = w.run("", "env", "--shell", "bash")
	if r.code != 0 || !strings.Contains(r.stdout, "AWS_ACCESS_KEY_ID='"+saml.AccessKeyID+"'") || strings.Contains(r.stdout, "AKIALONGTERM") {
		t.Errorf("env: %+v", r)
	}
	r = w.run("", "whoami")
	if r.code != 0 || !strings.Contains(r.stdout, "assumed-role/Admin/") {
		t.Errorf("whoami: %+v", r)
	}
}

// TestInitThenLogin: a new user's first run by flags, then a login that
// uses what init wrote (its profile and region); config path and config
// example work from the binary alone.
func TestInitThenLogin(t *testing.T) {
	w := newWorld(t)
	cfg := filepath.Join(w.home, ".config", "samlgo", "config.toml")
	r := w.run("", "config", "path")
	if r.code != 0 || strings.TrimSpace(r.stdout) != cfg {
		t.Fatalf("config path: %+v, want %s", r, cfg)
	}
	r = w.run("", "init", "--url", "https://idp.example.test/sso", "--username", "alice", "--profile", "corp-admin", "--region", "eu-west-1", "--no-check")
	if r.code != 0 || !strings.Contains(r.stderr, "wrote [accounts.example] to "+cfg) {
		t.Fatalf("init: %+v", r)
	}
	f := w.samlFile(pair(adminA, provA))
	if r := w.run("", "login", "--saml-file", f); r.code != 0 {
		t.Fatalf("login: %+v", r)
	}
	if c, err := awsfiles.ReadCredentials(w.creds, "corp-admin"); err != nil || !strings.HasPrefix(c.AccessKeyID, "ASIA") {
		t.Errorf("login did not write init's profile: %+v %v", c, err)
	}
	if v, _ := awsfiles.ConfigValue(w.config, "corp-admin", "region"); v != "eu-west-1" {
		t.Errorf("region %q", v)
	}
	r = w.run("", "config", "example")
	want, _ := os.ReadFile(filepath.Join("..", "..", "config.toml.example"))
	if r.code != 0 || r.stdout != string(want) {
		t.Errorf("config example differs from config.toml.example: %+v", r.code)
	}
}

// TestLinkerKeepsDeadCodeElimination: a template executed anywhere in
// samlgo (cobra's SetVersionTemplate or SetHelpTemplate, say) links
// reflect.Value.MethodByName, which turns off the linker's elimination of
// unused methods: it cost 3.4 MB and start-up time once.
func TestLinkerKeepsDeadCodeElimination(t *testing.T) {
	out, err := exec.Command("go", "tool", "nm", samlgoBin).Output()
	if err != nil {
		t.Fatalf("go tool nm: %v", err)
	}
	for _, sym := range []string{"reflect.Value.MethodByName", "reflect.(*Value).MethodByName"} {
		if strings.Contains(string(out), " "+sym+"\n") {
			t.Errorf("samlgo links %s", sym)
		}
	}
}
