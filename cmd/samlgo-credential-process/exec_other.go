//go:build !unix

package main

import (
	"errors"
	"os"
	"os/exec"
)

// handOff runs `samlgo credential-process ARGS` and returns its exit code.
func handOff(args []string) int {
	p, err := samlgo()
	if err != nil {
		os.Stderr.WriteString("samlgo-credential-process: samlgo is not installed beside it or on PATH; install both (make install)\n")
		return 1
	}
	cmd := exec.Command(p, append([]string{"credential-process"}, args...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return 1
	}
	return 0
}
