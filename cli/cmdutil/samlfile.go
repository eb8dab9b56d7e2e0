package cmdutil

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/samlgo/samlgo/assertion"
	"github.com/samlgo/samlgo/cli/iostreams"
)

// ReadSAML reads and parses a saved SAMLResponse from a file or, for "-",
// from stdin. Errors name the input.
func ReadSAML(ios *iostreams.IOStreams, path string) (*assertion.Response, error) {
	if path == "" {
		return nil, UsageErrorf("no SAML response given; pass --saml-file PATH, or --saml-file - for stdin")
	}
	name := fmt.Sprintf("SAML response %q", path)
	var r io.Reader
	if path == "-" {
		name, r = "SAML response on stdin", ios.In
	} else {
		f, err := os.Open(path)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, UsageErrorf("%s: no such file", name)
			}
			return nil, UsageErrorf("%s: %w", name, unwrapPathError(err))
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, assertion.MaxInputLen+1))
	if err != nil {
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
