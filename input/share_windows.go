package input

import (
	"io/fs"
	"os"
	"syscall"
)

// openRead opens path for reading and lets others delete or replace it
// meanwhile (FILE_SHARE_DELETE), as Unix always does: os.Open shares
// reading and writing only, so samlgo's own reader of a cache file made
// its writer's rename fail with "Access is denied".
func openRead(path string, _ int) (*os.File, error) {
	p, err := syscall.UTF16PtrFromString(path)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	h, err := syscall.CreateFile(p, syscall.GENERIC_READ,
		syscall.FILE_SHARE_READ|syscall.FILE_SHARE_WRITE|syscall.FILE_SHARE_DELETE,
		nil, syscall.OPEN_EXISTING, syscall.FILE_ATTRIBUTE_NORMAL|syscall.FILE_FLAG_BACKUP_SEMANTICS, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(h), path), nil
}
