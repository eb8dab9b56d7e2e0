//go:build !windows

package private

import "time"

// replaceWait: Unix does not wait (see replace_other.go).
const replaceWait = time.Duration(0)
