//go:build !unix

package private

import "io/fs"

// OwnedByMe: Windows reports no owner through fs.FileInfo. samlgo's
// private files live under the user's profile (%LOCALAPPDATA%,
// %USERPROFILE%\.aws), whose inherited ACL admits only the user, SYSTEM
// and administrators, so the location is the check here.
func OwnedByMe(fs.FileInfo) bool { return true }

// privateMode: Windows reports every writable file as 0666, whatever its
// ACL; the mode says nothing there (see OwnedByMe).
func privateMode(fs.FileMode) bool { return true }

// ModesMean reports whether permission bits say who may read a file here:
// not on Windows, where the ACL does (see OwnedByMe).
const ModesMean = false
