package sourceside

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/temporal"

	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/source"
)

// The source side of locating differing rows (docs/checksums.md, "Locating
// differences"): bucket checksums and bucket rows of one partition, on the worker's
// one source connection. Both only read, and hold the snapshot for one query.

// locator returns the worker's source as a source.Locator, or the non-retryable error
// that names the platform lacking it.
func (a *Activities) locator(platform string) (source.Locator, error) {
	if err := a.checkPlatform(platform); err != nil {
		return nil, err
	}
	l, ok := a.src.(source.Locator)
	if !ok {
		msg := fmt.Sprintf("locating differing rows is not implemented for source platform %s yet: compare the partition's rows by hand (docs/checksums.md)", a.src.Platform())
		return nil, temporal.NewNonRetryableApplicationError(msg, migration.ErrTypeConfig, nil)
	}
	return l, nil
}

func bucketRequest(in sourceapi.BucketsInput) source.BucketRequest {
	return source.BucketRequest{
		ExtractRequest: source.ExtractRequest{Table: in.Table, TableShape: in.TableShape, Partition: in.Partition, Windowed: source.Windowed{Window: in.Window}},
		KeyColumns:     in.KeyColumns, KeysOnly: in.KeysOnly, Depth: in.Depth, Buckets: in.Buckets, Limit: in.Limit,
	}
}

// BucketChecksums implements sourceapi.BucketChecksumsName.
func (a *Activities) BucketChecksums(ctx context.Context, in sourceapi.BucketsInput) (sourceapi.BucketChecksumsResult, error) {
	l, err := a.locator(in.Platform)
	if err != nil {
		return sourceapi.BucketChecksumsResult{}, err
	}
	stop := keepAlive(ctx, func() Progress { return Progress{} }) // one scan of the partition's range
	b, err := l.BucketChecksums(ctx, bucketRequest(in))
	stop()
	if err != nil {
		return sourceapi.BucketChecksumsResult{}, boundary(fmt.Sprintf("bucket checksums of partition %d of %s", in.Partition.Number, in.TableKey), err)
	}
	return sourceapi.BucketChecksumsResult{Buckets: b}, nil
}

// BucketRows implements sourceapi.BucketRowsName: at most in.Limit rows, and no more
// than in.MaxBytes of text (TooLarge then: the workflow splits the buckets deeper).
func (a *Activities) BucketRows(ctx context.Context, in sourceapi.BucketsInput) (sourceapi.BucketRowsResult, error) {
	l, err := a.locator(in.Platform)
	if err != nil {
		return sourceapi.BucketRowsResult{}, err
	}
	stop := keepAlive(ctx, func() Progress { return Progress{} })
	rows, err := l.BucketRows(ctx, bucketRequest(in))
	stop()
	if err != nil {
		return sourceapi.BucketRowsResult{}, boundary(fmt.Sprintf("bucket rows of partition %d of %s", in.Partition.Number, in.TableKey), err)
	}
	maxBytes := in.MaxBytes
	if maxBytes <= 0 {
		maxBytes = sourceapi.DefaultMaxBucketBytes
	}
	size := 0
	for i, r := range rows {
		if size += len(r.Key) + len(r.Row) + 32; size > maxBytes {
			return sourceapi.BucketRowsResult{Rows: rows[:i], TooLarge: true}, nil
		}
	}
	return sourceapi.BucketRowsResult{Rows: rows}, nil
}
