package sts

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/smithy-go"
)

// Kind sorts STS failures by what the person should do about them.
type Kind int

// Failure kinds.
const (
	Other           Kind = iota
	Expired              // the assertion or token is too old: sign in again
	NotTrusted           // the role does not trust the provider, or access is denied
	DurationTooLong      // DurationSeconds exceeds the role's MaxSessionDuration
	Throttled            // too many requests
	Rejected             // the IdP or the assertion was refused (signature, claims)
	RegionDisabled       // STS is not activated in the region
	Unreachable          // no answer from the endpoint
)

// Error is an STS failure turned into a sentence a person can act on. It
// never contains the assertion, a token or a secret.
type Error struct {
	Op      string
	Kind    Kind
	Code    string // the AWS error code, if STS answered
	Message string // STS's own message, or samlgo's
	Hint    string
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
			Message: fmt.Sprintf("could not reach STS in %s: %v", region, rootCause(err)),
			Hint:    "check the network, and AWS_ENDPOINT_URL_STS or the profile's endpoint_url if set"}
	}
	code, msg := ae.ErrorCode(), strings.TrimSpace(ae.ErrorMessage())
	e := &Error{Op: op, Code: code, Err: err}
	switch {
	case code == "ExpiredTokenException" || code == "ExpiredToken":
		e.Kind, e.Message, e.Hint = Expired, "AWS says the SAML assertion has expired: "+msg, "log in again; STS takes an assertion only within 5 minutes of its issue"
	case code == "ValidationError" && (strings.Contains(msg, "MaxSessionDuration") || strings.Contains(msg, "DurationSeconds exceeds")):
		e.Kind, e.Message, e.Hint = DurationTooLong, "the requested session is longer than the role allows: "+msg, "pass a shorter --duration, or ask for a longer MaxSessionDuration on the role"
	case code == "AccessDenied" || code == "AccessDeniedException":
		e.Kind, e.Message, e.Hint = NotTrusted, "AWS refused the role: "+msg, "the role's trust policy must allow sts:AssumeRoleWithSAML from this SAML provider; ask your AWS administrator"
	case code == "IDPRejectedClaim":
		e.Kind, e.Message, e.Hint = Rejected, "AWS rejected the assertion's claims: "+msg, "the IAM SAML provider's metadata may be out of date (signing certificate); ask your AWS administrator"
	case code == "InvalidIdentityToken" || code == "InvalidIdentityTokenException":
		e.Kind, e.Message, e.Hint = Rejected, "AWS found the assertion invalid: "+msg, "check that the role and provider ARNs belong together and that the IdP signs for urn:amazon:webservices"
	case code == "Throttling" || code == "ThrottlingException" || code == "RequestLimitExceeded":
		e.Kind, e.Message, e.Hint = Throttled, "STS is throttling requests: "+msg, "wait a minute and try again"
	case code == "RegionDisabledException":
		e.Kind, e.Message, e.Hint = RegionDisabled, "STS is not activated in "+region+": "+msg, "pass --region with a region where STS is active, or activate it in IAM account settings"
	case code == "InvalidClientTokenId" || code == "SignatureDoesNotMatch" || code == "UnrecognizedClientException":
		e.Kind, e.Message, e.Hint = Rejected, "AWS did not accept these credentials: "+msg, "the credentials may be expired or mistyped; log in again"
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
