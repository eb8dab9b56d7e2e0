package assertion

import (
	"fmt"
	"strings"
	"testing"
)

// responseWithRoles builds an unsigned response XML with n Role values
// across n/10 accounts, the shape of a large ADFS or Okta assertion.
func responseWithRoles(n int) []byte {
	var b strings.Builder
	b.WriteString(`<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_b" Version="2.0" IssueInstant="2026-01-15T10:00:00Z" Destination="https://signin.aws.amazon.com/saml"><saml:Issuer>https://idp.example.com/</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status><saml:Assertion ID="_a" Version="2.0" IssueInstant="2026-01-15T10:00:00Z"><saml:Issuer>https://idp.example.com/</saml:Issuer><saml:Subject><saml:NameID>alice</saml:NameID></saml:Subject><saml:Conditions NotOnOrAfter="2026-01-15T10:05:00Z"/><saml:AttributeStatement><saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><saml:AttributeValue>alice</saml:AttributeValue></saml:Attribute><saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role">`)
	for i := 0; i < n; i++ {
		acct := fmt.Sprintf("%012d", 100000000000+i/10)
		fmt.Fprintf(&b, "<saml:AttributeValue>arn:aws:iam::%s:role/team/Role%04d,arn:aws:iam::%s:saml-provider/Corp</saml:AttributeValue>", acct, i, acct)
	}
	b.WriteString(`</saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>`)
	return []byte(b.String())
}

// BenchmarkParseXML1000Roles measures reading a 1,000-role assertion. (At
// about 120 kB it is over STS's 100,000-character limit, so Parse refuses it
// before this step; ParseXML is the step that scales with roles.)
func BenchmarkParseXML1000Roles(b *testing.B) {
	doc := responseWithRoles(1000)
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		r, err := ParseXML(doc)
		if err != nil || len(r.Roles) != 1000 {
			b.Fatalf("%v, %d roles", err, len(r.Roles))
		}
	}
}

// BenchmarkParseLargestAccepted measures Parse (decode, limits, read) on
// base64 input just under STS's limit: about 550 roles.
func BenchmarkParseLargestAccepted(b *testing.B) {
	n := 1000
	for base64Len(len(responseWithRoles(n))) > MaxEncodedLen {
		n -= 10
	}
	in := []byte(Encode(responseWithRoles(n)))
	b.ReportMetric(float64(n), "roles")
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := Parse(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSelectGlob1000Roles(b *testing.B) {
	r, _ := ParseXML(responseWithRoles(1000))
	for b.Loop() {
		if got, err := Select(r.Roles, "*:Role0999", nil, false); err != nil || len(got) != 1 {
			b.Fatal(err)
		}
	}
}
