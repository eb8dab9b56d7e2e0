package child

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/windows"
)

// EndWithUs puts process pid (Chrome's browser process) in a job object
// that Windows ends when its last handle closes: samlgo holds the only
// one, so the process ends with samlgo however samlgo ends (killed from
// Task Manager included), as Pdeathsig makes Chrome on Linux. Chrome's
// helper processes end when their browser process does.
func EndWithUs(pid int) error {
	job, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		return fmt.Errorf("creating a job object: %w", err)
	}
	info := windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION{}
	info.BasicLimitInformation.LimitFlags = windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
	if _, err := windows.SetInformationJobObject(job, windows.JobObjectExtendedLimitInformation,
		uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info))); err != nil {
		windows.CloseHandle(job)
		return fmt.Errorf("setting up the job object: %w", err)
	}
	p, err := windows.OpenProcess(windows.PROCESS_SET_QUOTA|windows.PROCESS_TERMINATE, false, uint32(pid))
	if err != nil {
		windows.CloseHandle(job)
		return fmt.Errorf("opening the process: %w", err)
	}
	defer windows.CloseHandle(p)
	if err := windows.AssignProcessToJobObject(job, p); err != nil {
		windows.CloseHandle(job)
		return fmt.Errorf("putting the process in the job object: %w", err)
	}
	// The handle stays open until samlgo exits: closing it ends Chrome.
	return nil
}
