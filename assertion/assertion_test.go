package assertion

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fixtureNow is inside the validity window of every fixture in testdata/responses.
var fixtureNow = time.Date(2026, 1, 15, 10, 1, 0, 0, time.UTC)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "responses", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// summary is the golden view of a parsed response.
type summary struct {
	Issuer          string
	Destination     string
	IssueInstant    time.Time
	Status          string
	Subject         string
	NotBefore       time.Time
	NotOnOrAfter    time.Time
	Audiences       []string
	Roles           []Role
	RolePaths       []string
	Partitions      []string
	RoleSessionName string
	SourceIdentity  string
	SessionDuration string
	Attributes      []Attribute
	Encrypted       bool
	ResponseSigned  bool
	AssertionSigned bool
	Check           string
	Warnings        []string `json:",omitempty"`
	MalformedRoles  []string `json:",omitempty"`
}

func summarize(r *Response) summary {
	s := summary{
		Issuer: r.Issuer, Destination: r.Destination, IssueInstant: r.IssueInstant,
		Status: r.Status, Subject: r.Subject, NotBefore: r.NotBefore, NotOnOrAfter: r.NotOnOrAfter,
		Audiences: r.Audiences, Roles: r.Roles, RoleSessionName: r.RoleSessionName,
		SourceIdentity: r.SourceIdentity, SessionDuration: r.SessionDuration.String(),
		Attributes: r.Attributes, Encrypted: r.Encrypted, ResponseSigned: r.ResponseSigned,
		AssertionSigned: r.AssertionSigned, Check: "ok", Warnings: r.Warnings,
	}
	for _, m := range r.MalformedRoles {
		s.MalformedRoles = append(s.MalformedRoles, m.Error())
	}
	for _, role := range r.Roles {
		s.RolePaths = append(s.RolePaths, role.Path)
		s.Partitions = append(s.Partitions, role.Partition)
	}
	if err := r.Check(fixtureNow); err != nil {
		s.Check = err.Error()
	}
	return s
}

func TestParseGolden(t *testing.T) {
	for _, name := range []string{
		"adfs_principal_first", "role_first_newlines", "shibboleth_us_gov",
		"azure_ad_china", "okta_multi_account", "encrypted", "failed_status", "no_roles",
		// Published IdP samples that broke samlgo (issue 10): a trailing
		// comma, and one malformed Role value among good ones, which must
		// not hide the others.
		"trailing_comma", "one_malformed_role", "malformed_pair",
	} {
		t.Run(name, func(t *testing.T) {
			r, err := Parse(readFixture(t, name+".xml"))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got, err := json.MarshalIndent(summarize(r), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", t.Name()+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./assertion -run TestParseGolden -update)", err)
			}
			if !bytes.Equal(bytes.TrimSpace(want), bytes.TrimSpace(got)) {
				t.Errorf("parsed %s differs from %s:\n%s", name, golden, got)
			}
		})
	}
}

// TestParseFacts pins the facts the golden files carry, so a careless
// -update cannot bless a wrong parse.
func TestParseFacts(t *testing.T) {
	r, err := Parse(readFixture(t, "adfs_principal_first.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Roles) != 3 || r.Roles[0].RoleARN != "arn:aws:iam::123456789012:role/ADFS-Admin" ||
		r.Roles[0].PrincipalARN != "arn:aws:iam::123456789012:saml-provider/ADFS" {
		t.Errorf("ADFS principal-first roles = %+v", r.Roles)
	}
	if r.SessionDuration != 8*time.Hour || r.RoleSessionName != "alice@example.com" {
		t.Errorf("ADFS duration %v session name %q", r.SessionDuration, r.RoleSessionName)
	}
	// The bearer confirmation (10:05) is tighter than Conditions (11:00).
	if want := time.Date(2026, 1, 15, 10, 5, 0, 123e6, time.UTC); !r.NotOnOrAfter.Equal(want) {
		t.Errorf("NotOnOrAfter = %v, want %v", r.NotOnOrAfter, want)
	}

	r, err = Parse(readFixture(t, "role_first_newlines.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Roles) != 2 { // the third value repeats the second
		t.Fatalf("role-first roles = %+v", r.Roles)
	}
	if got := r.Roles[0]; got.Name != "Deployer" || got.Path != "/team/platform/" || got.RoleARN != "arn:aws:iam::123456789012:role/team/platform/Deployer" {
		t.Errorf("role with path = %+v", got)
	}
	if r.SourceIdentity != "student@example.org" {
		t.Errorf("SourceIdentity = %q", r.SourceIdentity)
	}

	r, err = Parse(readFixture(t, "shibboleth_us_gov.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Roles) != 1 || r.Roles[0].Partition != "aws-us-gov" || r.Roles[0].AccountID != "111122223333" {
		t.Errorf("shibboleth roles = %+v", r.Roles)
	}
	r, err = Parse(readFixture(t, "azure_ad_china.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Roles) != 2 || r.Roles[1].Partition != "aws-cn" || !r.AssertionSigned || r.ResponseSigned {
		t.Errorf("azure roles = %+v signed=%v/%v", r.Roles, r.ResponseSigned, r.AssertionSigned)
	}
}

func TestDecodeForms(t *testing.T) {
	doc := readFixture(t, "okta_multi_account.xml")
	b64 := base64.StdEncoding.EncodeToString(doc)
	wrap := func(s string, n int, eol string) string {
		var b strings.Builder
		for len(s) > n {
			b.WriteString(s[:n] + eol)
			s = s[n:]
		}
		b.WriteString(s)
		return b.String()
	}
	cases := map[string]string{
		"raw xml":                 string(doc),
		"xml with bom and spaces": "\uFEFF\n  " + string(doc) + "\n\n",
		"plain base64":            b64,
		"base64 lf wrapped 76":    wrap(b64, 76, "\n") + "\n",
		"base64 crlf wrapped 64":  "\r\n" + wrap(b64, 64, "\r\n") + "\r\n",
		"base64 no padding":       strings.TrimRight(b64, "="),
		"url-encoded base64":      url.QueryEscape(b64),
		"form body":               "SAMLResponse=" + url.QueryEscape(b64) + "&RelayState=" + url.QueryEscape("https://console.aws.amazon.com/"),
		"form body relay first":   "RelayState=abc&SAMLResponse=" + url.QueryEscape(b64),
		"form body raw plus":      "SAMLResponse=" + b64 + "&RelayState=",
		"form body with newline":  "SAMLResponse=" + url.QueryEscape(b64) + "&RelayState=x\n",
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := Decode([]byte(in))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(doc)) {
				t.Errorf("decoded document differs (%d vs %d bytes)", len(got), len(doc))
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	big := "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\">" + strings.Repeat("<!-- padding -->", 6000) + "</samlp:Response>"
	cases := []struct {
		name  string
		input string
		want  error
	}{
		{"empty", "  \n", ErrEmpty},
		{"not base64", "hello, this is not a response!", ErrNotBase64},
		{"base64 of text", base64.StdEncoding.EncodeToString([]byte("just some text")), ErrNotXML},
		{"broken xml", "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"><unclosed>", ErrNotXML},
		{"not a response", `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"/>`, ErrNotResponse},
		{"html page", "<html><body>Sign in</body></html>", ErrNotResponse},
		{"doctype", `<!DOCTYPE r [<!ENTITY x "y">]><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>`, ErrDTD},
		{"entity in base64", base64.StdEncoding.EncodeToString([]byte(`<?xml version="1.0"?><!doctype lol [<!entity a "a">]><r>&a;</r>`)), ErrDTD},
		{"over the STS limit", big, ErrTooLarge},
		{"over the read limit", strings.Repeat("A", MaxInputLen+1), ErrTooLarge},
		{"two documents back to back", string(readFixture(t, "two_documents.b64")), ErrSeveralDocuments},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.input))
			if !errors.Is(err, c.want) {
				t.Fatalf("Parse error = %v, want %v", err, c.want)
			}
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %T is not an *InputError", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	cases := []struct {
		fixture string
		now     time.Time
		want    error
	}{
		{"adfs_principal_first.xml", fixtureNow, nil},
		{"adfs_principal_first.xml", time.Date(2026, 1, 15, 10, 5, 0, 123e6, time.UTC), ErrExpired},
		{"adfs_principal_first.xml", time.Date(2026, 1, 15, 9, 50, 0, 0, time.UTC), ErrExpired},
		{"encrypted.xml", fixtureNow, ErrEncrypted},
		{"failed_status.xml", fixtureNow, ErrStatus},
		{"no_roles.xml", fixtureNow, ErrNoRoles},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s@%s", c.fixture, c.now.Format("15:04:05")), func(t *testing.T) {
			r, err := Parse(readFixture(t, c.fixture))
			if err != nil {
				t.Fatal(err)
			}
			err = r.Check(c.now)
			if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
				t.Fatalf("Check = %v, want %v", err, c.want)
			}
		})
	}
	r, _ := Parse(readFixture(t, "failed_status.xml"))
	if msg := r.Check(fixtureNow).Error(); !strings.Contains(msg, "AuthnFailed") || !strings.Contains(msg, "not assigned") {
		t.Errorf("failed status message lacks the IdP's reason: %q", msg)
	}
}

func TestParseRole(t *testing.T) {
	good := []struct {
		in        string
		role, prn string
		name      string
	}{
		{"arn:aws:iam::123456789012:role/A,arn:aws:iam::123456789012:saml-provider/P", "arn:aws:iam::123456789012:role/A", "arn:aws:iam::123456789012:saml-provider/P", "A"},
		{"arn:aws:iam::123456789012:saml-provider/P,arn:aws:iam::123456789012:role/A", "arn:aws:iam::123456789012:role/A", "arn:aws:iam::123456789012:saml-provider/P", "A"},
		{"\n  arn:aws-cn:iam::123456789012:role/x/y/Z ,\r\n\tarn:aws-cn:iam::123456789012:saml-provider/P.x_y-z ", "arn:aws-cn:iam::123456789012:role/x/y/Z", "arn:aws-cn:iam::123456789012:saml-provider/P.x_y-z", "Z"},
	}
	for _, g := range good {
		r, err := ParseRole(g.in)
		if err != nil {
			t.Errorf("ParseRole(%q): %v", g.in, err)
			continue
		}
		if r.RoleARN != g.role || r.PrincipalARN != g.prn || r.Name != g.name {
			t.Errorf("ParseRole(%q) = %+v", g.in, r)
		}
	}
	// A comma inside a role name is legal in IAM but cannot be told apart from
	// the pair separator, so AWS itself cannot use it; it must not parse.
	bad := []string{
		"arn:aws-us-gov:iam::123456789012:role/a+b=c,d.e@f-g_h,arn:aws-us-gov:iam::123456789012:saml-provider/P",
		"",
		"arn:aws:iam::123456789012:role/A",
		"arn:aws:iam::123456789012:role/A,arn:aws:iam::123456789012:role/B",
		"arn:aws:iam::123456789012:saml-provider/P,arn:aws:iam::123456789012:saml-provider/Q",
		"arn:aws:iam::12345678901:role/A,arn:aws:iam::123456789012:saml-provider/P",
		"arn:aws:iam::123456789012:user/A,arn:aws:iam::123456789012:saml-provider/P",
		"arn:aws:iam::123456789012:role/,arn:aws:iam::123456789012:saml-provider/P",
		"arn:aws:iam::123456789012:role/team/,arn:aws:iam::123456789012:saml-provider/P",
		"arn:aws-cn:iam::123456789012:role/A,arn:aws:iam::123456789012:saml-provider/P",
		"arn:aws:iam::123456789012:role/A B,arn:aws:iam::123456789012:saml-provider/P",
	}
	for _, in := range bad {
		if r, err := ParseRole(in); !errors.Is(err, ErrMalformedRole) {
			t.Errorf("ParseRole(%q) = %+v, %v; want ErrMalformedRole", in, r, err)
		}
	}
}

func mustRoles(t *testing.T, values ...string) []Role {
	t.Helper()
	var out []Role
	for _, v := range values {
		r, err := ParseRole(v)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func TestSelect(t *testing.T) {
	roles := mustRoles(t,
		"arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/P",
		"arn:aws:iam::123456789012:role/ReadOnly,arn:aws:iam::123456789012:saml-provider/P",
		"arn:aws:iam::210987654321:role/Admin,arn:aws:iam::210987654321:saml-provider/P",
		"arn:aws:iam::210987654321:role/team/Deployer,arn:aws:iam::210987654321:saml-provider/P",
	)
	aliases := Aliases{"123456789012": "prod"}
	cases := []struct {
		sel       string
		all       bool
		want      []int
		ambiguous bool
		none      bool
	}{
		{sel: "arn:aws:iam::123456789012:role/ReadOnly", want: []int{1}},
		{sel: "readonly", want: []int{1}},
		{sel: "Deployer", want: []int{3}},
		{sel: "team/Deployer", want: []int{3}},
		{sel: "210987654321:Admin", want: []int{2}},
		{sel: "prod:Admin", want: []int{0}},
		{sel: "PROD:admin", want: []int{0}},
		{sel: "*:ReadOnly", want: []int{1}},
		{sel: "210987654321:*", all: true, want: []int{2, 3}},
		{sel: "Admin", ambiguous: true},
		{sel: "Admin", all: true, want: []int{0, 2}},
		{sel: "*Deploy*", want: []int{3}},
		{sel: "Nope", none: true},
		// Any case: STS gets the assertion's own spelling of the ARN, never the selector.
		{sel: "arn:aws:iam::123456789012:role/readonly", want: []int{1}},
		{sel: "", all: true, want: []int{0, 1, 2, 3}},
	}
	for _, c := range cases {
		got, err := Select(roles, c.sel, aliases, c.all)
		var se *SelectionError
		switch {
		case c.ambiguous || c.none:
			if !errors.As(err, &se) || se.Ambiguous != c.ambiguous {
				t.Errorf("Select(%q) = %v, %v; want selection error ambiguous=%v", c.sel, got, err, c.ambiguous)
			}
			if c.none && len(se.Candidates) != len(roles) {
				t.Errorf("Select(%q) lists %d candidates, want all %d", c.sel, len(se.Candidates), len(roles))
			}
		case err != nil:
			t.Errorf("Select(%q): %v", c.sel, err)
		default:
			var want []Role
			for _, i := range c.want {
				want = append(want, roles[i])
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("Select(%q) = %v, want %v", c.sel, got, want)
			}
		}
	}
	if _, err := Select(roles, "", nil, false); !errors.Is(err, ErrNoSelector) {
		t.Errorf("empty selector over several roles = %v", err)
	}
	if got, err := Select(roles[:1], "", nil, false); err != nil || len(got) != 1 {
		t.Errorf("single role = %v, %v", got, err)
	}
}

func TestSortByAccount(t *testing.T) {
	roles := mustRoles(t,
		"arn:aws:iam::999999999999:role/B,arn:aws:iam::999999999999:saml-provider/P",
		"arn:aws:iam::111111111111:role/Z,arn:aws:iam::111111111111:saml-provider/P",
		"arn:aws:iam::999999999999:role/A,arn:aws:iam::999999999999:saml-provider/P",
	)
	got := SortByAccount(roles, Aliases{"999999999999": "alpha"})
	var names []string
	for _, r := range got {
		names = append(names, r.Label(Aliases{"999999999999": "alpha"}))
	}
	want := "alpha (999999999999) A|alpha (999999999999) B|111111111111 Z"
	if strings.Join(names, "|") != want {
		t.Errorf("order = %q, want %q", strings.Join(names, "|"), want)
	}
}

// TestParseRefusedGolden pins the one-line message for responses samlgo
// refuses outright: a base64 holding two <Response> documents back to back
// (seen when a capture script appended a second response to the log).
func TestParseRefusedGolden(t *testing.T) {
	for _, c := range []struct {
		name string
		want error
	}{
		{"two_documents.b64", ErrSeveralDocuments},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(readFixture(t, c.name))
			if !errors.Is(err, c.want) {
				t.Fatalf("Parse error = %v, want %v", err, c.want)
			}
			got := []byte(err.Error() + "\n")
			golden := filepath.Join("testdata", t.Name()+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./assertion -run TestParseRefusedGolden -update)", err)
			}
			if !bytes.Equal(want, got) {
				t.Errorf("message %q, golden %q", got, want)
			}
		})
	}
}

// TestMalformedRoleFacts pins what the golden files for issue 10 carry: a
// malformed Role value is named and left out, the others stay, and only a
// response with no good Role value at all is refused by Check.
func TestMalformedRoleFacts(t *testing.T) {
	r, err := Parse(readFixture(t, "one_malformed_role.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Roles) != 2 || r.Roles[1].RoleARN != "arn:aws:iam::210987654321:role/ADFS-ReadOnly" {
		t.Errorf("roles = %+v", r.Roles)
	}
	if len(r.MalformedRoles) != 1 || r.MalformedRoles[0].Index != 2 || !errors.Is(r.MalformedRoles[0].Err, ErrMalformedRole) {
		t.Fatalf("malformed = %+v", r.MalformedRoles)
	}
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], `"arn:aws:iam::123456789012:saml-provider/ADFS,AWS-123456789012-Dev"`) {
		t.Errorf("warnings = %q", r.Warnings)
	}
	if err := r.Check(fixtureNow); err != nil {
		t.Errorf("Check = %v", err)
	}

	r, err = Parse(readFixture(t, "trailing_comma.xml"))
	if err != nil || len(r.Roles) != 3 || len(r.MalformedRoles) != 0 || r.Roles[2].RoleARN != "arn:aws:iam::210987654321:role/Billing" {
		t.Fatalf("trailing comma: %v %+v %+v", err, r.Roles, r.MalformedRoles)
	}

	// Every value malformed: nothing to offer, so Check refuses it with
	// the first value named.
	bad := strings.ReplaceAll(string(readFixture(t, "one_malformed_role.xml")), ":role/", ":rolle/")
	r, err = Parse([]byte(bad))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Warnings) != 0 {
		t.Errorf("all malformed: warnings %q repeat Check's refusal", r.Warnings)
	}
	err = r.Check(fixtureNow)
	var ie *InputError
	if !errors.Is(err, ErrMalformedRole) || !errors.As(err, &ie) || !strings.Contains(err.Error(), "Role attribute value 1 ") || strings.Contains(err.Error(), "\n") {
		t.Errorf("all malformed: Check = %v", err)
	}
}

// TestSelectFullARNIgnoresCase: a --role ARN spelled in another case than
// the assertion's was "no match", though IAM role names are unique
// regardless of case and AWS takes either spelling of the one role.
func TestSelectFullARNIgnoresCase(t *testing.T) {
	roles := mustRoles(t, "arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/P")
	got, err := Select(roles, "arn:aws:iam::123456789012:role/ADMIN", nil, false)
	if err != nil || len(got) != 1 || got[0].RoleARN != "arn:aws:iam::123456789012:role/Admin" {
		t.Fatalf("Select = %v, %v", got, err)
	}
}
