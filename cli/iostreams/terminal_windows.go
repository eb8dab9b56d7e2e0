package iostreams

import (
	"os"
	"syscall"
)

// OpenTerminal opens the console samlgo runs in: CONIN$ to read from
// (opened read-write, which changing its echo needs) and CONOUT$ to write
// to, Windows' counterparts of /dev/tty. A process without a console (a
// GUI program's child) gets an error.
func OpenTerminal() (in, out *os.File, close func(), err error) {
	in, err = openConsole("CONIN$")
	if err != nil {
		return nil, nil, nil, err
	}
	out, err = openConsole("CONOUT$")
	if err != nil {
		in.Close()
		return nil, nil, nil, err
	}
	return in, out, func() { in.Close(); out.Close() }, nil
}

func openConsole(name string) (*os.File, error) {
	p, err := syscall.UTF16PtrFromString(name)
	if err != nil {
		return nil, err
	}
	h, err := syscall.CreateFile(p, syscall.GENERIC_READ|syscall.GENERIC_WRITE,
		syscall.FILE_SHARE_READ|syscall.FILE_SHARE_WRITE, nil, syscall.OPEN_EXISTING, 0, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: name, Err: err}
	}
	return os.NewFile(uintptr(h), name), nil
}
