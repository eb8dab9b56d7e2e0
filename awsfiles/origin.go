package awsfiles

import (
	"fmt"
	"regexp"
	"sync"
	"time"

	"github.com/samlgo/samlgo/untrusted"
)

// KeyOrigin records, in a credentials profile samlgo writes, how its
// session credentials were made. The AWS CLI and the SDKs ignore keys they
// do not know, as they ignore x_security_token_expires. `samlgo console`
// reads it to decide whether the console sign-in may carry a
// SessionDuration (AWS takes one only for a role assumed with SAML or with
// long-term keys).
const KeyOrigin = "x_samlgo_origin"

// KeyAccount and KeyRole record, beside the keys samlgo wrote, the config
// account and the role ARN they were made from (see Profile).
const (
	KeyAccount = "x_samlgo_account"
	KeyRole    = "x_samlgo_role"
)

// Made is what samlgo recorded about a credentials profile it wrote: how,
// from what, and until when. The zero Made is a profile samlgo did not
// write (or wrote without a record).
type Made struct {
	Profile string
	Origin  Origin
	Account string
	Role    string
	// Expires is x_security_token_expires; zero when absent or unreadable.
	Expires time.Time
}

// ReadMade returns what samlgo recorded in one credentials profile; ok is
// false when the profile is not there.
func ReadMade(path, profile string) (m Made, ok bool, err error) {
	keys, ok, err := CredentialsProfile(path, profile)
	if err != nil || !ok {
		return Made{}, ok, err
	}
	return madeFrom(profile, keys), true, nil
}

// ListMade returns, in file order, every credentials profile samlgo wrote
// with a record of its origin.
func ListMade(path string) ([]Made, error) {
	doc, _, err := load(path)
	if err != nil {
		return nil, err
	}
	var out []Made
	seen := map[string]bool{}
	for _, l := range doc.lines {
		if l.kind != headerLine || seen[l.name] {
			continue
		}
		seen[l.name] = true
		start, end, _ := doc.section(l.name) // the last of duplicates, as botocore reads it
		if m := madeFrom(l.name, doc.keys(start, end)); m.Origin != "" {
			out = append(out, m)
		}
	}
	return out, nil
}

// Due reports whether the profile's credentials have expired or end
// within the given time of now; one without a recorded expiry is not due.
func (m Made) Due(now time.Time, within time.Duration) bool {
	return !m.Expires.IsZero() && !m.Expires.After(now.Add(within))
}

func madeFrom(profile string, keys map[string]string) Made {
	m := Made{Profile: profile, Origin: Origin(keys[KeyOrigin]), Account: keys[KeyAccount], Role: keys[KeyRole]}
	if t, err := time.Parse(time.RFC3339, keys[KeyExpires]); err == nil {
		m.Expires = t
	}
	return m
}

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
		return "", fmt.Errorf("profile %q not found in %s", profile, untrusted.Path(path))
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
