package workdir

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Names inside the work directory. Only these are ever swept: the work directory may be
// one the user also keeps other things in, and those are never touched.
const (
	procPrefix  = "w-"     // a process's subdirectory: w-<pid>-<random>
	trashPrefix = ".trash" // a dead process's subdirectory being removed
	lockName    = ".lock"  // in the work directory: held while claiming and sweeping; in a process's: held for its life
)

// Defaults of Options.
const (
	// DefaultAbandon: an upload waits at most UploadScheduleToStart (2 minutes by
	// default) for this host, and upload retries back off at most 2 minutes; half an
	// hour without an extract or upload touching a partition's files means none will.
	DefaultAbandon = 30 * time.Minute
	DefaultEvery   = 5 * time.Minute
)

// mtimeSlack absorbs coarse file-system timestamps when comparing a file's mtime with
// the clock.
const mtimeSlack = time.Minute

// lockWait bounds the wait for the work directory's lock (held only for renames).
const lockWait = 30 * time.Second

// Options tune the sweeps; zero values take the defaults.
type Options struct {
	Abandon time.Duration // files untouched this long by any extract or upload are abandoned
	Every   time.Duration // period of Run's sweeps
	Logger  *slog.Logger
	now     func() time.Time // tests move the clock
}

// Dir is an open work directory: the process's own subdirectory, its lock, and what
// the running activities use.
type Dir struct {
	base, own string
	ownLock   *os.File
	opts      Options

	mu        sync.Mutex
	nextID    uint64
	extracts  map[uint64]time.Time // running extracts' start times
	held      map[string]time.Time // files an extract returned or an upload used: when last touched
	uploading map[string]int       // files running uploads read
}

// Open makes base private (creating it 0700 when missing) or refuses it with the fix,
// claims this process's subdirectory and sweeps what dead processes left there.
func Open(base string, o Options) (*Dir, error) {
	if o.Abandon <= 0 {
		o.Abandon = DefaultAbandon
	}
	if o.Every <= 0 {
		o.Every = DefaultEvery
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if o.now == nil {
		o.now = time.Now
	}
	if !filepath.IsAbs(base) {
		return nil, fmt.Errorf("work directory %q: use an absolute path", base)
	}
	base = filepath.Clean(base)
	if err := ensurePrivateDir(base); err != nil {
		return nil, err
	}
	d := &Dir{base: base, opts: o, extracts: map[uint64]time.Time{}, held: map[string]time.Time{}, uploading: map[string]int{}}
	var trash []string
	err := d.withBaseLock(func() error {
		if err := d.claim(); err != nil {
			return err
		}
		trash = d.collectDead()
		return nil
	})
	if err != nil {
		return nil, err
	}
	if n := d.removeTrash(trash); n > 0 {
		o.Logger.Info("work directory: removed what stopped workers left", "dir", base, "directories", n)
	}
	return d, nil
}

// Path is this process's own directory: give it to the activities as their WorkDir.
func (d *Dir) Path() string { return d.own }

// ensurePrivateDir creates dir 0700 (and missing parents 0700) or checks that an
// existing one is a real directory of this user that nobody else can open.
func ensurePrivateDir(dir string) error {
	info, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
			return fmt.Errorf("create work directory %s: %w; set [application] work_dir to a directory this user can create", dir, err)
		}
		if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("create work directory %s: %w; set [application] work_dir to a directory this user can create", dir, err)
		} else if err == nil {
			// The umask may have removed bits the owner needs; nobody else gets any.
			if err := os.Chmod(dir, 0o700); err != nil {
				return fmt.Errorf("work directory %s: %w", dir, err)
			}
		}
		info, err = os.Lstat(dir)
	}
	if err != nil {
		return fmt.Errorf("work directory %s: %w", dir, err)
	}
	return checkPrivate(dir, info)
}

// checkPrivate refuses a work directory that is a symbolic link, not a directory,
// someone else's, or open to group or others: extracted files are source data.
func checkPrivate(dir string, info fs.FileInfo) error {
	switch {
	case info.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("work directory %s is a symbolic link; give the real path of a directory private to this worker's user", dir)
	case !info.IsDir():
		return fmt.Errorf("work directory %s is not a directory; set [application] work_dir to a directory private to this worker's user", dir)
	}
	if uid, ok := ownerUID(info); ok && uid != os.Geteuid() {
		return fmt.Errorf("work directory %s belongs to uid %d, not to this worker's user (uid %d); give this worker a directory of its own, or run: chown %d %s",
			dir, uid, os.Geteuid(), os.Geteuid(), dir)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("work directory %s is open to other users (mode %04o) and will hold extracted source data; run: chmod 700 %s",
			dir, info.Mode().Perm(), dir)
	}
	return nil
}

// withBaseLock runs f holding the work directory's lock, which serialises claims and
// sweeps between the processes sharing it.
func (d *Dir) withBaseLock(f func() error) error {
	lf, err := os.OpenFile(filepath.Join(d.base, lockName), os.O_CREATE|os.O_RDWR|oNoFollow, 0o600)
	if err != nil {
		return fmt.Errorf("work directory %s: %w", d.base, err)
	}
	defer lf.Close() // closing releases the lock
	deadline := time.Now().Add(lockWait)
	for {
		ok, err := tryLock(lf)
		if err != nil {
			return fmt.Errorf("lock work directory %s: %w", d.base, err)
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("work directory %s: another worker has held %s for %s; is one stuck?", d.base, lf.Name(), lockWait)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return f()
}

// claim makes and locks this process's subdirectory (under the base lock, so no sweep
// can see it half made).
func (d *Dir) claim() error {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	own := filepath.Join(d.base, fmt.Sprintf("%s%d-%s", procPrefix, os.Getpid(), hex.EncodeToString(b)))
	if err := os.Mkdir(own, 0o700); err != nil {
		return fmt.Errorf("work directory: %w", err)
	}
	if err := os.Chmod(own, 0o700); err != nil {
		return fmt.Errorf("work directory: %w", err)
	}
	lf, err := os.OpenFile(filepath.Join(own, lockName), os.O_CREATE|os.O_EXCL|os.O_RDWR|oNoFollow, 0o600)
	if err != nil {
		return fmt.Errorf("work directory: %w", err)
	}
	if ok, err := tryLock(lf); err != nil || !ok {
		lf.Close()
		return fmt.Errorf("work directory: cannot lock %s (%v)", lf.Name(), err)
	}
	d.own, d.ownLock = own, lf
	return nil
}

// collectDead renames the subdirectories of dead processes out of the way (under the
// base lock) and returns what to remove, with earlier leftovers of such renames.
func (d *Dir) collectDead() []string {
	entries, err := os.ReadDir(d.base)
	if err != nil {
		d.opts.Logger.Warn("work directory: cannot list", "dir", d.base, "err", err)
		return nil
	}
	var trash []string
	for _, e := range entries {
		name := e.Name()
		path := filepath.Join(d.base, name)
		switch {
		case strings.HasPrefix(name, trashPrefix):
			trash = append(trash, path)
		case strings.HasPrefix(name, procPrefix) && path != d.own:
			if !locksWork {
				continue
			}
			if e.Type()&fs.ModeSymlink != 0 || !e.IsDir() {
				_ = os.Remove(path) // never followed: removes the link itself
				continue
			}
			if !d.deadProcess(path) {
				continue
			}
			to := filepath.Join(d.base, trashPrefix+"-"+name)
			if err := os.Rename(path, to); err != nil {
				d.opts.Logger.Warn("work directory: cannot move a stopped worker's files aside", "dir", path, "err", err)
				continue
			}
			trash = append(trash, to)
		}
	}
	return trash
}

// deadProcess tells whether the process that claimed dir is gone: its lock can be
// taken, or it never made one (claims happen under the base lock, so a directory
// without a lock is a claim that died half-way).
func (d *Dir) deadProcess(dir string) bool {
	lf, err := os.OpenFile(filepath.Join(dir, lockName), os.O_RDWR|oNoFollow, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return true
	}
	if err != nil {
		d.opts.Logger.Warn("work directory: cannot check a worker's lock", "dir", dir, "err", err)
		return false
	}
	defer lf.Close()
	ok, err := tryLock(lf)
	return err == nil && ok
}

// removeTrash deletes renamed directories (outside the base lock: it may take a while)
// and returns how many went.
func (d *Dir) removeTrash(trash []string) int {
	n := 0
	for _, t := range trash {
		if err := os.RemoveAll(t); err != nil {
			d.opts.Logger.Warn("work directory: cannot remove a stopped worker's files", "dir", t, "err", err)
			continue
		}
		n++
	}
	return n
}

// Extracting records that an extract starts; call the returned function with the
// files it wrote (none when it failed) when it ends. Files of a running extract are
// never swept.
func (d *Dir) Extracting() (done func(files []string)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.nextID++
	id := d.nextID
	d.extracts[id] = d.opts.now()
	return func(files []string) {
		d.mu.Lock()
		defer d.mu.Unlock()
		delete(d.extracts, id)
		now := d.opts.now()
		for _, f := range files {
			d.held[f] = now
		}
	}
}

// Uploading records that an upload reads files; call the returned function when it
// ends. The files are kept while it runs and for Options.Abandon after (a retry may come).
func (d *Dir) Uploading(files []string) (done func()) {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.opts.now()
	for _, f := range files {
		d.uploading[f]++
		d.held[f] = now
	}
	return func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		now := d.opts.now()
		for _, f := range files {
			if d.uploading[f]--; d.uploading[f] <= 0 {
				delete(d.uploading, f)
			}
			d.held[f] = now
		}
	}
}

// Sweep removes what dead processes left in the work directory and this process's
// abandoned files; it returns the number of files and directories removed.
func (d *Dir) Sweep() (int, error) {
	var trash []string
	err := d.withBaseLock(func() error {
		trash = d.collectDead()
		return nil
	})
	if err != nil {
		return 0, err
	}
	return d.removeTrash(trash) + d.sweepOwn(), nil
}

// sweepOwn removes this process's files that nothing uses: no running upload reads
// them, no extract or upload touched them within Options.Abandon, and they are older
// than every running extract (whose files are being written) and than this sweep.
func (d *Dir) sweepOwn() int {
	d.mu.Lock()
	now := d.opts.now()
	floor := now
	for _, start := range d.extracts {
		if start.Before(floor) {
			floor = start
		}
	}
	d.mu.Unlock()
	floor = floor.Add(-mtimeSlack)

	type dirSeen struct {
		path  string
		mtime time.Time
	}
	var dirs []dirSeen
	seen := map[string]bool{}
	removed := 0
	_ = filepath.WalkDir(d.own, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return nil // vanished under us (an upload finished): nothing to sweep there
		}
		info, err := e.Info()
		if err != nil {
			return nil
		}
		if e.IsDir() {
			if path != d.own {
				dirs = append(dirs, dirSeen{path, info.ModTime()})
			}
			return nil
		}
		if path == d.ownLock.Name() {
			return nil
		}
		seen[path] = true
		d.mu.Lock()
		defer d.mu.Unlock()
		touched, held := d.held[path]
		keep := d.uploading[path] > 0 || (held && now.Sub(touched) < d.opts.Abandon) || !info.ModTime().Before(floor)
		if !keep {
			if err := os.Remove(path); err == nil {
				removed++
				delete(d.held, path)
			}
		}
		return nil
	})
	// Deepest first; os.Remove leaves a directory that still has files. A directory
	// younger than the floor may be a running extract's, about to get its first file.
	for i := len(dirs) - 1; i >= 0; i-- {
		if dirs[i].mtime.Before(floor) && os.Remove(dirs[i].path) == nil {
			removed++
		}
	}
	d.mu.Lock()
	for f := range d.held {
		if !seen[f] && d.uploading[f] == 0 {
			delete(d.held, f) // uploaded and deleted by the upload itself
		}
	}
	d.mu.Unlock()
	return removed
}

// Run sweeps every Options.Every until ctx ends.
func (d *Dir) Run(ctx context.Context) {
	t := time.NewTicker(d.opts.Every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			n, err := d.Sweep()
			if err != nil {
				d.opts.Logger.Warn("work directory sweep", "dir", d.base, "err", err)
			} else if n > 0 {
				d.opts.Logger.Info("work directory: removed abandoned files", "dir", d.base, "removed", n)
			}
		}
	}
}

// Close removes this process's directory: its host queue stops with it, so no upload
// can use those files any more. Call it after the workers have stopped.
func (d *Dir) Close() error {
	var trash []string
	err := d.withBaseLock(func() error {
		to := filepath.Join(d.base, trashPrefix+"-"+filepath.Base(d.own))
		if err := os.Rename(d.own, to); err != nil {
			return err
		}
		trash = []string{to}
		return nil
	})
	d.ownLock.Close()
	if err != nil {
		return fmt.Errorf("work directory %s: %w", d.own, err)
	}
	if d.removeTrash(trash) != len(trash) {
		return fmt.Errorf("work directory %s: could not remove all files", d.own)
	}
	return nil
}
