// Package input reads the files and streams samlgo is handed so that no
// read outlives a signal: no blocking open, regular files only, a size
// limit, and an end as soon as the context ends.
//
// It imports only the standard library: the small samlgo-credential-process
// program reads its cache through it.
package input

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrNotRegular is wrapped by Open's error for a path that is a FIFO, a
// device, a socket or a directory.
var ErrNotRegular = errors.New("not a regular file")

// TooLargeError says an input holds more than the limit a reader allows.
type TooLargeError struct {
	// Limit is the number of bytes that was allowed.
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("larger than %d bytes", e.Limit)
}

// Flags choose how Open treats the last part of a path.
type Flags int

const (
	// FollowSymlink lets a symlink at path lead to a regular file (a path
	// the person names). Without it a symlink is refused (samlgo's own
	// private files).
	FollowSymlink Flags = 1 << iota
)

// Open opens path for reading without waiting for a FIFO's writer
// (O_NONBLOCK where the system has it), and returns it only when it is a
// regular file: a FIFO, a device, a socket or a directory is an
// *fs.PathError wrapping ErrNotRegular and saying what it is. Without
// FollowSymlink a symlink in the last part is refused (O_NOFOLLOW). A
// missing file is an error wrapping fs.ErrNotExist.
func Open(path string, flags Flags) (*os.File, fs.FileInfo, error) {
	mode := os.O_RDONLY | oNonBlock
	if flags&FollowSymlink == 0 {
		mode |= oNoFollow
		if err := refuseSymlink(path); err != nil {
			return nil, nil, err
		}
	}
	f, err := openRead(path, mode)
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, nil, &fs.PathError{Op: "open", Path: path, Err: fmt.Errorf("%w: it is %s", ErrNotRegular, Describe(st.Mode()))}
	}
	return f, st, nil
}

// refuseSymlink is the check O_NOFOLLOW makes, for systems without it.
func refuseSymlink(path string) error {
	if oNoFollow != 0 {
		return nil
	}
	st, err := os.Lstat(path)
	if err == nil && st.Mode()&fs.ModeSymlink != 0 {
		return &fs.PathError{Op: "open", Path: path, Err: fmt.Errorf("%w: it is a symlink", ErrNotRegular)}
	}
	return nil
}

// Describe names the kind of file a mode is, for messages ("a FIFO").
func Describe(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "a regular file"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeSymlink != 0:
		return "a symlink"
	}
	return "not a regular file"
}

// ReadAll reads r to its end, at most limit bytes (more is a
// *TooLargeError), and returns ctx's error as soon as ctx ends, within a
// moment, whatever r is doing (a terminal, a pipe whose writer never
// closes). The abandoned read ends when the caller closes r, or with the
// process.
func ReadAll(ctx context.Context, r io.Reader, limit int64) ([]byte, error) {
	return Await(ctx, func() ([]byte, error) {
		b, err := io.ReadAll(io.LimitReader(r, limit+1))
		if err != nil {
			return nil, err
		}
		if int64(len(b)) > limit {
			return nil, &TooLargeError{Limit: limit}
		}
		return b, nil
	})
}

// ReadFile opens path as Open does and reads it as ReadAll does.
func ReadFile(ctx context.Context, path string, flags Flags, limit int64) ([]byte, fs.FileInfo, error) {
	f, st, err := Open(path, flags)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	if st.Size() > limit {
		return nil, nil, &fs.PathError{Op: "read", Path: path, Err: &TooLargeError{Limit: limit}}
	}
	b, err := ReadAll(ctx, f, limit)
	if err != nil {
		var tl *TooLargeError
		if errors.As(err, &tl) {
			return nil, nil, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		return nil, nil, err
	}
	return b, st, nil
}

// Await runs a blocking read and returns its result, or ctx's error as
// soon as ctx ends (Ctrl-C, SIGTERM): a read cannot hold samlgo after a
// signal. The abandoned read ends with the process.
func Await[T any](ctx context.Context, read func() (T, error)) (T, error) {
	if err := ctx.Err(); err != nil {
		var zero T
		return zero, err
	}
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := read()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}
