package configureprofile

import "syscall"

// shortPath is path's 8.3 form (C:\PROGRA~1\samlgo\SAMLGO~1.EXE), or path
// itself where the volume keeps no short names.
func shortPath(path string) string {
	p, err := syscall.UTF16PtrFromString(path)
	if err != nil {
		return path
	}
	buf := make([]uint16, 260)
	for {
		n, err := syscall.GetShortPathName(p, &buf[0], uint32(len(buf)))
		if err != nil || n == 0 {
			return path
		}
		if int(n) <= len(buf) {
			return syscall.UTF16ToString(buf[:n])
		}
		buf = make([]uint16, n)
	}
}
