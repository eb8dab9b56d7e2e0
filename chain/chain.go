// Package chain turns an AWS profile into credentials the way the AWS CLI
// does: static keys, credential_process, and role_arn profiles assumed
// from their source_profile, any number of hops deep, with MFA and
// external ids. An MFA session is cached so the code is asked once.
package chain

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/input"
	"github.com/samlgo/samlgo/sts"
	"github.com/samlgo/samlgo/untrusted"
)

// STS is what resolving a profile calls.
type STS interface {
	AssumeRole(ctx context.Context, src creds.Credentials, r sts.AssumeRoleRequest) (*sts.Result, error)
	GetSessionToken(ctx context.Context, src creds.Credentials, r sts.SessionTokenRequest) (*sts.Result, error)
	CallerIdentity(ctx context.Context, src creds.Credentials) (*sts.Identity, error)
}

// Kind says what a set of credentials is, as far as samlgo knows.
type Kind int

// Kinds of credentials.
const (
	// LongTerm are an IAM user's keys: no session token.
	LongTerm Kind = iota
	// Session are temporary credentials of an unknown kind (stored, or
	// from a credential_process): a role session or a session token.
	Session
	// MFASession came from GetSessionToken with an MFA code.
	MFASession
	// RoleSession came from AssumeRole in this chain: a role assumed with
	// it is role chaining, which AWS caps at one hour.
	RoleSession
)

// Resolved is a profile's credentials.
type Resolved struct {
	Profile string
	Creds   creds.Credentials
	Kind    Kind
	// Region is the profile's region in the config file, empty without.
	Region string
	// RoleARN is the session's ARN for an assumed role.
	RoleARN string
	// Duration is the session length granted for an assumed role.
	Duration time.Duration
}

// MFASessionDuration is how long an MFA session (GetSessionToken with the
// code) lasts, and so how long the next assume-role needs no code. It is
// aws-vault's default session TTL.
const MFASessionDuration = time.Hour

// MaxChain is the longest source_profile chain samlgo follows. Real
// chains have two or three hops; a 1,500-hop chain kept samlgo busy past
// SIGTERM.
const MaxChain = 32

// Resolver resolves profiles from the shared files.
type Resolver struct {
	// SSO gets an IAM Identity Center profile's role credentials
	// (sso.ProfileCredentials); nil refuses such profiles.
	SSO                         func(ctx context.Context, profile string) (creds.Credentials, error)
	CredentialsFile, ConfigFile string
	// NewSTS makes the STS client for a region, with the endpoint
	// settings of profile.
	NewSTS func(ctx context.Context, o sts.Options) (STS, error)
	// MFACode asks for the current code of an MFA device; nil when no
	// one can be asked.
	MFACode func(serial string) (string, error)
	// Cache keeps MFA sessions between runs; nil keeps none.
	Cache *Cache
	// RunProcess runs a credential_process command and returns its stdout.
	RunProcess func(ctx context.Context, argv []string) ([]byte, error)
	// Notify receives lines meant for the person (a capped duration).
	Notify func(msg string)
	Now    func() time.Time
	// DefaultRegion is the STS region when a profile names none.
	DefaultRegion string

	mu    sync.Mutex
	codes map[string]string
}

// ProfileError is a profile samlgo cannot resolve as configured (missing,
// no credentials, a source_profile loop); the person must fix the files.
type ProfileError struct {
	Profile string
	Reason  string
}

func (e *ProfileError) Error() string { return fmt.Sprintf("profile %q %s", e.Profile, e.Reason) }

// ExpiredError is a stored profile whose credentials have expired.
type ExpiredError struct {
	Profile string
	Expired time.Time
}

func (e *ExpiredError) Error() string {
	return fmt.Sprintf("the credentials in profile %q expired at %s", e.Profile, e.Expired.UTC().Format(time.RFC3339))
}

// ErrNoMFA is returned when a profile needs an MFA code and none can be
// asked for.
var ErrNoMFA = errors.New("an MFA code is needed and there is no terminal to ask on")

// AssumeOptions change the last hop of Assume.
type AssumeOptions struct {
	// Duration replaces the profile's duration_seconds.
	Duration time.Duration
	// SessionName replaces the profile's role_session_name.
	SessionName string
}

func (r *Resolver) now() time.Time {
	if r.Now == nil {
		return time.Now()
	}
	return r.Now()
}

func (r *Resolver) notify(format string, args ...any) {
	if r.Notify != nil {
		r.Notify(fmt.Sprintf(format, args...))
	}
}

type profile struct {
	name  string
	cfg   map[string]string // [profile NAME] in the config file
	creds map[string]string // [NAME] in the credentials file
}

func (r *Resolver) load(name string) (*profile, error) {
	if err := awsfiles.ValidProfileName(name); err != nil {
		return nil, err
	}
	cfg, inCfg, err := awsfiles.ConfigProfile(r.ConfigFile, name)
	if err != nil {
		return nil, err
	}
	cr, inCreds, err := awsfiles.CredentialsProfile(r.CredentialsFile, name)
	if err != nil {
		return nil, err
	}
	if !inCfg && !inCreds {
		return nil, &ProfileError{name, fmt.Sprintf("is in neither %s nor %s", r.ConfigFile, r.CredentialsFile)}
	}
	if cfg == nil {
		cfg = map[string]string{}
	}
	if cr == nil {
		cr = map[string]string{}
	}
	return &profile{name, cfg, cr}, nil
}

// Profile returns the credentials the AWS CLI would use for a profile: a
// role_arn in the config is assumed (its keys in the credentials file
// are then ignored, as botocore ignores them); otherwise static keys from
// the credentials file, then the config file, then credential_process.
func (r *Resolver) Profile(ctx context.Context, name string) (*Resolved, error) {
	return r.resolve(ctx, name, nil, nil)
}

// Assume assumes the role of a profile that has role_arn, resolving its
// source_profile chain.
func (r *Resolver) Assume(ctx context.Context, name string, o AssumeOptions) (*Resolved, error) {
	p, err := r.load(name)
	if err != nil {
		return nil, err
	}
	if p.cfg["role_arn"] == "" {
		return nil, &ProfileError{name, fmt.Sprintf("has no role_arn in %s; assume-role needs a profile with role_arn and source_profile", r.ConfigFile)}
	}
	return r.resolve(ctx, name, nil, &o)
}

func (r *Resolver) resolve(ctx context.Context, name string, path []string, last *AssumeOptions) (*Resolved, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(path) >= MaxChain {
		return nil, &ProfileError{path[0], fmt.Sprintf("has a source_profile chain longer than %d profiles; samlgo stops there", MaxChain)}
	}
	for _, seen := range path {
		if seen == name {
			return nil, &ProfileError{path[0], "has a source_profile loop: " + strings.Join(append(path, name), " → ")}
		}
	}
	path = append(path, name)
	p, err := r.load(name)
	if err != nil {
		if len(path) > 1 {
			var pe *ProfileError
			if errors.As(err, &pe) {
				return nil, &ProfileError{path[len(path)-2], fmt.Sprintf("names source_profile %q, which %s", name, pe.Reason)}
			}
		}
		return nil, err
	}
	if p.cfg["role_arn"] == "" {
		return r.static(ctx, p)
	}
	srcName := p.cfg["source_profile"]
	if file := p.cfg["web_identity_token_file"]; file != "" && srcName == "" {
		return r.webIdentity(ctx, p, file)
	}
	if srcName == "" {
		if p.cfg["credential_source"] != "" {
			return nil, &ProfileError{name, "uses credential_source, which samlgo does not support; use source_profile"}
		}
		return nil, &ProfileError{name, "has role_arn but no source_profile"}
	}
	var src *Resolved
	if srcName == name {
		// botocore: a profile may be its own source when it has static
		// keys next to role_arn.
		if src, err = r.static(ctx, p); err != nil {
			return nil, err
		}
	} else if src, err = r.resolve(ctx, srcName, path, nil); err != nil {
		return nil, err
	}
	o := AssumeOptions{}
	if last != nil {
		o = *last
	}
	return r.hop(ctx, p, src, o)
}

// static reads a profile's own keys.
func (r *Resolver) static(ctx context.Context, p *profile) (*Resolved, error) {
	res := &Resolved{Profile: p.name, Region: p.cfg["region"]}
	for _, keys := range []map[string]string{p.creds, p.cfg} {
		id, secret := keys[awsfiles.KeyAccessKeyID], keys[awsfiles.KeySecretAccessKey]
		if id == "" && secret == "" {
			continue
		}
		if id == "" || secret == "" {
			return nil, &ProfileError{p.name, "has only one of aws_access_key_id and aws_secret_access_key"}
		}
		res.Creds = creds.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: keys[awsfiles.KeySessionToken]}
		if res.Creds.SessionToken == "" {
			res.Creds.SessionToken = keys[awsfiles.KeySecurityToken]
		}
		if v := keys[awsfiles.KeyExpires]; v != "" {
			if t, err := time.Parse(time.RFC3339, v); err == nil {
				res.Creds.Expiration = t
			}
		}
		return r.checked(p.name, res)
	}
	if cmd := p.cfg["credential_process"]; cmd != "" {
		argv, err := awsfiles.SplitCommand(cmd)
		if err != nil {
			return nil, &ProfileError{p.name, err.Error()}
		}
		if r.RunProcess == nil {
			return nil, &ProfileError{p.name, "has credential_process, which cannot run here"}
		}
		out, err := r.RunProcess(ctx, argv)
		if err != nil {
			return nil, fmt.Errorf("profile %q: credential_process %q: %w", p.name, argv[0], err)
		}
		c, err := creds.ParseProcessOutput(out)
		if err != nil {
			return nil, fmt.Errorf("profile %q: %w", p.name, err)
		}
		res.Creds = c
		return r.checked(p.name, res)
	}
	if p.cfg["sso_session"] != "" || p.cfg["sso_start_url"] != "" {
		if r.SSO == nil {
			return nil, &ProfileError{p.name, "is an IAM Identity Center profile, which this command cannot use"}
		}
		c, err := r.SSO(ctx, p.name)
		if err != nil {
			return nil, fmt.Errorf("profile %q: %w", p.name, err)
		}
		res.Creds = c
		return r.checked(p.name, res)
	}
	return nil, &ProfileError{p.name, "has no credentials (no keys, credential_process, role_arn or sso_session)"}
}

func (r *Resolver) checked(name string, res *Resolved) (*Resolved, error) {
	if err := res.Creds.ValidateLongTerm(); err != nil {
		return nil, &ProfileError{name, "holds keys samlgo cannot use: " + err.Error()}
	}
	if !res.Creds.Expiration.IsZero() && !r.now().Before(res.Creds.Expiration) {
		return nil, &ExpiredError{Profile: name, Expired: res.Creds.Expiration}
	}
	res.Kind = LongTerm
	if !res.Creds.LongTerm() {
		res.Kind = Session
	}
	return res, nil
}

// duration is the session length p asks for: its duration_seconds
// (900 to 43200, as AWS takes it), else sts.DefaultDuration.
func (p *profile) duration() (time.Duration, error) {
	v := p.cfg["duration_seconds"]
	if v == "" {
		return sts.DefaultDuration, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 900 || n > 43200 {
		return 0, &ProfileError{p.name, fmt.Sprintf("has duration_seconds %q; AWS takes 900 to 43200", v)}
	}
	return time.Duration(n) * time.Second, nil
}

// webIdentityAssumer is the STS call of a web identity profile; the
// clients NewSTS makes have it (sts.Client).
type webIdentityAssumer interface {
	AssumeRoleWithWebIdentity(ctx context.Context, r sts.WebIdentityRequest) (*sts.Result, error)
}

// webIdentity assumes p's role with the token in its
// web_identity_token_file (AssumeRoleWithWebIdentity, unsigned), as the
// AWS CLI does for such a profile. The file is read again at every
// resolve: the platform that writes it (EKS, a CI runner) renews it.
func (r *Resolver) webIdentity(ctx context.Context, p *profile, file string) (*Resolved, error) {
	b, _, err := input.ReadFile(ctx, file, input.FollowSymlink, sts.MaxWebIdentityToken+1024)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &ProfileError{p.name, fmt.Sprintf("has web_identity_token_file %s, which cannot be read: %v", untrusted.Path(file), err)}
	}
	token := strings.TrimSpace(string(b))
	if err := sts.CheckWebIdentityToken(token, true); err != nil {
		return nil, &ProfileError{p.name, fmt.Sprintf("has web_identity_token_file %s: %v", untrusted.Path(file), err)}
	}
	region := cmpOr(p.cfg["region"], r.DefaultRegion, "us-east-1")
	client, err := r.NewSTS(ctx, sts.Options{Region: region, Profile: p.name})
	if err != nil {
		return nil, err
	}
	wi, ok := client.(webIdentityAssumer)
	if !ok {
		return nil, &ProfileError{p.name, "has web_identity_token_file, which this command cannot use"}
	}
	req := sts.WebIdentityRequest{RoleARN: p.cfg["role_arn"], Token: token,
		RoleSessionName: cmpOr(p.cfg["role_session_name"], "samlgo-"+strconv.FormatInt(r.now().Unix(), 10))}
	if err := sts.CheckSessionName(req.RoleSessionName); err != nil {
		return nil, &ProfileError{p.name, "has " + err.Error()}
	}
	if req.Duration, err = p.duration(); err != nil {
		return nil, err
	}
	res, err := wi.AssumeRoleWithWebIdentity(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("profile %q: %w", p.name, err)
	}
	if err := res.Credentials.ValidateAt(r.now(), creds.MaxAhead); err != nil {
		return nil, fmt.Errorf("profile %q: %w", p.name, err)
	}
	return &Resolved{Profile: p.name, Creds: res.Credentials, Kind: RoleSession, Region: p.cfg["region"], RoleARN: res.AssumedRoleARN, Duration: res.Duration}, nil
}

// hop assumes p's role with src.
func (r *Resolver) hop(ctx context.Context, p *profile, src *Resolved, o AssumeOptions) (*Resolved, error) {
	region := cmpOr(p.cfg["region"], src.Region, r.DefaultRegion, "us-east-1")
	client, err := r.NewSTS(ctx, sts.Options{Region: region, Profile: p.name})
	if err != nil {
		return nil, err
	}
	req := sts.AssumeRoleRequest{RoleARN: p.cfg["role_arn"], ExternalID: p.cfg["external_id"], Duration: o.Duration}
	if req.Duration == 0 {
		if req.Duration, err = p.duration(); err != nil {
			return nil, err
		}
	}
	req.RoleSessionName = cmpOr(o.SessionName, p.cfg["role_session_name"])
	if req.RoleSessionName != "" {
		if err := sts.CheckSessionName(req.RoleSessionName); err != nil {
			return nil, &ProfileError{p.name, "has " + err.Error()}
		}
	}
	signer := src.Creds
	cachedKey := "" // the cache entry signer came from, forgotten when STS refuses it
	hopKey := ""    // where this hop's own session is cached (MFA on a chained hop)
	if serial := p.cfg["mfa_serial"]; serial != "" {
		if src.Kind == LongTerm {
			sess, fromCache, err := r.mfaSession(ctx, client, src, serial)
			if err != nil {
				return nil, err
			}
			signer = sess
			if fromCache {
				cachedKey = CacheKey(src.Profile, src.Creds.AccessKeyID, serial)
			}
		} else if src.Kind != MFASession {
			// The source is itself a session (a role, a credential_process):
			// the code goes with AssumeRole, and the session it gives is
			// cached and reused until it nears its end, as the AWS CLI does,
			// so the code is asked once per session, not at every run.
			hopKey = CacheKey("assumed-role\x00"+p.name, p.cfg["role_arn"]+"\x00"+p.cfg["external_id"]+"\x00"+src.Profile, serial)
			if r.Cache != nil {
				if c, ok := r.Cache.Get(hopKey); ok {
					return &Resolved{Profile: p.name, Creds: c, Kind: RoleSession, Region: p.cfg["region"], RoleARN: p.cfg["role_arn"], Duration: c.Expiration.Sub(r.now())}, nil
				}
			}
			code, err := r.code(serial)
			if err != nil {
				return nil, err
			}
			req.SerialNumber, req.TokenCode = serial, code
		}
	}
	if req.RoleSessionName == "" {
		id, err := client.CallerIdentity(ctx, signer)
		if err != nil {
			return nil, err
		}
		req.RoleSessionName = sts.SessionName(cmpOr(id.ARN, id.UserID))
	}
	if src.Kind == RoleSession && req.Duration > sts.MaxChainedDuration {
		r.notify("profile %q: its source %q is a role session, and AWS caps a role assumed from one (role chaining) at 1h; asking for 1h instead of %s", p.name, src.Profile, req.Duration)
		req.Duration = sts.MaxChainedDuration
	}
	res, err := client.AssumeRole(ctx, signer, req)
	if err != nil {
		var se *sts.Error
		if cachedKey != "" && errors.As(err, &se) && (se.Kind == sts.BadCredentials || se.Kind == sts.Expired) {
			_ = r.Cache.Remove(cachedKey)
			r.notify("the cached MFA session was refused and is forgotten; the next run asks for a code")
		}
		return nil, fmt.Errorf("profile %q: %w", p.name, err)
	}
	if res.Shortened {
		r.notify("profile %q: AWS refused %s (longer than the role allows, or role chaining, which AWS caps at 1h); the session lasts 1h", p.name, req.Duration)
	}
	if err := res.Credentials.ValidateAt(r.now(), creds.MaxAhead); err != nil {
		return nil, fmt.Errorf("profile %q: %w", p.name, err)
	}
	if hopKey != "" && r.Cache != nil {
		if err := r.Cache.Put(hopKey, res.Credentials); err != nil {
			r.notify("the session of profile %q could not be cached (%v); the next run asks for a code again", p.name, err)
		}
	}
	return &Resolved{Profile: p.name, Creds: res.Credentials, Kind: RoleSession, Region: p.cfg["region"], RoleARN: res.AssumedRoleARN, Duration: res.Duration}, nil
}

// mfaSession returns a cached MFA session for src and the device, or
// makes one (GetSessionToken with a code) and caches it.
func (r *Resolver) mfaSession(ctx context.Context, client STS, src *Resolved, serial string) (c creds.Credentials, fromCache bool, err error) {
	key := CacheKey(src.Profile, src.Creds.AccessKeyID, serial)
	if r.Cache != nil {
		if c, ok := r.Cache.Get(key); ok {
			return c, true, nil
		}
	}
	code, err := r.code(serial)
	if err != nil {
		return creds.Credentials{}, false, err
	}
	res, err := client.GetSessionToken(ctx, src.Creds, sts.SessionTokenRequest{SerialNumber: serial, TokenCode: code, Duration: MFASessionDuration})
	if err != nil {
		return creds.Credentials{}, false, fmt.Errorf("profile %q: MFA session: %w", src.Profile, err)
	}
	if err := res.Credentials.ValidateAt(r.now(), creds.MaxAhead); err != nil {
		return creds.Credentials{}, false, err
	}
	if r.Cache != nil {
		if err := r.Cache.Put(key, res.Credentials); err != nil {
			r.notify("the MFA session could not be cached (%v); the next run asks for a code again", err)
		}
	}
	return res.Credentials, false, nil
}

// code asks for the MFA code of serial once per run.
func (r *Resolver) code(serial string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.codes[serial]; ok {
		return c, nil
	}
	if r.MFACode == nil {
		return "", ErrNoMFA
	}
	c, err := r.MFACode(serial)
	if err != nil {
		return "", err
	}
	if err := CheckMFACode(c); err != nil {
		return "", err
	}
	if r.codes == nil {
		r.codes = map[string]string{}
	}
	r.codes[serial] = c
	return c, nil
}

// ErrBadMFACode is the kind of CheckMFACode's errors.
var ErrBadMFACode = errors.New("an MFA code is six digits")

// CheckMFACode checks an MFA code's shape (TokenCode: "Length 6, pattern
// [\d]*"); the error does not contain the code.
func CheckMFACode(code string) error {
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return fmt.Errorf("%w; the code given is not", ErrBadMFACode)
	}
	return nil
}

func cmpOr(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// Default returns the credentials the AWS CLI uses when no profile is
// named: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (with
// AWS_SESSION_TOKEN) when both are set, else the profile named by
// AWS_PROFILE, else "default". name is the profile used, "" for the
// environment.
func (r *Resolver) Default(ctx context.Context, getenv func(string) string) (*Resolved, error) {
	if id, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY"); id != "" || secret != "" {
		if id == "" || secret == "" {
			return nil, &ProfileError{"(environment)", "has only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"}
		}
		res := &Resolved{Creds: creds.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: getenv("AWS_SESSION_TOKEN")},
			Region: cmpOr(getenv("AWS_REGION"), getenv("AWS_DEFAULT_REGION"))}
		if v := getenv("AWS_CREDENTIAL_EXPIRATION"); v != "" {
			if t, err := time.Parse(time.RFC3339, v); err == nil {
				res.Creds.Expiration = t
			}
		}
		return r.checked("(environment)", res)
	}
	return r.Profile(ctx, cmpOr(getenv("AWS_PROFILE"), getenv("AWS_DEFAULT_PROFILE"), "default"))
}
