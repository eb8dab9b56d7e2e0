package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/samlgo/samlgo/input"

	"github.com/samlgo/samlgo/assertion"
	"github.com/samlgo/samlgo/cli/iostreams"
)

// SAMLName names a --saml-file input in messages.
func SAMLName(path string) string {
	if path == "-" {
		return "SAML response on stdin"
	}
	return fmt.Sprintf("SAML response %q", path)
}

// ReadSAML reads and parses a saved SAMLResponse from a file or, for "-",
// from stdin. Errors name the input. The read ends when ctx does (Ctrl-C
// on a terminal, a signal while a pipe stays open), within a moment.
func ReadSAML(ctx context.Context, ios *iostreams.IOStreams, path string) (*assertion.Response, error) {
	if path == "" {
		return nil, UsageErrorf("no SAML response given; pass --saml-file PATH, or --saml-file - for stdin")
	}
	name := SAMLName(path)
	var r io.Reader
	if path == "-" {
		r = ios.In
	} else {
		f, _, err := input.Open(path, input.FollowSymlink)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, UsageErrorf("%s: no such file", name)
			}
			return nil, UsageErrorf("%s: %w", name, unwrapPathError(err))
		}
		defer f.Close()
		r = f
	}
	b, err := input.ReadAll(ctx, r, assertion.MaxInputLen+1)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, UsageErrorf("reading %s: %w", name, err)
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
