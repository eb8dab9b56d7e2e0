// Command samlgo gets temporary AWS credentials through a SAML identity
// provider and the other ways AWS hands them out.
package main

import "os"

func main() { os.Exit(run(os.Args[1:], systemIO())) }
