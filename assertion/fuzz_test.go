package assertion

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func seedResponses(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "responses", "*.xml"))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add([]byte(base64.StdEncoding.EncodeToString(b)))
	}
	f.Add([]byte("SAMLResponse=PHNhbWxwOlJlc3BvbnNlLz4%3D&RelayState="))
	f.Add([]byte("%3Cx%3E"))
}

// FuzzParse checks that no input panics the parser, and that every refusal
// is an *InputError (exit 2) whose message fits on one line.
func FuzzParse(f *testing.F) {
	seedResponses(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := Parse(in)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %T is not an *InputError: %v", err, err)
			}
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		for _, role := range r.Roles {
			if _, err := ParseRole(role.RoleARN + "," + role.PrincipalARN); err != nil {
				t.Fatalf("parsed role %+v does not parse again: %v", role, err)
			}
		}
		// Warnings and a refusal by Check reach stderr as one line each.
		for _, w := range r.Warnings {
			if strings.ContainsAny(w, "\r\n") {
				t.Fatalf("multi-line warning %q", w)
			}
		}
		if err := r.Check(time.Date(2026, 1, 15, 10, 1, 0, 0, time.UTC)); err != nil && strings.ContainsAny(err.Error(), "\r\n") {
			t.Fatalf("multi-line Check error %q", err)
		}
	})
}

// FuzzParseRole checks the Role attribute value parser: no panic, and any
// role it accepts names a role ARN and a provider ARN in one partition.
func FuzzParseRole(f *testing.F) {
	f.Add("arn:aws:iam::123456789012:role/A,arn:aws:iam::123456789012:saml-provider/P")
	f.Add(" arn:aws-cn:iam::123456789012:saml-provider/P ,\n arn:aws-cn:iam::123456789012:role/x/Y")
	f.Add("arn:aws:iam::123456789012:role/,")
	f.Fuzz(func(t *testing.T, v string) {
		r, err := ParseRole(v)
		if err != nil {
			return
		}
		if !strings.HasPrefix(r.RoleARN, "arn:"+r.Partition+":iam::"+r.AccountID+":role/") ||
			!strings.HasPrefix(r.PrincipalARN, "arn:"+r.Partition+":iam::") ||
			!strings.HasSuffix(r.RoleARN, "/"+r.Name) || r.Name == "" {
			t.Fatalf("inconsistent role %+v from %q", r, v)
		}
	})
}

// FuzzSelect checks that a selector never panics and that a successful
// single selection returns exactly one of the offered roles.
func FuzzSelect(f *testing.F) {
	f.Add("prod:*")
	f.Add("[")
	f.Add("arn:aws:iam::123456789012:role/Admin")
	roles := []Role{}
	for _, v := range []string{
		"arn:aws:iam::123456789012:role/Admin,arn:aws:iam::123456789012:saml-provider/P",
		"arn:aws:iam::210987654321:role/t/Admin,arn:aws:iam::210987654321:saml-provider/P",
	} {
		r, _ := ParseRole(v)
		roles = append(roles, r)
	}
	f.Fuzz(func(t *testing.T, sel string) {
		got, err := Select(roles, sel, Aliases{"123456789012": "prod"}, false)
		if err == nil && len(got) != 1 {
			t.Fatalf("Select(%q) returned %d roles without error", sel, len(got))
		}
	})
}
