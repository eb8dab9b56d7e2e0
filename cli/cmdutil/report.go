package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/samlgo/samlgo/assertion"
	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/cli/prompt"
	"github.com/samlgo/samlgo/config"
	"github.com/samlgo/samlgo/flow"
	"github.com/samlgo/samlgo/sts"
)

// Report prints err as "samlgo: message" and its hints, one per line, and
// returns the exit code for it. It is the one place that maps errors to
// exit codes (PRODUCT.md §5).
func Report(w io.Writer, err error) int {
	code, hints := Classify(err)
	fmt.Fprintf(w, "samlgo: %s\n", err.Error())
	for _, h := range hints {
		fmt.Fprintf(w, "%s\n", h)
	}
	return code
}

// Classify returns the exit code of err and the hint lines that go with it.
func Classify(err error) (int, []string) {
	var ee *ExitError
	var ie *assertion.InputError
	var ce *config.Error
	var fe *awsfiles.FileError
	var pe *awsfiles.ProtectedProfileError
	var re *flow.RequestError
	var se *sts.Error
	switch {
	case errors.As(err, &ee):
		_, inner := Classify(ee.Err)
		return ee.Code, append(append([]string(nil), ee.Hints...), inner...)
	case errors.Is(err, ErrCancelled) || errors.Is(err, prompt.ErrCancelled) || errors.Is(err, context.Canceled):
		return ExitCancelled, nil
	case errors.As(err, &ie), errors.As(err, &ce), errors.As(err, &fe), errors.As(err, &re), errors.Is(err, prompt.ErrNoChoice):
		return ExitUsage, nil
	case errors.As(err, &pe):
		return ExitUsage, []string{"hint: pass another --profile, or remove those keys from the profile first"}
	case errors.As(err, &se):
		if h := STSHint(se); h != "" {
			return ExitFailure, []string{"hint: " + h}
		}
		return ExitFailure, nil
	}
	return ExitFailure, nil
}

// STSHint says what the person can do about an STS failure.
func STSHint(e *sts.Error) string {
	switch e.Kind {
	case sts.Unreachable:
		return "check the network, and AWS_ENDPOINT_URL_STS or the profile's endpoint_url if set"
	case sts.Expired:
		if e.Op == sts.OpAssumeRoleWithSAML {
			return "log in again; STS takes an assertion only within 5 minutes of its issue"
		}
		return "get a fresh token and try again"
	case sts.DurationTooLong:
		return "pass a shorter --duration, or ask for a longer MaxSessionDuration on the role"
	case sts.NotTrusted:
		if e.Op == sts.OpAssumeRoleWithSAML {
			return "the role's trust policy must allow sts:AssumeRoleWithSAML from this SAML provider; ask your AWS administrator"
		}
		return "the role's trust policy or your permissions do not allow this call; ask your AWS administrator"
	case sts.Rejected:
		if e.Code == "IDPRejectedClaim" {
			return "the IAM SAML provider's metadata may be out of date (signing certificate); ask your AWS administrator"
		}
		if e.Op == sts.OpAssumeRoleWithSAML {
			return "check that the role and provider ARNs belong together and that the IdP signs for urn:amazon:webservices"
		}
		return "check the token and the identity provider the role trusts"
	case sts.Throttled:
		return "wait a minute and try again"
	case sts.RegionDisabled:
		return "pass --region with a region where STS is active, or activate it in IAM account settings"
	case sts.BadCredentials:
		return "the credentials may be expired or mistyped; log in again"
	}
	return ""
}

// RoleList formats roles for an error: a heading, then one indented line
// each.
func RoleList(roles []assertion.Role, aliases assertion.Aliases) []string {
	lines := []string{"roles in the assertion:"}
	for _, r := range assertion.SortByAccount(roles, aliases) {
		lines = append(lines, "  "+r.RoleARN+"  ("+r.Label(aliases)+")")
	}
	return lines
}

// SelectorHint suggests a --role value for the first role.
func SelectorHint(roles []assertion.Role) string {
	if len(roles) == 0 {
		return ""
	}
	r := assertion.SortByAccount(roles, nil)[0]
	return fmt.Sprintf("hint: pass --role, e.g. --role %s:%s (or a role ARN, a role name, or a glob like '*:%s')", r.AccountID, r.Name, r.Name)
}

// LoginError gives a SAML login's failures (flow.Login.Run) their exit
// codes and hints: the roles to choose from, the flags an encrypted
// assertion needs.
func LoginError(err error, aliases assertion.Aliases) error {
	var ce *flow.ChoiceError
	var pe *flow.PartialError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, assertion.ErrEncrypted):
		return UsageError(err, "hint: pass --role ROLE_ARN --principal PROVIDER_ARN; STS can decrypt the assertion, samlgo cannot read its roles")
	case errors.As(err, &ce):
		var se *assertion.SelectionError
		hints := RoleList(ce.Roles, aliases)
		if errors.As(err, &se) || errors.Is(err, flow.ErrNoOneToAsk) {
			hints = append(hints, SelectorHint(ce.Roles))
		}
		return UsageError(err, hints...)
	case errors.As(err, &pe):
		return FailureError(err)
	}
	return err
}
