package cmdutil

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sync"
	"time"

	"github.com/samlgo/samlgo/chain"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/config"
)

// Source says where the long-term credentials of a signed call come from,
// as the AWS CLI decides: --profile P (its keys, credential_process, or
// its role assumed), else AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY
// (with AWS_SESSION_TOKEN), else AWS_PROFILE, else the "default" profile.
func Source(ctx context.Context, r *chain.Resolver, profile string, getenv func(string) string) (*chain.Resolved, error) {
	var res *chain.Resolved
	var err error
	if profile != "" {
		res, err = r.Profile(ctx, profile)
	} else {
		res, err = r.Default(ctx, getenv)
	}
	if err != nil {
		return nil, ChainError(err, r)
	}
	return res, nil
}

// MaxPolicyLen is the longest session policy STS takes, packed ("The
// plaintext that you use for both inline and managed session policies
// can't exceed 2,048 characters").
const MaxPolicyLen = 2048

// ReadPolicy reads a session policy file ("-" for stdin): JSON, packed to
// at most MaxPolicyLen characters. Errors name the file.
func ReadPolicy(ctx context.Context, ios *iostreams.IOStreams, path string) (string, error) {
	if path == "" {
		return "", nil
	}
	name := ArgName("--policy-file", path)
	b, err := ReadArg(ctx, ios, "--policy-file", path, 1<<20)
	if err != nil {
		return "", err
	}
	var packed bytes.Buffer
	if err := json.Compact(&packed, b); err != nil || !bytes.HasPrefix(packed.Bytes(), []byte("{")) {
		return "", UsageErrorf("%s is not a JSON policy document", name)
	}
	if packed.Len() > MaxPolicyLen {
		return "", UsageErrorf("%s is %d characters packed; STS takes at most %d", name, packed.Len(), MaxPolicyLen)
	}
	return packed.String(), nil
}

var policyARNPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^arn:aws[a-z0-9-]*:iam::(\d{12}|aws):policy/[\w+=,.@/-]{1,512}$`)
})

// CheckPolicyARNs checks --policy-arns: at most 10 managed policy ARNs.
func CheckPolicyARNs(arns []string) error {
	if len(arns) > 10 {
		return UsageErrorf("--policy-arns: %d policies; STS takes at most 10", len(arns))
	}
	for _, a := range arns {
		if !policyARNPattern().MatchString(a) {
			return UsageErrorf("--policy-arns: %q is not an IAM managed policy ARN (arn:aws:iam::ACCOUNT:policy/NAME)", a)
		}
	}
	return nil
}

// TokenDuration reads the --duration of GetSessionToken and
// GetFederationToken: 15m to 36h, zero when not given.
func TokenDuration(flag string) (time.Duration, error) {
	if flag == "" {
		return 0, nil
	}
	d, err := config.ParseDuration(flag)
	if err != nil {
		return 0, UsageErrorf("--duration: %w", err)
	}
	if d < 15*time.Minute || d > 36*time.Hour {
		return 0, UsageError(fmt.Errorf("--duration %s is outside what AWS allows (15m to 36h)", d),
			"hint: sessions over 1h are only for IAM users; the root user's last at most 1h")
	}
	return d, nil
}
