package engine

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// maxStageFiles bounds every listing so that a runaway directory cannot stall a statement.
const maxStageFiles = 100000

// stageFile is one file in a stage; Path is relative to the stage root with '/'.
type stageFile struct {
	Path         string
	Size         int64
	MD5          string
	LastModified time.Time
}

// stageStore is where a stage's files live: a local directory (internal stages, which
// the driver writes to directly on PUT) or an S3 prefix (external stages).
type stageStore interface {
	// list returns the files whose path starts with prefix, sorted by path.
	list(ctx context.Context, prefix string) ([]stageFile, error)
	// fetch makes the file readable by DuckDB and returns its local path; temp says
	// whether the caller must delete it afterwards.
	fetch(ctx context.Context, f stageFile, tmpDir string) (path string, temp bool, err error)
	remove(ctx context.Context, paths []string) error
}

// localStore is an internal stage directory.
type localStore struct{ root string }

func (st localStore) list(ctx context.Context, prefix string) ([]stageFile, error) {
	var out []stageFile
	err := filepath.WalkDir(st.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			return ctx.Err()
		}
		rel, err := filepath.Rel(st.root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if !strings.HasPrefix(rel, prefix) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		sum, err := fileMD5(p, info)
		if err != nil {
			return err
		}
		out = append(out, stageFile{Path: rel, Size: info.Size(), MD5: sum, LastModified: info.ModTime().UTC()})
		if len(out) > maxStageFiles {
			return fmt.Errorf("stage directory %s holds more than %d files: narrow the path", st.root, maxStageFiles)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list stage files: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func (st localStore) fetch(_ context.Context, f stageFile, _ string) (string, bool, error) {
	return filepath.Join(st.root, filepath.FromSlash(f.Path)), false, nil
}

func (st localStore) remove(_ context.Context, paths []string) error {
	for _, p := range paths {
		if err := os.Remove(filepath.Join(st.root, filepath.FromSlash(p))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove stage file %s: %w", p, err)
		}
	}
	return nil
}

// md5Cache avoids re-hashing unchanged files on every LIST/COPY: the key includes size
// and modification time, so a rewritten file is hashed again.
var md5Cache sync.Map // md5Key -> string

type md5Key struct {
	path  string
	size  int64
	mtime int64
}

func fileMD5(path string, info fs.FileInfo) (string, error) {
	k := md5Key{path, info.Size(), info.ModTime().UnixNano()}
	if v, ok := md5Cache.Load(k); ok {
		return v.(string), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := md5.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	md5Cache.Store(k, sum)
	return sum, nil
}

// safeComponent makes a Snowflake identifier usable as one directory name.
func safeComponent(name string) string {
	r := strings.NewReplacer("/", "%2F", "\\", "%5C", "\x00", "%00")
	s := r.Replace(name)
	if s == "." || s == ".." || s == "" {
		s = "%" + s
	}
	return s
}
