package testenv

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Home makes dir the test's home on every system: HOME, and the per-user
// folders each system reads instead of or beside it (USERPROFILE, APPDATA
// and LOCALAPPDATA on Windows; XDG_CONFIG_HOME and XDG_CACHE_HOME on Linux
// and the BSDs), so no test reads or writes the real ones.
func Home(t testing.TB, dir string) {
	t.Helper()
	t.Setenv("HOME", dir)
	t.Setenv("USERPROFILE", dir)
	t.Setenv("APPDATA", filepath.Join(dir, "AppData", "Roaming"))
	t.Setenv("LOCALAPPDATA", filepath.Join(dir, "AppData", "Local"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, ".config"))
	t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, ".cache"))
}

// Mode checks that path's permission bits are want. Windows reports 0666
// or 0777 whatever a file's ACL says (samlgo's private files there are
// kept private by where they live; see package private), so the bits are
// checked on Unix only, and the test says so on Windows.
func Mode(t testing.TB, path string, want fs.FileMode) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Errorf("mode of %s: %v", path, err)
		return
	}
	if runtime.GOOS == "windows" {
		t.Logf("mode of %s not checked: Windows reports %v whatever its ACL", path, st.Mode().Perm())
		return
	}
	if st.Mode().Perm() != want {
		t.Errorf("%s: mode %v, want %v", path, st.Mode().Perm(), want)
	}
}

// Symlink makes link point at target, or skips the test where the system
// does not let it (Windows without developer mode, wine).
func Symlink(t testing.TB, target, link string) {
	t.Helper()
	err := os.Symlink(target, link)
	if err == nil {
		if fi, lerr := os.Lstat(link); lerr != nil || fi.Mode()&fs.ModeSymlink == 0 {
			err = fmt.Errorf("%s is not a symlink after os.Symlink (wine makes a copy)", link)
		}
	}
	if err != nil {
		if runtime.GOOS == "windows" {
			t.Skipf("this system does not let the test make a symlink: %v", err)
		}
		t.Fatal(err)
	}
}

// Unix skips a test of behaviour only Unix has (modes, FIFOs, signals,
// sockets in the file system); why names it.
func Unix(t testing.TB, why string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skipf("Unix only: %s", why)
	}
}
