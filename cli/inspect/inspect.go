// Package inspect is the samlgo inspect command: a decoded summary of a
// saved SAMLResponse.
package inspect

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo/assertion"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/untrusted"
)

// Options are inspect's flags and dependencies.
type Options struct {
	IO       *iostreams.IOStreams
	Now      func() time.Time
	SAMLFile string
	Output   string
}

// NewCmdInspect builds the command; runF replaces inspectRun in tests of
// the flag wiring.
func NewCmdInspect(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IO: f.IOStreams, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "inspect",
		Short: "Show what a SAMLResponse says",
		Long: `inspect decodes a saved SAMLResponse and summarises it: issuer, subject,
destination, validity window, status, signatures, attributes and roles. It
reports problems (expired, failed status, no roles) instead of failing on them.`,
		Example: `  samlgo inspect --saml-file samlresponse.log`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(o)
			}
			return inspectRun(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.SAMLFile, "saml-file", "", "the SAMLResponse file, or - for stdin")
	cmd.Flags().StringVar(&o.Output, "output", "text", "text or json")
	return cmd
}

// inspection is inspect's JSON output.
type inspection struct {
	Issuer          string                `json:"issuer"`
	Subject         string                `json:"subject"`
	Destination     string                `json:"destination"`
	IssueInstant    time.Time             `json:"issue_instant"`
	NotBefore       *time.Time            `json:"not_before,omitempty"`
	NotOnOrAfter    *time.Time            `json:"not_on_or_after,omitempty"`
	Status          string                `json:"status"`
	Audiences       []string              `json:"audiences"`
	ResponseSigned  bool                  `json:"response_signed"`
	AssertionSigned bool                  `json:"assertion_signed"`
	Encrypted       bool                  `json:"encrypted"`
	RoleSessionName string                `json:"role_session_name,omitempty"`
	SessionDuration int                   `json:"session_duration_seconds,omitempty"`
	SourceIdentity  string                `json:"source_identity,omitempty"`
	Roles           []assertion.Role      `json:"roles"`
	Attributes      []assertion.Attribute `json:"attributes"`
	Problem         string                `json:"problem,omitempty"`
}

func inspectRun(ctx context.Context, o *Options) error {
	if err := cmdutil.CheckListing(o.Output); err != nil {
		return err
	}
	r, err := cmdutil.ReadSAML(ctx, o.IO, o.SAMLFile)
	if err != nil {
		return err
	}
	// A malformed Role value is named here and the rest is shown
	// (PRODUCT.md §6).
	for _, w := range r.Warnings {
		fmt.Fprintf(o.IO.ErrOut, "samlgo: warning: %s\n", w)
	}
	now := o.Now()
	in := inspection{
		Issuer: r.Issuer, Subject: r.Subject, Destination: r.Destination, IssueInstant: r.IssueInstant,
		Status: r.Status, Audiences: r.Audiences, ResponseSigned: r.ResponseSigned, AssertionSigned: r.AssertionSigned,
		Encrypted: r.Encrypted, RoleSessionName: r.RoleSessionName, SessionDuration: int(r.SessionDuration / time.Second),
		SourceIdentity: r.SourceIdentity, Roles: r.Roles, Attributes: r.Attributes,
	}
	if !r.NotBefore.IsZero() {
		in.NotBefore = &r.NotBefore
	}
	if !r.NotOnOrAfter.IsZero() {
		in.NotOnOrAfter = &r.NotOnOrAfter
	}
	if err := r.Check(now); err != nil {
		in.Problem = err.Error()
	}
	if o.Output == "json" {
		if in.Roles == nil {
			in.Roles = []assertion.Role{}
		}
		b, err := json.MarshalIndent(in, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(o.IO.Out, "%s\n", b)
		return err
	}
	tw := tabwriter.NewWriter(o.IO.Out, 0, 4, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s:\t%s\n", k, untrusted.Text(v)) }
	row("Issuer", r.Issuer)
	row("Subject", r.Subject)
	row("Destination", r.Destination)
	row("Issued", stamp(r.IssueInstant))
	row("Valid", validity(r, now))
	row("Status", strings.TrimPrefix(r.Status, "urn:oasis:names:tc:SAML:2.0:status:"))
	row("Audience", strings.Join(r.Audiences, ", "))
	row("Signature", fmt.Sprintf("response %s, assertion %s (not verified: samlgo has no IdP certificate; AWS checks it)", yesNo(r.ResponseSigned), yesNo(r.AssertionSigned)))
	if r.Encrypted {
		row("Encrypted", "yes: the roles cannot be read; login needs --role ROLE_ARN --principal PROVIDER_ARN")
	}
	if r.RoleSessionName != "" {
		row("RoleSessionName", r.RoleSessionName)
	}
	if r.SessionDuration > 0 {
		row("SessionDuration", r.SessionDuration.String())
	}
	if r.SourceIdentity != "" {
		row("SourceIdentity", r.SourceIdentity)
	}
	if in.Problem != "" {
		row("Problem", in.Problem)
	}
	row("Roles", fmt.Sprint(len(r.Roles)))
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, role := range r.Roles {
		fmt.Fprintf(o.IO.Out, "  %s\n      via %s\n", untrusted.Text(role.RoleARN), untrusted.Text(role.PrincipalARN))
	}
	fmt.Fprintf(o.IO.Out, "Attributes: %d\n", len(r.Attributes))
	for _, at := range r.Attributes {
		fmt.Fprintf(o.IO.Out, "  %s\n", untrusted.Text(at.Name))
		for _, v := range at.Values {
			fmt.Fprintf(o.IO.Out, "      %s\n", untrusted.Text(strings.Join(strings.Fields(v), " ")))
		}
	}
	return nil
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func validity(r *assertion.Response, now time.Time) string {
	if r.NotOnOrAfter.IsZero() {
		return "unknown (no NotOnOrAfter)"
	}
	s := stamp(r.NotBefore) + " to " + stamp(r.NotOnOrAfter)
	if now.Before(r.NotOnOrAfter) {
		return s + fmt.Sprintf(" (%s left)", humanDuration(r.NotOnOrAfter.Sub(now)))
	}
	return s + fmt.Sprintf(" (expired %s ago)", humanDuration(now.Sub(r.NotOnOrAfter)))
}

// humanDuration rounds a duration to what a person reads at a glance.
func humanDuration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	case d >= time.Hour:
		return d.Round(time.Minute).String()
	}
	return d.Round(time.Second).String()
}

func yesNo(b bool) string {
	if b {
		return "signed"
	}
	return "unsigned"
}
