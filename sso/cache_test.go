package sso

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samlgo/samlgo/internal/testenv"
)

var testSession = Session{Name: "my-sso", StartURL: "https://my-org.awsapps.com/start", Region: "eu-west-1", Scopes: []string{DefaultScope}}

// TestCachePaths pins the file names botocore computes (hashlib.sha1 of
// the session name or start URL; of json.dumps(sort_keys=True) of the
// registration arguments), computed with Python's json and hashlib.
func TestCachePaths(t *testing.T) {
	c := &Cache{Dir: "/c"}
	legacy := Session{StartURL: testSession.StartURL, Region: "eu-west-1"}
	for _, tc := range []struct{ got, want string }{
		{c.TokenPath(testSession), filepath.Join("/c", "0ad374308c5a4e22f723adf10145eafad7c4031c.json")},
		{c.TokenPath(legacy), filepath.Join("/c", "acff06c7037450e5a3fddcacb0a34e921da42d68.json")},
		{c.RegistrationPath(testSession), filepath.Join("/c", "dd27857fcf6a7fcd7ac0c283efdc89b15a21abce.json")},
		{c.RegistrationPath(legacy), filepath.Join("/c", "9a4c0fdbd99d2be9f35b1e17f6262d86d182728a.json")},
	} {
		if tc.got != tc.want {
			t.Errorf("got %s, want %s", tc.got, tc.want)
		}
	}
}

func TestCacheRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sso", "cache")
	c := &Cache{Dir: dir}
	exp := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	tok := &Token{StartURL: testSession.StartURL, Region: "eu-west-1", AccessToken: "aoaTOKEN", ExpiresAt: exp,
		ClientID: "cid", ClientSecret: "csecret", RegistrationExpiresAt: exp.Add(90 * 24 * time.Hour), RefreshToken: "aorREFRESH"}
	if err := c.SaveToken(context.Background(), testSession, tok); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(c.TokenPath(testSession))
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"startUrl": testSession.StartURL, "region": "eu-west-1", "accessToken": "aoaTOKEN",
		"expiresAt": "2026-11-22T12:00:00Z", "clientId": "cid", "clientSecret": "csecret",
		"registrationExpiresAt": "2027-02-20T12:00:00Z", "refreshToken": "aorREFRESH"}
	for k, v := range want {
		if raw[k] != v {
			t.Errorf("%s = %v, want %v", k, raw[k], v)
		}
	}
	if len(raw) != len(want) {
		t.Errorf("keys %v, want exactly %v", raw, want)
	}
	for p, mode := range map[string]os.FileMode{c.TokenPath(testSession): 0o600, dir: 0o700} {
		testenv.Mode(t, p, mode)
	}
	got, err := c.LoadToken(testSession)
	if err != nil || got.AccessToken != "aoaTOKEN" || !got.ExpiresAt.Equal(exp) || got.RefreshToken != "aorREFRESH" {
		t.Fatalf("LoadToken = %v, %v", got, err)
	}
	if s := got.String(); strings.Contains(s, "aoaTOKEN") || strings.Contains(s, "csecret") || strings.Contains(s, "aorREFRESH") {
		t.Errorf("String() shows a secret: %s", s)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
	if err := c.RemoveToken(context.Background(), testSession); err != nil {
		t.Fatal(err)
	}
	if got, err := c.LoadToken(testSession); got != nil || err != nil {
		t.Fatalf("after RemoveToken: %v, %v", got, err)
	}
}

func TestTokenValidity(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		exp  time.Duration
		want bool
	}{{time.Hour, true}, {16 * time.Minute, true}, {15 * time.Minute, false}, {time.Minute, false}, {-time.Hour, false}} {
		tok := Token{AccessToken: "x", ExpiresAt: now.Add(tc.exp)}
		if got := tok.Valid(now); got != tc.want {
			t.Errorf("expiry in %s: Valid = %v, want %v (15-minute window)", tc.exp, got, tc.want)
		}
	}
}

func TestParseTokenErrors(t *testing.T) {
	for name, in := range map[string]string{
		"not json":      `aoaSECRET`,
		"no token":      `{"expiresAt":"2026-11-22T12:00:00Z"}`,
		"no expiry":     `{"accessToken":"aoaSECRET"}`,
		"bad expiry":    `{"accessToken":"aoaSECRET","expiresAt":"tomorrow"}`,
		"wrong type":    `{"accessToken":42,"expiresAt":"2026-11-22T12:00:00Z"}`,
		"array":         `["aoaSECRET"]`,
		"trailing junk": `{"accessToken":"aoaSECRET","expiresAt":"2026-11-22T12:00:00Z"} aoaSECRET`,
	} {
		_, err := ParseToken([]byte(in))
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if strings.Contains(err.Error(), "SECRET") {
			t.Errorf("%s: error quotes the file: %v", name, err)
		}
	}
	// botocore's own writer puts no fraction; the Go SDK's may.
	for _, ok := range []string{"2026-11-22T12:00:00Z", "2026-11-22T12:00:00.123Z", "2026-11-22T13:00:00+01:00", "2026-11-22T12:00:00UTC"} {
		if _, err := ParseToken([]byte(`{"accessToken":"a","expiresAt":"` + ok + `"}`)); err != nil {
			t.Errorf("expiresAt %q: %v", ok, err)
		}
	}
}

// FuzzParseToken: no panic; an error never quotes the input's strings; a
// token that parses survives a write and a read.
func FuzzParseToken(f *testing.F) {
	f.Add([]byte(`{"startUrl":"https://x.awsapps.com/start","region":"eu-west-1","accessToken":"aoa","expiresAt":"2026-11-22T12:00:00Z","clientId":"c","clientSecret":"s","registrationExpiresAt":"2027-01-01T00:00:00Z","refreshToken":"r"}`))
	f.Add([]byte(`{"accessToken":"a","expiresAt":"2026-11-22T12:00:00.5+01:00"}`))
	f.Add([]byte(`{"accessToken":"SECRETSECRET","expiresAt":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		tok, err := ParseToken(b)
		if err != nil {
			if strings.Contains(err.Error(), "SECRETSECRET") || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q quotes the input or spans lines", err)
			}
			return
		}
		out, err := json.Marshal(tok)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseToken(out)
		if err != nil {
			t.Fatalf("written token does not read back: %v", err)
		}
		if back.AccessToken != tok.AccessToken || !back.ExpiresAt.Equal(tok.ExpiresAt.Truncate(time.Second)) || back.RefreshToken != tok.RefreshToken {
			t.Fatalf("round trip changed the token")
		}
	})
}

// FuzzParseRegistration: no panic, round trip.
func FuzzParseRegistration(f *testing.F) {
	f.Add([]byte(`{"clientId":"c","clientSecret":"s","expiresAt":"2027-01-01T00:00:00Z","scopes":["sso:account:access"]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseRegistration(b)
		if err != nil {
			return
		}
		out, _ := json.Marshal(r)
		if _, err := ParseRegistration(out); err != nil {
			t.Fatalf("written registration does not read back: %v", err)
		}
	})
}
