//go:build unix

package main

import (
	"os"
	"syscall"
)

// handOff replaces this process with `samlgo credential-process ARGS`, so
// signals, stdio and the exit code are samlgo's own.
func handOff(args []string) int {
	p, err := samlgo()
	if err != nil {
		os.Stderr.WriteString("samlgo-credential-process: samlgo is not installed beside it or on PATH; install both (make install)\n")
		return 1
	}
	err = syscall.Exec(p, append([]string{"samlgo", "credential-process"}, args...), os.Environ())
	os.Stderr.WriteString("samlgo-credential-process: running " + p + ": " + err.Error() + "\n")
	return 1
}
