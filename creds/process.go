package creds

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// MaxProcessOutput bounds what samlgo reads from a credential_process.
const MaxProcessOutput = 64 << 10

// ProcessError is a credential_process document samlgo will not use. It
// never contains a value from the document.
type ProcessError struct{ Reason string }

func (e *ProcessError) Error() string { return "credential_process output: " + e.Reason }

// ParseProcessOutput reads a credential_process document, Version 1 (AWS
// SDKs and Tools Reference Guide, "Sourcing credentials with an external
// process"): AccessKeyId and SecretAccessKey required, SessionToken and
// Expiration (ISO 8601) optional; unknown fields are ignored as the SDKs
// ignore them. Long-term keys (no SessionToken) come back with no
// Expiration. Errors are *ProcessError and fit on one line.
func ParseProcessOutput(b []byte) (Credentials, error) {
	bad := func(format string, args ...any) (Credentials, error) {
		return Credentials{}, &ProcessError{Reason: fmt.Sprintf(format, args...)}
	}
	if len(b) > MaxProcessOutput {
		return bad("more than %d bytes", MaxProcessOutput)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return bad("empty")
	}
	var doc struct {
		Version         *int    `json:"Version"`
		AccessKeyID     *string `json:"AccessKeyId"`
		SecretAccessKey *string `json:"SecretAccessKey"`
		SessionToken    *string `json:"SessionToken"`
		Expiration      *string `json:"Expiration"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&doc); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return bad("not JSON (at byte %d)", se.Offset)
		case errors.As(err, &te):
			return bad("field %q has the wrong type", te.Field)
		}
		return bad("not a JSON object")
	}
	if dec.More() {
		return bad("more than one JSON value")
	}
	switch {
	case doc.Version == nil:
		return bad("no Version")
	case *doc.Version != 1:
		return bad("Version %d, samlgo reads Version 1", *doc.Version)
	case doc.AccessKeyID == nil || *doc.AccessKeyID == "":
		return bad("no AccessKeyId")
	case doc.SecretAccessKey == nil || *doc.SecretAccessKey == "":
		return bad("no SecretAccessKey")
	}
	c := Credentials{AccessKeyID: *doc.AccessKeyID, SecretAccessKey: *doc.SecretAccessKey}
	if doc.SessionToken != nil {
		c.SessionToken = *doc.SessionToken
	}
	if doc.Expiration != nil && *doc.Expiration != "" {
		t, err := time.Parse(time.RFC3339, *doc.Expiration)
		if err != nil {
			return bad("Expiration is not an ISO 8601 time")
		}
		c.Expiration = t
	}
	if err := c.ValidateLongTerm(); err != nil {
		return Credentials{}, &ProcessError{Reason: err.Error()}
	}
	return c, nil
}

// ValidateLongTerm checks credentials a person stored or a
// credential_process printed, before samlgo signs with them or prints them:
// a key id and a secret, and no control character in any value (a line
// break would split an export line). Like the AWS CLI, it does not judge
// their length or alphabet: LocalStack and moto take "test" / "test". It
// needs no token and no expiry. The error never contains a value; it
// wraps ErrMalformed.
func (c Credentials) ValidateLongTerm() error {
	bad := func(what string) error {
		return fmt.Errorf("%w: the %s is empty or holds a control character", ErrMalformed, what)
	}
	switch {
	case c.AccessKeyID == "" || hasControl(c.AccessKeyID):
		return bad("access key id")
	case c.SecretAccessKey == "" || hasControl(c.SecretAccessKey):
		return bad("secret access key")
	case hasControl(c.SessionToken):
		return bad("session token")
	}
	return nil
}

func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}

// LongTerm reports whether these are an IAM user's (or root's) long-term
// keys: no session token.
func (c Credentials) LongTerm() bool { return c.SessionToken == "" }
