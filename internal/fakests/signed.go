package fakests

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/sts"
)

// SignedCall is one call Signed received.
type SignedCall struct {
	Op string
	// Signer is the access key id the call was signed with (empty for
	// AssumeRoleWithWebIdentity).
	Signer      string
	AssumeRole  sts.AssumeRoleRequest
	Session     sts.SessionTokenRequest
	Federation  sts.FederationTokenRequest
	WebIdentity sts.WebIdentityRequest
	Message     string
}

type signedExpectation struct {
	op, key  string // key: role ARN, federated name or message; "" matches any
	result   *sts.Result
	identity *sts.Identity
	decoded  string
	err      error
	used     bool
}

// Signed answers the STS calls other than AssumeRoleWithSAML: AssumeRole,
// GetSessionToken, GetFederationToken, AssumeRoleWithWebIdentity,
// DecodeAuthorizationMessage and GetCallerIdentity. Like SAML, it fails the
// test on a call it was not told to expect and, when the test ends, for an
// expected call that never came.
type Signed struct {
	t       testingT
	expects []*signedExpectation
	// Calls are the requests received, in order.
	Calls []SignedCall
	// Regions are the regions clients were made for, in order.
	Regions []string
	mu      sync.Mutex
}

// NewSigned returns a fake that verifies at the end of the test that every
// expected call was made.
func NewSigned(t testingT) *Signed {
	f := &Signed{t: t}
	t.Cleanup(f.verify)
	return f
}

// Result is what a call issuing credentials answers: credentials with key
// id keyID valid for d, for the session arn.
func Result(arn, keyID string, d time.Duration) *sts.Result {
	return &sts.Result{Credentials: Credentials(keyID, time.Now().Add(d)), AssumedRoleARN: arn, Duration: d}
}

func (f *Signed) expect(e *signedExpectation) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.expects = append(f.expects, e)
}

// ExpectAssumeRole answers one AssumeRole call for role.
func (f *Signed) ExpectAssumeRole(role string, res *sts.Result, err error) {
	f.expect(&signedExpectation{op: sts.OpAssumeRole, key: role, result: res, err: err})
}

// ExpectSessionToken answers one GetSessionToken call.
func (f *Signed) ExpectSessionToken(res *sts.Result, err error) {
	f.expect(&signedExpectation{op: sts.OpGetSessionToken, result: res, err: err})
}

// ExpectFederationToken answers one GetFederationToken call for name.
func (f *Signed) ExpectFederationToken(name string, res *sts.Result, err error) {
	f.expect(&signedExpectation{op: sts.OpGetFederationToken, key: name, result: res, err: err})
}

// ExpectWebIdentity answers one AssumeRoleWithWebIdentity call for role.
func (f *Signed) ExpectWebIdentity(role string, res *sts.Result, err error) {
	f.expect(&signedExpectation{op: sts.OpAssumeRoleWithWebIdentity, key: role, result: res, err: err})
}

// ExpectDecode answers one DecodeAuthorizationMessage call for message.
func (f *Signed) ExpectDecode(message, decoded string, err error) {
	f.expect(&signedExpectation{op: sts.OpDecodeAuthorizationMessage, key: message, decoded: decoded, err: err})
}

// ExpectCallerIdentity answers one GetCallerIdentity call.
func (f *Signed) ExpectCallerIdentity(id *sts.Identity, err error) {
	f.expect(&signedExpectation{op: sts.OpGetCallerIdentity, identity: id, err: err})
}

// New makes a "client" for a region: the fake itself.
func (f *Signed) New(_ context.Context, o sts.Options) (*Signed, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Regions = append(f.Regions, o.Region)
	return f, nil
}

func (f *Signed) take(c SignedCall, key string) (*signedExpectation, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Calls = append(f.Calls, c)
	for _, e := range f.expects {
		if !e.used && e.op == c.Op && (e.key == "" || e.key == key) {
			e.used = true
			return e, nil
		}
	}
	f.t.Errorf("unexpected %s %s", c.Op, key)
	return nil, fmt.Errorf("fakests: unexpected %s %s", c.Op, key)
}

// AssumeRole implements the commands' STS interfaces.
func (f *Signed) AssumeRole(_ context.Context, src creds.Credentials, r sts.AssumeRoleRequest) (*sts.Result, error) {
	e, err := f.take(SignedCall{Op: sts.OpAssumeRole, Signer: src.AccessKeyID, AssumeRole: r}, r.RoleARN)
	if err != nil {
		return nil, err
	}
	return e.result, e.err
}

// GetSessionToken implements the commands' STS interfaces.
func (f *Signed) GetSessionToken(_ context.Context, src creds.Credentials, r sts.SessionTokenRequest) (*sts.Result, error) {
	e, err := f.take(SignedCall{Op: sts.OpGetSessionToken, Signer: src.AccessKeyID, Session: r}, "")
	if err != nil {
		return nil, err
	}
	return e.result, e.err
}

// GetFederationToken implements the commands' STS interfaces.
func (f *Signed) GetFederationToken(_ context.Context, src creds.Credentials, r sts.FederationTokenRequest) (*sts.Result, error) {
	e, err := f.take(SignedCall{Op: sts.OpGetFederationToken, Signer: src.AccessKeyID, Federation: r}, r.Name)
	if err != nil {
		return nil, err
	}
	return e.result, e.err
}

// AssumeRoleWithWebIdentity implements the commands' STS interfaces.
func (f *Signed) AssumeRoleWithWebIdentity(_ context.Context, r sts.WebIdentityRequest) (*sts.Result, error) {
	e, err := f.take(SignedCall{Op: sts.OpAssumeRoleWithWebIdentity, WebIdentity: r}, r.RoleARN)
	if err != nil {
		return nil, err
	}
	return e.result, e.err
}

// DecodeAuthorizationMessage implements the commands' STS interfaces.
func (f *Signed) DecodeAuthorizationMessage(_ context.Context, src creds.Credentials, message string) (string, error) {
	e, err := f.take(SignedCall{Op: sts.OpDecodeAuthorizationMessage, Signer: src.AccessKeyID, Message: message}, message)
	if err != nil {
		return "", err
	}
	return e.decoded, e.err
}

// CallerIdentity implements the commands' STS interfaces.
func (f *Signed) CallerIdentity(_ context.Context, src creds.Credentials) (*sts.Identity, error) {
	e, err := f.take(SignedCall{Op: sts.OpGetCallerIdentity, Signer: src.AccessKeyID}, "")
	if err != nil {
		return nil, err
	}
	return e.identity, e.err
}

func (f *Signed) verify() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, e := range f.expects {
		if !e.used {
			f.t.Errorf("expected %s %s never came", e.op, e.key)
		}
	}
}

// testingT is the part of testing.TB the fakes use.
type testingT interface {
	Errorf(format string, args ...any)
	Cleanup(func())
}
