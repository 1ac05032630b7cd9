package snowflakeside

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/temporal"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/checksum"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/snowflake"
)

// The target side of locating differing rows (docs/checksums.md, "Locating
// differences"): bucket checksums and bucket rows of a partition's key range, and the
// record of what was found.

// maxDifferencesPerStatement bounds one MERGE into ROW_DIFFERENCE (values are clipped
// to 16 kB each, so a statement stays a few MB at worst).
const maxDifferencesPerStatement = 100

func bucketQuery(in snowflakeapi.BucketsInput) snowflake.BucketQuery {
	return snowflake.BucketQuery{
		Target: in.Target, Columns: in.Columns, PartitionBy: in.PartitionBy, Partition: in.Partition, Window: in.Window,
		KeyColumns: in.KeyColumns, KeysOnly: in.KeysOnly, Depth: in.Depth, Buckets: in.Buckets, Limit: in.Limit,
	}
}

// BucketChecksums returns the checksum of every non-empty key-hash bucket of the
// target rows in the partition's range (under in.Buckets when set), in prefix order.
func (a *Activities) BucketChecksums(ctx context.Context, in snowflakeapi.BucketsInput) (snowflakeapi.BucketChecksumsResult, error) {
	where := fmt.Sprintf("partition %d of %s", in.Partition.Number, snowflake.TableName(in.Target))
	q, err := snowflake.BucketChecksumsSQL(bucketQuery(in))
	if err != nil {
		return snowflakeapi.BucketChecksumsResult{}, temporal.NewNonRetryableApplicationError(where+": "+err.Error(), migration.ErrTypeConfig, err)
	}
	db, err := a.db(ctx, in.ConnectionName)
	if err != nil {
		return snowflakeapi.BucketChecksumsResult{}, err
	}
	stop := a.startHeartbeat(ctx, "bucket checksums of "+where)
	defer stop()
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return snowflakeapi.BucketChecksumsResult{}, classify(err, "bucket checksums of "+where)
	}
	defer rows.Close()
	res := snowflakeapi.BucketChecksumsResult{Buckets: []migration.Bucket{}}
	for rows.Next() {
		var (
			prefix, up, lo string
			n              int64
		)
		if err := rows.Scan(&prefix, &n, &up, &lo); err != nil {
			return snowflakeapi.BucketChecksumsResult{}, classify(err, "bucket checksums of "+where)
		}
		sum, err := checksum.FromParts(n, up, lo)
		if err != nil {
			return snowflakeapi.BucketChecksumsResult{}, fmt.Errorf("bucket %s of %s: %w", prefix, where, err)
		}
		res.Buckets = append(res.Buckets, migration.Bucket{Prefix: prefix, Checksum: sum.String()})
	}
	if err := rows.Err(); err != nil {
		return snowflakeapi.BucketChecksumsResult{}, classify(err, "bucket checksums of "+where)
	}
	return res, nil
}

// BucketRows lists the key and row texts of the target rows under in.Buckets, ordered
// by key text, at most in.Limit rows and about in.MaxBytes of text (TooLarge when cut
// there: the workflow splits the buckets deeper).
func (a *Activities) BucketRows(ctx context.Context, in snowflakeapi.BucketsInput) (snowflakeapi.BucketRowsResult, error) {
	where := fmt.Sprintf("partition %d of %s", in.Partition.Number, snowflake.TableName(in.Target))
	q, err := snowflake.BucketRowsSQL(bucketQuery(in))
	if err != nil {
		return snowflakeapi.BucketRowsResult{}, temporal.NewNonRetryableApplicationError(where+": "+err.Error(), migration.ErrTypeConfig, err)
	}
	db, err := a.db(ctx, in.ConnectionName)
	if err != nil {
		return snowflakeapi.BucketRowsResult{}, err
	}
	maxBytes := in.MaxBytes
	if maxBytes <= 0 {
		maxBytes = snowflakeapi.DefaultMaxBucketBytes
	}
	stop := a.startHeartbeat(ctx, "bucket rows of "+where)
	defer stop()
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return snowflakeapi.BucketRowsResult{}, classify(err, "bucket rows of "+where)
	}
	defer rows.Close()
	res := snowflakeapi.BucketRowsResult{Rows: []migration.RowImage{}}
	size := 0
	for rows.Next() {
		var r migration.RowImage
		if err := rows.Scan(&r.Key, &r.Row); err != nil {
			return snowflakeapi.BucketRowsResult{}, classify(err, "bucket rows of "+where)
		}
		if size += len(r.Key) + len(r.Row) + 32; size > maxBytes {
			res.TooLarge = true
			break
		}
		res.Rows = append(res.Rows, r)
	}
	if err := rows.Err(); err != nil {
		return snowflakeapi.BucketRowsResult{}, classify(err, "bucket rows of "+where)
	}
	return res, nil
}

// RecordDifferences writes a partition's located differences into ROW_DIFFERENCE
// (numbered in the order given; a retry rewrites the same rows), batched.
func (a *Activities) RecordDifferences(ctx context.Context, in snowflakeapi.RecordDifferencesInput) error {
	if len(in.Differences) == 0 {
		return nil
	}
	db, err := a.db(ctx, in.ConnectionName)
	if err != nil {
		return err
	}
	at := a.now()
	for from := 0; from < len(in.Differences); from += maxDifferencesPerStatement {
		to := min(from+maxDifferencesPerStatement, len(in.Differences))
		batch := make([]snowflake.RowDifferenceRow, 0, to-from)
		for i := from; i < to; i++ {
			batch = append(batch, snowflake.RowDifferenceRow{Number: i + 1, RowDifference: in.Differences[i]})
		}
		q, err := snowflake.MergeRowDifferencesSQL(a.meta, in.Migration, in.MigrationRunID, in.TableKey, in.SourceIdentifier, in.Partition, batch, in.Truncated, at)
		if err != nil {
			return temporal.NewNonRetryableApplicationError(err.Error(), migration.ErrTypeConfig, err)
		}
		if _, err := a.exec(ctx, db, fmt.Sprintf("record the row differences of partition %d of %s", in.Partition, in.TableKey), q); err != nil {
			return err
		}
	}
	return nil
}
