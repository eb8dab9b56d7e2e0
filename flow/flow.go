// Package flow runs a SAML login from a captured SAMLResponse to delivered
// credentials: capture, plan, assume, deliver.
package flow

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/samlgo/samlgo/assertion"
	"github.com/samlgo/samlgo/awsfiles"
	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/sts"
)

// Capturer gets a SAMLResponse: from a saved file, or from a sign-in in
// the browser.
type Capturer interface {
	// Capture returns a parsed response.
	Capture(ctx context.Context) (*assertion.Response, error)
	// Recapturable reports whether another Capture yields a newer response
	// (a new sign-in), so that an expired one can be replaced.
	Recapturable() bool
	// Close waits until whatever Capture started has ended (Chrome closing
	// in the background after a capture).
	Close()
}

// SAMLAssumer is the STS call a login makes.
type SAMLAssumer interface {
	AssumeRoleWithSAML(ctx context.Context, r sts.SAMLRequest) (*sts.Result, error)
}

// Issued is one set of credentials ready to be delivered.
type Issued struct {
	// Profile is the AWS profile the credentials are written to.
	Profile string
	RoleARN string
	// Region is the STS region, written to the profile's config.
	Region string
	Creds  creds.Credentials
	// Origin is how the credentials were made, recorded with a profile.
	Origin awsfiles.Origin
	// Account is the config account signed in with (empty: none), also
	// recorded, so that the profile can be renewed.
	Account string
}

// Sink delivers credentials: to the AWS files, or as export lines or JSON.
type Sink interface {
	// Preflight refuses, before anything is fetched, a destination the
	// credentials could not be delivered to (a broken or protected
	// credentials file).
	Preflight(profiles []string) error
	// Deliver writes the credentials.
	Deliver(ctx context.Context, items []Issued) error
}

// Login is one login: where the response comes from, what to choose from
// it, how to call STS and where the credentials go.
type Login struct {
	Capturer Capturer
	Plan     PlanOptions
	// Choose asks the person to pick one role when the assertion offers
	// several and nothing selects one; nil when there is no one to ask.
	Choose func(roles []assertion.Role, aliases assertion.Aliases) (assertion.Role, error)
	// NewAssumer makes the STS client for a region and profile.
	NewAssumer func(ctx context.Context, o sts.Options) (SAMLAssumer, error)
	Sink       Sink
	// Now is the clock the assertion's validity is judged by.
	Now func() time.Time
	// Notify receives progress lines meant for the person (a retry, a
	// shortened session); nil drops them.
	Notify func(msg string)
	// Log receives debug records; never secrets.
	Log *slog.Logger
	// Offered, when set, hears the roles of each response captured (to
	// remember them for completion).
	Offered func(roles []assertion.Role)
	// Trace, when set, hears "captured" and "written" as they happen
	// (benchmarks split a login into phases with it).
	Trace func(event string)
}

func (l *Login) notify(msg string) {
	if l.Notify != nil {
		l.Notify(msg)
	}
}

// warn passes on what the assertion reader noticed (a malformed Role
// value left out, Role values differing only in case), one line each: the
// login goes on with the roles that remain. Offered hears the roles.
func (l *Login) warn(resp *assertion.Response) {
	if l.Offered != nil && len(resp.Roles) > 0 {
		l.Offered(resp.Roles)
	}
	for _, w := range resp.Warnings {
		l.notify("warning: " + w)
	}
}

func (l *Login) trace(event string) {
	if l.Trace != nil {
		l.Trace(event)
	}
}

func (l *Login) log() *slog.Logger {
	if l.Log == nil {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return l.Log
}

// Run carries out the login. A response that turns out to have expired
// (samlgo's own check, or STS's answer) is replaced once by a fresh
// capture when the capturer can make one. With PlanOptions.AllRoles, the
// credentials that were issued are delivered even when some roles failed,
// and a *PartialError says how many.
func (l *Login) Run(ctx context.Context) error {
	defer l.Capturer.Close()
	var checked []string
	switch {
	case len(l.Plan.Targets) > 0:
		for _, p := range l.Plan.Targets {
			checked = append(checked, p)
		}
		slices.Sort(checked)
		if err := l.Sink.Preflight(checked); err != nil {
			return err
		}
	case !l.Plan.AllRoles:
		// The profile is known before any sign-in: a broken or protected
		// credentials file stops the login before the browser opens.
		checked = []string{l.Plan.profile()}
		if err := l.Sink.Preflight(checked); err != nil {
			return err
		}
	}
	resp, err := l.Capturer.Capture(ctx)
	if err != nil {
		return err
	}
	l.warn(resp)
	l.trace("captured")
	retried := false
	recapture := func(why string) (bool, error) {
		if retried || !l.Capturer.Recapturable() {
			return false, nil
		}
		retried = true
		l.notify(why + "; signing in again")
		resp, err = l.Capturer.Capture(ctx)
		if err == nil {
			l.warn(resp)
		}
		return true, err
	}
	for {
		plan, err := MakePlan(resp, l.Plan, l.Now(), l.Choose)
		var ie *assertion.InputError
		if n, ok := l.Capturer.(Named); ok && n.Source() != "" && errors.As(err, &ie) {
			err = fmt.Errorf("%s: %w", n.Source(), err)
		}
		if errors.Is(err, assertion.ErrExpired) {
			if again, cerr := recapture("the captured assertion has expired"); again {
				if cerr != nil {
					return cerr
				}
				continue
			}
		}
		if err != nil {
			return err
		}
		if !slices.Equal(plan.Profiles, checked) {
			if err := l.Sink.Preflight(plan.Profiles); err != nil {
				return err
			}
		}
		items, assumeErr := l.assume(ctx, resp, plan)
		var se *sts.Error
		if len(items) == 0 && errors.As(assumeErr, &se) && se.Kind == sts.Expired {
			if again, cerr := recapture("AWS says the assertion has expired"); again {
				if cerr != nil {
					return cerr
				}
				continue
			}
		}
		if len(items) > 0 {
			if err := l.Sink.Deliver(ctx, items); err != nil {
				return err
			}
			l.trace("written")
		}
		if assumeErr == nil && len(plan.Gone) > 0 {
			return fmt.Errorf("the assertion no longer offers the role of %s, left as it was; log in again and choose a role for it", strings.Join(plan.Gone, ", "))
		}
		return assumeErr
	}
}
