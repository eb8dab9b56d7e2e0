// Package samlgo carries into the binary the files it ships beside the
// source: the documented config example (samlgo config example).
package samlgo

import _ "embed"

// ConfigExample is config.toml.example: every key samlgo reads, with an
// example value and what it does.
//
//go:embed config.toml.example
var ConfigExample string
