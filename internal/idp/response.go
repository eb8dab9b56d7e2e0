// Package idp is a SAML identity provider for tests and the demo, built on
// crewjam/saml: it signs AWS sign-in responses for users with roles.
package idp

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"fmt"
	"math/big"
	"net/url"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml"
	dsig "github.com/russellhaering/goxmldsig"
)

// AWS sign-in endpoint and audience (IAM User Guide, "Configure SAML
// assertions for the authentication response").
const (
	AWSSignIn   = "https://signin.aws.amazon.com/saml"
	AWSAudience = "urn:amazon:webservices"
	// MCASSignIn is AWSSignIn behind Microsoft Defender for Cloud Apps
	// session control, whose proxy appends .mcas.ms to the host.
	MCASSignIn = "https://signin.aws.amazon.com.mcas.ms/saml"
)

// Signer holds an IdP's signing key and certificate.
type Signer struct {
	EntityID string
	Key      *rsa.PrivateKey
	Cert     *x509.Certificate
}

// NewSigner makes a fresh RSA-2048 key and a self-signed certificate.
func NewSigner(entityID string) (*Signer, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "samlgo test IdP"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(10 * 365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &Signer{EntityID: entityID, Key: key, Cert: cert}, nil
}

// ResponseOptions describe one SAMLResponse.
type ResponseOptions struct {
	// Roles are raw Role attribute values ("role-arn,provider-arn").
	Roles []string
	// SessionName is the RoleSessionName attribute; empty omits it.
	SessionName string
	// SessionDuration is the SessionDuration attribute in seconds; 0 omits it.
	SessionDuration int
	// Subject is the NameID.
	Subject string
	// Destination defaults to AWSSignIn; Audience to AWSAudience.
	Destination string
	Audience    string
	// Now is the issue instant; Lifetime (default 5m) bounds the validity.
	Now      time.Time
	Lifetime time.Duration
	// Status overrides the top-level status code (failed sign-ins).
	Status string
}

// Response returns a signed SAMLResponse document (response and assertion
// both signed, RSA-SHA256), as an IdP posts it to AWS.
func (s *Signer) Response(o ResponseOptions) ([]byte, error) {
	if o.Destination == "" {
		o.Destination = AWSSignIn
	}
	if o.Audience == "" {
		o.Audience = AWSAudience
	}
	if o.Lifetime == 0 {
		o.Lifetime = 5 * time.Minute
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Subject == "" {
		o.Subject = o.SessionName
	}
	metadataURL, _ := url.Parse(s.EntityID)
	idp := &saml.IdentityProvider{Key: s.Key, Certificate: s.Cert, MetadataURL: *metadataURL, SignatureMethod: dsig.RSASHA256SignatureMethod}
	acs := saml.IndexedEndpoint{Binding: saml.HTTPPostBinding, Location: o.Destination}
	req := &saml.IdpAuthnRequest{
		IDP:                     idp,
		Now:                     o.Now.UTC(),
		ACSEndpoint:             &acs,
		SPSSODescriptor:         &saml.SPSSODescriptor{},
		ServiceProviderMetadata: &saml.EntityDescriptor{EntityID: AWSAudience},
		Assertion:               s.assertion(o),
	}
	if err := req.MakeAssertionEl(); err != nil {
		return nil, fmt.Errorf("signing the assertion: %w", err)
	}
	if err := req.MakeResponse(); err != nil {
		return nil, fmt.Errorf("signing the response: %w", err)
	}
	if o.Status != "" {
		// A failed response carries no assertion; rebuild it unsigned.
		resp := etree.NewElement("samlp:Response")
		resp.CreateAttr("xmlns:samlp", "urn:oasis:names:tc:SAML:2.0:protocol")
		resp.CreateAttr("xmlns:saml", "urn:oasis:names:tc:SAML:2.0:assertion")
		resp.CreateAttr("ID", newID())
		resp.CreateAttr("Version", "2.0")
		resp.CreateAttr("IssueInstant", o.Now.UTC().Format(time.RFC3339))
		resp.CreateAttr("Destination", o.Destination)
		resp.CreateElement("saml:Issuer").SetText(s.EntityID)
		resp.CreateElement("samlp:Status").CreateElement("samlp:StatusCode").CreateAttr("Value", o.Status)
		req.ResponseEl = resp
	}
	doc := etree.NewDocument()
	doc.SetRoot(req.ResponseEl)
	return doc.WriteToBytes()
}

func (s *Signer) assertion(o ResponseOptions) *saml.Assertion {
	now := o.Now.UTC()
	until := now.Add(o.Lifetime)
	attrs := awsAttributes(o.SessionName, o.Roles, o.SessionDuration)
	id := newID()
	return &saml.Assertion{
		ID:           id,
		IssueInstant: now,
		Version:      "2.0",
		Issuer:       saml.Issuer{Format: "urn:oasis:names:tc:SAML:2.0:nameid-format:entity", Value: s.EntityID},
		Subject: &saml.Subject{
			NameID: &saml.NameID{Format: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent", Value: o.Subject},
			SubjectConfirmations: []saml.SubjectConfirmation{{
				Method:                  "urn:oasis:names:tc:SAML:2.0:cm:bearer",
				SubjectConfirmationData: &saml.SubjectConfirmationData{NotOnOrAfter: until, Recipient: o.Destination},
			}},
		},
		Conditions: &saml.Conditions{
			NotBefore:            now.Add(-30 * time.Second),
			NotOnOrAfter:         until,
			AudienceRestrictions: []saml.AudienceRestriction{{Audience: saml.Audience{Value: o.Audience}}},
		},
		AuthnStatements: []saml.AuthnStatement{{
			AuthnInstant: now,
			SessionIndex: id,
			AuthnContext: saml.AuthnContext{AuthnContextClassRef: &saml.AuthnContextClassRef{Value: "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"}},
		}},
		AttributeStatements: []saml.AttributeStatement{{Attributes: attrs}},
	}
}

// awsAttributes are the AWS sign-in attributes (IAM User Guide, "Configure
// SAML assertions for the authentication response"); empty ones are left
// out.
func awsAttributes(sessionName string, roles []string, sessionDuration int) []saml.Attribute {
	const uri = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"
	attr := func(name string, values ...string) saml.Attribute {
		a := saml.Attribute{Name: "https://aws.amazon.com/SAML/Attributes/" + name, NameFormat: uri}
		for _, v := range values {
			a.Values = append(a.Values, saml.AttributeValue{Type: "xs:string", Value: v})
		}
		return a
	}
	var attrs []saml.Attribute
	if sessionName != "" {
		attrs = append(attrs, attr("RoleSessionName", sessionName))
	}
	if len(roles) > 0 {
		attrs = append(attrs, attr("Role", roles...))
	}
	if sessionDuration > 0 {
		attrs = append(attrs, attr("SessionDuration", fmt.Sprint(sessionDuration)))
	}
	return attrs
}

func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "_" + hex.EncodeToString(b)
}
