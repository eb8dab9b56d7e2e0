package console

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"time"
)

// openerGrace is how long OpenBrowser waits for the opener to report a
// failure; an opener still running after it (one that stays in the
// foreground with the browser) is left running.
const openerGrace = 5 * time.Second

// OpenBrowser opens url in the system browser: xdg-open on Linux and the
// BSDs, open on macOS, rundll32 url.dll,FileProtocolHandler on Windows.
// The URL is the opener's argument, so other local users may see it in
// the process list while the opener runs; --print avoids that. Errors
// never contain the URL.
func OpenBrowser(ctx context.Context, url string) error {
	name, args := "xdg-open", []string{url}
	switch runtime.GOOS {
	case "darwin":
		name = "open"
	case "windows":
		name, args = "rundll32", []string{"url.dll,FileProtocolHandler", url}
	}
	cmd := exec.Command(name, args...)
	if err := cmd.Start(); err != nil {
		var ee *exec.Error
		if errors.As(err, &ee) {
			return fmt.Errorf("%s: %w", name, ee.Err)
		}
		return fmt.Errorf("starting %s failed", name)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t := time.NewTimer(openerGrace)
	defer t.Stop()
	select {
	case err := <-done:
		if err != nil {
			var xe *exec.ExitError
			if errors.As(err, &xe) {
				return fmt.Errorf("%s failed with exit code %d", name, xe.ExitCode())
			}
			return fmt.Errorf("%s failed", name)
		}
		return nil
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
