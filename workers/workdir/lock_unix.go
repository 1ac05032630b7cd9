//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package workdir

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// locksWork tells that tryLock is a real advisory lock, so that a lock that can be
// taken proves its owner dead.
const locksWork = true

// oNoFollow makes opening a symbolic link fail instead of following it.
const oNoFollow = syscall.O_NOFOLLOW

// tryLock takes f's exclusive advisory lock without waiting; false means another open
// file description (a live process) holds it.
func tryLock(f *os.File) (bool, error) {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, syscall.EWOULDBLOCK):
		return false, nil
	}
	return false, err
}

// ownerUID is the numeric owner of a file, when the platform says.
func ownerUID(info fs.FileInfo) (int, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}
