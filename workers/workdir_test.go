package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/workers/workdir"
)

// The source worker registers Extract and Upload through trackExtract and trackUpload:
// the files an extract returned survive the work directory's sweeps while they wait
// for their upload and while the upload reads them, and are swept once abandoned. A
// file no activity claimed is swept at once.
func TestWorkDirTracksExtractAndUpload(t *testing.T) {
	// Abandon at once: only an activity's own claim keeps a file.
	wd, err := workdir.Open(filepath.Join(t.TempDir(), "work"), workdir.Options{Abandon: time.Nanosecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer wd.Close()
	old := time.Now().Add(-2 * time.Hour)
	age := func(p string) { // as if written long ago
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	write := func(name string) string {
		p := filepath.Join(wd.Path(), "M1", "db.public.t", name, "part-0.parquet")
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	exists := func(p string) bool { _, err := os.Stat(p); return err == nil }
	sweep := func() {
		t.Helper()
		if _, err := wd.Sweep(); err != nil {
			t.Fatal(err)
		}
	}

	var sweptDuringExtract bool
	extract := trackExtract(wd, func(_ context.Context, in sourceapi.ExtractInput) (sourceapi.ExtractResult, error) {
		p := write("1")
		sweep() // a sweep while the extract runs
		sweptDuringExtract = !exists(p)
		return sourceapi.ExtractResult{Files: []migration.FileRef{{Name: "part-0.parquet", Path: p, Bytes: 1}}}, nil
	})
	res, err := extract(context.Background(), sourceapi.ExtractInput{})
	if err != nil {
		t.Fatal(err)
	}
	if sweptDuringExtract {
		t.Fatal("a running extract's file was swept")
	}
	age(res.Files[0].Path) // the upload comes late: only the claims keep the file now
	orphan := write("2")   // written by nobody the worker knows of
	age(orphan)
	var keptDuringUpload bool
	upload := trackUpload(wd, func(_ context.Context, in sourceapi.UploadInput) (sourceapi.UploadResult, error) {
		sweep() // a sweep while the upload reads the files
		keptDuringUpload = exists(in.Files[0].Path)
		return sourceapi.UploadResult{}, nil
	})
	if _, err := upload(context.Background(), sourceapi.UploadInput{Files: res.Files}); err != nil {
		t.Fatal(err)
	}
	if !keptDuringUpload {
		t.Fatal("an upload's file was swept while it read it")
	}
	if exists(orphan) {
		t.Error("a file no activity claimed survived the sweep")
	}
	time.Sleep(time.Millisecond) // past Abandon
	sweep()
	if exists(res.Files[0].Path) {
		t.Error("an abandoned partition's file survived the sweep")
	}
}
