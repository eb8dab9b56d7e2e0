package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/samlgo/samlgo/assertion"
	"github.com/samlgo/samlgo/cli/iostreams"
)

// SAMLName names a --saml-file input in messages.
func SAMLName(path string) string { return ArgName("SAML response", path) }

// ReadSAML reads and parses a saved SAMLResponse from a file or, for "-",
// from stdin. Errors name the input. The read ends when ctx does (Ctrl-C
// on a terminal, a signal while a pipe stays open), within a moment.
func ReadSAML(ctx context.Context, ios *iostreams.IOStreams, path string) (*assertion.Response, error) {
	if path == "" {
		return nil, UsageErrorf("no SAML response given; pass --saml-file PATH, or --saml-file - for stdin")
	}
	name := SAMLName(path)
	if path == "-" && ios.InTTY {
		// A terminal cuts a pasted line at 4,096 bytes (1,024 on macOS), and
		// a response is longer: it would arrive cut and read as broken XML.
		return nil, UsageError(errors.New("--saml-file - reads stdin, which is a terminal here; a SAML response is too long to paste into one (the terminal cuts lines at 4 KiB)"),
			"hint: save it to a file and pass --saml-file FILE, or pipe it in: xclip -o | samlgo login --saml-file -")
	}
	b, err := ReadArg(ctx, ios, "SAML response", path, assertion.MaxInputLen+1)
	if err != nil {
		return nil, err
	}
	resp, err := assertion.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return resp, nil
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
