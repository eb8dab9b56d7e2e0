//go:build !unix

package cmdutil

const nonBlock = 0
