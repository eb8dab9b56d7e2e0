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
