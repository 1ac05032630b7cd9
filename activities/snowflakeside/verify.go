package snowflakeside

import (
	"context"
	"database/sql"
	"fmt"

	"go.temporal.io/sdk/temporal"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/checksum"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/snowflake"
)

// VerifyPartition checks rows extracted = rows loaded = rows in the target's range and,
// when the extractor's checksum is given (in.SourceChecksum), that the target rows of
// the range have the same value checksum (docs/checksums.md: one scan computes both
// the count and the checksum). It marks the partition COMPLETED, or FAILED with the
// numbers (PARTITION_METADATA, hence DATA_MIGRATION_ERROR) and fails non-retryably
// with ChecksumMismatch.
func (a *Activities) VerifyPartition(ctx context.Context, in snowflakeapi.VerifyPartitionInput) (snowflakeapi.VerifyPartitionResult, error) {
	n := in.Partition.Number
	where := fmt.Sprintf("partition %d of %s", n, in.TableKey)
	var (
		q      string
		err    error
		source checksum.Sum
	)
	if in.SourceChecksum != "" {
		if source, err = checksum.Parse(in.SourceChecksum); err != nil {
			return snowflakeapi.VerifyPartitionResult{}, temporal.NewNonRetryableApplicationError(where+": "+err.Error(), migration.ErrTypeConfig, err)
		}
		q, err = snowflake.ChecksumRangeSQL(in.Target, in.Columns, in.PartitionBy, in.Partition)
	} else {
		q, err = snowflake.CountRangeSQL(in.Target, in.Columns, in.PartitionBy, in.Partition)
	}
	if err != nil {
		return snowflakeapi.VerifyPartitionResult{}, temporal.NewNonRetryableApplicationError(where+": "+err.Error(), migration.ErrTypeConfig, err)
	}
	db, err := a.db(ctx, in.ConnectionName)
	if err != nil {
		return snowflakeapi.VerifyPartitionResult{}, err
	}
	stop := a.startHeartbeat(ctx, "check "+where)
	target, sum, err := scanCheck(ctx, db, q, in.SourceChecksum != "")
	stop()
	if err != nil {
		return snowflakeapi.VerifyPartitionResult{}, classify(err, "check the target rows of "+where)
	}
	res := snowflakeapi.VerifyPartitionResult{TargetRows: target}
	if in.SourceChecksum != "" {
		res.TargetChecksum = sum.String()
	}
	row := snowflake.PartitionRow{
		Number: n, Lower: in.Partition.Lower, Upper: in.Partition.Upper, NullKeys: in.Partition.NullKeys,
		Status: migration.StatusCompleted, RowsExtract: &in.RowsExtracted, Attempts: attempt(ctx), At: a.now(),
	}
	var mismatch error
	switch {
	case in.RowsExtracted != in.RowsLoaded || in.RowsLoaded != target:
		msg := fmt.Sprintf("%s: rows extracted %d, rows loaded %d, rows in the target range %d (%s); "+
			"the target holds rows this migration did not load or lost some: check for other writers to the table, then re-run the migration",
			where, in.RowsExtracted, in.RowsLoaded, target, snowflake.TableName(in.Target))
		if in.SourceChecksum != "" {
			// The workflow locates the rows behind a mismatch of a partition with a value
			// checksum (workflows.LocateDifferences): say where they are listed.
			msg += "; the workflow lists the missing and extra rows in DATA_MIGRATION_ERROR (DIFFERENCE_KIND, ROW_KEY)"
		}
		row.Status, row.Error = migration.StatusFailed, msg
		mismatch = temporal.NewNonRetryableApplicationError(msg, migration.ErrTypeChecksumMismatch, nil)
	case in.SourceChecksum != "" && sum != source:
		msg := fmt.Sprintf("%s: value checksum mismatch (%s): source %s, target %s, %d rows on both sides; "+
			"some values differ between what was extracted and what the target holds in this key range; "+
			"the workflow locates the differing rows and lists them in DATA_MIGRATION_ERROR (DIFFERENCE_KIND, ROW_KEY, COLUMN_NAME, SOURCE_VALUE, TARGET_VALUE): "+
			"fix what changed them (another writer to the table, a columnTypeMappings entry that rounds or truncates), then re-run the migration",
			where, snowflake.TableName(in.Target), source, sum, target)
		row.Status, row.Error = migration.StatusFailed, msg
		mismatch = temporal.NewNonRetryableApplicationError(msg, migration.ErrTypeChecksumMismatch, nil,
			map[string]string{"sourceChecksum": source.String(), "targetChecksum": sum.String()})
	}
	mq, err := snowflake.MergePartitionsSQL(a.meta, in.Migration, in.MigrationRunID, in.TableKey, "", []snowflake.PartitionRow{row})
	if err == nil {
		_, err = a.exec(ctx, db, "record the check of "+where, mq)
	}
	if mismatch != nil {
		return res, mismatch // the mirror write is best effort next to the real failure
	}
	if err != nil {
		return res, err
	}
	return res, nil
}

// scanCheck runs the count query (one column) or the checksum query (count and the
// two sums, read as text: they exceed 64 bits).
func scanCheck(ctx context.Context, db *sql.DB, q string, withSum bool) (int64, checksum.Sum, error) {
	var rows int64
	if !withSum {
		err := db.QueryRowContext(ctx, q).Scan(&rows)
		return rows, checksum.Sum{}, err
	}
	var up, lo string
	if err := db.QueryRowContext(ctx, q).Scan(&rows, &up, &lo); err != nil {
		return 0, checksum.Sum{}, err
	}
	sum, err := checksum.FromParts(rows, up, lo)
	return rows, sum, err
}
