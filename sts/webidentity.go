package sts

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// MaxWebIdentityToken is the longest WebIdentityToken STS takes ("Length
// Constraints: Minimum length of 4. Maximum length of 20000.").
const MaxWebIdentityToken = 20000

// ErrBadToken is the kind of every error CheckWebIdentityToken returns.
var ErrBadToken = errors.New("bad web identity token")

// CheckWebIdentityToken checks a token before it is sent: 4–20000
// characters with no white space inside, and, when jwt is set (an OpenID
// Connect ID token, i.e. no ProviderId), the shape of a JWT (RFC 7519):
// three base64url parts whose first decodes to a JSON object naming an
// "alg", the second to a JSON object. The signature is STS's to check.
// Errors wrap ErrBadToken, fit on one line and never quote the token.
func CheckWebIdentityToken(token string, jwt bool) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrBadToken}, args...)...)
	}
	switch n := len(token); {
	case n == 0:
		return bad("it is empty")
	case n < 4:
		return bad("%d characters; STS takes 4 to %d", n, MaxWebIdentityToken)
	case n > MaxWebIdentityToken:
		return bad("%d characters; STS takes at most %d", n, MaxWebIdentityToken)
	}
	if i := strings.IndexFunc(token, func(r rune) bool { return r <= ' ' || r == 0x7f }); i >= 0 {
		return bad("white space or a control character at byte %d", i)
	}
	if !jwt {
		return nil
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return bad("not a JWT (%d dot-separated parts, want 3); pass --provider-id for an OAuth 2.0 access token", len(parts))
	}
	var header struct {
		Alg *string `json:"alg"`
	}
	if err := jwtPart(parts[0], &header); err != nil {
		return bad("not a JWT: its header %v", err)
	}
	if header.Alg == nil || *header.Alg == "" {
		return bad("not a JWT: its header names no \"alg\"")
	}
	var claims map[string]any
	if err := jwtPart(parts[1], &claims); err != nil {
		return bad("not a JWT: its claims %v", err)
	}
	if parts[2] == "" {
		return bad("the JWT is unsigned; STS takes only signed ID tokens")
	}
	if _, err := base64.RawURLEncoding.DecodeString(parts[2]); err != nil {
		return bad("not a JWT: its signature is not base64url")
	}
	return nil
}

func jwtPart(s string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return errors.New("is not base64url")
	}
	if err := json.Unmarshal(b, v); err != nil {
		return errors.New("is not a JSON object")
	}
	if m, ok := v.(*map[string]any); ok && *m == nil {
		return errors.New("is not a JSON object")
	}
	return nil
}
