package decodemessage

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/samlgo/samlgo/chain"
	"github.com/samlgo/samlgo/cli/cmdutil"
	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/internal/fakests"
	"github.com/samlgo/samlgo/internal/testenv"
	"github.com/samlgo/samlgo/sts"
)

func setup(t *testing.T) (*Options, *fakests.Signed, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	dir := t.TempDir()
	testenv.Home(t, dir)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", dir+"/credentials")
	t.Setenv("AWS_CONFIG_FILE", dir+"/config")
	fake := fakests.NewSigned(t)
	ios, in, out, errOut := iostreams.Test()
	env := map[string]string{"AWS_ACCESS_KEY_ID": "AKIAENV0000000000001", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY"}
	o := &Options{
		SignerSetup: cmdutil.SignerSetup{IO: ios, Getenv: func(k string) string { return env[k] },
			NewSTS: func(ctx context.Context, o sts.Options) (chain.STS, error) { return fake.New(ctx, o) }},
		NewDecoder: func(ctx context.Context, o sts.Options) (Decoder, error) { return fake.New(ctx, o) },
	}
	return o, fake, in, out, errOut
}

func TestDecode(t *testing.T) {
	opts, fake, in, out, errOut := setup(t)
	in.WriteString("  MSG123\n")
	fake.ExpectDecode("MSG123", `{"allowed":true,"context":{"action":"s3:ListBucket","resource":"arn:aws:s3:::b"}}`, nil)
	opts.Message = "-"
	if err := decodeMessageRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	if errOut.String() != "samlgo: allowed: s3:ListBucket on arn:aws:s3:::b\n" || !strings.HasPrefix(out.String(), "{\n  \"allowed\": true") {
		t.Errorf("stderr %q stdout %q", errOut, out)
	}
	if fake.Calls[0].Signer != "AKIAENV0000000000001" {
		t.Errorf("signed with %s, want the environment's key", fake.Calls[0].Signer)
	}
}

func TestDecodeBadInput(t *testing.T) {
	for msg, want := range map[string]string{"": "is empty", "a b": "white space", strings.Repeat("x", MaxMessage+1): "at most"} {
		opts, _, _, _, _ := setup(t)
		opts.Message = msg
		if msg == "" {
			opts.Message = "-"
		}
		err := decodeMessageRun(context.Background(), opts)
		if code, _ := cmdutil.Classify(err); code != 2 || !strings.Contains(err.Error(), want) {
			t.Errorf("%.10q: %v (exit %d)", msg, err, code)
		}
	}
	opts, fake, _, _, _ := setup(t)
	fake.ExpectDecode("M", "not json", nil)
	opts.Message = "M"
	if err := decodeMessageRun(context.Background(), opts); err == nil {
		t.Error("a decoded message that is not JSON was accepted")
	}
}
