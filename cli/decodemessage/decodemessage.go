// Package decodemessage is the samlgo decode-message command:
// DecodeAuthorizationMessage, pretty-printed, with a one-line summary.
package decodemessage

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/creds"
	"github.com/samlgo/samlgo/sts"
	"github.com/samlgo/samlgo/untrusted"
)

// Decoder is the call decode-message makes.
type Decoder interface {
	DecodeAuthorizationMessage(ctx context.Context, src creds.Credentials, message string) (string, error)
}

// MaxMessage bounds the encoded message read (STS: "Maximum length of
// 10240").
const MaxMessage = 10240

// Options are decode-message's flags and dependencies.
type Options struct {
	cmdutil.SignerSetup
	// NewDecoder makes the STS client for a region and profile.
	NewDecoder func(ctx context.Context, o sts.Options) (Decoder, error)

	Message string
	Profile string
	Region  string
}

// NewCmdDecodeMessage builds the command; runF replaces decodeMessageRun
// in tests of the flag wiring.
func NewCmdDecodeMessage(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{SignerSetup: cmdutil.NewSignerSetup(f),
		NewDecoder: func(ctx context.Context, o sts.Options) (Decoder, error) { return sts.New(ctx, o) }}
	cmd := &cobra.Command{
		Use:   "decode-message [MSG|-]",
		Short: "Decode an \"encoded authorization failure message\" (DecodeAuthorizationMessage)",
		Long: `decode-message decodes the message AWS returns with some access-denied
errors. The JSON goes to stdout, indented; a one-line summary (allowed or
denied, the action, the resource, matched statements) to stderr. The
message comes from the argument, or stdin without one or with -. The call
needs sts:DecodeAuthorizationMessage, signed with --profile's credentials
(else the environment's, AWS_PROFILE's or the default profile's).`,
		Example: `  samlgo decode-message "$ENCODED"
  pbpaste | samlgo decode-message | jq .context`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 1 {
				return cmdutil.UsageErrorf("decode-message takes one message (or - for stdin), not %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Message = args[0]
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return decodeMessageRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Profile, "profile", "p", "", "profile whose credentials sign the call")
	cmd.Flags().StringVar(&opts.Region, "region", "", "STS region (default: the profile's, AWS_REGION, us-east-1)")
	return cmd
}

func decodeMessageRun(ctx context.Context, opts *Options) error {
	if err := cmdutil.CheckRegion("--region", opts.Region); err != nil {
		return err
	}
	if err := cmdutil.ProfileArg("--profile", opts.Profile); err != nil {
		return err
	}
	msg := opts.Message
	if msg == "" || msg == "-" {
		if opts.IO.InTTY {
			return cmdutil.UsageErrorf("no message given; pass it as the argument, or on stdin")
		}
		b, err := cmdutil.ReadArg(ctx, opts.IO, "the message", "-", MaxMessage*2)
		if err != nil {
			return err
		}
		msg = string(b)
	}
	msg = strings.TrimSpace(msg)
	switch {
	case msg == "":
		return cmdutil.UsageErrorf("the encoded message is empty")
	case len(msg) > MaxMessage:
		return cmdutil.UsageErrorf("the encoded message is %d characters; STS takes at most %d", len(msg), MaxMessage)
	case strings.ContainsAny(msg, " \t\r\n"):
		return cmdutil.UsageErrorf("the encoded message has white space inside; copy it whole, without line breaks")
	}
	r, err := opts.Resolver()
	if err != nil {
		return err
	}
	src, err := cmdutil.Source(ctx, r, opts.Profile, opts.Getenv)
	if err != nil {
		return err
	}
	region, err := cmdutil.SignedRegion(opts.Region, src, opts.Getenv)
	if err != nil {
		return err
	}
	client, err := opts.NewDecoder(ctx, sts.Options{Region: region, Profile: opts.Profile})
	if err != nil {
		return err
	}
	decoded, err := client.DecodeAuthorizationMessage(ctx, src.Creds, msg)
	if err != nil {
		return err
	}
	summary, pretty, err := sts.SummarizeAuthorization(decoded)
	if err != nil {
		return cmdutil.FailureError(err)
	}
	fmt.Fprintf(opts.IO.ErrOut, "samlgo: %s\n", untrusted.Text(summary))
	_, err = opts.IO.Out.Write(pretty)
	return err
}
