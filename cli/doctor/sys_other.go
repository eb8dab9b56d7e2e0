//go:build !unix

package doctor

import (
	"os"
)

// writableDir creates and removes a file in dir.
func writableDir(dir string) error {
	f, err := os.CreateTemp(dir, ".samlgo-doctor-")
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(f.Name())
}
