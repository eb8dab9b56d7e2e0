package child

// EndWithUs ties process pid (Chrome's browser process) to samlgo's life:
// macOS has no Pdeathsig, so a watchdog does it (see watchdog).
func EndWithUs(pid int) error { return watchdog(pid) }
