package private

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// replaceWait bounds how long replace waits for another program (the AWS
// CLI reading the file, a virus scanner) to let go of the file: no longer
// than a Ctrl-C may wait.
const replaceWait = time.Second

// replace renames tmp over path. Windows refuses while another process
// holds path open without FILE_SHARE_DELETE (samlgo's own readers share
// it, see input.Open): replace tries again, more slowly each time, for up
// to replaceWait.
func replace(tmp, path string) error {
	delay := 5 * time.Millisecond
	deadline := time.Now().Add(replaceWait)
	for {
		err := os.Rename(tmp, path)
		if err == nil || !heldByOther(err) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(delay)
		delay = min(2*delay, 200*time.Millisecond)
	}
}

// heldByOther reports whether err says another process has the file open.
func heldByOther(err error) bool {
	const errorSharingViolation, errorLockViolation = syscall.Errno(32), syscall.Errno(33)
	return errors.Is(err, syscall.ERROR_ACCESS_DENIED) || errors.Is(err, errorSharingViolation) || errors.Is(err, errorLockViolation)
}
