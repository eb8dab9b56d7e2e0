//go:build !unix

package exec

import "os"

// forwarded are the signals passed on to the child: Windows delivers
// Ctrl-C (os.Interrupt) to the whole console, and has none of the Unix
// signals samlgo forwards elsewhere.
var forwarded = []os.Signal{os.Interrupt}
