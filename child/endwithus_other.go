//go:build !windows

package child

// EndWithUs ties process pid to samlgo's life where the system needs samlgo
// to: on Windows (a job object). On Linux chromedp starts Chrome with
// Pdeathsig, so the kernel ends it with samlgo. macOS has neither, and
// samlgo adds nothing yet: a samlgo killed with SIGKILL there leaves
// Chrome running until it is closed.
func EndWithUs(int) error { return nil }
