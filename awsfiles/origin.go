package awsfiles

import (
	"fmt"
	"regexp"
	"sync"
)

// KeyOrigin records, in a credentials profile samlgo writes, how its
// session credentials were made. The AWS CLI and the SDKs ignore keys they
// do not know, as they ignore x_security_token_expires. `samlgo console`
// reads it to decide whether the console sign-in may carry a
// SessionDuration (AWS takes one only for a role assumed with SAML or with
// long-term keys).
const KeyOrigin = "x_samlgo_origin"

// Origin is how a set of session credentials was made.
type Origin string

// Origins samlgo records. The empty Origin means unknown: credentials
// written by another tool, or by a samlgo command that does not record one.
const (
	OriginSAML            Origin = "saml"                // AssumeRoleWithSAML
	OriginAssumeRole      Origin = "assume-role"         // AssumeRole signed with long-term keys
	OriginChained         Origin = "assume-role-chained" // AssumeRole signed with session credentials
	OriginWebIdentity     Origin = "web-identity"        // AssumeRoleWithWebIdentity
	OriginFederationToken Origin = "federation-token"    // GetFederationToken
	OriginSessionToken    Origin = "session-token"       // GetSessionToken
	OriginSSO             Origin = "sso"                 // IAM Identity Center GetRoleCredentials
)

// originPattern is what WriteCredentials records: a lower-case word.
var originPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z-]*$`) })

// AllowsSessionDuration reports whether AWS's federation endpoint takes a
// SessionDuration with credentials of this origin ("Enable custom identity
// broker access to the AWS console", IAM User Guide: only for a role
// assumed with long-term credentials or SAML/web identity, never for a
// role chain or GetFederationToken credentials). Unknown origins do not.
func (o Origin) AllowsSessionDuration() bool {
	switch o {
	case OriginSAML, OriginAssumeRole, OriginWebIdentity:
		return true
	}
	return false
}

// ReadOrigin returns the origin recorded in a credentials profile, empty
// when none is.
func ReadOrigin(path, profile string) (Origin, error) {
	doc, _, err := load(path)
	if err != nil {
		return "", err
	}
	start, end, ok := doc.section(profile)
	if !ok {
		return "", fmt.Errorf("profile %q not found in %q", profile, path)
	}
	v, _ := doc.get(start, end, KeyOrigin)
	return Origin(v), nil
}

// ConfigValue returns a key of a profile in the shared config file (the
// section botocore reads for it), empty when the file, the profile or the
// key is missing.
func ConfigValue(path, profile, key string) (string, error) {
	doc, _, err := load(path)
	if err != nil {
		return "", err
	}
	start, end, ok := doc.sectionWhere(func(s string) bool {
		p, ok := configProfile(s)
		return ok && p == profile
	})
	if !ok {
		return "", nil
	}
	v, _ := doc.get(start, end, key)
	return v, nil
}
