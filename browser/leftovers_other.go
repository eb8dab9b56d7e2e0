//go:build !linux

package browser

import "time"

// Processes is only implemented on Linux, where /proc shows command lines.
func Processes(dir string) []int { return nil }

// killLeftovers relies on chromedp's own cleanup outside Linux.
func killLeftovers(dir string, grace time.Duration) {}
