// Command samlgo-demo runs a whole samlgo login against a built-in SAML IdP
// and STS emulator on 127.0.0.1, with headless Chrome and a temporary
// credentials file: what `make demo` runs. It is a program of its own so
// that the test IdP and the emulator are not linked into samlgo.
package main

import (
	"os"

	"github.com/samlgo/samlgo/cli/demo"
	"github.com/samlgo/samlgo/cli/root"
)

func main() { os.Exit(root.MainCmd(demo.NewCmdDemo)) }
