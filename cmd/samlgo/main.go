// Command samlgo gets temporary AWS credentials through a SAML identity
// provider and the other ways AWS hands them out.
package main

import (
	"os"

	"github.com/samlgo/samlgo/cli/root"
)

func main() { os.Exit(root.Main()) }
