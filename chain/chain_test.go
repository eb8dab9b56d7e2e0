package chain

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/internal/fakests"
	"github.com/samlgo/samlgo/internal/testenv"
	"github.com/samlgo/samlgo/sts"
)

const (
	roleA  = "arn:aws:iam::123456789012:role/A"
	roleB  = "arn:aws:iam::123456789012:role/B"
	serial = "arn:aws:iam::123456789012:mfa/u"
	secret = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY"
)

func resolver(t *testing.T, credentials, config string) (*Resolver, *fakests.Signed) {
	dir := t.TempDir()
	r := &Resolver{CredentialsFile: filepath.Join(dir, "credentials"), ConfigFile: filepath.Join(dir, "config"), Now: time.Now}
	os.WriteFile(r.CredentialsFile, []byte(credentials), 0o600)
	os.WriteFile(r.ConfigFile, []byte(config), 0o600)
	fake := fakests.NewSigned(t)
	r.NewSTS = func(ctx context.Context, o sts.Options) (STS, error) { return fake.New(ctx, o) }
	r.RunProcess = func(context.Context, []string) ([]byte, error) {
		t.Error("unexpected credential_process")
		return nil, errors.New("no")
	}
	return r, fake
}

func TestProfileErrors(t *testing.T) {
	r, _ := resolver(t, "[half]\naws_access_key_id = AKIAHALF000000000001\n",
		"[profile a]\nrole_arn = "+roleA+"\nsource_profile = b\n[profile b]\nrole_arn = "+roleB+"\nsource_profile = c\n[profile c]\nrole_arn = "+roleA+"\nsource_profile = a\n"+
			"[profile nosrc]\nrole_arn = "+roleA+"\n[profile cs]\nrole_arn = "+roleA+"\ncredential_source = Ec2InstanceMetadata\n[profile empty]\nregion = x\n"+
			"[profile baddur]\nrole_arn = "+roleA+"\nsource_profile = half\nduration_seconds = 99999\n")
	for name, want := range map[string]string{
		"a":       `profile "a" has a source_profile loop: a → b → c → a`,
		"nosrc":   "has role_arn but no source_profile",
		"cs":      "credential_source",
		"empty":   "has no credentials",
		"half":    "only one of",
		"missing": "is in neither",
	} {
		_, err := r.Profile(context.Background(), name)
		var pe *ProfileError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), want) {
			t.Errorf("Profile(%q) = %v, want %q", name, err, want)
		}
	}
}

// TestSelfSourceAndStatic: a profile that is its own source uses its keys
// (botocore allows it); keys in the config file count too.
func TestSelfSourceAndStatic(t *testing.T) {
	r, fake := resolver(t, "", "[profile me]\nrole_arn = "+roleA+"\nsource_profile = me\nrole_session_name = me1\naws_access_key_id = AKIAME00000000000001\naws_secret_access_key = "+secret+"\n")
	fake.ExpectAssumeRole(roleA, fakests.Result(roleA, "ASIAME00000000000001", time.Hour), nil)
	res, err := r.Profile(context.Background(), "me")
	if err != nil || res.Kind != RoleSession || fake.Calls[0].Signer != "AKIAME00000000000001" || fake.Regions[0] != "us-east-1" {
		t.Errorf("res %+v, %v, calls %+v", res, err, fake.Calls)
	}
}

// TestCredentialProcessAndMFAOnSession: a credential_process source is run
// without a shell; its temporary credentials cannot make an MFA session,
// so the code goes with AssumeRole.
func TestCredentialProcessAndMFAOnSession(t *testing.T) {
	r, fake := resolver(t, "", "[profile p]\ncredential_process = /opt/get creds \"two words\"\n[profile r]\nrole_arn = "+roleA+"\nsource_profile = p\nmfa_serial = "+serial+"\nrole_session_name = s1\n")
	var argv []string
	r.RunProcess = func(_ context.Context, a []string) ([]byte, error) {
		argv = a
		return []byte(`{"Version":1,"AccessKeyId":"ASIAPROC000000000001","SecretAccessKey":"` + secret + `","SessionToken":"tok=","Expiration":"2999-01-01T00:00:00Z"}`), nil
	}
	asked := 0
	r.MFACode = func(string) (string, error) { asked++; return "123456", nil }
	fake.ExpectAssumeRole(roleA, fakests.Result(roleA, "ASIAROLE000000000001", time.Hour), nil)
	if _, err := r.Profile(context.Background(), "r"); err != nil {
		t.Fatal(err)
	}
	if strings.Join(argv, "|") != "/opt/get|creds|two words" {
		t.Errorf("argv %q", argv)
	}
	c := fake.Calls[0].AssumeRole
	if asked != 1 || c.SerialNumber != serial || c.TokenCode != "123456" || fake.Calls[0].Signer != "ASIAPROC000000000001" {
		t.Errorf("asked %d, call %+v", asked, fake.Calls[0])
	}
}

func TestExpiredAndDefault(t *testing.T) {
	r, _ := resolver(t, "[old]\naws_access_key_id = ASIAOLD0000000000001\naws_secret_access_key = "+secret+"\naws_session_token = t\nx_security_token_expires = 2001-01-01T00:00:00Z\n[default]\naws_access_key_id = AKIADEFAULT000000001\naws_secret_access_key = "+secret+"\n", "")
	var xe *ExpiredError
	if _, err := r.Profile(context.Background(), "old"); !errors.As(err, &xe) || xe.Profile != "old" {
		t.Errorf("expired = %v", err)
	}
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	if res, err := r.Default(context.Background(), getenv); err != nil || res.Creds.AccessKeyID != "AKIADEFAULT000000001" || res.Kind != LongTerm {
		t.Errorf("default profile = %+v, %v", res, err)
	}
	env["AWS_PROFILE"] = "old"
	if _, err := r.Default(context.Background(), getenv); !errors.As(err, &xe) {
		t.Errorf("AWS_PROFILE = %v", err)
	}
	env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"] = "AKIAENV0000000000001", secret
	if res, err := r.Default(context.Background(), getenv); err != nil || res.Creds.AccessKeyID != "AKIAENV0000000000001" || res.Profile != "" {
		t.Errorf("environment keys win, as in the AWS CLI: %+v, %v", res, err)
	}
}

func TestCache(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mfa")
	now := time.Now()
	c := &Cache{Dir: dir, Now: func() time.Time { return now }}
	cr := fakests.Credentials("ASIACACHE00000000001", now.Add(time.Hour))
	key := CacheKey("p", "AKIA", serial)
	if err := c.Put(key, cr); err != nil {
		t.Fatal(err)
	}
	testenv.Mode(t, dir, 0o700)
	testenv.Mode(t, c.path(key), 0o600)
	if got, ok := c.Get(key); !ok || got.AccessKeyID != cr.AccessKeyID {
		t.Errorf("Get = %v, %v", got, ok)
	}
	now = now.Add(56 * time.Minute) // within RefreshBefore of expiry
	if _, ok := c.Get(key); ok {
		t.Errorf("a session about to expire was served")
	}
	now = time.Now()
	c.Put(key, cr)
	os.Chmod(c.path(key), 0o644)
	if _, ok := c.Get(key); ok && runtime.GOOS != "windows" { // Windows: see private.OwnedByMe
		t.Errorf("a world-readable cache file was trusted")
	}
	if strings.Contains(key, "AKIA") || strings.Contains(key, "p") && len(key) < 32 {
		t.Errorf("key %q shows what it names", key)
	}
}

// TestRefusedCachedSessionForgotten: a cached MFA session STS no longer
// accepts (revoked, or the user's keys rotated) is removed, so the next
// run asks for a code instead of failing forever.
func TestRefusedCachedSessionForgotten(t *testing.T) {
	r, fake := resolver(t, "[u]\naws_access_key_id = AKIAU00000000000001\naws_secret_access_key = "+secret+"\n", "[profile r]\nrole_arn = "+roleA+"\nsource_profile = u\nmfa_serial = "+serial+"\nrole_session_name = s1\n")
	r.Cache = &Cache{Dir: filepath.Join(t.TempDir(), "mfa"), Now: time.Now}
	key := CacheKey("u", "AKIAU00000000000001", serial)
	if err := r.Cache.Put(key, fakests.Credentials("ASIACACHED0000000001", time.Now().Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	var notes []string
	r.Notify = func(m string) { notes = append(notes, m) }
	fake.ExpectAssumeRole(roleA, nil, &sts.Error{Op: sts.OpAssumeRole, Kind: sts.BadCredentials, Code: "InvalidClientTokenId", Message: "AWS did not accept these credentials"})
	if _, err := r.Profile(context.Background(), "r"); err == nil {
		t.Fatal("refusal not reported")
	}
	if fake.Calls[0].Signer != "ASIACACHED0000000001" {
		t.Errorf("signed with %s", fake.Calls[0].Signer)
	}
	if _, ok := r.Cache.Get(key); ok || len(notes) != 1 {
		t.Errorf("cached session kept (%v); notes %q", ok, notes)
	}
}

// TestMFAOnChainedHopAskedOnce: with mfa_serial on a hop whose source is
// itself a role, the code was asked at every run; the AWS CLI asks once
// and reuses the session until it expires (issue 14). Two resolves, one
// code, one AssumeRole with it.
func TestMFAOnChainedHopAskedOnce(t *testing.T) {
	const roleB = "arn:aws:iam::123456789012:role/B"
	r, fake := resolver(t, "[alice]\naws_access_key_id = AKIAALICE00000000001\naws_secret_access_key = "+secret+"\n",
		"[profile a]\nrole_arn = "+roleA+"\nsource_profile = alice\nrole_session_name = s1\n"+
			"[profile b]\nrole_arn = "+roleB+"\nsource_profile = a\nmfa_serial = "+serial+"\nrole_session_name = s2\n")
	r.Cache = &Cache{Dir: t.TempDir(), Now: time.Now}
	asked := 0
	r.MFACode = func(string) (string, error) { asked++; return "123456", nil }
	fake.ExpectAssumeRole(roleA, fakests.Result(roleA, "ASIAHOPA000000000001", time.Hour), nil)
	fake.ExpectAssumeRole(roleB, fakests.Result(roleB, "ASIAHOPB000000000001", time.Hour), nil)
	fake.ExpectAssumeRole(roleA, fakests.Result(roleA, "ASIAHOPA000000000002", time.Hour), nil)
	first, err := r.Profile(context.Background(), "b")
	if err != nil {
		t.Fatal(err)
	}
	second, err := r.Profile(context.Background(), "b")
	if err != nil {
		t.Fatal(err)
	}
	if asked != 1 || first.Creds.AccessKeyID != "ASIAHOPB000000000001" || second.Creds.AccessKeyID != first.Creds.AccessKeyID {
		t.Errorf("asked %d times; sessions %s then %s", asked, first.Creds.AccessKeyID, second.Creds.AccessKeyID)
	}
	if c := fake.Calls[1].AssumeRole; c.TokenCode != "123456" || c.SerialNumber != serial {
		t.Errorf("the code did not go with the hop's AssumeRole: %+v", c)
	}
}

// TestLongChainRefused: a 1,500-hop source_profile chain kept samlgo
// resolving (and waiting) after SIGTERM (issue 14). Chains stop at
// MaxChain hops with one clear error, and a cancelled context ends the
// walk at the next hop.
func TestLongChainRefused(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 1500; i++ {
		fmt.Fprintf(&b, "[profile p%d]\nrole_arn = %s\nsource_profile = p%d\n", i, roleA, i+1)
	}
	fmt.Fprintf(&b, "[profile p1500]\naws_access_key_id = AKIAEND0000000000001\naws_secret_access_key = %s\n", secret)
	r, _ := resolver(t, "", b.String())
	_, err := r.Profile(context.Background(), "p0")
	var pe *ProfileError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "longer than 32") {
		t.Fatalf("1,500 hops = %v, want the chain refused", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Profile(ctx, "p0"); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled walk = %v", err)
	}
}

// TestWebIdentityProfile: a profile with role_arn and
// web_identity_token_file, which the AWS CLI uses (EKS, CI runners), was
// "not found in credentials" for env, exec, whoami and console (issue 14).
// The token is read from the file at each resolve.
func TestWebIdentityProfile(t *testing.T) {
	dir := t.TempDir()
	token := filepath.Join(dir, "token")
	jwt := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256"}`)) + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"ci"}`)) + ".c2ln"
	if err := os.WriteFile(token, []byte(jwt+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, fake := resolver(t, "", "[profile wi]\nrole_arn = "+roleA+"\nweb_identity_token_file = "+token+"\nregion = eu-central-1\n")
	fake.ExpectWebIdentity(roleA, fakests.Result(roleA, "ASIAWEBID00000000001", time.Hour), nil)
	res, err := r.Profile(context.Background(), "wi")
	if err != nil || res.Creds.AccessKeyID != "ASIAWEBID00000000001" || res.Kind != RoleSession {
		t.Fatalf("res %+v, %v", res, err)
	}
	if c := fake.Calls[0].WebIdentity; c.Token != jwt || !strings.HasPrefix(c.RoleSessionName, "samlgo-") || fake.Regions[0] != "eu-central-1" {
		t.Errorf("call %+v in %v", c, fake.Regions)
	}
	os.Remove(token)
	var pe *ProfileError
	if _, err := r.Profile(context.Background(), "wi"); !errors.As(err, &pe) || !strings.Contains(err.Error(), "web_identity_token_file") {
		t.Errorf("missing token file = %v", err)
	}
}
