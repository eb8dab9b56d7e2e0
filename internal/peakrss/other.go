//go:build !unix

package main

import (
	"fmt"
	"os"
)

// main: Windows has no ru_maxrss; the benchmarks that use this program run
// on Linux and macOS only.
func main() {
	fmt.Fprintln(os.Stderr, "peakrss: peak memory of a child is read on Unix only")
	os.Exit(2)
}
