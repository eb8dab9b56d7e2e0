package cmdutil

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"runtime"

	"github.com/samlgo/samlgo/cli/iostreams"
	"github.com/samlgo/samlgo/input"
	"github.com/samlgo/samlgo/untrusted"
)

// ReadArg reads the file a flag names, or stdin for "-", as every
// file-or-stdin flag does: no blocking open (a FIFO is refused, not waited
// on), a regular file only, at most limit bytes, and an end within a moment
// of Ctrl-C or SIGTERM (ctx's error, returned as it is) also while stdin
// stays open. Bad input is a usage error naming the flag and the path.
// what names the input in messages ("--token-file", "SAML response").
func ReadArg(ctx context.Context, ios *iostreams.IOStreams, what, path string, limit int64) ([]byte, error) {
	name := ArgName(what, path)
	if path == "-" {
		b, err := input.ReadAll(ctx, ios.In, limit)
		if err == nil && ios.InTTY && cutByTerminal(b) {
			return nil, UsageError(fmt.Errorf("%s: a line is %d bytes or more, where a terminal cuts what is pasted", name, ttyLineMax),
				"hint: save it to a file and pass the file instead of -")
		}
		return b, argError(ctx, name, err)
	}
	f, _, err := input.Open(path, input.FollowSymlink)
	if err != nil {
		return nil, argError(ctx, name, err)
	}
	defer f.Close()
	b, err := input.ReadAll(ctx, f, limit)
	return b, argError(ctx, name, err)
}

// ArgName names a file-or-stdin input in messages: `--token-file "/x"`,
// or `--token-file on stdin`.
func ArgName(what, path string) string {
	if path == "-" {
		return what + " on stdin"
	}
	return fmt.Sprintf("%s %s", what, untrusted.Path(path))
}

func argError(ctx context.Context, name string, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var tl *input.TooLargeError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return UsageErrorf("%s: no such file", name)
	case errors.Is(err, input.ErrNotRegular):
		return UsageErrorf("%s: %w; pass a regular file, or - for stdin", name, unwrapPathError(err))
	case errors.As(err, &tl):
		return UsageErrorf("%s: %w", name, err)
	}
	return UsageErrorf("reading %s: %w", name, unwrapPathError(err))
}

// ttyLineMax is the longest line a terminal in canonical mode passes on:
// 4,095 bytes and the newline on Linux; macOS and the BSDs cut at 1,024.
var ttyLineMax = func() int {
	if runtime.GOOS == "linux" || runtime.GOOS == "android" {
		return 4095
	}
	return 1023
}()

// cutByTerminal reports whether text read from a terminal holds a line so
// long that the terminal may have cut it.
func cutByTerminal(b []byte) bool {
	for line := range bytes.SplitSeq(b, []byte("\n")) {
		if len(line) >= ttyLineMax {
			return true
		}
	}
	return false
}
