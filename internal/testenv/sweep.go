package testenv

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// SweepStale removes directories named pattern* under base (or the temporary
// directories testenv uses when base is "") that earlier test binaries left behind:
// older than maxAge and named by no running process's command line or working
// directory (maxAge covers a directory being set up, which no process names yet, and
// one whose processes are not always running). A test binary killed by a timeout never runs its cleanup, and each
// leftover PostgreSQL cluster is ~400 MB, so the temporary directory filled up; every
// start sweeps what no one uses any more.
func SweepStale(base, pattern string, maxAge time.Duration) {
	bases := []string{base}
	if base == "" {
		bases = []string{os.TempDir(), "/tmp", "/var/tmp"}
	}
	seen := map[string]bool{}
	var cands []string
	for _, b := range bases {
		matches, _ := filepath.Glob(filepath.Join(b, pattern+"*"))
		for _, m := range matches {
			if seen[m] {
				continue
			}
			seen[m] = true
			fi, err := os.Stat(m)
			if err != nil || !fi.IsDir() || time.Since(fi.ModTime()) < maxAge {
				continue
			}
			cands = append(cands, m)
		}
	}
	if len(cands) == 0 {
		return
	}
	used := inUse()
	for _, dir := range cands {
		busy := false
		for _, u := range used {
			if strings.Contains(u, dir) {
				busy = true
				break
			}
		}
		if !busy {
			_ = os.RemoveAll(dir)
		}
	}
}

// inUse lists every running process's command line and working directory.
func inUse() []string {
	procs, _ := filepath.Glob("/proc/[0-9]*")
	out := make([]string, 0, 2*len(procs))
	for _, p := range procs {
		if b, err := os.ReadFile(filepath.Join(p, "cmdline")); err == nil {
			out = append(out, strings.ReplaceAll(string(b), "\x00", " "))
		}
		if cwd, err := os.Readlink(filepath.Join(p, "cwd")); err == nil {
			out = append(out, cwd)
		}
	}
	return out
}
