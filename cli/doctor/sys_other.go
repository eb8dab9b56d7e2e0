//go:build !unix

package doctor

import (
	"os"
	"os/exec"
)

// ownGroup leaves cmd as it is: the context's end kills the process.
func ownGroup(*exec.Cmd) {}

// writableDir creates and removes a file in dir.
func writableDir(dir string) error {
	f, err := os.CreateTemp(dir, ".samlgo-doctor-")
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(f.Name())
}
