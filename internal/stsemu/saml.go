package stsemu

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"
	dsig "github.com/russellhaering/goxmldsig"
)

// AssumeRoleWithSAMLResponse is the STS reply (STS API Reference,
// AssumeRoleWithSAML, "Response Elements").
type AssumeRoleWithSAMLResponse struct {
	XMLName xml.Name `xml:"AssumeRoleWithSAMLResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Result  struct {
		Credentials     Credentials
		AssumedRoleUser AssumedRoleUser
		Audience        string
		Issuer          string
		NameQualifier   string
		Subject         string
		SubjectType     string
		SourceIdentity  string `xml:",omitempty"`
	} `xml:"AssumeRoleWithSAMLResult"`
	ResponseMetadata responseMetadata
}

// acsPattern matches the AWS sign-in endpoints an assertion may be
// addressed to: global, regional, China and GovCloud.
var acsPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^https://([a-z0-9-]+\.)?signin\.(aws\.amazon\.com|amazonaws\.cn|amazonaws-us-gov\.com)/saml(\?.*)?$`)
})

var roleARNPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^arn:(aws[a-z0-9-]*):iam::(\d{12}):role/(?:[\w+=,.@-]+/)*([\w+=,.@-]{1,64})$`)
})

// redeemWindow is how long after its issue STS accepts an assertion
// ("Token must be redeemed within 5 minutes of issuance").
const redeemWindow = 5 * time.Minute

func (e *Emulator) assumeRoleWithSAML(form url.Values) (any, error) {
	roleARN, principalARN, encoded := form.Get("RoleArn"), form.Get("PrincipalArn"), form.Get("SAMLAssertion")
	for name, v := range map[string]string{"RoleArn": roleARN, "PrincipalArn": principalARN, "SAMLAssertion": encoded} {
		if v == "" {
			return nil, errf(400, "MissingParameter", "The request must contain the parameter %s", name)
		}
	}
	if n := len(encoded); n < 4 || n > 100000 {
		return nil, errf(400, "ValidationError", "1 validation error detected: Value at 'sAMLAssertion' failed to satisfy constraint: Member must have length less than or equal to 100000")
	}
	m := roleARNPattern().FindStringSubmatch(roleARN)
	if m == nil {
		return nil, errf(400, "ValidationError", "%s is not a valid role ARN", roleARN)
	}
	partition, account, roleName := m[1], m[2], m[3]
	e.mu.Lock()
	cert, trusted := e.providers[principalARN]
	maxDur := e.maxDuration[roleARN]
	e.mu.Unlock()
	if maxDur == 0 {
		maxDur = time.Hour
	}
	d, aerr := durationParam(form, maxDur)
	if aerr != nil {
		return nil, aerr
	}
	if !trusted {
		return nil, errf(400, "InvalidIdentityToken", "Specified provider doesn't exist.")
	}
	doc, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return nil, errf(400, "InvalidIdentityToken", "Invalid base64 SAMLResponse")
	}
	if bytes.Contains(bytes.ToUpper(doc), []byte("<!DOCTYPE")) {
		return nil, errf(400, "InvalidIdentityToken", "Response contains a DTD")
	}
	resp, a, aerr := verified(doc, cert, e.Now())
	if aerr != nil {
		return nil, aerr
	}
	now := e.Now()
	if resp.Status.StatusCode.Value != saml.StatusSuccess {
		return nil, errf(400, "InvalidIdentityToken", "Response status is not Success")
	}
	if !acsPattern().MatchString(resp.Destination) {
		return nil, errf(400, "InvalidIdentityToken", "Response Destination is not an AWS sign-in endpoint")
	}
	if a.IssueInstant.Add(redeemWindow).Before(now) {
		return nil, errf(400, "ExpiredTokenException", "Token must be redeemed within 5 minutes of issuance")
	}
	if a.Conditions == nil || !audienceOK(a.Conditions) {
		return nil, errf(400, "InvalidIdentityToken", "Assertion audience does not include urn:amazon:webservices")
	}
	if !a.Conditions.NotOnOrAfter.IsZero() && !now.Before(a.Conditions.NotOnOrAfter) {
		return nil, errf(400, "ExpiredTokenException", "Assertion has expired (NotOnOrAfter)")
	}
	if a.Conditions.NotBefore.After(now.Add(time.Minute)) {
		return nil, errf(400, "InvalidIdentityToken", "Assertion is not yet valid (NotBefore)")
	}
	if a.Subject == nil || a.Subject.NameID == nil || strings.TrimSpace(a.Subject.NameID.Value) == "" {
		return nil, errf(400, "InvalidIdentityToken", "Assertion has no Subject NameID")
	}
	for _, sc := range a.Subject.SubjectConfirmations {
		if d := sc.SubjectConfirmationData; d != nil && !d.NotOnOrAfter.IsZero() && !now.Before(d.NotOnOrAfter) {
			return nil, errf(400, "ExpiredTokenException", "Assertion has expired (SubjectConfirmationData NotOnOrAfter)")
		}
	}
	var sessionName, sourceIdentity string
	pairFound := false
	for _, st := range a.AttributeStatements {
		for _, at := range st.Attributes {
			switch at.Name {
			case "https://aws.amazon.com/SAML/Attributes/RoleSessionName":
				if len(at.Values) > 0 {
					sessionName = strings.TrimSpace(at.Values[0].Value)
				}
			case "https://aws.amazon.com/SAML/Attributes/SourceIdentity":
				if len(at.Values) > 0 {
					sourceIdentity = strings.TrimSpace(at.Values[0].Value)
				}
			case "https://aws.amazon.com/SAML/Attributes/Role":
				for _, v := range at.Values {
					parts := strings.Split(v.Value, ",")
					if len(parts) != 2 {
						continue
					}
					x, y := strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1])
					if x == roleARN && y == principalARN || x == principalARN && y == roleARN {
						pairFound = true
					}
				}
			}
		}
	}
	if !sessionNamePattern().MatchString(sessionName) {
		return nil, errf(400, "InvalidIdentityToken", "RoleSessionName attribute is missing or does not match [\\w+=,.@-]{2,64}")
	}
	if !pairFound {
		return nil, errf(403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithSAML")
	}
	c, user := e.issue(partition, account, roleName, sessionName, d)
	e.setOrigin(c.AccessKeyID, OriginSAML)
	out := &AssumeRoleWithSAMLResponse{Xmlns: xmlns}
	out.Result.Credentials, out.Result.AssumedRoleUser = c, user
	out.Result.Audience = resp.Destination
	out.Result.Issuer = a.Issuer.Value
	out.Result.NameQualifier = base64.StdEncoding.EncodeToString([]byte(a.Issuer.Value + account))
	out.Result.Subject = a.Subject.NameID.Value
	out.Result.SubjectType = "persistent"
	out.Result.SourceIdentity = sourceIdentity
	out.ResponseMetadata.RequestID = requestID()
	return out, nil
}

func audienceOK(c *saml.Conditions) bool {
	for _, ar := range c.AudienceRestrictions {
		v := strings.TrimSpace(ar.Audience.Value)
		if strings.HasPrefix(v, "urn:amazon:webservices") || acsPattern().MatchString(v) {
			return true
		}
	}
	return false
}

// verified checks the XML signature against the provider's certificate and
// returns the response and assertion read from the signed elements only, so
// that content outside the signature (wrapping attacks) is never used.
func verified(doc []byte, cert *x509.Certificate, now time.Time) (*saml.Response, *saml.Assertion, *apiError) {
	bad := func(msg string) (*saml.Response, *saml.Assertion, *apiError) {
		return nil, nil, errf(400, "InvalidIdentityToken", "%s", msg)
	}
	tree := etree.NewDocument()
	if err := tree.ReadFromBytes(doc); err != nil || tree.Root() == nil {
		return bad("Response is not well-formed XML")
	}
	root := tree.Root()
	if root.Tag != "Response" || root.NamespaceURI() != "urn:oasis:names:tc:SAML:2.0:protocol" {
		return bad("Response is not a SAML 2.0 Response")
	}
	if cert == nil {
		return bad("SAML provider has no signing certificate")
	}
	vc := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{cert}})
	vc.IdAttribute = "ID"
	vc.Clock = dsig.NewFakeClockAt(now)

	var resp saml.Response
	if root.FindElement("./Signature") != nil {
		signed, err := vc.Validate(root)
		if err != nil {
			return bad("Response signature is invalid")
		}
		if err := unmarshal(signed, &resp); err != nil {
			return bad("Response does not parse")
		}
		if resp.EncryptedAssertion != nil {
			return bad("Encrypted assertions are not supported by this emulator")
		}
		if resp.Assertion == nil {
			if resp.Status.StatusCode.Value != saml.StatusSuccess {
				return &resp, &saml.Assertion{}, nil
			}
			return bad("Response has no Assertion")
		}
		return &resp, resp.Assertion, nil
	}
	if err := unmarshal(root, &resp); err != nil {
		return bad("Response does not parse")
	}
	if resp.Status.StatusCode.Value != saml.StatusSuccess {
		return &resp, &saml.Assertion{}, nil
	}
	assertions := root.SelectElements("Assertion")
	if len(assertions) != 1 {
		return bad("Response must hold exactly one signed Assertion")
	}
	signed, err := vc.Validate(assertions[0])
	if err != nil {
		return bad("Assertion signature is invalid")
	}
	var a saml.Assertion
	if err := unmarshal(signed, &a); err != nil {
		return bad("Assertion does not parse")
	}
	return &resp, &a, nil
}

func unmarshal(el *etree.Element, v any) error {
	d := etree.NewDocument()
	d.SetRoot(el.Copy())
	b, err := d.WriteToBytes()
	if err != nil {
		return err
	}
	return xml.Unmarshal(b, v)
}
