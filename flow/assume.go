package flow

import (
	"context"
	"fmt"
	"sync"

	"github.com/samlgo/samlgo/assertion"
	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/sts"
)

// PartialError reports that some of several roles failed while the others
// were issued and delivered.
type PartialError struct {
	Failed, Total int
	// First is the first role's failure.
	First error
}

func (e *PartialError) Error() string {
	return fmt.Sprintf("%d of %d roles failed; first: %v", e.Failed, e.Total, e.First)
}

func (e *PartialError) Unwrap() error { return e.First }

// maxConcurrentCalls bounds the STS calls of one --all-roles login.
const maxConcurrentCalls = 4

// assume calls STS for every planned role, a few at a time. With AllRoles,
// the credentials that were issued are returned even when some calls
// failed, together with a *PartialError.
func (l *Login) assume(ctx context.Context, resp *assertion.Response, p *Plan) ([]Issued, error) {
	encoded := assertion.Encode(resp.XML)
	clients := map[string]SAMLAssumer{}
	items := make([]Issued, len(p.Roles))
	for i, r := range p.Roles {
		region := p.Region
		if region == "" {
			region = sts.RegionFor(r.Partition)
		}
		items[i] = Issued{Profile: p.Profiles[i], RoleARN: r.RoleARN, Region: region, Origin: awsfiles.OriginSAML, Account: l.Plan.Account}
		if clients[region] != nil {
			continue
		}
		c, err := l.NewAssumer(ctx, sts.Options{Region: region, Profile: p.Profiles[i]})
		if err != nil {
			return nil, err
		}
		clients[region] = c
	}
	errs := make([]error, len(p.Roles))
	var wg sync.WaitGroup
	sem := make(chan struct{}, maxConcurrentCalls)
	for i, r := range p.Roles {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			l.log().Debug("AssumeRoleWithSAML", "role", r.RoleARN, "region", items[i].Region, "duration", p.Duration)
			res, err := clients[items[i].Region].AssumeRoleWithSAML(ctx, sts.SAMLRequest{
				RoleARN: r.RoleARN, PrincipalARN: r.PrincipalARN, Assertion: encoded, Duration: p.Duration,
			})
			if err != nil {
				errs[i] = fmt.Errorf("%s: %w", r.RoleARN, err)
				return
			}
			// Checked before any output, whatever the format: an endpoint
			// must not be able to put a line break into a shell or a file.
			if err := res.Credentials.ValidateAt(l.Now(), creds.MaxAhead); err != nil {
				errs[i] = fmt.Errorf("%s: %w", r.RoleARN, err)
				return
			}
			items[i].Creds = res.Credentials
			if res.Shortened {
				l.notify(r.RoleARN + " allows at most 1h here; the session was shortened to 1h")
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var ok []Issued
	var failed []error
	for i := range items {
		if errs[i] != nil {
			failed = append(failed, errs[i])
		} else {
			ok = append(ok, items[i])
		}
	}
	switch {
	case len(failed) == 0:
		return ok, nil
	case len(ok) == 0 || !l.Plan.several():
		return nil, failed[0]
	}
	return ok, &PartialError{Failed: len(failed), Total: len(items), First: failed[0]}
}
