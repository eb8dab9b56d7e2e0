// Package assertion reads AWS sign-in SAMLResponses: their encodings, roles
// and attributes.
package assertion

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// MaxEncodedLen is the largest base64 SAMLAssertion STS accepts
// (AssumeRoleWithSAML, parameter SAMLAssertion: "Length Constraints: Minimum
// length of 4. Maximum length of 100000").
const MaxEncodedLen = 100000

// MaxInputLen bounds what Decode reads before it gives up: a saved response
// in its most verbose form (URL-encoded, wrapped base64) is about three times
// its encoded length, so this leaves room for any input STS could accept.
const MaxInputLen = 4 * MaxEncodedLen

// InputError reports input that samlgo refuses to send to AWS. Callers map it
// to exit code 2; the message never contains the input itself.
type InputError struct {
	// Reason is a lower-case phrase a person can act on.
	Reason string
	// Kind is one of the Err* sentinels below, for errors.Is.
	Kind error
	// Cause is an underlying error worth showing, if any.
	Cause error
}

func (e *InputError) Error() string {
	if e.Cause != nil {
		return e.Reason + ": " + e.Cause.Error()
	}
	return e.Reason
}

// Unwrap exposes both the kind and the cause to errors.Is and errors.As.
func (e *InputError) Unwrap() []error {
	out := []error{e.Kind}
	if e.Cause != nil {
		out = append(out, e.Cause)
	}
	return out
}

// Sentinel causes inside InputError, for errors.Is.
var (
	ErrNotBase64     = errors.New("not base64 or XML")
	ErrNotXML        = errors.New("decoded base64 is not XML")
	ErrTooLarge      = errors.New("too large")
	ErrDTD           = errors.New("XML with a DTD or entities is refused")
	ErrNotResponse   = errors.New("not a SAML Response")
	ErrStatus        = errors.New("the IdP reported a failed sign-in")
	ErrNoRoles       = errors.New("no https://aws.amazon.com/SAML/Attributes/Role attribute")
	ErrMalformedRole = errors.New("malformed role ARN pair")
	ErrExpired       = errors.New("the assertion has expired; log in again")
	ErrEncrypted     = errors.New("the assertion is encrypted, so samlgo cannot read its roles")
	ErrEmpty         = errors.New("empty input")
	// ErrSeveralDocuments: more than one XML document, or text after the
	// response's root element. xml.Unmarshal reads the first and ignores
	// the rest; STS and a person reading the file might not.
	ErrSeveralDocuments = errors.New("several XML documents back to back")
	// ErrSeveralAssertions: a response with more than one Assertion or
	// EncryptedAssertion. Parsed into one struct, their attributes merged:
	// a signed assertion followed by an unsigned one offered the unsigned
	// one's roles as if they were signed.
	ErrSeveralAssertions = errors.New("more than one assertion")
)

func inputErr(reason string, kind error) error { return &InputError{Reason: reason, Kind: kind} }

// Decode turns a saved SAMLResponse in any of the forms people keep it
// (plain or line-wrapped base64, URL-encoded base64, a whole form body
// "SAMLResponse=…&RelayState=…", or the XML itself) into the response XML.
func Decode(input []byte) ([]byte, error) {
	if len(input) > MaxInputLen {
		return nil, inputErr(fmt.Sprintf("input is larger than %d bytes, far more than STS accepts", MaxInputLen), ErrTooLarge)
	}
	s := strings.TrimSpace(strings.TrimPrefix(string(input), "\uFEFF"))
	if s == "" {
		return nil, inputErr("no SAMLResponse found: the input is empty", ErrEmpty)
	}
	if isGzip([]byte(s)) {
		return nil, inputErr("not base64 or XML: it is gzip-compressed data; decompress it first (gunzip)", ErrNotBase64)
	}
	if isBinary(s) {
		return nil, inputErr("not base64 or XML: it is binary data; save the SAMLResponse as text", ErrNotBase64)
	}
	if strings.HasPrefix(s, "<") {
		return []byte(s), nil
	}
	if v, ok := formValue(s); ok {
		// A form body decodes '+' as a space; base64 has no spaces.
		s = strings.ReplaceAll(v, " ", "+")
	} else if strings.Contains(s, "%") {
		u, err := url.PathUnescape(s)
		if err != nil {
			return nil, inputErr("not base64 or XML (bad URL encoding)", ErrNotBase64)
		}
		s = u
	}
	s = stripSpace(s)
	raw, err := decodeBase64(s)
	if err != nil {
		return nil, inputErr("not base64 or XML", ErrNotBase64)
	}
	raw = bytes.TrimSpace(bytes.TrimPrefix(raw, []byte("\xEF\xBB\xBF")))
	if isGzip(raw) {
		return nil, inputErr("not base64 or XML (it decodes as base64 to gzip-compressed data; decompress that first)", ErrNotXML)
	}
	if !bytes.HasPrefix(raw, []byte("<")) {
		return nil, inputErr("not base64 or XML (it decodes as base64, but not to XML)", ErrNotXML)
	}
	return raw, nil
}

// isGzip reports the gzip magic number (RFC 1952 §2.3.1: 1f 8b).
func isGzip(b []byte) bool { return len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b }

// isBinary reports input no saved SAMLResponse looks like: not UTF-8, or
// holding control characters other than white space.
func isBinary(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' || c == 0x7f {
			return true
		}
	}
	return false
}

// formValue returns the SAMLResponse field of an application/x-www-form-urlencoded body.
func formValue(s string) (string, bool) {
	if !strings.HasPrefix(s, "SAMLResponse=") && !strings.Contains(s, "&SAMLResponse=") {
		return "", false
	}
	q, err := url.ParseQuery(stripSpace(s))
	if err != nil {
		return "", false
	}
	v := q.Get("SAMLResponse")
	return v, v != ""
}

func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n', '\v', '\f':
			return -1
		}
		return r
	}, s)
}

func decodeBase64(s string) ([]byte, error) {
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	if b, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "=")); err == nil {
		return b, nil
	}
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// Encode returns the base64 form STS expects for the response XML.
func Encode(xmlDoc []byte) string { return base64.StdEncoding.EncodeToString(xmlDoc) }
