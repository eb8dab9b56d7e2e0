// Package fakests is an in-process STS for command tests: it answers only
// the calls a test expected and fails the test on any other call, or when
// an expected call never came.
package fakests

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/sts"
)

// SAML answers AssumeRoleWithSAML for the roles it was told to expect.
type SAML struct {
	t       testing.TB
	mu      sync.Mutex
	expects []*expectation
	// Calls are the requests received, in order.
	Calls []sts.SAMLRequest
	// Regions are the regions clients were made for, in order.
	Regions []string
}

type expectation struct {
	role   string
	result *sts.Result
	err    error
	used   bool
}

// NewSAML returns a fake that verifies, when the test ends, that every
// expected call was made.
func NewSAML(t testing.TB) *SAML {
	f := &SAML{t: t}
	t.Cleanup(f.verify)
	return f
}

// Expect answers one AssumeRoleWithSAML call for role with credentials
// whose key id is keyID, valid for an hour from now.
func (f *SAML) Expect(role, keyID string) {
	f.ExpectResult(role, &sts.Result{Credentials: Credentials(keyID, time.Now().Add(time.Hour)), AssumedRoleARN: role, Duration: time.Hour}, nil)
}

// ExpectError answers one AssumeRoleWithSAML call for role with err.
func (f *SAML) ExpectError(role string, err error) { f.ExpectResult(role, nil, err) }

// ExpectResult answers one AssumeRoleWithSAML call for role.
func (f *SAML) ExpectResult(role string, res *sts.Result, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.expects = append(f.expects, &expectation{role: role, result: res, err: err})
}

// New makes a "client" for a region: the fake itself. Its signature is
// that of the commands' NewAssumer.
func (f *SAML) New(_ context.Context, o sts.Options) (*SAML, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Regions = append(f.Regions, o.Region)
	return f, nil
}

// AssumeRoleWithSAML implements the commands' samlAssumer.
func (f *SAML) AssumeRoleWithSAML(_ context.Context, r sts.SAMLRequest) (*sts.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Calls = append(f.Calls, r)
	for _, e := range f.expects {
		if !e.used && e.role == r.RoleARN {
			e.used = true
			return e.result, e.err
		}
	}
	f.t.Errorf("unexpected AssumeRoleWithSAML for %s", r.RoleARN)
	return nil, fmt.Errorf("fakests: unexpected AssumeRoleWithSAML for %s", r.RoleARN)
}

func (f *SAML) verify() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, e := range f.expects {
		if !e.used {
			f.t.Errorf("expected AssumeRoleWithSAML for %s never came", e.role)
		}
	}
}

// Credentials are session credentials of the shapes STS issues.
func Credentials(keyID string, expires time.Time) creds.Credentials {
	return creds.Credentials{
		AccessKeyID:     keyID,
		SecretAccessKey: "wJalrXUtnFEMIK7MDENGbPxRfiCY" + keyID,
		SessionToken:    "FwoGZXIvYXdzEBYaD" + keyID + "==",
		Expiration:      expires.UTC().Truncate(time.Second),
	}
}
