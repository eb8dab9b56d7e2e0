package sts

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Limits of GetSessionToken and GetFederationToken (STS API Reference:
// "DurationSeconds … 900 seconds (15 minutes) to 129,600 seconds (36
// hours) … credentials based on account root user credentials … 3,600
// seconds (one hour)"), and of role chaining ("role chaining limits your
// … session to a maximum of one hour", IAM User Guide, "Roles terms and
// concepts").
const (
	MaxTokenDuration     = 36 * time.Hour
	MaxRootTokenDuration = time.Hour
	MaxChainedDuration   = time.Hour
)

// sessionNameChars is STS's RoleSessionName alphabet: "[\w+=,.@-]*",
// 2–64 characters.
var sessionNameChars = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^\w+=,.@-]+`) })

// SessionName turns a name (a caller's user name or ARN, an e-mail
// address) into a RoleSessionName STS accepts: characters outside
// [\w+=,.@-] become '-', runs of them one '-', the result cut to 64
// characters, and one of fewer than two characters padded with "samlgo".
func SessionName(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 && strings.HasPrefix(name, "arn:") {
		name = name[i+1:]
	}
	s := sessionNameChars().ReplaceAllString(name, "-")
	s = strings.Trim(s, "-")
	if len(s) > 64 {
		s = strings.TrimRight(s[:64], "-")
	}
	if len(s) < 2 {
		s = "samlgo" + s
	}
	return s
}

var federatedNamePattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\w+=,.@-]{2,32}$`) })

// CheckFederatedName checks GetFederationToken's Name: 2–32 characters of
// [\w+=,.@-].
func CheckFederatedName(name string) error {
	if !federatedNamePattern().MatchString(name) {
		return fmt.Errorf("federated user name %q: want 2–32 letters, digits or + = , . @ - _ (as STS requires)", name)
	}
	return nil
}

var sessionNamePattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\w+=,.@-]{2,64}$`) })

// CheckSessionName checks a RoleSessionName given by the person.
func CheckSessionName(name string) error {
	if !sessionNamePattern().MatchString(name) {
		return fmt.Errorf("role session name %q: want 2–64 letters, digits or + = , . @ - _ (as STS requires)", name)
	}
	return nil
}
