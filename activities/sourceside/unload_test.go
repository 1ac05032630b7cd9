package sourceside

import (
	"context"
	"errors"
	"strings"
	"testing"

	"go.temporal.io/sdk/temporal"

	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// plainSource is a source without UNLOAD; unloader adds it.
type plainSource struct{ source.Source }

func (plainSource) Platform() string { return config.PlatformRedshift }

type unloader struct {
	plainSource
	got     source.UnloadRequest
	removed string
	err     error
}

func (u *unloader) Unload(_ context.Context, req source.UnloadRequest) (source.UnloadStats, error) {
	u.got = req
	if u.err != nil {
		return source.UnloadStats{}, u.err
	}
	return source.UnloadStats{Files: []migration.FileRef{{Path: req.URL + "0000_part_00.parquet", Name: "0000_part_00.parquet", Rows: 7, Bytes: 70}},
		Rows: 7, Bytes: 70, Fields: []string{"c0"}}, nil
}

// checksumUnloaderFake also computes the checksum in the UNLOAD's transaction.
type checksumUnloaderFake struct {
	unloader
	calls int
}

func (c *checksumUnloaderFake) UnloadChecksum(ctx context.Context, req source.UnloadRequest) (source.UnloadStats, string, error) {
	c.calls++
	st, err := c.Unload(ctx, req)
	if err != nil {
		return st, "", err
	}
	return st, "v1:7:11:13", nil
}

func (u *unloader) RemoveUnloaded(_ context.Context, url string) (int, error) {
	u.removed = url
	return 2, nil
}

func TestUnloadActivity(t *testing.T) {
	in := sourceapi.UnloadInput{Migration: "m", Platform: config.PlatformRedshift, TableKey: "dev.public.t",
		Partition: migration.Partition{Number: 4}, URL: "s3://b/p/m/dev.public.t/4/"}
	a := &Activities{src: plainSource{}}
	_, err := a.Unload(context.Background(), in)
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) || !ae.NonRetryable() || !strings.Contains(err.Error(), "cannot UNLOAD") {
		t.Fatalf("a source without UNLOAD: %v", err)
	}
	u := &unloader{}
	a = &Activities{src: u}
	res, err := a.Unload(context.Background(), in)
	if err != nil || u.got.URL != in.URL || u.got.Partition.Number != 4 || strings.Join(res.Files, ",") != "0000_part_00.parquet" || res.Rows != 7 || res.Fields[0] != "c0" {
		t.Fatalf("%+v %v (request %+v)", res, err, u.got)
	}
	if res.Checksum != "" {
		t.Fatalf("a source without UnloadChecksum gave checksum %q", res.Checksum)
	}
	u.err = source.ErrPermission
	if _, err := a.Unload(context.Background(), in); !errors.As(err, &ae) || !ae.NonRetryable() {
		t.Fatalf("permission error: %v", err)
	}
	// a source that checksums what it unloads: the checksum reaches the result
	cu := &checksumUnloaderFake{}
	ac := &Activities{src: cu}
	res, err = ac.Unload(context.Background(), in)
	if err != nil || cu.calls != 1 || res.Checksum != "v1:7:11:13" || res.Rows != 7 || cu.got.URL != in.URL {
		t.Fatalf("checksumming source: %+v %v (%d calls)", res, err, cu.calls)
	}
	cu.err = source.ErrPermission
	if _, err := ac.Unload(context.Background(), in); !errors.As(err, &ae) || !ae.NonRetryable() {
		t.Fatalf("checksumming source, permission error: %v", err)
	}
	in.Platform = config.PlatformPostgreSQL
	if _, err := a.Unload(context.Background(), in); err == nil {
		t.Fatal("another platform's work accepted")
	}
	r, err := a.RemoveUnloaded(context.Background(), sourceapi.RemoveUnloadedInput{Platform: config.PlatformRedshift, URL: "s3://b/p/"})
	if err != nil || r.Removed != 2 || u.removed != "s3://b/p/" {
		t.Fatalf("remove %+v %v", r, err)
	}
}
