// Package sts exchanges proofs of identity for temporary AWS credentials
// through AWS STS.
package sts

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/samlgo/samlgo/creds"
)

// Session length limits of AssumeRoleWithSAML and AssumeRole
// ("DurationSeconds: minimum value of 900, maximum value of 43200").
const (
	MinDuration     = 15 * time.Minute
	MaxDuration     = 12 * time.Hour
	DefaultDuration = time.Hour
)

// partitionRegions are the regions whose STS endpoints serve each partition
// when nothing else names a region.
var partitionRegions = map[string]string{
	"aws":        "us-east-1",
	"aws-cn":     "cn-north-1",
	"aws-us-gov": "us-gov-west-1",
	"aws-iso":    "us-iso-east-1",
	"aws-iso-b":  "us-isob-east-1",
	"aws-iso-e":  "eu-isoe-west-1",
	"aws-iso-f":  "us-isof-south-1",
	"aws-eusc":   "eusc-de-east-1",
}

// RegionFor returns the default STS region of a partition ("aws-cn" →
// "cn-north-1"), us-east-1 for partitions samlgo does not know.
func RegionFor(partition string) string {
	if r, ok := partitionRegions[partition]; ok {
		return r
	}
	return "us-east-1"
}

// Options configure a Client.
type Options struct {
	// Region is the STS region; it must be set (see RegionFor).
	Region string
	// Profile is the AWS profile whose endpoint_url and services settings
	// apply, when the shared config file has it. AWS_ENDPOINT_URL_STS and
	// AWS_ENDPOINT_URL apply always (aws-sdk-go-v2's own resolution).
	Profile string
	// Endpoint, when set, replaces every configured endpoint (the demo's
	// local STS).
	Endpoint string
	// HTTPClient replaces the SDK's default client (tests).
	HTTPClient *http.Client
}

// Client calls STS: anonymously for the calls that carry their own proof
// (AssumeRoleWithSAML, AssumeRoleWithWebIdentity), signed with credentials
// given per call for the others. It never reads credentials from the
// environment or the shared files.
type Client struct {
	api    *awssts.Client
	region string
}

// New builds a Client honouring the standard endpoint settings.
func New(ctx context.Context, o Options) (*Client, error) {
	opts := []func(*awsconfig.LoadOptions) error{
		awsconfig.WithRegion(o.Region),
		awsconfig.WithCredentialsProvider(aws.AnonymousCredentials{}),
	}
	if o.HTTPClient != nil {
		opts = append(opts, awsconfig.WithHTTPClient(o.HTTPClient))
	}
	cfg, err := loadConfig(ctx, o, opts)
	if err != nil {
		return nil, fmt.Errorf("reading the AWS configuration for STS: %w", err)
	}
	var clientOpts []func(*awssts.Options)
	if o.Endpoint != "" {
		// A client option applies after the SDK has resolved
		// AWS_ENDPOINT_URL_STS, which would otherwise win over the config.
		clientOpts = append(clientOpts, func(so *awssts.Options) { so.BaseEndpoint = aws.String(o.Endpoint) })
	}
	return &Client{api: awssts.NewFromConfig(cfg, clientOpts...), region: o.Region}, nil
}

// loadConfig loads the SDK configuration: the shared config file (never
// the credentials file, whose entry for the profile is what login is about
// to replace and may be stale or half-written) for o.Profile when it has
// that profile, else for AWS_PROFILE. When neither loads (a profile samlgo
// is about to create, an AWS_PROFILE naming a missing one, a profile the SDK
// cannot resolve), samlgo configures the client itself from the endpoint
// variables the SDK would have read.
func loadConfig(ctx context.Context, o Options, opts []func(*awsconfig.LoadOptions) error) (aws.Config, error) {
	opts = append(opts, awsconfig.WithSharedCredentialsFiles([]string{}))
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
	if !strings.EqualFold(os.Getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true") {
		for _, k := range []string{"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"} {
			if v := os.Getenv(k); v != "" {
				cfg.BaseEndpoint = aws.String(v)
				break
			}
		}
	}
	return cfg, nil
}

// Result is the outcome of a call that issues credentials.
type Result struct {
	Credentials creds.Credentials
	// AssumedRoleARN is the session's ARN (arn:aws:sts::…:assumed-role/…,
	// or …:federated-user/… for GetFederationToken); empty for
	// GetSessionToken.
	AssumedRoleARN string
	// Duration is the session length that was granted.
	Duration time.Duration
	// Shortened is set when STS refused the requested duration and the
	// call was repeated at one hour.
	Shortened bool
}

// SAMLRequest is an AssumeRoleWithSAML call.
type SAMLRequest struct {
	RoleARN      string
	PrincipalARN string
	// Assertion is the base64 SAMLResponse.
	Assertion string
	// Duration is the session length; zero means DefaultDuration.
	Duration time.Duration
}

// AssumeRoleWithSAML exchanges a SAML assertion for role credentials. When
// STS answers that the duration exceeds the role's maximum, it retries once
// at one hour and says so in Result.Shortened.
func (c *Client) AssumeRoleWithSAML(ctx context.Context, r SAMLRequest) (*Result, error) {
	return withDurationRetry(r.Duration, func(d time.Duration) (*Result, error) {
		out, err := c.api.AssumeRoleWithSAML(ctx, &awssts.AssumeRoleWithSAMLInput{
			RoleArn:         aws.String(r.RoleARN),
			PrincipalArn:    aws.String(r.PrincipalARN),
			SAMLAssertion:   aws.String(r.Assertion),
			DurationSeconds: seconds(d),
		})
		if err != nil {
			return nil, classify(OpAssumeRoleWithSAML, c.region, err)
		}
		return result(OpAssumeRoleWithSAML, d, out.Credentials, out.AssumedRoleUser)
	})
}

// WebIdentityRequest is an AssumeRoleWithWebIdentity call.
type WebIdentityRequest struct {
	RoleARN         string
	RoleSessionName string
	// Token is the OAuth 2.0 access token or OpenID Connect ID token.
	Token string
	// ProviderID is set only for OAuth 2.0 access tokens (www.amazon.com,
	// graph.facebook.com).
	ProviderID string
	PolicyARNs []string
	Policy     string
	Duration   time.Duration
}

// AssumeRoleWithWebIdentity exchanges a web identity token for role
// credentials, unsigned, with the same duration retry as
// AssumeRoleWithSAML.
func (c *Client) AssumeRoleWithWebIdentity(ctx context.Context, r WebIdentityRequest) (*Result, error) {
	return withDurationRetry(r.Duration, func(d time.Duration) (*Result, error) {
		in := &awssts.AssumeRoleWithWebIdentityInput{
			RoleArn:          aws.String(r.RoleARN),
			RoleSessionName:  aws.String(r.RoleSessionName),
			WebIdentityToken: aws.String(r.Token),
			DurationSeconds:  seconds(d),
			PolicyArns:       policyARNs(r.PolicyARNs),
		}
		if r.ProviderID != "" {
			in.ProviderId = aws.String(r.ProviderID)
		}
		if r.Policy != "" {
			in.Policy = aws.String(r.Policy)
		}
		out, err := c.api.AssumeRoleWithWebIdentity(ctx, in)
		if err != nil {
			return nil, classify(OpAssumeRoleWithWebIdentity, c.region, err)
		}
		return result(OpAssumeRoleWithWebIdentity, d, out.Credentials, out.AssumedRoleUser)
	})
}

// AssumeRoleRequest is an AssumeRole call.
type AssumeRoleRequest struct {
	RoleARN         string
	RoleSessionName string
	ExternalID      string
	// SerialNumber and TokenCode are the MFA device and its current code.
	SerialNumber, TokenCode string
	SourceIdentity          string
	PolicyARNs              []string
	Policy                  string
	Duration                time.Duration
}

// AssumeRole assumes a role with the source credentials src, with the same
// duration retry as AssumeRoleWithSAML.
func (c *Client) AssumeRole(ctx context.Context, src creds.Credentials, r AssumeRoleRequest) (*Result, error) {
	api := c.signed(src)
	return withDurationRetry(r.Duration, func(d time.Duration) (*Result, error) {
		in := &awssts.AssumeRoleInput{
			RoleArn:         aws.String(r.RoleARN),
			RoleSessionName: aws.String(r.RoleSessionName),
			DurationSeconds: seconds(d),
			PolicyArns:      policyARNs(r.PolicyARNs),
			ExternalId:      optional(r.ExternalID),
			SerialNumber:    optional(r.SerialNumber),
			TokenCode:       optional(r.TokenCode),
			SourceIdentity:  optional(r.SourceIdentity),
			Policy:          optional(r.Policy),
		}
		out, err := api.AssumeRole(ctx, in)
		if err != nil {
			return nil, classify(OpAssumeRole, c.region, err)
		}
		return result(OpAssumeRole, d, out.Credentials, out.AssumedRoleUser)
	})
}

// SessionTokenRequest is a GetSessionToken call.
type SessionTokenRequest struct {
	// SerialNumber and TokenCode are the MFA device and its current code.
	SerialNumber, TokenCode string
	// Duration is the session length; zero leaves it to STS (12 h).
	Duration time.Duration
}

// GetSessionToken gets session credentials for the long-term credentials
// src, with MFA when SerialNumber is set.
func (c *Client) GetSessionToken(ctx context.Context, src creds.Credentials, r SessionTokenRequest) (*Result, error) {
	in := &awssts.GetSessionTokenInput{SerialNumber: optional(r.SerialNumber), TokenCode: optional(r.TokenCode)}
	if r.Duration > 0 {
		in.DurationSeconds = seconds(r.Duration)
	}
	out, err := c.signed(src).GetSessionToken(ctx, in)
	if err != nil {
		return nil, classify(OpGetSessionToken, c.region, err)
	}
	return result(OpGetSessionToken, r.Duration, out.Credentials, nil)
}

// FederationTokenRequest is a GetFederationToken call.
type FederationTokenRequest struct {
	Name       string
	Policy     string
	PolicyARNs []string
	// Duration is the session length; zero leaves it to STS (12 h).
	Duration time.Duration
}

// GetFederationToken gets credentials for a federated user on behalf of
// the long-term credentials src.
func (c *Client) GetFederationToken(ctx context.Context, src creds.Credentials, r FederationTokenRequest) (*Result, error) {
	in := &awssts.GetFederationTokenInput{Name: aws.String(r.Name), Policy: optional(r.Policy), PolicyArns: policyARNs(r.PolicyARNs)}
	if r.Duration > 0 {
		in.DurationSeconds = seconds(r.Duration)
	}
	out, err := c.signed(src).GetFederationToken(ctx, in)
	if err != nil {
		return nil, classify(OpGetFederationToken, c.region, err)
	}
	var user *types.AssumedRoleUser
	if out.FederatedUser != nil {
		user = &types.AssumedRoleUser{Arn: out.FederatedUser.Arn}
	}
	return result(OpGetFederationToken, r.Duration, out.Credentials, user)
}

// DecodeAuthorizationMessage decodes an "encoded authorization failure
// message", signed with src; the result is the JSON document STS returns.
func (c *Client) DecodeAuthorizationMessage(ctx context.Context, src creds.Credentials, message string) (string, error) {
	out, err := c.signed(src).DecodeAuthorizationMessage(ctx, &awssts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(message)})
	if err != nil {
		return "", classify(OpDecodeAuthorizationMessage, c.region, err)
	}
	return aws.ToString(out.DecodedMessage), nil
}

// Identity is what GetCallerIdentity says about a set of credentials.
type Identity struct {
	Account, ARN, UserID string
}

// CallerIdentity calls GetCallerIdentity signed with src.
func (c *Client) CallerIdentity(ctx context.Context, src creds.Credentials) (*Identity, error) {
	out, err := c.signed(src).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if err != nil {
		return nil, classify(OpGetCallerIdentity, c.region, err)
	}
	return &Identity{Account: aws.ToString(out.Account), ARN: aws.ToString(out.Arn), UserID: aws.ToString(out.UserId)}, nil
}

// signed returns an API client that signs with src. Each gets a signer of
// its own: the SDK's SigV4 signer caches derived keys by access key id
// alone, so a shared signer would keep signing with a secret it saw
// earlier for the same key id (AuthSchemes holds the signer too).
func (c *Client) signed(src creds.Credentials) *awssts.Client {
	opts := c.api.Options()
	opts.Credentials = credentials.NewStaticCredentialsProvider(src.AccessKeyID, src.SecretAccessKey, src.SessionToken)
	opts.HTTPSignerV4, opts.AuthSchemes = nil, nil
	return awssts.New(opts)
}

// withDurationRetry calls call at d (DefaultDuration when zero), and once
// more at DefaultDuration when STS answers that d exceeds the role's
// maximum.
func withDurationRetry(d time.Duration, call func(time.Duration) (*Result, error)) (*Result, error) {
	if d == 0 {
		d = DefaultDuration
	}
	res, err := call(d)
	var se *Error
	if errors.As(err, &se) && se.Kind == DurationTooLong && d > DefaultDuration {
		res, err = call(DefaultDuration)
		if res != nil {
			res.Shortened = true
		}
	}
	return res, err
}

func result(op string, d time.Duration, c *types.Credentials, user *types.AssumedRoleUser) (*Result, error) {
	res := &Result{Duration: d, Credentials: fromSDK(c)}
	if user != nil {
		res.AssumedRoleARN = aws.ToString(user.Arn)
	}
	if res.Credentials.AccessKeyID == "" || res.Credentials.SecretAccessKey == "" {
		return nil, &Error{Op: op, Kind: Other, Message: "STS answered without credentials"}
	}
	return res, nil
}

func seconds(d time.Duration) *int32 { return aws.Int32(int32(d / time.Second)) }

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

func policyARNs(arns []string) []types.PolicyDescriptorType {
	var out []types.PolicyDescriptorType
	for _, a := range arns {
		out = append(out, types.PolicyDescriptorType{Arn: aws.String(a)})
	}
	return out
}

func fromSDK(c *types.Credentials) creds.Credentials {
	if c == nil {
		return creds.Credentials{}
	}
	return creds.Credentials{
		AccessKeyID:     aws.ToString(c.AccessKeyId),
		SecretAccessKey: aws.ToString(c.SecretAccessKey),
		SessionToken:    aws.ToString(c.SessionToken),
		Expiration:      aws.ToTime(c.Expiration),
	}
}
