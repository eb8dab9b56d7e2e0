//go:build unix

// Command peakrss runs a program and prints its peak resident memory in
// KiB (ru_maxrss of the finished process) on stderr as "peak-kib N",
// passing its stdout through. Benchmarks start programs through it
// because a child started by a large process shares that process's
// address space until exec (Go's CLONE_VM), and the kernel counts the
// parent's memory in the child's peak. Started from this small program,
// the floor is this program's own few MiB: run it on /bin/true to see it.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: peakrss PROGRAM [ARG...]")
		os.Exit(2)
	}
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		fmt.Fprintf(os.Stderr, "peak-kib %d\n", ru.Maxrss)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "peakrss:", err)
		os.Exit(1)
	}
}
