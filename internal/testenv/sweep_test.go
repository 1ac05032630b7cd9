package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

func TestSweepStaleRemovesOnlyOldUnusedDirectories(t *testing.T) {
	base := t.TempDir()
	mk := func(name string, age time.Duration) string {
		d := filepath.Join(base, name)
		if err := os.MkdirAll(filepath.Join(d, "data"), 0o755); err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(-age)
		if err := os.Chtimes(d, old, old); err != nil {
			t.Fatal(err)
		}
		return d
	}
	stale := mk("sweep-x-1", time.Hour)
	fresh := mk("sweep-x-2", time.Minute)
	used := mk("sweep-x-3", time.Hour)
	other := mk("other-1", time.Hour)
	// A process working in `used` (as a postgres would, named by -D or by its cwd).
	cmd := exec.Command("sleep", "30")
	cmd.Dir = filepath.Join(used, "data")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()

	SweepStale(base, "sweep-x-", 30*time.Minute)
	for dir, want := range map[string]bool{stale: false, fresh: true, used: true, other: true} {
		_, err := os.Stat(dir)
		if got := err == nil; got != want {
			t.Errorf("%s exists = %v, want %v", filepath.Base(dir), got, want)
		}
	}
}
