//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package workdir

import (
	"bufio"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func open(t *testing.T, base string, o Options) *Dir {
	t.Helper()
	if o.Logger == nil {
		o.Logger = quiet()
	}
	d, err := Open(base, o)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func mode(t *testing.T, p string) os.FileMode {
	t.Helper()
	fi, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode()
}

func write(t *testing.T, p string, mtime time.Time) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("parquet"), 0o600); err != nil {
		t.Fatal(err)
	}
	if !mtime.IsZero() {
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
}

func exists(p string) bool { _, err := os.Lstat(p); return err == nil }

// A missing work directory is created 0700, the process works in
// its own 0700 subdirectory, and Close removes that subdirectory.
func TestOpenCreatesPrivateDirectories(t *testing.T) {
	base := filepath.Join(t.TempDir(), "cache", "snowmigrate", "work")
	d := open(t, base, Options{})
	if m := mode(t, base).Perm(); m != 0o700 {
		t.Errorf("work directory mode %04o, want 0700", m)
	}
	if m := mode(t, d.Path()).Perm(); m != 0o700 || filepath.Dir(d.Path()) != base {
		t.Errorf("process directory %s mode %04o", d.Path(), m)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if exists(d.Path()) {
		t.Errorf("Close left %s", d.Path())
	}
	if !exists(base) {
		t.Errorf("Close removed the work directory itself")
	}
}

// A work directory that is a symbolic link, a file, open to others or someone else's is
// refused with the fix.
func TestOpenRefusesUnsafeDirectories(t *testing.T) {
	root := t.TempDir()
	real := filepath.Join(root, "real")
	if err := os.Mkdir(real, 0o700); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(root, "link")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(root, "file")
	write(t, file, time.Time{})
	open755 := filepath.Join(root, "open")
	if err := os.Mkdir(open755, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open755, 0o755); err != nil {
		t.Fatal(err)
	}
	cases := map[string][]string{
		link:                     {"symbolic link", link},
		file:                     {"not a directory"},
		open755:                  {"mode 0755", "chmod 700 " + open755},
		"relative/dir":           {"absolute path"},
		filepath.Join(file, "x"): {"not a directory"},
	}
	if os.Geteuid() == 0 {
		theirs := filepath.Join(root, "theirs")
		if err := os.Mkdir(theirs, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(theirs, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		cases[theirs] = []string{"belongs to uid 65534", "a directory of its own"}
	}
	for dir, want := range cases {
		_, err := Open(dir, Options{Logger: quiet()})
		if err == nil {
			t.Errorf("%s: accepted", dir)
			continue
		}
		for _, w := range want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q lacks %q", dir, err, w)
			}
		}
	}
	if entries, _ := os.ReadDir(real); len(entries) != 0 {
		t.Errorf("something was created through the symbolic link: %v", entries)
	}
}

// A worker killed with SIGKILL leaves its files behind; the next worker to start on the
// same work directory removes them, while a live worker's files and anything that is
// not the product's stay.
func TestStartSweepsKilledWorkerKeepsLiveOnes(t *testing.T) {
	if !locksWork {
		t.Skip("no flock on this platform")
	}
	base := filepath.Join(t.TempDir(), "work")
	live := open(t, base, Options{})
	defer live.Close()
	liveFile := filepath.Join(live.Path(), "M1", "db.public.t", "3", "part-0.parquet")
	write(t, liveFile, time.Time{})
	mine := filepath.Join(base, "notes.txt")
	write(t, mine, time.Time{})
	userDir := filepath.Join(base, "keep", "x.parquet")
	write(t, userDir, time.Now().Add(-48*time.Hour))

	// The victim: a real process that opens the work directory, writes a partition file
	// and is killed.
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWorker$", "-test.count=1")
	cmd.Env = append(os.Environ(), "WORKDIR_HELPER_BASE="+base)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var victimFile string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if f, ok := strings.CutPrefix(sc.Text(), "FILE "); ok {
			victimFile = f
			break
		}
	}
	if victimFile == "" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatal("helper did not report its file")
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	if !exists(victimFile) {
		t.Fatal("the killed worker's file should still be there before a sweep")
	}

	next := open(t, base, Options{})
	defer next.Close()
	if exists(victimFile) || exists(filepath.Dir(filepath.Dir(filepath.Dir(filepath.Dir(victimFile))))) {
		t.Errorf("the killed worker's directory survived the next start: %s", victimFile)
	}
	if !exists(liveFile) {
		t.Errorf("a live worker's in-flight file was removed")
	}
	if !exists(mine) || !exists(userDir) {
		t.Errorf("files that are not the product's were removed")
	}
	entries, _ := os.ReadDir(base)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 5 { // .lock, keep, notes.txt, two w-… directories
		t.Errorf("work directory holds %v", names)
	}
}

// TestHelperWorker is the process TestStartSweepsKilledWorkerKeepsLiveOnes kills.
func TestHelperWorker(t *testing.T) {
	base := os.Getenv("WORKDIR_HELPER_BASE")
	if base == "" {
		t.Skip("helper process only")
	}
	d, err := Open(base, Options{Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(d.Path(), "M1", "db.public.t", "7", "part-0.parquet")
	write(t, f, time.Time{})
	os.Stdout.WriteString("FILE " + f + "\n")
	time.Sleep(60 * time.Second) // killed long before
}

// A worker whose process died while another keeps running: the periodic sweep of the
// running one removes the dead one's files.
func TestSweepRemovesDeadSiblings(t *testing.T) {
	if !locksWork {
		t.Skip("no flock on this platform")
	}
	base := filepath.Join(t.TempDir(), "work")
	a := open(t, base, Options{})
	defer a.Close()
	b := open(t, base, Options{})
	f := filepath.Join(b.Path(), "M", "t", "1", "part-0.parquet")
	write(t, f, time.Time{})
	if _, err := a.Sweep(); err != nil {
		t.Fatal(err)
	}
	if !exists(f) {
		t.Fatal("a live sibling's file was swept")
	}
	b.ownLock.Close() // b's process "dies": the kernel drops its lock
	if _, err := a.Sweep(); err != nil {
		t.Fatal(err)
	}
	if exists(b.Path()) {
		t.Errorf("a dead sibling's directory survived the sweep")
	}
	if !exists(a.Path()) {
		t.Errorf("the sweeping process lost its own directory")
	}
}

// This process's own files: kept while an extract writes them, while they wait for
// their upload, while an upload reads them and between upload retries; removed once
// nothing has touched them for Options.Abandon, and at once when no activity ever
// claimed them (a failed or cancelled partition).
func TestSweepOwnAbandonedKeepsInFlight(t *testing.T) {
	t0 := time.Now()
	var mu sync.Mutex
	clock := t0
	at := func(d time.Duration) { mu.Lock(); clock = t0.Add(d); mu.Unlock() }
	d := open(t, filepath.Join(t.TempDir(), "work"), Options{Abandon: 30 * time.Minute,
		now: func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }})
	defer d.Close()
	p := func(part string) string { return filepath.Join(d.Path(), "M", "db.s.t", part, "part-0.parquet") }
	old := t0.Add(-2 * time.Hour)

	// A: extracted, waiting for its upload. B: being extracted. C: nobody's (an extract
	// that died with its files). D: being uploaded. E: its upload failed, a retry is due.
	doneA := d.Extracting()
	write(t, p("a"), t0)
	doneA([]string{p("a")})
	doneB := d.Extracting()
	write(t, p("b"), t0.Add(2*time.Second))
	write(t, p("c"), old)
	write(t, p("d"), old)
	upD := d.Uploading([]string{p("d")})
	write(t, p("e"), old)
	d.Uploading([]string{p("e")})()
	emptyDir := filepath.Join(d.Path(), "M", "db.s.t", "f")
	if err := os.MkdirAll(emptyDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(emptyDir, old, old); err != nil {
		t.Fatal(err)
	}
	check := func(when string, want map[string]bool) {
		t.Helper()
		if _, err := d.Sweep(); err != nil {
			t.Fatal(err)
		}
		for k, keep := range want {
			if exists(p(k)) != keep {
				t.Errorf("%s: file %s exists=%v, want %v", when, k, exists(p(k)), keep)
			}
		}
	}

	at(time.Minute)
	check("after a minute", map[string]bool{"a": true, "b": true, "c": false, "d": true, "e": true})
	if exists(emptyDir) {
		t.Errorf("an old empty partition directory survived")
	}
	at(10 * time.Minute)
	doneB([]string{p("b")})
	at(35 * time.Minute)
	check("after 35 minutes", map[string]bool{"a": false, "b": true, "d": true, "e": false})
	upD()
	at(70 * time.Minute)
	check("after 70 minutes", map[string]bool{"b": false, "d": false})
	entries, _ := os.ReadDir(d.Path())
	if len(entries) != 1 || entries[0].Name() != lockName {
		t.Errorf("own directory still holds %v", entries)
	}
}

// A file being written by an extract that started before the sweep is never removed,
// even though no result has named it yet, however old its directory.
func TestSweepKeepsRunningExtractFiles(t *testing.T) {
	d := open(t, filepath.Join(t.TempDir(), "work"), Options{Abandon: time.Minute})
	defer d.Close()
	done := d.Extracting()
	f := filepath.Join(d.Path(), "M", "t", "9", "part-3.parquet")
	write(t, f, time.Time{})
	for i := 0; i < 3; i++ {
		if _, err := d.Sweep(); err != nil {
			t.Fatal(err)
		}
	}
	if !exists(f) {
		t.Fatal("a running extract's file was swept")
	}
	done(nil)
}
