package sts

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/assertion"
	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/internal/idp"
	"github.com/samlgo/samlgo/internal/moto"
	"github.com/samlgo/samlgo/internal/stsemu"
	"github.com/samlgo/samlgo/internal/testenv"
)

const (
	roleARN     = "arn:aws:iam::123456789012:role/team/Deployer"
	providerARN = "arn:aws:iam::123456789012:saml-provider/TestIdP"
)

// isolate keeps the SDK away from the real ~/.aws and environment.
func isolate(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	testenv.Home(t, dir)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	for _, k := range []string{"AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	return dir
}

type fixture struct {
	signer *idp.Signer
	emu    *stsemu.Emulator
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	isolate(t)
	s, err := idp.NewSigner("https://idp.test/metadata")
	if err != nil {
		t.Fatal(err)
	}
	emu := stsemu.New()
	emu.TrustProvider(providerARN, s.Cert)
	if err := emu.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		emu.Close()
		if p := emu.PendingFailures(); len(p) > 0 {
			t.Errorf("failures queued with FailNext never used: %v", p)
		}
	})
	return &fixture{s, emu}
}

func (f *fixture) assertion(t *testing.T, o idp.ResponseOptions) string {
	t.Helper()
	if o.Roles == nil {
		o.Roles = []string{providerARN + "," + roleARN, "arn:aws:iam::123456789012:role/Other," + providerARN}
	}
	if o.SessionName == "" {
		o.SessionName = "alice@example.com"
	}
	doc, err := f.signer.Response(o)
	if err != nil {
		t.Fatal(err)
	}
	return assertion.Encode(doc)
}

func (f *fixture) client(t *testing.T) *Client {
	t.Helper()
	t.Setenv("AWS_ENDPOINT_URL_STS", f.emu.URL)
	c, err := New(context.Background(), Options{Region: "us-east-1", Profile: "saml"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAssumeRoleWithSAMLAgainstEmulator(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	ctx := context.Background()
	res, err := c.AssumeRoleWithSAML(ctx, SAMLRequest{RoleARN: roleARN, PrincipalARN: providerARN, Assertion: f.assertion(t, idp.ResponseOptions{}), Duration: 45 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.Credentials.AccessKeyID, "ASIA") || res.Credentials.SessionToken == "" || res.Shortened {
		t.Errorf("result = %+v", res)
	}
	if want := "arn:aws:sts::123456789012:assumed-role/Deployer/alice@example.com"; res.AssumedRoleARN != want {
		t.Errorf("assumed role = %q, want %q", res.AssumedRoleARN, want)
	}
	if d := time.Until(res.Credentials.Expiration); d < 44*time.Minute || d > 46*time.Minute {
		t.Errorf("expires in %v, want 45m", d)
	}
	id, err := c.CallerIdentity(ctx, res.Credentials)
	if err != nil || id.ARN != res.AssumedRoleARN || id.Account != "123456789012" {
		t.Fatalf("CallerIdentity = %+v, %v", id, err)
	}
	wrong := res.Credentials
	wrong.SecretAccessKey = strings.Map(func(r rune) rune { // another secret of the same shape
		if r == 'A' {
			return 'B'
		}
		return 'A'
	}, wrong.SecretAccessKey)
	var se *Error
	if _, err := c.CallerIdentity(ctx, wrong); !errors.As(err, &se) || se.Code != "SignatureDoesNotMatch" {
		t.Errorf("CallerIdentity with a wrong secret = %v", err)
	}
	calls := f.emu.Calls()
	if len(calls) != 3 || calls[0].Action != "AssumeRoleWithSAML" || calls[0].DurationSeconds != 2700 {
		t.Errorf("calls = %+v", calls)
	}
}

func TestDurationRetriedOnceAtOneHour(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	res, err := c.AssumeRoleWithSAML(context.Background(), SAMLRequest{RoleARN: roleARN, PrincipalARN: providerARN, Assertion: f.assertion(t, idp.ResponseOptions{}), Duration: 8 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Shortened || res.Duration != time.Hour {
		t.Errorf("result = %+v, want shortened to 1h", res)
	}
	calls := f.emu.Calls()
	if len(calls) != 2 || calls[0].DurationSeconds != 28800 || calls[0].ErrorCode != "ValidationError" || calls[1].DurationSeconds != 3600 || calls[1].ErrorCode != "" {
		t.Errorf("calls = %+v", calls)
	}

	f.emu.SetMaxSessionDuration(roleARN, 12*time.Hour)
	res, err = c.AssumeRoleWithSAML(context.Background(), SAMLRequest{RoleARN: roleARN, PrincipalARN: providerARN, Assertion: f.assertion(t, idp.ResponseOptions{}), Duration: 8 * time.Hour})
	if err != nil || res.Shortened || res.Duration != 8*time.Hour {
		t.Errorf("with a 12h maximum: %+v, %v", res, err)
	}
}

func TestErrorKinds(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	good := f.assertion(t, idp.ResponseOptions{})
	old := f.assertion(t, idp.ResponseOptions{Now: time.Now().Add(-6 * time.Minute), Lifetime: time.Hour})
	tampered := f.assertion(t, idp.ResponseOptions{Roles: []string{roleARN + "," + providerARN}})
	doc, _ := assertionDecode(tampered)
	tampered = assertion.Encode([]byte(strings.Replace(string(doc), "role/team/Deployer", "role/team/Admin00", 1)))
	other, _ := idp.NewSigner("https://evil.test/metadata")
	forged, _ := other.Response(idp.ResponseOptions{Roles: []string{roleARN + "," + providerARN}, SessionName: "mallory"})

	cases := []struct {
		name      string
		force     []string // code, repeated as often as the SDK retries it
		status    int
		role, prn string
		assertion string
		kind      Kind
		code      string
	}{
		{name: "expired (5 minute rule)", assertion: old, kind: Expired, code: "ExpiredTokenException"},
		{name: "role not in assertion", role: "arn:aws:iam::123456789012:role/NotMine", assertion: good, kind: NotTrusted, code: "AccessDenied"},
		{name: "tampered", role: "arn:aws:iam::123456789012:role/team/Admin00", assertion: tampered, kind: Rejected, code: "InvalidIdentityToken"},
		{name: "signed by another IdP", assertion: assertion.Encode(forged), kind: Rejected, code: "InvalidIdentityToken"},
		{name: "unknown provider", prn: "arn:aws:iam::123456789012:saml-provider/Nope", assertion: good, kind: Rejected, code: "InvalidIdentityToken"},
		{name: "idp rejected claim", force: []string{"IDPRejectedClaim"}, status: 403, assertion: good, kind: Rejected, code: "IDPRejectedClaim"},
		{name: "throttled", force: []string{"Throttling", "Throttling", "Throttling"}, status: 400, assertion: good, kind: Throttled, code: "Throttling"},
		{name: "region disabled", force: []string{"RegionDisabledException"}, status: 403, assertion: good, kind: RegionDisabled, code: "RegionDisabledException"},
		{name: "unmapped", force: []string{"PackedPolicyTooLarge"}, status: 400, assertion: good, kind: Other, code: "PackedPolicyTooLarge"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, code := range tc.force {
				f.emu.FailNext("AssumeRoleWithSAML", code, "forced by the test", tc.status)
			}
			role, prn := roleARN, providerARN
			if tc.role != "" {
				role = tc.role
			}
			if tc.prn != "" {
				prn = tc.prn
			}
			_, err := c.AssumeRoleWithSAML(context.Background(), SAMLRequest{RoleARN: role, PrincipalARN: prn, Assertion: tc.assertion})
			var se *Error
			if !errors.As(err, &se) || se.Kind != tc.kind || se.Code != tc.code {
				t.Fatalf("err = %v (%+v), want kind %v code %s", err, se, tc.kind, tc.code)
			}
			if se.Op != OpAssumeRoleWithSAML || !strings.Contains(err.Error(), "(AssumeRoleWithSAML "+tc.code+")") {
				t.Errorf("the error does not name the operation and code: %v", err)
			}
			if strings.Contains(err.Error(), tc.assertion[:40]) {
				t.Errorf("the error quotes the assertion")
			}
		})
	}
}

func assertionDecode(b64 string) ([]byte, error) { return assertion.Decode([]byte(b64)) }

func TestUnreachable(t *testing.T) {
	isolate(t)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	t.Setenv("AWS_ENDPOINT_URL_STS", "http://"+addr)
	c, err := New(context.Background(), Options{Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.AssumeRoleWithSAML(context.Background(), SAMLRequest{RoleARN: roleARN, PrincipalARN: providerARN, Assertion: "PHNhbWxwOlJlc3BvbnNlLz4="})
	var se *Error
	if !errors.As(err, &se) || se.Kind != Unreachable || !strings.Contains(err.Error(), "eu-west-1") {
		t.Fatalf("err = %v", err)
	}
}

// TestEndpointSettings checks that the standard endpoint settings reach
// the emulator: the profile's endpoint_url, and AWS_ENDPOINT_URL.
func TestEndpointSettings(t *testing.T) {
	f := newFixture(t)
	dir := os.Getenv("HOME")
	cfg := "[profile corp]\nendpoint_url = " + f.emu.URL + "\n"
	if err := os.WriteFile(filepath.Join(dir, "config"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, profile, env string
	}{
		{"profile endpoint_url", "corp", ""},
		{"AWS_ENDPOINT_URL", "saml", f.emu.URL},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("AWS_ENDPOINT_URL", tc.env)
			c, err := New(context.Background(), Options{Region: "us-east-1", Profile: tc.profile})
			if err != nil {
				t.Fatal(err)
			}
			before := len(f.emu.Calls())
			if _, err := c.AssumeRoleWithSAML(context.Background(), SAMLRequest{RoleARN: roleARN, PrincipalARN: providerARN, Assertion: f.assertion(t, idp.ResponseOptions{})}); err != nil {
				t.Fatal(err)
			}
			if len(f.emu.Calls()) != before+1 {
				t.Errorf("the call did not reach the emulator")
			}
		})
	}
	t.Run("missing AWS_PROFILE does not break", func(t *testing.T) {
		t.Setenv("AWS_PROFILE", "does-not-exist")
		t.Setenv("AWS_ENDPOINT_URL_STS", f.emu.URL)
		c, err := New(context.Background(), Options{Region: "us-east-1", Profile: "new-profile"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.AssumeRoleWithSAML(context.Background(), SAMLRequest{RoleARN: roleARN, PrincipalARN: providerARN, Assertion: f.assertion(t, idp.ResponseOptions{})}); err != nil {
			t.Fatal(err)
		}
	})
}

// TestStaleProfileInCredentialsFile: the SDK refused to load a profile
// whose credentials-file entry had a key id but no secret, which is exactly
// the stale profile login is about to replace. Regression test.
func TestStaleProfileInCredentialsFile(t *testing.T) {
	f := newFixture(t)
	dir := os.Getenv("HOME")
	if err := os.WriteFile(filepath.Join(dir, "credentials"), []byte("[prod]\naws_access_key_id = ASIAOLD\naws_security_token = stale\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ENDPOINT_URL_STS", f.emu.URL)
	c, err := New(context.Background(), Options{Region: "us-east-1", Profile: "prod"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AssumeRoleWithSAML(context.Background(), SAMLRequest{RoleARN: roleARN, PrincipalARN: providerARN, Assertion: f.assertion(t, idp.ResponseOptions{})}); err != nil {
		t.Fatal(err)
	}
}

func TestRegionFor(t *testing.T) {
	for p, want := range map[string]string{"aws": "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1", "aws-new": "us-east-1"} {
		if got := RegionFor(p); got != want {
			t.Errorf("RegionFor(%q) = %q, want %q", p, got, want)
		}
	}
}

// TestAgainstMoto runs the same wire protocol against Python moto, which
// serves single-role assertions (it reads the first Role value, role ARN
// first, and needs at least two attributes).
func TestAgainstMoto(t *testing.T) {
	isolate(t)
	url := moto.Start(t)
	s, err := idp.NewSigner("https://idp.test/metadata")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := s.Response(idp.ResponseOptions{Roles: []string{roleARN + "," + providerARN}, SessionName: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ENDPOINT_URL_STS", url)
	c, err := New(context.Background(), Options{Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.AssumeRoleWithSAML(context.Background(), SAMLRequest{RoleARN: roleARN, PrincipalARN: providerARN, Assertion: assertion.Encode(doc), Duration: 2 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if res.Credentials.AccessKeyID == "" || res.Credentials.SessionToken == "" || !strings.Contains(res.AssumedRoleARN, "assumed-role/Deployer/alice") {
		t.Fatalf("moto result = %+v", res)
	}
	id, err := c.CallerIdentity(context.Background(), res.Credentials)
	if err != nil || id.ARN != res.AssumedRoleARN {
		t.Fatalf("moto CallerIdentity = %+v, %v", id, err)
	}
}

// TestSignedCallsAgainstMoto drives every signed call and web identity
// through the one client against moto, with the credentials of a SAML
// session as the source: each answer must carry credentials and the
// identity they belong to.
func TestSignedCallsAgainstMoto(t *testing.T) {
	isolate(t)
	url := moto.Start(t)
	t.Setenv("AWS_ENDPOINT_URL_STS", url)
	ctx := context.Background()
	c, err := New(ctx, Options{Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	// moto accepts any access key; these are the shape IAM issues.
	src := creds.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
	const target = "arn:aws:iam::123456789012:role/Target"

	ar, err := c.AssumeRole(ctx, src, AssumeRoleRequest{RoleARN: target, RoleSessionName: "bob", ExternalID: "x-1", Duration: 30 * time.Minute})
	if err != nil || ar.Credentials.SessionToken == "" || !strings.HasSuffix(ar.AssumedRoleARN, "assumed-role/Target/bob") {
		t.Fatalf("AssumeRole = %+v, %v", ar, err)
	}
	if ar.Duration != 30*time.Minute {
		t.Errorf("AssumeRole duration = %v", ar.Duration)
	}
	id, err := c.CallerIdentity(ctx, ar.Credentials)
	if err != nil || id.ARN != ar.AssumedRoleARN {
		t.Fatalf("CallerIdentity with the assumed role = %+v, %v", id, err)
	}

	st, err := c.GetSessionToken(ctx, src, SessionTokenRequest{Duration: time.Hour})
	if err != nil || st.Credentials.AccessKeyID == "" || st.Credentials.SessionToken == "" || st.Credentials.Expiration.IsZero() {
		t.Fatalf("GetSessionToken = %+v, %v", st, err)
	}

	ft, err := c.GetFederationToken(ctx, src, FederationTokenRequest{Name: "carol", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`})
	if err != nil || ft.Credentials.SessionToken == "" || !strings.Contains(ft.AssumedRoleARN, "federated-user/carol") {
		t.Fatalf("GetFederationToken = %+v, %v", ft, err)
	}

	wi, err := c.AssumeRoleWithWebIdentity(ctx, WebIdentityRequest{RoleARN: target, RoleSessionName: "dave", Token: "eyJhbGciOiJub25lIn0.eyJzdWIiOiJkYXZlIn0.", Duration: 20 * time.Minute})
	if err != nil || wi.Credentials.SessionToken == "" || !strings.Contains(wi.AssumedRoleARN, "assumed-role/Target/dave") {
		t.Fatalf("AssumeRoleWithWebIdentity = %+v, %v", wi, err)
	}
}

// TestSignedCallsCarrySourceCredentials checks against the strict emulator,
// which verifies SigV4, that a signed call is signed with the credentials
// given for that call, also when two calls use one key id with different
// secrets (the SDK's signer caches derived keys by key id).
func TestSignedCallsCarrySourceCredentials(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	res, err := c.AssumeRoleWithSAML(context.Background(), SAMLRequest{RoleARN: roleARN, PrincipalARN: providerARN, Assertion: f.assertion(t, idp.ResponseOptions{})})
	if err != nil {
		t.Fatal(err)
	}
	id, err := c.CallerIdentity(context.Background(), res.Credentials)
	if err != nil || !strings.Contains(id.ARN, "assumed-role/Deployer/") {
		t.Fatalf("CallerIdentity = %+v, %v", id, err)
	}
	wrong := res.Credentials
	wrong.SecretAccessKey = strings.Map(func(r rune) rune { // another secret of the same shape
		if r == 'A' {
			return 'B'
		}
		return 'A'
	}, wrong.SecretAccessKey)
	_, err = c.CallerIdentity(context.Background(), wrong)
	var se *Error
	if !errors.As(err, &se) || se.Kind != BadCredentials || se.Op != OpGetCallerIdentity {
		t.Fatalf("CallerIdentity with a wrong secret = %v, want a BadCredentials error naming GetCallerIdentity", err)
	}
}

// TestDecodeAuthorizationMessageWire: moto does not serve
// DecodeAuthorizationMessage, so a local endpoint checks the request as
// the STS API Reference documents it (a signed POST with Action and
// EncodedMessage) and answers the documented XML.
func TestDecodeAuthorizationMessageWire(t *testing.T) {
	isolate(t)
	const decoded = `{"allowed":false,"context":{"action":"ec2:RunInstances"}}`
	var got url.Values
	var auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got, _ = url.ParseQuery(string(body))
		auth = r.Header.Get("Authorization")
		fmt.Fprintf(w, `<DecodeAuthorizationMessageResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><DecodeAuthorizationMessageResult><DecodedMessage>%s</DecodedMessage></DecodeAuthorizationMessageResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DecodeAuthorizationMessageResponse>`, html.EscapeString(decoded))
	}))
	defer srv.Close()
	c, err := New(context.Background(), Options{Region: "us-east-1", Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	src := creds.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
	msg, err := c.DecodeAuthorizationMessage(context.Background(), src, "encoded-xyz")
	if err != nil || msg != decoded {
		t.Fatalf("decoded = %q, %v", msg, err)
	}
	if got.Get("Action") != "DecodeAuthorizationMessage" || got.Get("EncodedMessage") != "encoded-xyz" || !strings.Contains(auth, "Credential=AKIAIOSFODNN7EXAMPLE/") {
		t.Errorf("request = %v, Authorization %q", got, auth)
	}
}
