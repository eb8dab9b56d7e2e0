package assertion

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/crewjam/saml"
	xrv "github.com/mattermost/xml-roundtrip-validator"

	"github.com/samlgo/samlgo/untrusted"
)

// AWS sign-in attribute names, from "Configuring SAML assertions for the
// authentication response" in the IAM User Guide.
const (
	AttrRole            = "https://aws.amazon.com/SAML/Attributes/Role"
	AttrRoleSessionName = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
	AttrSessionDuration = "https://aws.amazon.com/SAML/Attributes/SessionDuration"
	AttrSourceIdentity  = "https://aws.amazon.com/SAML/Attributes/SourceIdentity"
)

// StatusSuccess is the top-level status of a successful response (SAML 2.0
// core §3.2.2.2).
const StatusSuccess = "urn:oasis:names:tc:SAML:2.0:status:Success"

// Response is what samlgo reads from a SAMLResponse: the protocol envelope
// (SAML 2.0 core §3.2.2), its one assertion (§2.3.3) and the AWS attributes.
type Response struct {
	// XML is the response document as it will be sent to STS (base64 of it).
	XML []byte

	Issuer        string
	Destination   string
	IssueInstant  time.Time
	Status        string // top-level StatusCode value
	SubStatus     string // second-level StatusCode value, if any
	StatusMessage string

	// Subject is the assertion's NameID.
	Subject string
	// NotBefore and NotOnOrAfter bound the assertion's validity: the latest
	// NotBefore and the earliest NotOnOrAfter of its Conditions and bearer
	// SubjectConfirmationData. Zero when the assertion does not say.
	NotBefore    time.Time
	NotOnOrAfter time.Time
	Audiences    []string

	Roles           []Role
	RoleSessionName string
	SourceIdentity  string
	// SessionDuration is the SessionDuration attribute, zero when absent.
	SessionDuration time.Duration
	Attributes      []Attribute

	// Warnings are things a person should see on stderr, one line each
	// (two Role values naming one IAM role, a malformed Role value that
	// was left out, for instance).
	Warnings []string
	// MalformedRoles are the Role values that are not a role ARN pair.
	// They are left out of Roles; Check refuses the response only when no
	// good Role value is left, so read-only commands still list the others
	// (PRODUCT.md §6).
	MalformedRoles []MalformedRole

	// Encrypted is true when the response carries an EncryptedAssertion:
	// STS can decrypt it, samlgo cannot read its roles.
	Encrypted       bool
	ResponseSigned  bool
	AssertionSigned bool
}

// Attribute is one SAML Attribute with all its values, merged across
// AttributeStatements.
type Attribute struct {
	Name         string   `json:"name"`
	FriendlyName string   `json:"friendly_name,omitempty"`
	Values       []string `json:"values"`
}

// Parse decodes a saved or captured SAMLResponse (see Decode), refuses what
// STS would refuse for its size, and reads it. It does not judge the status
// or the expiry: see Check.
func Parse(input []byte) (*Response, error) {
	doc, err := Decode(input)
	if err != nil {
		return nil, err
	}
	if n := base64Len(len(doc)); n > MaxEncodedLen {
		return nil, inputErr(fmt.Sprintf("the response is %d characters as base64; STS takes at most %d", n, MaxEncodedLen), ErrTooLarge)
	}
	return ParseXML(doc)
}

func base64Len(n int) int { return (n + 2) / 3 * 4 }

var dtdMarkers = [][]byte{[]byte("<!DOCTYPE"), []byte("<!ENTITY")}

// ParseXML reads a SAMLResponse document. It refuses DTDs and entity
// declarations, and XML that does not survive a round trip through a parser
// unchanged (the namespace tricks behind signature-wrapping attacks).
func ParseXML(doc []byte) (*Response, error) {
	upper := bytes.ToUpper(doc)
	for _, m := range dtdMarkers {
		if bytes.Contains(upper, m) {
			return nil, inputErr("XML with a DTD or entity declarations is refused", ErrDTD)
		}
	}
	if err := xrv.Validate(bytes.NewReader(doc)); err != nil {
		return nil, &InputError{Reason: "response XML is malformed", Kind: ErrNotXML, Cause: err}
	}
	if err := checkShape(doc); err != nil {
		return nil, err
	}
	var sr saml.Response
	if err := xml.Unmarshal(doc, &sr); err != nil {
		var ute xml.UnmarshalError
		if errors.As(err, &ute) || strings.Contains(err.Error(), "expected element type") {
			return nil, inputErr("XML is not a SAML Response", ErrNotResponse)
		}
		return nil, &InputError{Reason: "response XML is malformed", Kind: ErrNotXML, Cause: err}
	}
	r := &Response{
		XML:            doc,
		Destination:    strings.TrimSpace(sr.Destination),
		IssueInstant:   sr.IssueInstant,
		Status:         strings.TrimSpace(sr.Status.StatusCode.Value),
		Encrypted:      sr.EncryptedAssertion != nil && sr.Assertion == nil,
		ResponseSigned: sr.Signature != nil,
	}
	if sr.Issuer != nil {
		r.Issuer = strings.TrimSpace(sr.Issuer.Value)
	}
	if sc := sr.Status.StatusCode.StatusCode; sc != nil {
		r.SubStatus = strings.TrimSpace(sc.Value)
	}
	if sm := sr.Status.StatusMessage; sm != nil {
		r.StatusMessage = strings.TrimSpace(sm.Value)
	}
	if a := sr.Assertion; a != nil {
		if err := r.readAssertion(a); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// checkShape refuses what xml.Unmarshal would silently accept: a second
// document (or any text) after the root element, which it ignores, and a
// root with more than one Assertion or EncryptedAssertion child, whose
// contents it merges into one.
func checkShape(doc []byte) error {
	d := xml.NewDecoder(bytes.NewReader(doc))
	depth, roots, assertions := 0, 0, 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return &InputError{Reason: "response XML is malformed", Kind: ErrNotXML, Cause: err}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				if roots++; roots > 1 {
					return inputErr("several XML documents back to back; save one SAMLResponse per file", ErrSeveralDocuments)
				}
			}
			if depth == 1 && (t.Name.Local == "Assertion" || t.Name.Local == "EncryptedAssertion") {
				if assertions++; assertions > 1 {
					return inputErr("the response holds more than one assertion; AWS sign-in responses carry exactly one, so samlgo refuses it (an unsigned assertion beside a signed one is a known attack)", ErrSeveralAssertions)
				}
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && roots > 0 && len(bytes.TrimSpace(t)) > 0 {
				return inputErr("text after the end of the response; save one SAMLResponse per file", ErrSeveralDocuments)
			}
		case xml.ProcInst:
			if depth == 0 && roots > 0 && t.Target == "xml" {
				return inputErr("several XML documents back to back; save one SAMLResponse per file", ErrSeveralDocuments)
			}
		}
	}
	return nil
}

func (r *Response) readAssertion(a *saml.Assertion) error {
	r.AssertionSigned = a.Signature != nil
	if r.Issuer == "" {
		r.Issuer = strings.TrimSpace(a.Issuer.Value)
	}
	if a.Subject != nil {
		if a.Subject.NameID != nil {
			r.Subject = strings.TrimSpace(a.Subject.NameID.Value)
		}
		for _, sc := range a.Subject.SubjectConfirmations {
			if d := sc.SubjectConfirmationData; d != nil {
				r.narrow(d.NotBefore, d.NotOnOrAfter)
			}
		}
	}
	if c := a.Conditions; c != nil {
		r.narrow(c.NotBefore, c.NotOnOrAfter)
		for _, ar := range c.AudienceRestrictions {
			r.Audiences = append(r.Audiences, strings.TrimSpace(ar.Audience.Value))
		}
	}
	index := map[string]int{}
	for _, st := range a.AttributeStatements {
		for _, at := range st.Attributes {
			name := strings.TrimSpace(at.Name)
			i, ok := index[name]
			if !ok {
				i = len(r.Attributes)
				index[name] = i
				r.Attributes = append(r.Attributes, Attribute{Name: name, FriendlyName: at.FriendlyName})
			}
			for _, v := range at.Values {
				r.Attributes[i].Values = append(r.Attributes[i].Values, strings.TrimSpace(v.Value))
			}
		}
	}
	return r.readAWSAttributes()
}

// narrow keeps the tightest validity window seen so far.
func (r *Response) narrow(notBefore, notOnOrAfter time.Time) {
	if !notBefore.IsZero() && notBefore.After(r.NotBefore) {
		r.NotBefore = notBefore
	}
	if !notOnOrAfter.IsZero() && (r.NotOnOrAfter.IsZero() || notOnOrAfter.Before(r.NotOnOrAfter)) {
		r.NotOnOrAfter = notOnOrAfter
	}
}

func (r *Response) readAWSAttributes() error {
	// IAM role (and SAML provider) names are unique ignoring case, so
	// values differing only in case name one role: it is offered once.
	seen := map[string]Role{}
	// Warnings in the order of the values; a malformed value is only
	// warned about when good ones remain: otherwise Check refuses the
	// response and names it, and a warning would repeat it.
	type note struct {
		malformed bool
		text      string
	}
	var notes []note
	defer func() {
		for _, n := range notes {
			if !n.malformed || len(r.Roles) > 0 {
				r.Warnings = append(r.Warnings, n.text)
			}
		}
	}()
	for _, at := range r.Attributes {
		switch at.Name {
		case AttrRole:
			for i, v := range at.Values {
				role, err := ParseRole(v)
				if err != nil {
					m := MalformedRole{Index: i + 1, Value: v, Err: err}
					r.MalformedRoles = append(r.MalformedRoles, m)
					notes = append(notes, note{true, "ignoring " + m.Error()})
					continue
				}
				key := strings.ToLower(role.RoleARN + "," + role.PrincipalARN)
				first, dup := seen[key]
				switch {
				case !dup:
					seen[key] = role
					r.Roles = append(r.Roles, role)
				case first != role:
					notes = append(notes, note{false, fmt.Sprintf("Role values %q and %q differ only in case and name one IAM role; offering %q", first.RoleARN, role.RoleARN, first.RoleARN)})
				}
			}
		case AttrRoleSessionName:
			r.RoleSessionName = first(at.Values)
		case AttrSourceIdentity:
			r.SourceIdentity = first(at.Values)
		case AttrSessionDuration:
			v := first(at.Values)
			secs, err := strconv.Atoi(v)
			if err != nil || secs <= 0 {
				return inputErr(fmt.Sprintf("SessionDuration attribute %q is not a whole number of seconds", v), ErrNotResponse)
			}
			r.SessionDuration = time.Duration(secs) * time.Second
		}
	}
	return nil
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// Check reports, in this order, a missing or failed status, a missing
// Role attribute (unless the assertion is encrypted), an assertion outside
// its validity window at now (ErrExpired), and an encrypted assertion
// (ErrEncrypted; callers that were given the role and principal ARNs may
// go on). Callers that only read (roles) may treat ErrExpired as a
// warning: every error before it holds whatever the time.
func (r *Response) Check(now time.Time) error {
	if r.Status == "" {
		return inputErr("the response has no status (no samlp:StatusCode), so it does not say the sign-in succeeded; capture the response again", ErrStatus)
	}
	if r.Status != StatusSuccess {
		msg := fmt.Sprintf("the IdP reported a failed sign-in (status %s", shortStatus(r.Status))
		if r.SubStatus != "" {
			msg += ", " + shortStatus(r.SubStatus)
		}
		msg += ")"
		if r.StatusMessage != "" {
			msg += fmt.Sprintf(": %q", r.StatusMessage)
		}
		return inputErr(msg, ErrStatus)
	}
	if !r.Encrypted && len(r.Roles) == 0 && len(r.MalformedRoles) > 0 {
		m := r.MalformedRoles[0]
		return &InputError{Reason: fmt.Sprintf("Role attribute value %d %s", m.Index, shortValue(m.Value)), Kind: ErrMalformedRole, Cause: m.Err}
	}
	if !r.Encrypted && len(r.Roles) == 0 {
		return inputErr("the assertion has no https://aws.amazon.com/SAML/Attributes/Role attribute; ask your IdP administrator to release it for AWS", ErrNoRoles)
	}
	if !r.NotOnOrAfter.IsZero() && !now.Before(r.NotOnOrAfter) {
		return inputErr(fmt.Sprintf("the assertion expired at %s; log in again", r.NotOnOrAfter.UTC().Format(time.RFC3339)), ErrExpired)
	}
	if !r.NotBefore.IsZero() && now.Before(r.NotBefore.Add(-clockSkew)) {
		return inputErr(fmt.Sprintf("the assertion is not valid before %s; check this computer's clock", r.NotBefore.UTC().Format(time.RFC3339)), ErrExpired)
	}
	if r.Encrypted {
		return inputErr("the assertion is encrypted, so samlgo cannot read its roles", ErrEncrypted)
	}
	return nil
}

// clockSkew is how far ahead of this computer an IdP clock may run before a
// NotBefore in the future counts as an error.
const clockSkew = 5 * time.Minute

// shortStatus is a status code for a message: without the standard prefix,
// and escaped, since the IdP wrote it.
func shortStatus(s string) string {
	return untrusted.Text(strings.TrimPrefix(s, "urn:oasis:names:tc:SAML:2.0:status:"))
}

// MalformedRole is a Role attribute value that is not a role ARN and a
// provider ARN.
type MalformedRole struct {
	// Index counts the Role values from 1.
	Index int
	// Value is the attribute value as the assertion holds it.
	Value string
	// Err says what is wrong with it; errors.Is(Err, ErrMalformedRole).
	Err error
}

func (m MalformedRole) Error() string {
	return fmt.Sprintf("Role attribute value %d %s: %v", m.Index, shortValue(m.Value), m.Err)
}

// shortValue quotes an attribute value for a one-line message, cut to a
// length a terminal shows whole.
func shortValue(v string) string {
	v = strings.Join(strings.Fields(v), " ")
	if r := []rune(v); len(r) > 200 {
		v = string(r[:200]) + "…"
	}
	return strconv.Quote(v)
}

// Role is one AWS role the assertion offers: a role and the SAML provider
// that vouches for it ("Role" attribute value "role-arn,provider-arn", IAM
// User Guide, in either order).
type Role struct {
	RoleARN      string `json:"role_arn"`
	PrincipalARN string `json:"principal_arn"`
	Partition    string `json:"-"`
	AccountID    string `json:"account_id"`
	// Name is the role name without its path ("Deployer" for role/team/Deployer).
	Name string `json:"role_name"`
	// Path is the role path, "/" when there is none.
	Path string `json:"-"`
}

// arnPattern matches IAM role and SAML provider ARNs in every partition.
var arnPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^arn:(aws[a-z0-9-]*):iam::(\d{12}):(role|saml-provider)/([\w+=,.@/-]+)$`)
})

// ParseRole reads one Role attribute value: a role ARN and a provider ARN
// separated by a comma, in either order, with any surrounding white space.
func ParseRole(value string) (Role, error) {
	parts := strings.Split(value, ",")
	if len(parts) == 3 && strings.TrimSpace(parts[2]) == "" {
		parts = parts[:2] // "role-arn,provider-arn," – AWS accepts it
	}
	if len(parts) != 2 {
		return Role{}, fmt.Errorf("%w: want \"role-arn,provider-arn\", got %d comma-separated parts", ErrMalformedRole, len(parts))
	}
	var r Role
	for _, p := range parts {
		p = strings.TrimSpace(p)
		m := arnPattern().FindStringSubmatch(p)
		if m == nil {
			return Role{}, fmt.Errorf("%w: %q is not an IAM role or SAML provider ARN", ErrMalformedRole, p)
		}
		switch m[3] {
		case "role":
			if r.RoleARN != "" {
				return Role{}, fmt.Errorf("%w: two role ARNs and no provider ARN", ErrMalformedRole)
			}
			r.RoleARN, r.Partition, r.AccountID = p, m[1], m[2]
			resource := m[4]
			if strings.HasPrefix(resource, "/") || strings.Contains(resource, "//") {
				return Role{}, fmt.Errorf("%w: %q has an empty path segment, which STS refuses", ErrMalformedRole, p)
			}
			i := strings.LastIndex(resource, "/")
			r.Name, r.Path = resource[i+1:], "/"+resource[:i+1]
			if r.Name == "" {
				return Role{}, fmt.Errorf("%w: %q has no role name", ErrMalformedRole, p)
			}
		case "saml-provider":
			if r.PrincipalARN != "" {
				return Role{}, fmt.Errorf("%w: two provider ARNs and no role ARN", ErrMalformedRole)
			}
			r.PrincipalARN = p
		}
	}
	if pp := arnPattern().FindStringSubmatch(r.PrincipalARN); pp[1] != r.Partition {
		return Role{}, fmt.Errorf("%w: role is in partition %q but provider in %q", ErrMalformedRole, r.Partition, pp[1])
	}
	return r, nil
}

// RoleFromARNs builds a Role from a role ARN and a provider ARN given by the
// person, for assertions whose roles samlgo cannot read.
func RoleFromARNs(roleARN, principalARN string) (Role, error) {
	return ParseRole(roleARN + "," + principalARN)
}
