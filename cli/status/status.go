// Package status is the samlgo status command: the profiles samlgo wrote,
// what they were made from and when they expire.
package status

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/config"
	"github.com/samlgo/samlgo/untrusted"
)

// Options are status's flags and dependencies.
type Options struct {
	IO     *iostreams.IOStreams
	Now    func() time.Time
	Config func() (*config.Config, error)

	CredentialsFile string
	Output          string
}

// NewCmdStatus builds the command; runF replaces statusRun in tests of the
// flag wiring.
func NewCmdStatus(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "status [--output text|json]",
		Short: "List the profiles samlgo wrote, what they come from and when they expire",
		Long: `status lists the profiles samlgo wrote in the credentials file: the config
account it signed in with, the AWS account (with its alias) and role, how
the credentials were made (saml, sso, assume-role, …), when they expire and
the time left. JSON is an array of {"profile","account","aws_account_id",
"alias","role_arn","role_name","source","expires","seconds_left"}.
samlgo refresh renews the ones that expire soon.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Config = f.Config
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return statusRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Output, "output", "text", "text or json")
	cmd.Flags().StringVar(&opts.CredentialsFile, "credentials-file", "", "credentials file (default $AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials)")
	return cmd
}

// Entry is one profile in status's JSON.
type Entry struct {
	Profile      string `json:"profile"`
	Account      string `json:"account,omitempty"`
	AWSAccountID string `json:"aws_account_id,omitempty"`
	Alias        string `json:"alias,omitempty"`
	RoleARN      string `json:"role_arn,omitempty"`
	RoleName     string `json:"role_name,omitempty"`
	Source       string `json:"source"`
	Expires      string `json:"expires,omitempty"`
	SecondsLeft  int64  `json:"seconds_left"`
}

func statusRun(_ context.Context, opts *Options) error {
	if err := cmdutil.CheckListing(opts.Output); err != nil {
		return err
	}
	path, made, err := cmdutil.Made(opts.CredentialsFile)
	if err != nil {
		return err
	}
	cfg := &config.Config{}
	if opts.Config != nil {
		if c, err := opts.Config(); err == nil {
			cfg = c // the aliases are a nicety: a broken config does not hide the list
		}
	}
	now := opts.Now()
	entries := make([]Entry, 0, len(made))
	for _, m := range made {
		e := Entry{Profile: m.Profile, Account: m.Account, RoleARN: m.Role, Source: string(m.Origin)}
		e.AWSAccountID, e.RoleName = splitRoleARN(m.Role)
		if e.AWSAccountID != "" {
			e.Alias = cfg.Accounts[m.Account].Aliases[e.AWSAccountID]
		}
		if !m.Expires.IsZero() {
			e.Expires = m.Expires.UTC().Format(time.RFC3339)
			e.SecondsLeft = max(0, int64(m.Expires.Sub(now)/time.Second))
		}
		entries = append(entries, e)
	}
	if opts.Output == "json" {
		b, err := json.MarshalIndent(entries, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(opts.IO.Out, "%s\n", b)
		return err
	}
	if len(entries) == 0 {
		fmt.Fprintf(opts.IO.ErrOut, "samlgo: no profile in %s was written by samlgo; samlgo login writes one\n", path)
		return nil
	}
	tw := tabwriter.NewWriter(opts.IO.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PROFILE\tACCOUNT\tAWS ACCOUNT\tROLE\tSOURCE\tEXPIRES\tLEFT")
	for _, e := range entries {
		aws := dash(e.AWSAccountID)
		if e.Alias != "" {
			aws += " (" + e.Alias + ")"
		}
		expires, left := "-", "-"
		if e.Expires != "" {
			t, _ := time.Parse(time.RFC3339, e.Expires)
			expires = t.Local().Format("2006-01-02 15:04")
			left = cmdutil.TimeLeft(t.Sub(now))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", untrusted.Text(e.Profile), untrusted.Text(dash(e.Account)), untrusted.Text(aws),
			untrusted.Text(dash(e.RoleName)), untrusted.Text(e.Source), expires, left)
	}
	return tw.Flush()
}

// splitRoleARN returns the account id and role name of a role ARN
// (arn:PARTITION:iam::ACCOUNT:role/PATH/NAME); empty for anything else.
func splitRoleARN(arn string) (account, name string) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" || !strings.HasPrefix(parts[5], "role/") {
		return "", ""
	}
	res := parts[5]
	return parts[4], res[strings.LastIndex(res, "/")+1:]
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
