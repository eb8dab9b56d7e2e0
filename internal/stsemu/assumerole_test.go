package stsemu

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/sts"
)

const (
	testRole  = "arn:aws:iam::123456789012:role/Ops"
	testRole2 = "arn:aws:iam::123456789012:role/Audit"
	testMFA   = "arn:aws:iam::123456789012:mfa/alice"
)

func emulator(t *testing.T) (*Emulator, *sts.Client, creds.Credentials) {
	e := New()
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	c, err := sts.New(context.Background(), sts.Options{Region: "us-east-1", Endpoint: e.URL})
	if err != nil {
		t.Fatal(err)
	}
	k := e.AddUser("123456789012", "alice")
	return e, c, creds.Credentials{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey}
}

func code(err error) string {
	var se *sts.Error
	if errors.As(err, &se) {
		return se.Code
	}
	return ""
}

// TestAssumeRoleStrictness: what AWS refuses, the emulator refuses.
func TestAssumeRoleStrictness(t *testing.T) {
	e, c, alice := emulator(t)
	ctx := context.Background()
	e.AddRole(Role{ARN: testRole, ExternalID: "ext-1", MFA: true, MaxSessionDuration: 4 * time.Hour})
	e.AddRole(Role{ARN: testRole2, MaxSessionDuration: 4 * time.Hour})
	e.AddMFACodes(testMFA, "123456")
	req := sts.AssumeRoleRequest{RoleARN: testRole, RoleSessionName: "alice", ExternalID: "ext-1"}

	wrong := alice
	wrong.SecretAccessKey = "wJalrXUtnFEMIK7MDENGbPxRfiCYWRONGSECRET"
	if _, err := c.AssumeRole(ctx, wrong, req); code(err) != "SignatureDoesNotMatch" {
		t.Errorf("wrong secret: %v", err)
	}
	if _, err := c.AssumeRole(ctx, alice, req); code(err) != "AccessDenied" {
		t.Errorf("no MFA: %v", err)
	}
	bad := req
	bad.ExternalID = "ext-2"
	bad.SerialNumber, bad.TokenCode = testMFA, "123456"
	if _, err := c.AssumeRole(ctx, alice, bad); code(err) != "AccessDenied" {
		t.Errorf("external id mismatch: %v", err)
	}
	withMFA := req
	withMFA.SerialNumber, withMFA.TokenCode = testMFA, "123456"
	withMFA.Duration = 3 * time.Hour
	res, err := c.AssumeRole(ctx, alice, withMFA)
	if err != nil || res.Duration != 3*time.Hour {
		t.Fatalf("with MFA: %v", err)
	}
	if _, err := c.AssumeRole(ctx, alice, withMFA); code(err) != "AccessDenied" {
		t.Errorf("reused code: %v", err)
	}
	// Role chaining: a role session assumes Audit for 2h; STS refuses and
	// sts retries at 1h.
	chained, err := c.AssumeRole(ctx, res.Credentials, sts.AssumeRoleRequest{RoleARN: testRole2, RoleSessionName: "alice", Duration: 2 * time.Hour})
	if err != nil || !chained.Shortened || chained.Duration != time.Hour {
		t.Errorf("chained: %+v %v", chained, err)
	}
	last := e.Calls()[len(e.Calls())-2]
	if last.ErrorCode != "ValidationError" || last.DurationSeconds != 7200 {
		t.Errorf("chained call %+v", last)
	}
	noToken := res.Credentials
	noToken.SessionToken = ""
	if _, err := c.CallerIdentity(ctx, noToken); code(err) != "InvalidClientTokenId" {
		t.Errorf("session keys without their token: %v", err)
	}
}

func TestSessionFederationDecode(t *testing.T) {
	e, c, alice := emulator(t)
	ctx := context.Background()
	e.AddMFACodes(testMFA, "654321")
	e.AddRole(Role{ARN: testRole, MFA: true})
	sess, err := c.GetSessionToken(ctx, alice, sts.SessionTokenRequest{SerialNumber: testMFA, TokenCode: "654321", Duration: 36 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetSessionToken(ctx, sess.Credentials, sts.SessionTokenRequest{}); code(err) != "AccessDenied" {
		t.Errorf("session from a session: %v", err)
	}
	// An MFA session satisfies a role that needs MFA.
	if _, err := c.AssumeRole(ctx, sess.Credentials, sts.AssumeRoleRequest{RoleARN: testRole, RoleSessionName: "alice"}); err != nil {
		t.Errorf("MFA session: %v", err)
	}
	if _, err := c.GetSessionToken(ctx, alice, sts.SessionTokenRequest{Duration: 37 * time.Hour}); code(err) != "ValidationError" {
		t.Errorf("37h: %v", err)
	}
	root := e.AddUser("123456789012", "root")
	rootCreds := creds.Credentials{AccessKeyID: root.AccessKeyID, SecretAccessKey: root.SecretAccessKey}
	if _, err := c.GetSessionToken(ctx, rootCreds, sts.SessionTokenRequest{Duration: 2 * time.Hour}); code(err) != "ValidationError" {
		t.Errorf("root 2h: %v", err)
	}
	fed, err := c.GetFederationToken(ctx, alice, sts.FederationTokenRequest{Name: "bob", Policy: `{"Version":"2012-10-17"}`})
	if err != nil || fed.AssumedRoleARN != "arn:aws:sts::123456789012:federated-user/bob" {
		t.Fatalf("federation: %+v %v", fed, err)
	}
	if _, err := c.AssumeRole(ctx, fed.Credentials, sts.AssumeRoleRequest{RoleARN: testRole, RoleSessionName: "bob"}); code(err) != "AccessDenied" {
		t.Errorf("federated AssumeRole: %v", err)
	}
	if _, err := c.GetFederationToken(ctx, alice, sts.FederationTokenRequest{Name: "bob", Policy: "{"}); code(err) != "MalformedPolicyDocument" {
		t.Errorf("bad policy: %v", err)
	}
	e.AddAuthorizationMessage("enc", `{"allowed":true}`)
	if d, err := c.DecodeAuthorizationMessage(ctx, alice, "enc"); err != nil || d != `{"allowed":true}` {
		t.Errorf("decode: %q %v", d, err)
	}
	if _, err := c.DecodeAuthorizationMessage(ctx, alice, "other"); code(err) != "InvalidAuthorizationMessageException" {
		t.Errorf("unknown message: %v", err)
	}
}
