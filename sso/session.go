package sso

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/samlgo/samlgo/awsfiles"
)

// DefaultScope is the registration scope samlgo asks for: access to the
// person's accounts and roles through the portal.
const DefaultScope = "sso:account:access"

// Session is an IAM Identity Center sign-in: an [sso-session NAME]
// section of ~/.aws/config, or (Name empty) a legacy profile's
// sso_start_url and sso_region.
type Session struct {
	// Name is the sso-session name; empty for a legacy profile, whose
	// token is cached under its start URL.
	Name string
	// StartURL is the AWS access portal URL
	// (https://my-org.awsapps.com/start), the OIDC issuer URL.
	StartURL string
	// Region is the Identity Center region (sso_region).
	Region string
	// Scopes are sso_registration_scopes; DefaultScope when unset.
	Scopes []string
}

// Keys of ~/.aws/config that describe IAM Identity Center access
// (AWS CLI "Configuring IAM Identity Center authentication").
const (
	KeyStartURL           = "sso_start_url"
	KeyRegion             = "sso_region"
	KeyRegistrationScopes = "sso_registration_scopes"
	KeySession            = "sso_session"
	KeyAccountID          = "sso_account_id"
	KeyRoleName           = "sso_role_name"
)

// ConfigError is an sso setting in ~/.aws/config that samlgo cannot use;
// the person must fix the file or pass flags.
type ConfigError struct {
	Section string
	Msg     string
}

func (e *ConfigError) Error() string { return e.Section + ": " + e.Msg }

var (
	accountRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]{12}$`) })
	// roleNameRE is IAM's role-name alphabet (permission set names too).
	roleNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\w+=,.@-]{1,64}$`) })
	scopeRE    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9:._/-]{1,256}$`) })
)

// Check reports what is wrong with the session's settings: an https start
// URL and a region name.
func (s Session) Check() error {
	if s.StartURL == "" {
		return errors.New("no start URL (sso_start_url, --start-url)")
	}
	u, err := url.Parse(s.StartURL)
	if err != nil || (u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname()))) || u.Host == "" {
		return fmt.Errorf("start URL %q is not an https URL", s.StartURL)
	}
	if !awsfiles.ValidRegion(s.Region) {
		if s.Region == "" {
			return errors.New("no region (sso_region, --sso-region)")
		}
		return fmt.Errorf("region %q is not an AWS region name", s.Region)
	}
	for _, sc := range s.Scopes {
		if !scopeRE().MatchString(sc) {
			return fmt.Errorf("scope %q is not a valid scope", sc)
		}
	}
	return nil
}

func isLoopback(host string) bool { return host == "127.0.0.1" || host == "localhost" || host == "::1" }

// ValidAccountID reports whether id is a 12-digit AWS account id.
func ValidAccountID(id string) bool { return accountRE().MatchString(id) }

// ValidRoleName reports whether name can be a permission set's role name.
func ValidRoleName(name string) bool { return roleNameRE().MatchString(name) }

// SessionFromKeys reads an [sso-session NAME] section's keys.
func SessionFromKeys(name string, keys awsfiles.ConfigKeys) (Session, error) {
	s := Session{Name: name, StartURL: keys[KeyStartURL], Region: keys[KeyRegion]}
	if v := keys[KeyRegistrationScopes]; v != "" {
		for _, sc := range strings.Split(v, ",") {
			if sc = strings.TrimSpace(sc); sc != "" {
				s.Scopes = append(s.Scopes, sc)
			}
		}
	}
	if len(s.Scopes) == 0 {
		s.Scopes = []string{DefaultScope}
	}
	if err := s.Check(); err != nil {
		return Session{}, &ConfigError{"sso-session " + name, err.Error()}
	}
	return s, nil
}

// LoadSession reads [sso-session NAME] from the config file; ok is false
// when there is no such section.
func LoadSession(configPath, name string) (s Session, ok bool, err error) {
	keys, ok, err := awsfiles.ReadConfigSection(configPath, awsfiles.KindSSOSession, name)
	if err != nil || !ok {
		return Session{}, ok, err
	}
	s, err = SessionFromKeys(name, keys)
	return s, true, err
}

// Profile is a config profile that gets its credentials from IAM Identity
// Center: sso_session (or the legacy sso_start_url and sso_region),
// sso_account_id and sso_role_name.
type Profile struct {
	Name      string
	Session   Session
	AccountID string
	RoleName  string
}

// ProfileFromKeys reads a profile's sso keys; session looks up the
// [sso-session NAME] a profile names.
func ProfileFromKeys(name string, keys awsfiles.ConfigKeys, session func(string) (Session, bool, error)) (*Profile, error) {
	p := &Profile{Name: name, AccountID: keys[KeyAccountID], RoleName: keys[KeyRoleName]}
	section := "profile " + name
	if sn := keys[KeySession]; sn != "" {
		s, ok, err := session(sn)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, &ConfigError{section, fmt.Sprintf("sso_session %q has no [sso-session %s] section", sn, sn)}
		}
		// botocore refuses a profile whose legacy keys disagree with its
		// session's.
		if v := keys[KeyStartURL]; v != "" && v != s.StartURL {
			return nil, &ConfigError{section, "sso_start_url differs from its sso-session's"}
		}
		if v := keys[KeyRegion]; v != "" && v != s.Region {
			return nil, &ConfigError{section, "sso_region differs from its sso-session's"}
		}
		p.Session = s
	} else {
		p.Session = Session{StartURL: keys[KeyStartURL], Region: keys[KeyRegion]}
		if p.Session.StartURL == "" {
			return nil, &ConfigError{section, "has neither sso_session nor sso_start_url"}
		}
		if err := p.Session.Check(); err != nil {
			return nil, &ConfigError{section, err.Error()}
		}
	}
	if p.AccountID != "" && !ValidAccountID(p.AccountID) {
		return nil, &ConfigError{section, fmt.Sprintf("sso_account_id %q is not a 12-digit account id", p.AccountID)}
	}
	if p.RoleName != "" && !ValidRoleName(p.RoleName) {
		return nil, &ConfigError{section, fmt.Sprintf("sso_role_name %q is not a role name", p.RoleName)}
	}
	return p, nil
}

// LoadProfile reads a profile's sso settings from the config file; ok is
// false when the profile is missing.
func LoadProfile(configPath, name string) (p *Profile, ok bool, err error) {
	keys, ok, err := awsfiles.ReadConfigSection(configPath, awsfiles.KindProfile, name)
	if err != nil || !ok {
		return nil, ok, err
	}
	p, err = ProfileFromKeys(name, keys, func(sn string) (Session, bool, error) { return LoadSession(configPath, sn) })
	return p, true, err
}
