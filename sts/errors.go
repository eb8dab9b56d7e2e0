package sts

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/samlgo/samlgo/untrusted"
)

// Kind sorts STS failures by what the person should do about them.
type Kind int

// Failure kinds.
const (
	Other           Kind = iota
	Expired              // the assertion, token or credentials are too old
	NotTrusted           // the role does not trust the caller, or access is denied
	DurationTooLong      // DurationSeconds exceeds the role's MaxSessionDuration
	Throttled            // too many requests
	Rejected             // the IdP, the assertion or the token was refused (signature, claims)
	RegionDisabled       // STS is not activated in the region
	Unreachable          // no answer from the endpoint
	BadCredentials       // the signing credentials were not accepted
)

// Operation names, as the STS API Reference spells them.
const (
	OpAssumeRoleWithSAML         = "AssumeRoleWithSAML"
	OpAssumeRoleWithWebIdentity  = "AssumeRoleWithWebIdentity"
	OpAssumeRole                 = "AssumeRole"
	OpGetSessionToken            = "GetSessionToken"
	OpGetFederationToken         = "GetFederationToken"
	OpGetCallerIdentity          = "GetCallerIdentity"
	OpDecodeAuthorizationMessage = "DecodeAuthorizationMessage"
)

// Error is an STS failure turned into a sentence that names the operation.
// It never contains an assertion, a token or a secret. What the person
// should do about it is the command layer's to say (see Kind).
type Error struct {
	Op      string
	Kind    Kind
	Code    string // the AWS error code, if STS answered
	Message string // STS's own message, or samlgo's
	Err     error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	if e.Code != "" {
		fmt.Fprintf(&b, " (%s %s)", e.Op, e.Code)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// classify maps an SDK error to an *Error. Codes and messages follow the
// STS API Reference (AssumeRoleWithSAML, AssumeRole, … "Errors", and
// "Common Errors").
func classify(op, region string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return &Error{Op: op, Kind: Unreachable, Err: err,
			Message: fmt.Sprintf("could not reach STS in %s: %v", region, rootCause(err))}
	}
	code, msg := untrusted.Text(ae.ErrorCode()), untrusted.Text(strings.TrimSpace(ae.ErrorMessage()))
	e := &Error{Op: op, Code: code, Err: err}
	saml := op == OpAssumeRoleWithSAML
	switch {
	case code == "ExpiredTokenException" || code == "ExpiredToken":
		what := "the token has expired"
		if saml {
			what = "the SAML assertion has expired"
		}
		e.Kind, e.Message = Expired, "AWS says "+what+": "+msg
	case code == "ValidationError" && (strings.Contains(msg, "MaxSessionDuration") || strings.Contains(msg, "DurationSeconds exceeds")):
		e.Kind, e.Message = DurationTooLong, "the requested session is longer than the role allows: "+msg
	case code == "AccessDenied" || code == "AccessDeniedException":
		what := "AWS refused the request: "
		if strings.HasPrefix(op, "AssumeRole") {
			what = "AWS refused the role: "
		}
		e.Kind, e.Message = NotTrusted, what+msg
	case code == "IDPRejectedClaim":
		e.Kind, e.Message = Rejected, "AWS rejected the assertion's claims: "+msg
	case code == "InvalidIdentityToken" || code == "InvalidIdentityTokenException":
		what := "the token"
		if saml {
			what = "the assertion"
		}
		e.Kind, e.Message = Rejected, "AWS found "+what+" invalid: "+msg
	case code == "IDPCommunicationError":
		e.Kind, e.Message = Rejected, "AWS could not reach the identity provider to check the token: "+msg
	case code == "Throttling" || code == "ThrottlingException" || code == "RequestLimitExceeded":
		e.Kind, e.Message = Throttled, "STS is throttling requests: "+msg
	case code == "RegionDisabledException":
		e.Kind, e.Message = RegionDisabled, "STS is not activated in "+region+": "+msg
	case code == "InvalidClientTokenId" || code == "SignatureDoesNotMatch" || code == "UnrecognizedClientException":
		e.Kind, e.Message = BadCredentials, "AWS did not accept these credentials: "+msg
	default:
		e.Kind, e.Message = Other, "STS refused the request: "+msg
	}
	return e
}

// rootCause drops the SDK's operation wrapping, keeping the network error.
func rootCause(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}
