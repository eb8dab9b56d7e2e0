// Package desktop opens a page in the person's own browser, the one their
// desktop starts for a link, without samlgo's Chrome.
package desktop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/samlgo/samlgo/child"
	"github.com/samlgo/samlgo/private"
)

// openerGrace is how long Open waits for the opener to report a failure;
// an opener still running after it (one that stays in the foreground with
// the browser) is left running.
const openerGrace = 5 * time.Second

// pageLinger is how long a private page stays after its opener has exited:
// the browser the opener started reads it after that. pageMax bounds the
// whole wait.
const (
	pageLinger = 3 * time.Second
	pageMax    = 10 * time.Second
)

// Open opens target (a URL or a file path) in the system browser: xdg-open
// on Linux and the BSDs, open on macOS, rundll32 url.dll,FileProtocolHandler
// on Windows. target is the opener's argument, so other local users may
// see it in the process list: it must hold no secret (OpenPrivately is for
// one that does). It returns once the opener has exited or has run for a
// few seconds, or when ctx ends. Errors never contain target.
func Open(ctx context.Context, target string) error {
	_, err := start(ctx, target)
	return err
}

// start runs the opener and returns a channel that is closed when it has
// exited (or once Open stopped waiting for it).
func start(ctx context.Context, target string) (<-chan struct{}, error) {
	name, args := opener(target)
	cmd := exec.Command(name, args...)
	cmd.Env = child.Environ(os.Environ()) // the browser it starts needs no samlgo secret
	if err := cmd.Start(); err != nil {
		var ee *exec.Error
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("%s: %w", name, ee.Err)
		}
		return nil, fmt.Errorf("starting %s failed", name)
	}
	done := make(chan error, 1)
	exited := make(chan struct{})
	go func() {
		done <- cmd.Wait()
		close(exited)
	}()
	t := time.NewTimer(openerGrace)
	defer t.Stop()
	select {
	case err := <-done:
		if err != nil {
			var xe *exec.ExitError
			if errors.As(err, &xe) {
				return exited, fmt.Errorf("%s failed with exit code %d", name, xe.ExitCode())
			}
			return exited, fmt.Errorf("%s failed", name)
		}
		return exited, nil
	case <-t.C:
		return exited, nil
	case <-ctx.Done():
		return exited, ctx.Err()
	}
}

// OpenPrivately opens url, which holds a secret (a console sign-in token),
// without putting it in any process's argv, where every local user can
// read it: url goes into a page readable by this user only (0600, in a
// fresh 0700 directory under dir, or the system's temporary directory when
// dir is ""), the opener gets the page's path, and the page, which sends
// the browser on to url at once, is removed a few seconds after the opener
// has exited (at most 10 s after it started, or as soon as ctx ends). A
// page left by a process killed in that window is removed by the next
// call. Errors never contain url.
func OpenPrivately(ctx context.Context, url, dir string) error {
	if dir == "" {
		dir = os.TempDir()
	}
	removeStale(dir, time.Now())
	pageDir, err := os.MkdirTemp(dir, stalePrefix+"*")
	if err != nil {
		return fmt.Errorf("making a private page: %w", err)
	}
	defer os.RemoveAll(pageDir)
	if err := os.Chmod(pageDir, 0o700); err != nil {
		return fmt.Errorf("making a private page: %w", err)
	}
	page := filepath.Join(pageDir, "open.html")
	if err := os.WriteFile(page, Page(url), 0o600); err != nil {
		return fmt.Errorf("making a private page: %w", err)
	}
	started := time.Now()
	exited, err := start(ctx, page)
	if err != nil {
		return err
	}
	limit := time.NewTimer(pageMax - time.Since(started))
	defer limit.Stop()
	select {
	case <-exited:
		linger := time.NewTimer(pageLinger)
		defer linger.Stop()
		select {
		case <-linger.C:
		case <-limit.C:
		case <-ctx.Done():
		}
	case <-limit.C:
	case <-ctx.Done():
	}
	return ctx.Err()
}

// stalePrefix names the directories OpenPrivately makes; staleAfter is the
// age at which one is a leftover (its sign-in token has expired by then).
const (
	stalePrefix = "samlgo-open-"
	staleAfter  = 15 * time.Minute
)

// removeStale removes this user's page directories older than staleAfter.
func removeStale(dir string, now time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), stalePrefix) {
			continue
		}
		info, err := e.Info()
		if err != nil || now.Sub(info.ModTime()) < staleAfter || !private.OwnedByMe(info) {
			continue
		}
		_ = os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}

// Page is the HTML of a page that sends the browser on to url at once,
// by a refresh and by script, with a link for a browser that does neither.
func Page(url string) []byte {
	js, _ := json.Marshal(url) // escapes <, > and & too, so no </script>
	h := html.EscapeString(url)
	return []byte(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">
<meta http-equiv="refresh" content="0;url=` + h + `">
<title>samlgo</title></head>
<body><script>location.replace(` + string(js) + `);</script>
<p><a href="` + h + `">Continue</a></p></body></html>
`)
}
