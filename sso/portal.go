package sso

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	awssso "github.com/aws/aws-sdk-go-v2/service/sso"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/sso/types"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"

	"github.com/samlgo/samlgo/creds"
)

// Portal is the part of the AWS access portal API (service "sso") that
// lists assignments and issues role credentials (*sso.Client).
type Portal interface {
	ListAccounts(ctx context.Context, in *awssso.ListAccountsInput, opts ...func(*awssso.Options)) (*awssso.ListAccountsOutput, error)
	ListAccountRoles(ctx context.Context, in *awssso.ListAccountRolesInput, opts ...func(*awssso.Options)) (*awssso.ListAccountRolesOutput, error)
	GetRoleCredentials(ctx context.Context, in *awssso.GetRoleCredentialsInput, opts ...func(*awssso.Options)) (*awssso.GetRoleCredentialsOutput, error)
}

// Assignment is one role the person may use in one account.
type Assignment struct {
	AccountID   string `json:"account_id"`
	AccountName string `json:"account_name"`
	Email       string `json:"email_address,omitempty"`
	RoleName    string `json:"role_name"`
}

// maxPages bounds the pages samlgo follows, so a portal that always
// answers with a next token cannot keep it busy.
const maxPages = 1000

// unauthorized turns the portal's 401 into ErrLoginRequired.
func unauthorized(op string, err error) error {
	var ue *ssotypes.UnauthorizedException
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: the access portal refused the sso token: %w", op, ErrLoginRequired)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// Assignments lists every account the token reaches and every role in
// each (ListAccounts and ListAccountRoles, all pages), sorted by account
// id and role name. The accounts' roles are fetched ParallelCalls at a
// time while ListAccounts pages on; the first call that fails stops the
// others and is the error.
func Assignments(ctx context.Context, p Portal, token string) ([]Assignment, error) {
	type account struct {
		info  ssotypes.AccountInfo
		roles []string // written by the account's job alone
	}
	g := newGroup(ctx)
	var accounts []*account
	var next *string
pages:
	for page := 0; ; page++ {
		if page == maxPages {
			g.fail(errors.New("ListAccounts: the access portal kept answering with more pages"))
			break
		}
		la, err := p.ListAccounts(g.ctx, &awssso.ListAccountsInput{AccessToken: aws.String(token), NextToken: next})
		if err != nil {
			g.fail(unauthorized("ListAccounts", err))
			break
		}
		for _, info := range la.AccountList {
			a := &account{info: info}
			accounts = append(accounts, a)
			if !g.Go(func(ctx context.Context) (err error) {
				a.roles, err = accountRoles(ctx, p, token, aws.ToString(info.AccountId))
				return err
			}) {
				break pages
			}
		}
		if next = la.NextToken; aws.ToString(next) == "" {
			break
		}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var out []Assignment
	for _, a := range accounts {
		for _, r := range a.roles {
			out = append(out, Assignment{AccountID: aws.ToString(a.info.AccountId), AccountName: aws.ToString(a.info.AccountName), Email: aws.ToString(a.info.EmailAddress), RoleName: r})
		}
	}
	slices.SortFunc(out, func(a, b Assignment) int {
		return strings.Compare(a.AccountID+"\x00"+a.RoleName, b.AccountID+"\x00"+b.RoleName)
	})
	return out, nil
}

func accountRoles(ctx context.Context, p Portal, token, account string) ([]string, error) {
	var roles []string
	var next *string
	for page := 0; ; page++ {
		if page == maxPages {
			return nil, errors.New("ListAccountRoles: the access portal kept answering with more pages")
		}
		lr, err := p.ListAccountRoles(ctx, &awssso.ListAccountRolesInput{AccessToken: aws.String(token), AccountId: aws.String(account), NextToken: next})
		if err != nil {
			return nil, unauthorized("ListAccountRoles", err)
		}
		for _, r := range lr.RoleList {
			roles = append(roles, aws.ToString(r.RoleName))
		}
		if next = lr.NextToken; aws.ToString(next) == "" {
			return roles, nil
		}
	}
}

// RoleCredentials gets a role's temporary credentials (GetRoleCredentials;
// the expiration comes in epoch milliseconds). The values are checked
// before anything writes them (creds.Credentials.ValidateAt, with the
// 12 h that Identity Center issues at most).
func RoleCredentials(ctx context.Context, p Portal, now time.Time, token, account, role string) (creds.Credentials, error) {
	out, err := p.GetRoleCredentials(ctx, &awssso.GetRoleCredentialsInput{AccessToken: aws.String(token), AccountId: aws.String(account), RoleName: aws.String(role)})
	if err != nil {
		return creds.Credentials{}, unauthorized("GetRoleCredentials", err)
	}
	rc := out.RoleCredentials
	if rc == nil {
		return creds.Credentials{}, errors.New("GetRoleCredentials: the access portal answered without credentials")
	}
	c := creds.Credentials{
		AccessKeyID: aws.ToString(rc.AccessKeyId), SecretAccessKey: aws.ToString(rc.SecretAccessKey),
		SessionToken: aws.ToString(rc.SessionToken), Expiration: time.UnixMilli(rc.Expiration).UTC(),
	}
	if err := c.ValidateAt(now, creds.MaxAheadSSO); err != nil {
		return creds.Credentials{}, fmt.Errorf("GetRoleCredentials answered unusable credentials: %w", err)
	}
	return c, nil
}

// AllRoleCredentials gets the credentials of every assignment
// (RoleCredentials), ParallelCalls at a time; the i-th is as[i]'s. The
// first call that fails stops the others and is the error, naming its
// account and role.
func AllRoleCredentials(ctx context.Context, p Portal, now time.Time, token string, as []Assignment) ([]creds.Credentials, error) {
	out := make([]creds.Credentials, len(as))
	g := newGroup(ctx)
	for i, a := range as {
		if !g.Go(func(ctx context.Context) error {
			c, err := RoleCredentials(ctx, p, now, token, a.AccountID, a.RoleName)
			if err != nil {
				return fmt.Errorf("account %q role %q: %w", a.AccountID, a.RoleName, err)
			}
			out[i] = c
			return nil
		}) {
			break
		}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// ClientOptions configure the SSO OIDC and portal clients.
type ClientOptions struct {
	// Region is the Identity Center region (sso_region).
	Region string
	// Profile is the AWS profile whose endpoint_url and [services]
	// settings apply, when the config file has it.
	Profile string
	// HTTPClient replaces the SDK's (tests).
	HTTPClient *http.Client
}

// Clients are the two services an Identity Center sign-in talks to, and
// the base of the authorize URL: the OIDC endpoint in effect.
type Clients struct {
	OIDC              *ssooidc.Client
	Portal            *awssso.Client
	AuthorizeEndpoint string
}

// NewClients builds unsigned clients that follow the standard endpoint
// settings (AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL_SSO,
// AWS_ENDPOINT_URL, a profile's endpoint_url and [services] section).
// They never read credentials: both APIs authenticate with the token.
// They keep the SDK's standard retryer, which retries throttling
// (TooManyRequestsException) with backoff; the parallel calls of
// Assignments and AllRoleCredentials rely on it.
func NewClients(ctx context.Context, o ClientOptions) (*Clients, error) {
	opts := []func(*awsconfig.LoadOptions) error{
		awsconfig.WithRegion(o.Region),
		awsconfig.WithCredentialsProvider(aws.AnonymousCredentials{}),
		awsconfig.WithSharedCredentialsFiles([]string{}),
	}
	if o.HTTPClient != nil {
		opts = append(opts, awsconfig.WithHTTPClient(o.HTTPClient))
	}
	cfg, err := loadConfig(ctx, o, opts)
	if err != nil {
		return nil, err
	}
	c := &Clients{OIDC: ssooidc.NewFromConfig(cfg, func(so *ssooidc.Options) {
		if so.BaseEndpoint == nil {
			so.BaseEndpoint = envEndpoint("AWS_ENDPOINT_URL_SSO_OIDC", cfg)
		}
	}), Portal: awssso.NewFromConfig(cfg, func(so *awssso.Options) {
		if so.BaseEndpoint == nil {
			so.BaseEndpoint = envEndpoint("AWS_ENDPOINT_URL_SSO", cfg)
		}
	})}
	oo := c.OIDC.Options()
	ep, err := oo.EndpointResolverV2.ResolveEndpoint(ctx, ssooidc.EndpointParameters{Region: aws.String(o.Region), Endpoint: oo.BaseEndpoint}.WithDefaults())
	if err != nil {
		return nil, fmt.Errorf("resolving the sso oidc endpoint for %s: %w", o.Region, err)
	}
	c.AuthorizeEndpoint = ep.URI.String()
	return c, nil
}

// envEndpoint is the fallback when the SDK loaded no configuration (see
// loadConfig): the service variable, else AWS_ENDPOINT_URL.
func envEndpoint(service string, cfg aws.Config) *string {
	if cfg.BaseEndpoint != nil || strings.EqualFold(os.Getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true") {
		return cfg.BaseEndpoint
	}
	for _, k := range []string{service, "AWS_ENDPOINT_URL"} {
		if v := os.Getenv(k); v != "" {
			return aws.String(v)
		}
	}
	return nil
}

// loadConfig loads the shared config for o.Profile when it has that
// profile, else the default; when neither loads (a profile about to be
// created, an AWS_PROFILE naming a missing one) a bare config, with
// endpoints then taken from the variables by envEndpoint.
func loadConfig(ctx context.Context, o ClientOptions, opts []func(*awsconfig.LoadOptions) error) (aws.Config, error) {
	if o.Profile != "" {
		if cfg, err := awsconfig.LoadDefaultConfig(ctx, append(opts, awsconfig.WithSharedConfigProfile(o.Profile))...); err == nil {
			return cfg, nil
		}
	}
	if cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...); err == nil {
		return cfg, nil
	}
	cfg := aws.Config{Region: o.Region, Credentials: aws.AnonymousCredentials{}}
	if o.HTTPClient != nil {
		cfg.HTTPClient = o.HTTPClient
	}
	return cfg, nil
}

// ProfileCredentials gets the role credentials of an SSO profile in the
// config file at configPath (sso_session, or the legacy sso_start_url
// keys), as the AWS CLI does for such a profile: the cached token (renewed
// with its refresh token when needed), then GetRoleCredentials, retried
// once with a refreshed token after a 401. Without a usable token it
// fails with ErrLoginRequired.
func ProfileCredentials(ctx context.Context, configPath, name string, now time.Time) (creds.Credentials, error) {
	p, ok, err := LoadProfile(configPath, name)
	if err != nil {
		return creds.Credentials{}, err
	}
	if !ok {
		return creds.Credentials{}, fmt.Errorf("profile %q has no sso keys", name)
	}
	cache, err := DefaultCache()
	if err != nil {
		return creds.Credentials{}, err
	}
	c, err := NewClients(ctx, ClientOptions{Region: p.Session.Region, Profile: name})
	if err != nil {
		return creds.Credentials{}, err
	}
	a := &Authorizer{OIDC: c.OIDC, Cache: cache, Session: p.Session}
	tok, err := a.Token(ctx)
	if err != nil {
		return creds.Credentials{}, err
	}
	var cr creds.Credentials
	err = a.WithToken(ctx, &tok, func(access string) (err error) {
		cr, err = RoleCredentials(ctx, c.Portal, now, access, p.AccountID, p.RoleName)
		return err
	})
	return cr, err
}
