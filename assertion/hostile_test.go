package assertion

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
)

// Regression tests for issue 7, an attacker-style review of the parser.

// assertionOf returns the first <saml:Assertion>…</saml:Assertion> of doc.
func assertionOf(t *testing.T, doc string) string {
	t.Helper()
	i, j := strings.Index(doc, "<saml:Assertion"), strings.Index(doc, "</saml:Assertion>")
	if i < 0 || j < 0 {
		t.Fatal("fixture has no saml:Assertion")
	}
	return doc[i : j+len("</saml:Assertion>")]
}

// TestSeveralAssertionsRefused: a response whose signed assertion was
// followed by an unsigned one with another role was merged into one: roles
// listed both, inspect said signed, and login called STS for the unsigned
// role. More than one Assertion or EncryptedAssertion is refused.
func TestSeveralAssertionsRefused(t *testing.T) {
	doc := string(readFixture(t, "role_first_newlines.xml"))
	a := assertionOf(t, doc)
	evil := strings.ReplaceAll(a, "123456789012", "999999999999")
	enc := `<saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"/></saml:EncryptedAssertion>`
	cases := map[string]string{
		"assertion then assertion":           strings.Replace(doc, a, a+evil, 1),
		"assertion then encrypted assertion": strings.Replace(doc, a, a+enc, 1),
		"encrypted then assertion":           strings.Replace(doc, a, enc+a, 1),
		"two encrypted assertions":           strings.Replace(doc, a, enc+enc, 1),
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			for _, form := range []string{in, base64.StdEncoding.EncodeToString([]byte(in))} {
				r, err := Parse([]byte(form))
				var ie *InputError
				if !errors.Is(err, ErrSeveralAssertions) || !errors.As(err, &ie) {
					t.Fatalf("Parse = %+v, %v; want an InputError of ErrSeveralAssertions", r, err)
				}
			}
		})
	}
	if _, err := Parse([]byte(doc)); err != nil {
		t.Fatalf("the one-assertion fixture: %v", err)
	}
}

// TestSeveralDocumentsRefused: xml.Unmarshal read the first of several
// documents and ignored the rest, so a file (or a base64 blob) holding two
// responses, or a response with text after it, was taken for the first.
func TestSeveralDocumentsRefused(t *testing.T) {
	doc := string(readFixture(t, "role_first_newlines.xml"))
	body := strings.TrimPrefix(doc, `<?xml version="1.0" encoding="UTF-8"?>`)
	cases := map[string]string{
		"two responses":               body + body,
		"two documents":               doc + "\n" + doc,
		"text after the root":         doc + "\nhello",
		"an element after the root":   doc + "<x/>",
		"base64 of two responses":     base64.StdEncoding.EncodeToString([]byte(body + body)),
		"base64 of text after a root": base64.StdEncoding.EncodeToString([]byte(doc + "trailing")),
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(in))
			var ie *InputError
			if !errors.Is(err, ErrSeveralDocuments) || !errors.As(err, &ie) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("Parse error = %v; want a one-line InputError of ErrSeveralDocuments", err)
			}
		})
	}
	for _, ok := range []string{doc + "\n\n", doc + "<!-- saved by hand -->\n"} {
		if _, err := Parse([]byte(ok)); err != nil {
			t.Errorf("trailing white space or a comment refused: %v", err)
		}
	}
}

// TestInputKindsNamed: gzip and binary input said "bad URL encoding" (it
// held a '%'), and a response without a Status said "failed sign-in
// (status )". Each now says what the input is.
func TestInputKindsNamed(t *testing.T) {
	doc := readFixture(t, "role_first_newlines.xml")
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	_, _ = w.Write(doc)
	_ = w.Close()
	gzipped := append(gz.Bytes(), '%', 'z') // a '%' sent it down the URL-decoding path
	cases := []struct {
		name string
		in   []byte
		kind error
		says string
	}{
		{"gzip", gzipped, ErrNotBase64, "gzip-compressed data; decompress it first"},
		{"base64 of gzip", []byte(base64.StdEncoding.EncodeToString(gz.Bytes())), ErrNotXML, "gzip-compressed data"},
		{"binary", []byte("\x00\x01\x02%zz\xff\xfe binary"), ErrNotBase64, "binary data"},
		{"control characters", []byte("PHNhbWxw\x07%41"), ErrNotBase64, "binary data"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.in)
			if !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.says) || strings.Contains(err.Error(), "URL encoding") {
				t.Fatalf("Parse error = %v; want %v saying %q", err, c.kind, c.says)
			}
		})
	}

	noStatus := strings.NewReplacer(`<samlp:Status>`, ``, `</samlp:Status>`, ``).Replace(string(doc))
	noStatus = cutElement(t, noStatus, "<samlp:StatusCode", "/>")
	r, err := Parse([]byte(noStatus))
	if err != nil {
		t.Fatal(err)
	}
	err = r.Check(fixtureNow)
	if !errors.Is(err, ErrStatus) || !strings.Contains(err.Error(), "no status") || strings.Contains(err.Error(), "status )") {
		t.Errorf("Check without a Status = %v", err)
	}
}

// cutElement removes the first text from start to the next end.
func cutElement(t *testing.T, s, start, end string) string {
	t.Helper()
	i := strings.Index(s, start)
	if i < 0 {
		t.Fatalf("no %s", start)
	}
	j := strings.Index(s[i:], end)
	return s[:i] + s[i+j+len(end):]
}

// TestRolesDifferingOnlyInCase: IAM role names are unique ignoring case, so
// two Role values for role/Admin and role/ADMIN name one role: it is
// offered once (the first spelling) and a warning says which.
func TestRolesDifferingOnlyInCase(t *testing.T) {
	doc := string(readFixture(t, "role_first_newlines.xml"))
	r0, err := Parse([]byte(doc))
	if err != nil || len(r0.Roles) == 0 {
		t.Fatalf("fixture: %v", err)
	}
	first := r0.Roles[0]
	upper := first.RoleARN[:strings.LastIndex(first.RoleARN, "/")+1] + strings.ToUpper(first.Name)
	if upper == first.RoleARN {
		t.Fatal("fixture role name is already upper case")
	}
	value := "<saml:AttributeValue>" + upper + "," + first.PrincipalARN + "</saml:AttributeValue>"
	i := strings.Index(doc, "</saml:AttributeValue>") + len("</saml:AttributeValue>")
	r, err := Parse([]byte(doc[:i] + value + doc[i:]))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Roles) != len(r0.Roles) || r.Roles[0].RoleARN != first.RoleARN {
		t.Errorf("roles = %v, want %v", r.Roles, r0.Roles)
	}
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], upper) || !strings.Contains(r.Warnings[0], "offering \""+first.RoleARN+"\"") {
		t.Errorf("warnings = %q", r.Warnings)
	}
}

// TestEmptyRolePathSegmentRefused: role/a//b was accepted, but STS refuses
// it; it is a malformed Role value. A trailing comma stays accepted
// (PRODUCT.md §6: AWS accepts it).
func TestEmptyRolePathSegmentRefused(t *testing.T) {
	const prov = "arn:aws:iam::123456789012:saml-provider/P"
	for _, role := range []string{"arn:aws:iam::123456789012:role/a//b", "arn:aws:iam::123456789012:role//b", "arn:aws:iam::123456789012:role/x/a//b"} {
		if r, err := ParseRole(role + "," + prov); !errors.Is(err, ErrMalformedRole) || !strings.Contains(err.Error(), "empty path segment") {
			t.Errorf("ParseRole(%q) = %+v, %v", role, r, err)
		}
	}
	r, err := ParseRole("arn:aws:iam::123456789012:role/a/b," + prov + ", ")
	if err != nil || r.Name != "b" || r.Path != "/a/" {
		t.Errorf("trailing comma: %+v, %v", r, err)
	}
}

// TestExpiredWithoutRolesIsNoRoles: roles on an expired assertion without
// a Role attribute exited 0 with [] because expiry (a warning for roles)
// was checked first. The missing Role attribute is reported whatever the
// time.
func TestExpiredWithoutRolesIsNoRoles(t *testing.T) {
	r, err := Parse(readFixture(t, "no_roles.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Check(fixtureNow.Add(24 * time.Hour)); !errors.Is(err, ErrNoRoles) {
		t.Errorf("Check on an expired assertion without roles = %v, want ErrNoRoles", err)
	}
	enc, err := Parse(readFixture(t, "encrypted.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := enc.Check(fixtureNow); !errors.Is(err, ErrEncrypted) {
		t.Errorf("encrypted: %v, want ErrEncrypted", err)
	}
}
