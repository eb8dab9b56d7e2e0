//go:build unix

package main

// End-to-end tests of the other recipes (assume-role, session-token,
// federation-token, web-identity, decode-message, whoami, env, exec): the
// real binary against the strict STS emulator and moto, the AWS CLI v2
// reading back every profile samlgo writes, and exec with real processes.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/internal/moto"
	"github.com/samlgo/samlgo/internal/stsemu"
)

const (
	mfaSerial  = "arn:aws:iam::" + acctA + ":mfa/alice"
	opsRole    = "arn:aws:iam::" + acctA + ":role/Ops"
	auditRole  = "arn:aws:iam::" + acctB + ":role/Audit"
	externalID = "corp-4711"
)

// runDetached is w.run in a new session: no controlling terminal, so
// nothing can be asked on /dev/tty, as under CI or credential_process.
func (w *world) runDetached(stdin string, extraEnv []string, args ...string) result {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, samlgoBin, args...)
	cmd.Env = append(w.env(), extraEnv...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
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

// roleWorld is a world with an IAM user alice whose keys are the profile
// "alice", a role Ops that needs MFA and an external id, and a role Audit
// assumable from Ops (a chain).
func roleWorld(t *testing.T) (*world, stsemu.Keys) {
	w := newWorld(t)
	alice := w.emu.AddUser(acctA, "alice")
	w.emu.AddRole(stsemu.Role{ARN: opsRole, ExternalID: externalID, MFA: true, MaxSessionDuration: 4 * time.Hour})
	w.emu.AddRole(stsemu.Role{ARN: auditRole, MaxSessionDuration: 4 * time.Hour})
	w.write(".aws/credentials", fmt.Sprintf("[alice]\naws_access_key_id = %s\naws_secret_access_key = %s\n", alice.AccessKeyID, alice.SecretAccessKey))
	w.write(".aws/config", fmt.Sprintf(`[profile alice]
region = eu-west-1

[profile ops]
role_arn = %s
source_profile = alice
mfa_serial = %s
external_id = %s
duration_seconds = 7200
region = eu-west-1

[profile audit]
role_arn = %s
source_profile = ops
duration_seconds = 10800

[profile loop-a]
role_arn = %s
source_profile = loop-b

[profile loop-b]
role_arn = %s
source_profile = loop-a

[profile wrong-ext]
role_arn = %s
source_profile = alice
external_id = not-the-one
`, opsRole, mfaSerial, externalID, auditRole, opsRole, auditRole, opsRole))
	return w, alice
}

func (w *world) actions() []string {
	var out []string
	for _, c := range w.emu.Calls() {
		s := c.Action
		if c.ErrorCode != "" {
			s += ":" + c.ErrorCode
		}
		out = append(out, s)
	}
	return out
}

func expiresIn(t *testing.T, path, profile string) time.Duration {
	t.Helper()
	c, err := awsfiles.ReadCredentials(path, profile)
	if err != nil {
		t.Fatal(err)
	}
	return time.Until(c.Expiration)
}

// TestAssumeRoleMFAChainAndAWSCLI drives assume-role end to end: MFA with
// an external id, the MFA session cached so the second run needs no code,
// a chain whose source is a role session capped at 1h with a note, and
// the AWS CLI calling STS with each profile written.
func TestAssumeRoleMFAChainAndAWSCLI(t *testing.T) {
	w, _ := roleWorld(t)
	w.emu.AddMFACodes(mfaSerial, "123456")

	r := w.runDetached("", nil, "assume-role", "--profile", "ops", "--mfa-code", "123456")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, `writing profile "ops-session"`) || !strings.Contains(r.stderr, `profile "ops-session": `+"arn:aws:sts::"+acctA+":assumed-role/Ops/alice") {
		t.Errorf("stderr %q", r.stderr)
	}
	if got := strings.Join(w.actions(), " "); got != "GetSessionToken GetCallerIdentity AssumeRole" {
		t.Errorf("STS calls %s", got)
	}
	if d := expiresIn(t, w.creds, "ops-session"); d < 119*time.Minute || d > 121*time.Minute {
		t.Errorf("ops-session lasts %v, want duration_seconds 2h", d)
	}
	if arn, err := w.callerIdentity("ops-session", w.emu.URL); err != nil || arn != "arn:aws:sts::"+acctA+":assumed-role/Ops/alice" {
		t.Errorf("AWS CLI: %q, %v", arn, err)
	}
	if !strings.Contains(readFile(t, w.config), "[profile ops-session]\nregion = eu-west-1\n") {
		t.Errorf("config:\n%s", readFile(t, w.config))
	}
	// The MFA session is cached, private, and spares the next run a code.
	// (Each session file has its lock file beside it: samlgo's own
	// directory.)
	dir := filepath.Join(w.home, ".cache", "samlgo", "mfa")
	all, err := os.ReadDir(dir)
	var entries []os.DirEntry
	for _, e := range all {
		if strings.HasSuffix(e.Name(), ".json") {
			entries = append(entries, e)
		}
	}
	if err != nil || len(entries) != 1 {
		t.Fatalf("MFA cache %v, %v", all, err)
	}
	if st, _ := os.Stat(dir); st.Mode().Perm() != 0o700 {
		t.Errorf("cache dir mode %v", st.Mode().Perm())
	}
	if st, _ := os.Stat(filepath.Join(dir, entries[0].Name())); st.Mode().Perm() != 0o600 {
		t.Errorf("cache file mode %v", st.Mode().Perm())
	}
	before := len(w.emu.Calls())
	r = w.runDetached("", nil, "assume-role", "--profile", "ops", "--to-profile", "ops2")
	if r.code != 0 {
		t.Fatalf("second run without a code: exit %d: %s", r.code, r.stderr)
	}
	if got := strings.Join(w.actions()[before:], " "); got != "GetCallerIdentity AssumeRole" {
		t.Errorf("second run STS calls %s, want no GetSessionToken", got)
	}

	// audit's source is ops, a role session: role chaining, capped at 1h.
	r = w.runDetached("", nil, "assume-role", "--profile", "audit")
	if r.code != 0 {
		t.Fatalf("chain: exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "role chaining") || !strings.Contains(r.stderr, "1h instead of 3h0m0s") {
		t.Errorf("chain stderr %q", r.stderr)
	}
	if d := expiresIn(t, w.creds, "audit-session"); d < 59*time.Minute || d > 61*time.Minute {
		t.Errorf("audit-session lasts %v, want 1h", d)
	}
	if arn, err := w.callerIdentity("audit-session", w.emu.URL); err != nil || !strings.Contains(arn, "assumed-role/Audit/") {
		t.Errorf("AWS CLI: %q, %v", arn, err)
	}

	// --format json for credential_process: stdout is the document only.
	r = w.runDetached("", nil, "assume-role", "--profile", "ops", "--format", "json")
	var doc map[string]any
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &doc) != nil || doc["Version"] != 1.0 {
		t.Errorf("json: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
}

// TestAssumeRoleRefusals: what STS refuses (a wrong or reused MFA code, an
// external id the role does not accept, a chained session asked for more
// than 1h directly) is exit 1 with STS's reason; what the files or flags
// get wrong is exit 2 before any STS call; nothing is written either way.
func TestAssumeRoleRefusals(t *testing.T) {
	w, _ := roleWorld(t)
	w.emu.AddMFACodes(mfaSerial, "111111")
	credsBefore, cfgBefore := readFile(t, w.creds), readFile(t, w.config)
	unchanged := func(t *testing.T) {
		t.Helper()
		if readFile(t, w.creds) != credsBefore || readFile(t, w.config) != cfgBefore {
			t.Errorf("~/.aws changed")
		}
	}
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"wrong mfa code", []string{"--profile", "ops", "--mfa-code", "999999"}, 1, "invalid MFA one time pass code"},
		{"external id mismatch", []string{"--profile", "wrong-ext"}, 1, "not authorized to perform: sts:AssumeRole"},
		{"loop", []string{"--profile", "loop-a"}, 2, "loop-a → loop-b → loop-a"},
		{"no such profile", []string{"--profile", "nope"}, 2, `profile "nope" is in neither`},
		{"bad profile name", []string{"--profile", "a]b"}, 2, "--profile"},
		{"bad to-profile", []string{"--profile", "ops", "--to-profile", "x y"}, 2, "--profile"},
		{"no profile", nil, 2, "pass --profile"},
		{"bad mfa code shape", []string{"--profile", "ops", "--mfa-code", "12ab"}, 2, "six digits"},
		{"no code and no terminal", []string{"--profile", "ops"}, 2, "no terminal to ask on"},
		{"duration", []string{"--profile", "ops", "--duration", "13h"}, 2, "15m to 12h"},
		{"to-profile is the role profile", []string{"--profile", "ops", "--to-profile", "ops"}, 2, "role profile itself"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := len(w.emu.Calls())
			r := w.runDetached("", nil, append([]string{"assume-role"}, c.args...)...)
			lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
			if r.code != c.code || !strings.Contains(lines[0], c.want) {
				t.Errorf("exit %d, want %d; stderr %q, want %q", r.code, c.code, r.stderr, c.want)
			}
			if len(lines) > 2 || len(lines) == 2 && !strings.HasPrefix(lines[1], "hint: ") {
				t.Errorf("want one line and at most a hint, got %q", r.stderr)
			}
			if c.code == 2 && c.name != "no code and no terminal" {
				if n := len(w.emu.Calls()) - before; n != 0 {
					t.Errorf("%d STS calls for bad input", n)
				}
			}
			unchanged(t)
		})
	}
	// A code is good once: the second use is refused by STS.
	r := w.runDetached("", nil, "assume-role", "--profile", "ops", "--mfa-code", "111111", "--format", "env")
	if r.code != 0 {
		t.Fatalf("first use: exit %d %s", r.code, r.stderr)
	}
	os.RemoveAll(filepath.Join(w.home, ".cache", "samlgo", "mfa")) // forget the session, keep the code
	r = w.runDetached("", nil, "assume-role", "--profile", "ops", "--mfa-code", "111111", "--format", "env")
	if r.code != 1 || !strings.Contains(r.stderr, "invalid MFA one time pass code") || r.stdout != "" {
		t.Errorf("reused code: exit %d %q", r.code, r.stderr)
	}
	unchanged(t)
	if strings.Contains(r.stderr, "111111") {
		t.Errorf("the MFA code reached stderr")
	}
}

// TestAssumeRoleCredentialProcessSource: the source profile is a
// credential_process; its Version 1 JSON signs the calls.
func TestAssumeRoleCredentialProcessSource(t *testing.T) {
	w := newWorld(t)
	bob := w.emu.AddUser(acctB, "bob")
	w.emu.AddRole(stsemu.Role{ARN: auditRole})
	script := w.write("bin/creds.sh", fmt.Sprintf("#!/bin/sh\necho 'progress on stderr' >&2\nprintf '{\"Version\":1,\"AccessKeyId\":\"%s\",\"SecretAccessKey\":\"%s\"}'\n", bob.AccessKeyID, bob.SecretAccessKey))
	os.Chmod(script, 0o700)
	w.write(".aws/config", fmt.Sprintf("[profile proc]\ncredential_process = %s --flag\n\n[profile audit]\nrole_arn = %s\nsource_profile = proc\nrole_session_name = bob-audit\n", script, auditRole))
	r := w.runDetached("", nil, "assume-role", "--profile", "audit")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "progress on stderr") {
		t.Errorf("the process's stderr did not reach the person: %q", r.stderr)
	}
	if got := strings.Join(w.actions(), " "); got != "AssumeRole" {
		t.Errorf("STS calls %s (role_session_name set: no GetCallerIdentity)", got)
	}
	if arn, err := w.callerIdentity("audit-session", w.emu.URL); err != nil || arn != "arn:aws:sts::"+acctB+":assumed-role/Audit/bob-audit" {
		t.Errorf("AWS CLI: %q, %v", arn, err)
	}
	// A process that prints garbage is named, without its output.
	w.write("bin/creds.sh", "#!/bin/sh\necho 'not json SECRETVALUE'\n")
	r = w.runDetached("", nil, "assume-role", "--profile", "audit")
	if r.code == 0 || !strings.Contains(r.stderr, "credential_process output: not JSON") || strings.Contains(r.stderr, "SECRETVALUE") {
		t.Errorf("garbage: exit %d %q", r.code, r.stderr)
	}
}

// TestSessionAndFederationTokens: session-token with MFA, its 36h rule,
// federation-token with a session policy; the AWS CLI reads both.
func TestSessionAndFederationTokens(t *testing.T) {
	w, _ := roleWorld(t)
	w.emu.AddMFACodes(mfaSerial, "222222")
	r := w.runDetached("", nil, "session-token", "--profile", "alice", "--mfa-serial", mfaSerial, "--mfa-code", "222222", "--duration", "36h")
	if r.code != 0 {
		t.Fatalf("session-token: exit %d %s", r.code, r.stderr)
	}
	if d := expiresIn(t, w.creds, "alice-session"); d < 35*time.Hour || d > 37*time.Hour {
		t.Errorf("alice-session lasts %v", d)
	}
	if arn, err := w.callerIdentity("alice-session", w.emu.URL); err != nil || arn != "arn:aws:iam::"+acctA+":user/alice" {
		t.Errorf("AWS CLI: %q, %v", arn, err)
	}
	// The root user gets at most 1h: STS refuses, samlgo says why.
	root := w.emu.AddUser(acctA, "root")
	r = w.runDetached("", []string{"AWS_ACCESS_KEY_ID=" + root.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + root.SecretAccessKey},
		"session-token", "--duration", "2h", "--to-profile", "root-session")
	if r.code != 2 || !strings.Contains(r.stderr, "hint: sessions over 1h (up to 36h) are only for IAM users") {
		t.Errorf("root 2h: exit %d %q", r.code, r.stderr)
	}
	r = w.runDetached("", nil, "session-token", "--profile", "alice", "--duration", "37h")
	if r.code != 2 || !strings.Contains(r.stderr, "15m to 36h") {
		t.Errorf("37h: exit %d %q", r.code, r.stderr)
	}
	// Session credentials cannot make another session.
	r = w.runDetached("", nil, "session-token", "--profile", "alice-session")
	if r.code != 2 || !strings.Contains(r.stderr, "temporary") {
		t.Errorf("from a session: exit %d %q", r.code, r.stderr)
	}

	policy := w.write("policy.json", `{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]
}`)
	r = w.runDetached("", nil, "federation-token", "--profile", "alice", "--name", "bob", "--policy-file", policy)
	if r.code != 0 {
		t.Fatalf("federation-token: exit %d %s", r.code, r.stderr)
	}
	if arn, err := w.callerIdentity("federated-bob", w.emu.URL); err != nil || arn != "arn:aws:sts::"+acctA+":federated-user/bob" {
		t.Errorf("AWS CLI: %q, %v", arn, err)
	}
	r = w.runDetached("", nil, "federation-token", "--profile", "alice", "--name", "b")
	if r.code != 2 || !strings.Contains(r.stderr, "2–32") {
		t.Errorf("bad name: exit %d %q", r.code, r.stderr)
	}
}

// TestDecodeMessageAndWhoami: decode-message signed with the environment's
// keys (no profile, as the AWS CLI does), and whoami on a written profile.
func TestDecodeMessageAndWhoami(t *testing.T) {
	w, alice := roleWorld(t)
	decoded := `{"allowed":false,"explicitDeny":true,"matchedStatements":{"items":[{"statementId":"DenyProd"}]},"context":{"principal":{"arn":"arn:aws:iam::123456789012:user/alice"},"action":"ec2:RunInstances","resource":"arn:aws:ec2:eu-west-1:123456789012:instance/*"}}`
	w.emu.AddAuthorizationMessage("ENCODEDxyz123", decoded)
	keys := []string{"AWS_ACCESS_KEY_ID=" + alice.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + alice.SecretAccessKey}
	r := w.runDetached("", keys, "decode-message", "ENCODEDxyz123")
	if r.code != 0 {
		t.Fatalf("exit %d %s", r.code, r.stderr)
	}
	if r.stderr != "samlgo: denied (explicit deny): ec2:RunInstances on arn:aws:ec2:eu-west-1:123456789012:instance/* for arn:aws:iam::123456789012:user/alice; 1 matched statement(s): DenyProd\n" {
		t.Errorf("summary %q", r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "{\n  \"allowed\": false,") {
		t.Errorf("stdout %q", r.stdout)
	}
	r = w.runDetached("ENCODEDxyz123\n", nil, "decode-message", "--profile", "alice", "-")
	if r.code != 0 || !strings.Contains(r.stdout, "DenyProd") {
		t.Errorf("stdin: exit %d %q", r.code, r.stderr)
	}
	r = w.runDetached("", keys, "decode-message", "unknown-message")
	if r.code != 1 || !strings.Contains(r.stderr, "InvalidAuthorizationMessageException") {
		t.Errorf("unknown: exit %d %q", r.code, r.stderr)
	}
	r = w.runDetached("", nil, "whoami", "--profile", "alice", "--output", "json")
	var id map[string]string
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &id) != nil || id["Arn"] != alice.ARN || id["Account"] != acctA {
		t.Errorf("whoami: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
}

// TestWebIdentity: a JWT from a file and from stdin; bad token files are
// exit 2 before STS is called.
func TestWebIdentity(t *testing.T) {
	w := newWorld(t)
	ciRole := "arn:aws:iam::" + acctA + ":role/CI"
	w.emu.AddRole(stsemu.Role{ARN: ciRole, OIDCIssuer: "https://token.actions.example.test"})
	jwt := testJWT("https://token.actions.example.test", time.Now().Add(10*time.Minute))
	tok := w.write("token", jwt+"\n")
	r := w.runDetached("", nil, "web-identity", "--role-arn", ciRole, "--token-file", tok, "--role-session-name", "ci-run-1", "--profile", "ci")
	if r.code != 0 {
		t.Fatalf("exit %d %s", r.code, r.stderr)
	}
	if arn, err := w.callerIdentity("ci", w.emu.URL); err != nil || arn != "arn:aws:sts::"+acctA+":assumed-role/CI/ci-run-1" {
		t.Errorf("AWS CLI: %q, %v", arn, err)
	}
	r = w.runDetached(jwt, nil, "web-identity", "--role-arn", ciRole, "--token-file", "-", "--format", "env")
	if r.code != 0 || !strings.Contains(r.stdout, "export AWS_SESSION_TOKEN=") {
		t.Errorf("stdin: exit %d %q", r.code, r.stderr)
	}
	expired := w.write("expired", testJWT("https://token.actions.example.test", time.Now().Add(-time.Minute)))
	r = w.runDetached("", nil, "web-identity", "--role-arn", ciRole, "--token-file", expired)
	if r.code != 1 || !strings.Contains(r.stderr, "expired") {
		t.Errorf("expired: exit %d %q", r.code, r.stderr)
	}
	before := len(w.emu.Calls())
	for name, c := range map[string]struct{ content, want string }{
		"empty":     {"\n", "it is empty"},
		"not a jwt": {"opaque-access-token", "not a JWT"},
		"too big":   {strings.Repeat("a", 20001), "at most 20000"},
	} {
		p := w.write(name, c.content)
		r := w.runDetached("", nil, "web-identity", "--role-arn", ciRole, "--token-file", p)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%s: exit %d %q", name, r.code, r.stderr)
		}
	}
	if n := len(w.emu.Calls()) - before; n != 0 {
		t.Errorf("%d STS calls for bad tokens", n)
	}
}

func testJWT(iss string, exp time.Time) string {
	enc := func(v any) string { b, _ := json.Marshal(v); return base64.RawURLEncoding.EncodeToString(b) }
	return enc(map[string]string{"alg": "RS256", "typ": "JWT"}) + "." +
		enc(map[string]any{"iss": iss, "sub": "repo:corp/app:ref:refs/heads/main", "aud": "sts.amazonaws.com", "exp": exp.Unix()}) + "." +
		base64.RawURLEncoding.EncodeToString([]byte("signature"))
}

// execWorld has a stored profile "dev" (a login's output) and a stale
// environment the child must not see.
func execWorld(t *testing.T) *world {
	w := newWorld(t)
	f := w.samlFile(pair(adminA, provA))
	if r := w.run("", "login", "--saml-file", f, "--profile", "dev", "--region", "eu-west-1"); r.code != 0 {
		t.Fatalf("login: %s", r.stderr)
	}
	w.extra = append(w.extra, "AWS_SECURITY_TOKEN=stale", "AWS_PROFILE=other", "AWS_DEFAULT_PROFILE=other", "AWS_ACCESS_KEY_ID=AKIASTALE")
	return w
}

// TestExecEnvironmentAndExitCodes: the child gets the credentials and
// none of the shadowing variables; its exit code comes back; a nested exec
// for another profile is refused unless --nested; an expired profile
// names the command that renews it.
func TestExecEnvironmentAndExitCodes(t *testing.T) {
	w := execWorld(t)
	r := w.runDetached("", nil, "exec", "--profile", "dev", "--", "sh", "-c",
		`echo "$AWS_ACCESS_KEY_ID|${AWS_SECURITY_TOKEN-unset}|${AWS_PROFILE-unset}|${AWS_DEFAULT_PROFILE-unset}|$AWS_REGION|$SAMLGO_PROFILE|$AWS_CREDENTIAL_EXPIRATION"; aws sts get-caller-identity --endpoint-url "$AWS_ENDPOINT_URL_STS" --query Arn --output text; exit 7`)
	parts := strings.Split(strings.SplitN(r.stdout, "\n", 2)[0], "|")
	if r.code != 7 {
		t.Errorf("exit %d, want the child's 7; stderr %q", r.code, r.stderr)
	}
	if len(parts) != 7 || !strings.HasPrefix(parts[0], "ASIA") || parts[1] != "unset" || parts[2] != "unset" || parts[3] != "unset" || parts[4] != "eu-west-1" || parts[5] != "dev" || !strings.HasSuffix(parts[6], "Z") {
		t.Errorf("child environment %q", r.stdout)
	}
	if _, err := exec.LookPath("aws"); err == nil && !strings.Contains(r.stdout, "assumed-role/Admin/") {
		t.Errorf("the AWS CLI in the child: %q %q", r.stdout, r.stderr)
	}
	if r.stderr != "" && !strings.Contains(r.stderr, "aws") {
		t.Errorf("samlgo printed %q for the child's exit", r.stderr)
	}

	nested := []string{"SAMLGO_PROFILE=prod"}
	r = w.runDetached("", nested, "exec", "--profile", "dev", "--", "true")
	if r.code != 2 || !strings.Contains(r.stderr, `already inside samlgo exec for profile "prod"`) || !strings.Contains(r.stderr, "--nested") {
		t.Errorf("nested: exit %d %q", r.code, r.stderr)
	}
	r = w.runDetached("", nested, "exec", "--profile", "dev", "--nested", "--", "sh", "-c", `test "$SAMLGO_PROFILE" = dev`)
	if r.code != 0 {
		t.Errorf("--nested: exit %d %q", r.code, r.stderr)
	}
	r = w.runDetached("", []string{"SAMLGO_PROFILE=dev"}, "exec", "--", "sh", "-c", `test "$SAMLGO_PROFILE" = dev`)
	if r.code != 0 {
		t.Errorf("same profile again: exit %d %q", r.code, r.stderr)
	}
	r = w.runDetached("", nil, "exec", "--profile", "dev", "--", "/nonexistent/cmd")
	if r.code != 127 || !strings.Contains(r.stderr, `"/nonexistent/cmd"`) {
		t.Errorf("missing command: exit %d %q", r.code, r.stderr)
	}

	// env prints the same, for the shell to evaluate.
	r = w.runDetached("", nil, "env", "--profile", "dev")
	sh := exec.Command("bash", "-c", r.stdout+`echo "${AWS_SECURITY_TOKEN-unset}|${AWS_PROFILE-unset}|$SAMLGO_PROFILE|$AWS_ACCESS_KEY_ID"`)
	sh.Env = []string{"AWS_SECURITY_TOKEN=stale", "AWS_PROFILE=other"}
	out, err := sh.Output()
	if p := strings.Split(strings.TrimSpace(string(out)), "|"); err != nil || len(p) != 4 || p[0] != "unset" || p[1] != "unset" || p[2] != "dev" || !strings.HasPrefix(p[3], "ASIA") {
		t.Errorf("env lines %q evaluated to %q (%v)", r.stdout, out, err)
	}

	// An expired stored profile: exit 1, and the command that renews it.
	stale := strings.Replace(readFile(t, w.creds), "x_security_token_expires = ", "x_security_token_expires = 2000-01-01T00:00:00Z\n#", 1)
	w.write(".aws/credentials", stale)
	for _, cmd := range [][]string{{"exec", "--profile", "dev", "--", "true"}, {"env", "--profile", "dev"}} {
		r = w.runDetached("", nil, cmd...)
		if r.code != 1 || !strings.Contains(r.stderr, `the credentials in profile "dev" expired`) || !strings.Contains(r.stderr, "hint: log in again: samlgo login --role "+adminA+" --profile dev") {
			t.Errorf("%s expired: exit %d %q", cmd[0], r.code, r.stderr)
		}
	}
}

// TestExecSignals: a signal sent to samlgo reaches the child; the child's
// own exit code after it, or 128+N when it dies of signal N, is samlgo's.
func TestExecSignals(t *testing.T) {
	w := execWorld(t)
	cases := []struct {
		name   string
		script string
		sig    syscall.Signal
		want   int
	}{
		{"trapped TERM", `trap 'echo got-term; exit 42' TERM; echo ready; while :; do sleep 1 & wait $!; done`, syscall.SIGTERM, 42},
		{"dies of USR1", `echo ready; exec sleep 30`, syscall.SIGUSR1, 128 + int(syscall.SIGUSR1)},
		{"dies of INT", `echo ready; exec sleep 30`, syscall.SIGINT, 130},
		{"trapped INT exits 0", `trap 'exit 0' INT; echo ready; while :; do sleep 1 & wait $!; done`, syscall.SIGINT, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(samlgoBin, "exec", "--profile", "dev", "--", "sh", "-c", c.script)
			cmd.Env = w.env()
			cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var errb bytes.Buffer
			cmd.Stderr = &errb
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			lines := bufio.NewReader(stdout)
			if l, err := lines.ReadString('\n'); err != nil || l != "ready\n" {
				t.Fatalf("child did not start: %q %v %s", l, err, errb.String())
			}
			// The child is running, and samlgo waits on it with its
			// handlers installed (they are installed before the start).
			if err := cmd.Process.Signal(c.sig); err != nil {
				t.Fatal(err)
			}
			rest, _ := io.ReadAll(lines)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				cmd.Process.Kill()
				t.Fatal("samlgo did not end after the child's signal")
			}
			if got := cmd.ProcessState.ExitCode(); got != c.want {
				t.Errorf("exit %d, want %d; stdout %q stderr %q", got, c.want, rest, errb.String())
			}
			if strings.Contains(errb.String(), "samlgo:") {
				t.Errorf("samlgo spoke for the child: %q", errb.String())
			}
		})
	}
}

// TestRecipesAgainstMoto: every call moto serves, from the binary, and
// the AWS CLI reading what samlgo wrote against moto.
func TestRecipesAgainstMoto(t *testing.T) {
	w := newWorld(t)
	motoURL := moto.Start(t)
	w.extra = []string{"AWS_ENDPOINT_URL_STS=" + motoURL}
	w.write(".aws/credentials", "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\n")
	w.write(".aws/config", "[profile base]\nregion = us-east-1\n\n[profile ops]\nrole_arn = "+opsRole+"\nsource_profile = base\nrole_session_name = alice\n")
	steps := []struct {
		name    string
		args    []string
		profile string
		arn     string
	}{
		{"assume-role", []string{"assume-role", "--profile", "ops", "--duration", "2h"}, "ops-session", "assumed-role/Ops/alice"},
		{"session-token", []string{"session-token", "--profile", "base", "--duration", "3h"}, "base-session", ""},
		// moto answers GetCallerIdentity for federation-token credentials
		// as its default user; the emulator test checks the ARN.
		{"federation-token", []string{"federation-token", "--profile", "base", "--name", "bob", "--policy-arns", "arn:aws:iam::aws:policy/ReadOnlyAccess"}, "federated-bob", "arn:aws:"},
	}
	for _, s := range steps {
		r := w.runDetached("", nil, s.args...)
		if r.code != 0 {
			t.Errorf("%s against moto: exit %d %q", s.name, r.code, r.stderr)
			continue
		}
		arn, err := w.callerIdentity(s.profile, motoURL)
		if err != nil || !strings.Contains(arn, s.arn) {
			t.Errorf("%s: AWS CLI against moto: %q, %v", s.name, arn, err)
		}
	}
	tok := w.write("token", testJWT("https://token.actions.example.test", time.Now().Add(time.Hour)))
	r := w.runDetached("", nil, "web-identity", "--role-arn", "arn:aws:iam::"+acctA+":role/CI", "--token-file", tok, "--role-session-name", "ci", "--profile", "ci")
	if r.code != 0 {
		t.Errorf("web-identity against moto: exit %d %q", r.code, r.stderr)
	} else if arn, err := w.callerIdentity("ci", motoURL); err != nil || !strings.Contains(arn, "assumed-role/CI/ci") {
		t.Errorf("web-identity: AWS CLI against moto: %q, %v", arn, err)
	}
	r = w.runDetached("", nil, "whoami", "--profile", "ops-session")
	if r.code != 0 || !strings.Contains(r.stdout, "assumed-role/Ops/alice") {
		t.Errorf("whoami against moto: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
}

// TestRecipesBadInput is PRODUCT.md §6 for the recipe commands: one line
// (and at most a hint) naming the input, exit 2, no STS call, and
// byte-identical ~/.aws files.
func TestRecipesBadInput(t *testing.T) {
	w, _ := roleWorld(t)
	credsBefore, cfgBefore := readFile(t, w.creds), readFile(t, w.config)
	notJSON := w.write("policy.txt", "Allow everything")
	emptyTok := w.write("empty.jwt", "")
	role := "arn:aws:iam::" + acctA + ":role/CI"
	cases := []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"assume-role bad profile", "", []string{"assume-role", "--profile", "a b"}, "white space"},
		{"assume-role long to-profile", "", []string{"assume-role", "--profile", "ops", "--to-profile", strings.Repeat("x", 65)}, "longer than 64"},
		{"assume-role unknown flag", "", []string{"assume-role", "--profle", "ops"}, "unknown flag"},
		{"web-identity no token", "", []string{"web-identity", "--role-arn", role}, "--token-file"},
		{"web-identity empty stdin", "", []string{"web-identity", "--role-arn", role, "--token-file", "-"}, "empty"},
		{"web-identity empty file", "", []string{"web-identity", "--role-arn", role, "--token-file", emptyTok}, "empty"},
		{"web-identity missing file", "", []string{"web-identity", "--role-arn", role, "--token-file", "/nonexistent/t"}, "no such file"},
		{"web-identity bad role", "", []string{"web-identity", "--role-arn", "Admin", "--token-file", emptyTok}, "not an IAM role ARN"},
		{"web-identity bad profile", "", []string{"web-identity", "--role-arn", role, "--token-file", "-", "--profile", "[x]"}, "bracket"},
		{"session-token code without serial", "", []string{"session-token", "--profile", "alice", "--code", "123456"}, "--mfa-serial"},
		{"session-token 40h", "", []string{"session-token", "--profile", "alice", "--duration", "40h"}, "15m to 36h"},
		{"session-token bad profile", "", []string{"session-token", "--profile", "a'b"}, "quote"},
		{"federation-token no name", "", []string{"federation-token", "--profile", "alice"}, "--name"},
		{"federation-token policy not json", "", []string{"federation-token", "--profile", "alice", "--name", "bob", "--policy-file", notJSON}, "not a JSON policy"},
		{"federation-token 11 arns", "", []string{"federation-token", "--profile", "alice", "--name", "bob", "--policy-arns", strings.TrimSuffix(strings.Repeat("arn:aws:iam::aws:policy/P,", 11), ",")}, "at most 10"},
		{"decode-message empty", "", []string{"decode-message", "--profile", "alice"}, "empty"},
		{"decode-message two args", "", []string{"decode-message", "a", "b"}, "one message"},
		{"whoami bad output", "", []string{"whoami", "--profile", "alice", "--output", "yaml"}, "--output"},
		{"whoami no profile", "", []string{"whoami", "--profile", "ghost"}, `profile "ghost" is in neither`},
		{"env bad shell", "", []string{"env", "--profile", "alice", "--shell", "tcsh"}, "unknown shell"},
		{"exec loop", "", []string{"exec", "--profile", "loop-a", "--", "true"}, "loop"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := len(w.emu.Calls())
			r := w.runDetached(c.stdin, nil, c.args...)
			lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
			if r.code != 2 || !strings.Contains(lines[0], c.want) {
				t.Errorf("exit %d, want 2; stderr %q, want %q", r.code, r.stderr, c.want)
			}
			if len(lines) > 2 || len(lines) == 2 && !strings.HasPrefix(lines[1], "hint: ") {
				t.Errorf("want one line and at most a hint, got %q", r.stderr)
			}
			if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic") {
				t.Errorf("stack trace on stderr")
			}
			if n := len(w.emu.Calls()) - before; n != 0 {
				t.Errorf("%d STS calls", n)
			}
			if readFile(t, w.creds) != credsBefore || readFile(t, w.config) != cfgBefore {
				t.Errorf("~/.aws changed")
			}
		})
	}
}

// TestWebIdentityProfileInEveryCommand: a profile with role_arn and
// web_identity_token_file, which the AWS CLI uses, is resolved by env,
// whoami and exec through the one resolver, against the STS emulator
// (issue 14). (The AWS CLI's own web identity provider does not follow
// AWS_ENDPOINT_URL_STS here, so it cannot be pointed at the emulator.)
func TestWebIdentityProfileInEveryCommand(t *testing.T) {
	w := newWorld(t)
	ciRole := "arn:aws:iam::" + acctA + ":role/CIProfile"
	w.emu.AddRole(stsemu.Role{ARN: ciRole, OIDCIssuer: "https://token.actions.example.test"})
	tok := w.write("token", testJWT("https://token.actions.example.test", time.Now().Add(10*time.Minute))+"\n")
	w.write(".aws/config", "[profile wi]\nrole_arn = "+ciRole+"\nweb_identity_token_file = "+tok+"\nrole_session_name = wi-run\nregion = us-east-1\n")
	if r := w.runDetached("", nil, "env", "--profile", "wi"); r.code != 0 || !strings.Contains(r.stdout, "export AWS_SESSION_TOKEN=") {
		t.Errorf("env: exit %d %q", r.code, r.stderr)
	}
	if r := w.runDetached("", nil, "whoami", "--profile", "wi"); r.code != 0 || !strings.Contains(r.stdout, "assumed-role/CIProfile/wi-run") {
		t.Errorf("whoami: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r := w.runDetached("", nil, "exec", "--profile", "wi", "--", "sh", "-c", `test -n "$AWS_SESSION_TOKEN"`); r.code != 0 {
		t.Errorf("exec: exit %d %q", r.code, r.stderr)
	}
}
