package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/samlgo/samlgo/assertion"
	"github.com/samlgo/samlgo/config"
)

// loadConfig reads the config file named by --config, $SAMLGO_CONFIG or the
// default path.
func (a *app) loadConfig() (*config.Config, error) {
	path, explicit, err := config.Path(a.configPath)
	if err != nil {
		return nil, usageError(err)
	}
	c, err := config.Load(path, explicit)
	if err != nil {
		return nil, err
	}
	a.log.Debug("config loaded", "path", path, "accounts", len(c.Accounts))
	return c, nil
}

// readSAML reads and parses a saved SAMLResponse from a file or, for "-",
// from stdin. Errors name the input.
func readSAML(ios *IOStreams, path string) (*assertion.Response, error) {
	if path == "" {
		return nil, usageErrorf("no SAML response given; pass --saml-file PATH, or --saml-file - for stdin")
	}
	name := fmt.Sprintf("SAML response %q", path)
	var r io.Reader
	if path == "-" {
		name, r = "SAML response on stdin", ios.In
	} else {
		f, err := os.Open(path)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, usageErrorf("%s: no such file", name)
			}
			return nil, usageErrorf("%s: %v", name, unwrapPathError(err))
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, assertion.MaxInputLen+1))
	if err != nil {
		return nil, usageErrorf("reading %s: %v", name, err)
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
