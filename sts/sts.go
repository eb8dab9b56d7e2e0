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

// Session length limits of AssumeRoleWithSAML ("DurationSeconds: minimum
// value of 900, maximum value of 43200").
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

// Client calls STS. It never signs AssumeRoleWithSAML (the call carries its
// own proof) and never reads credentials from the environment.
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

// SAMLRequest is an AssumeRoleWithSAML call.
type SAMLRequest struct {
	RoleARN      string
	PrincipalARN string
	// Assertion is the base64 SAMLResponse.
	Assertion string
	// Duration is the session length; zero means DefaultDuration.
	Duration time.Duration
}

// Result is the outcome of a successful call.
type Result struct {
	Credentials creds.Credentials
	// AssumedRoleARN is the session's ARN (arn:aws:sts::…:assumed-role/…).
	AssumedRoleARN string
	// Duration is the session length that was granted.
	Duration time.Duration
	// Shortened is set when STS refused the requested duration and the
	// call was repeated at one hour.
	Shortened bool
}

// AssumeRoleWithSAML exchanges a SAML assertion for role credentials. When
// STS answers that the duration exceeds the role's maximum, it retries once
// at one hour and says so in Result.Shortened.
func (c *Client) AssumeRoleWithSAML(ctx context.Context, r SAMLRequest) (*Result, error) {
	d := r.Duration
	if d == 0 {
		d = DefaultDuration
	}
	res, err := c.assumeSAML(ctx, r, d)
	var se *Error
	if errors.As(err, &se) && se.Kind == DurationTooLong && d > DefaultDuration {
		res, err = c.assumeSAML(ctx, r, DefaultDuration)
		if res != nil {
			res.Shortened = true
		}
	}
	return res, err
}

func (c *Client) assumeSAML(ctx context.Context, r SAMLRequest, d time.Duration) (*Result, error) {
	out, err := c.api.AssumeRoleWithSAML(ctx, &awssts.AssumeRoleWithSAMLInput{
		RoleArn:         aws.String(r.RoleARN),
		PrincipalArn:    aws.String(r.PrincipalARN),
		SAMLAssertion:   aws.String(r.Assertion),
		DurationSeconds: aws.Int32(int32(d / time.Second)),
	})
	if err != nil {
		return nil, classify("AssumeRoleWithSAML", c.region, err)
	}
	res := &Result{Duration: d, Credentials: fromSDK(out.Credentials)}
	if out.AssumedRoleUser != nil {
		res.AssumedRoleARN = aws.ToString(out.AssumedRoleUser.Arn)
	}
	if res.Credentials.AccessKeyID == "" || res.Credentials.SecretAccessKey == "" {
		return nil, &Error{Op: "AssumeRoleWithSAML", Kind: Other, Message: "STS answered without credentials"}
	}
	return res, nil
}

// Identity is what GetCallerIdentity says about a set of credentials.
type Identity struct {
	Account, ARN, UserID string
}

// CallerIdentity calls GetCallerIdentity signed with c. It uses a client
// with a signer of its own: the SDK's SigV4 signer caches derived keys by
// access key id alone, so a shared signer would keep signing with a secret
// it saw earlier for the same key id (AuthSchemes holds the signer too).
func (cl *Client) CallerIdentity(ctx context.Context, c creds.Credentials) (*Identity, error) {
	opts := cl.api.Options()
	opts.Credentials = credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken)
	opts.HTTPSignerV4, opts.AuthSchemes = nil, nil
	out, err := awssts.New(opts).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if err != nil {
		return nil, classify("GetCallerIdentity", cl.region, err)
	}
	return &Identity{Account: aws.ToString(out.Account), ARN: aws.ToString(out.Arn), UserID: aws.ToString(out.UserId)}, nil
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
