//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package workdir

import (
	"io/fs"
	"os"
)

// Without flock, no lock can prove another process dead: sweeps then leave other
// processes' directories alone and only clean this process's own abandoned files.
const locksWork = false

const oNoFollow = 0

func tryLock(*os.File) (bool, error) { return true, nil }

func ownerUID(fs.FileInfo) (int, bool) { return 0, false }
