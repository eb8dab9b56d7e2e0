package sts

import (
	"encoding/base64"
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

var stsSessionName = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)

func TestSessionName(t *testing.T) {
	for in, want := range map[string]string{
		"alice@example.com":                     "alice@example.com",
		"arn:aws:iam::123456789012:user/alice":  "alice",
		"arn:aws:sts::1:assumed-role/Admin/bob": "bob",
		"Alice Smith (Ops)":                     "Alice-Smith-Ops",
		"x":                                     "samlgox",
		"":                                      "samlgo",
		"émile":                                 "mile",
		strings.Repeat("a", 70):                 strings.Repeat("a", 64),
		"AIDAEXAMPLE:alice":                     "AIDAEXAMPLE-alice",
	} {
		if got := SessionName(in); got != want {
			t.Errorf("SessionName(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzSessionName: whatever the caller's name, the result is a
// RoleSessionName STS accepts.
func FuzzSessionName(f *testing.F) {
	for _, s := range []string{"alice@example.com", "arn:aws:iam::1:user/x", "a b", "", "\x00\xff", strings.Repeat("-", 80)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := SessionName(s); !stsSessionName.MatchString(got) || CheckSessionName(got) != nil {
			t.Fatalf("SessionName(%q) = %q", s, got)
		}
	})
}

func jwt(header, claims, sig string) string {
	e := base64.RawURLEncoding.EncodeToString
	return e([]byte(header)) + "." + e([]byte(claims)) + "." + sig
}

func TestCheckWebIdentityToken(t *testing.T) {
	good := jwt(`{"alg":"RS256"}`, `{"iss":"x"}`, "c2ln")
	if err := CheckWebIdentityToken(good, true); err != nil {
		t.Errorf("good JWT: %v", err)
	}
	if err := CheckWebIdentityToken("opaque-oauth-token", false); err != nil {
		t.Errorf("OAuth token with a provider: %v", err)
	}
	for name, c := range map[string]struct {
		tok  string
		want string
	}{
		"empty":        {"", "empty"},
		"short":        {"abc", "4 to"},
		"long":         {strings.Repeat("a", MaxWebIdentityToken+1), "at most"},
		"space":        {"abc def", "white space"},
		"two parts":    {"abcd.efgh", "not a JWT (2"},
		"no alg":       {jwt(`{"typ":"JWT"}`, `{}`, "c2ln"), `no "alg"`},
		"header json":  {jwt(`nope`, `{}`, "c2ln"), "header is not a JSON object"},
		"claims array": {jwt(`{"alg":"RS256"}`, `[1]`, "c2ln"), "claims is not a JSON object"},
		"unsigned":     {jwt(`{"alg":"none"}`, `{}`, ""), "unsigned"},
		"bad base64":   {"***." + jwt(`{"alg":"x"}`, `{}`, "c2ln")[4:], "not a JWT"},
	} {
		err := CheckWebIdentityToken(c.tok, true)
		if !errors.Is(err, ErrBadToken) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}

// FuzzCheckWebIdentityToken: a check either passes a token STS could take
// or says why in one line without quoting it.
func FuzzCheckWebIdentityToken(f *testing.F) {
	f.Add(jwt(`{"alg":"RS256"}`, `{"sub":"TOKENLEAK"}`, "c2ln"), true)
	f.Add("TOKENLEAK.TOKENLEAK.TOKENLEAK", true)
	f.Add("opaque", false)
	f.Fuzz(func(t *testing.T, tok string, isJWT bool) {
		err := CheckWebIdentityToken(tok, isJWT)
		if err == nil {
			if len(tok) < 4 || len(tok) > MaxWebIdentityToken || strings.ContainsAny(tok, " \n\t\r") {
				t.Fatalf("accepted %q", tok)
			}
			if isJWT && strings.Count(tok, ".") != 2 {
				t.Fatalf("accepted non-JWT %q", tok)
			}
			return
		}
		if !errors.Is(err, ErrBadToken) || strings.Contains(err.Error(), "\n") || (len(tok) >= 8 && strings.Contains(err.Error(), tok)) {
			t.Fatalf("error %q for %q", err, tok)
		}
	})
}

func TestSummarizeAuthorization(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{`{"allowed":false,"explicitDeny":false,"matchedStatements":{"items":[]},"context":{"action":"s3:GetObject","resource":"arn:aws:s3:::b/k"}}`,
			"denied (no statement allows it): s3:GetObject on arn:aws:s3:::b/k"},
		{`{"allowed":true,"context":{"principal":{"id":"AIDAX"},"action":"ec2:Describe*","resource":"*"},"matchedStatements":{"items":[{"statementId":"A"},{"sid":"B"},{}]}}`,
			"allowed: ec2:Describe* on * for AIDAX; 3 matched statement(s): A, B"},
		{`{"explicitDeny":true,"context":{"action":"a\nb"}}`, "denied (explicit deny): a?b on an unnamed resource"},
	} {
		got, pretty, err := SummarizeAuthorization(c.doc)
		if err != nil || got != c.want || !strings.HasPrefix(string(pretty), "{\n  \"") {
			t.Errorf("SummarizeAuthorization(%s) = %q, %q, %v; want %q", c.doc, got, pretty, err, c.want)
		}
	}
	if _, _, err := SummarizeAuthorization("not json"); err == nil {
		t.Error("not JSON accepted")
	}
}

// FuzzSummarizeAuthorization: any decoded message gives one printable
// line of bounded length, or an error on one line.
func FuzzSummarizeAuthorization(f *testing.F) {
	f.Add(`{"allowed":false,"explicitDeny":true,"matchedStatements":{"items":[{"statementId":"S"}]},"context":{"principal":{"arn":"arn:aws:iam::1:user/a"},"action":"s3:Get","resource":"r"}}`)
	f.Add(`{"context":{"action":"\u0000\u001b[31m"}}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, doc string) {
		s, _, err := SummarizeAuthorization(doc)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }) || !utf8.ValidString(s) {
			t.Fatalf("control character in %q", s)
		}
	})
}
