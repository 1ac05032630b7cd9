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

// fakeLocator records the request and answers fixed buckets and rows (the SQL is
// tested against real PostgreSQL in source/postgres; this tests the activity boundary).
type fakeLocator struct {
	plainSource
	got  source.BucketRequest
	rows []migration.RowImage
	err  error
}

func (f *fakeLocator) BucketChecksums(_ context.Context, req source.BucketRequest) ([]migration.Bucket, error) {
	f.got = req
	return []migration.Bucket{{Prefix: "a", Checksum: "v1:1:2:3"}}, f.err
}

func (f *fakeLocator) BucketRows(_ context.Context, req source.BucketRequest) ([]migration.RowImage, error) {
	f.got = req
	return f.rows, f.err
}

func TestLocateActivities(t *testing.T) {
	low := "5"
	in := sourceapi.BucketsInput{
		ExtractInput: sourceapi.ExtractInput{Platform: config.PlatformRedshift, TableKey: "dev.public.t", Partition: migration.Partition{Number: 3},
			Window: &migration.WatermarkWindow{Column: "u", Low: &low}},
		KeyColumns: []int{1}, KeysOnly: true, Depth: 2, Buckets: []string{"0a"}, Limit: 10,
	}
	a := &Activities{src: plainSource{}}
	_, err := a.BucketChecksums(context.Background(), in)
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) || !ae.NonRetryable() || !strings.Contains(err.Error(), "not implemented for source platform redshift") {
		t.Fatalf("a source without a Locator: %v", err)
	}
	f := &fakeLocator{rows: []migration.RowImage{{Key: "1", Row: "1|a"}, {Key: "2", Row: "2|" + strings.Repeat("x", 100)}, {Key: "3", Row: "3|c"}}}
	a = &Activities{src: f}
	b, err := a.BucketChecksums(context.Background(), in)
	if err != nil || len(b.Buckets) != 1 || b.Buckets[0].Checksum != "v1:1:2:3" {
		t.Fatalf("%+v %v", b, err)
	}
	if g := f.got; g.Partition.Number != 3 || g.Window == nil || *g.Window.Low != "5" || !g.KeysOnly || g.Depth != 2 || g.Buckets[0] != "0a" || g.KeyColumns[0] != 1 || g.Limit != 10 {
		t.Errorf("request not passed through: %+v", g)
	}
	r, err := a.BucketRows(context.Background(), in)
	if err != nil || len(r.Rows) != 3 || r.TooLarge {
		t.Fatalf("%+v %v", r, err)
	}
	in.MaxBytes = 150 // the second row's text passes it: the listing stops before it
	r, err = a.BucketRows(context.Background(), in)
	if err != nil || len(r.Rows) != 1 || !r.TooLarge {
		t.Fatalf("byte bound: %+v %v", r, err)
	}
	f.err = source.ErrConfig
	if _, err := a.BucketRows(context.Background(), in); !errors.As(err, &ae) || !ae.NonRetryable() || ae.Type() != migration.ErrTypeConfig {
		t.Fatalf("config error: %v", err)
	}
	in.Platform = config.PlatformPostgreSQL
	if _, err := a.BucketChecksums(context.Background(), in); !errors.As(err, &ae) || ae.Type() != migration.ErrTypeWrongPlatform {
		t.Fatalf("another platform's work accepted: %v", err)
	}
}
