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
// the count and the checksum). With a watermark window (a re-run partition,
// docs/sync.md) both are restricted to the range's rows in the window: the rows the
// run loaded. It marks the partition COMPLETED, or FAILED with the numbers
// (PARTITION_METADATA, hence DATA_MIGRATION_ERROR) and fails non-retryably with
// ChecksumMismatch.
//
// A merge (trackModifications) keeps one version per key, so the target's rows of the
// window are the extracted rows only when every extracted row became a key's target
// row (in.RowsMerged = in.RowsExtracted) and no other row of the window is in the
// range. Otherwise the value cannot be compared (verifyMergeProof); the partition is
// then proven by the load's row count (COPY loaded every extracted row) and the reason
// is returned and recorded in MIGRATION_WARNING.
func (a *Activities) VerifyPartition(ctx context.Context, in snowflakeapi.VerifyPartitionInput) (snowflakeapi.VerifyPartitionResult, error) {
	n := in.Partition.Number
	where := fmt.Sprintf("partition %d of %s", n, in.TableKey)
	var (
		q      string
		err    error
		source checksum.Sum
	)
	withSum := in.SourceChecksum != ""
	if withSum {
		if source, err = checksum.Parse(in.SourceChecksum); err != nil {
			return snowflakeapi.VerifyPartitionResult{}, temporal.NewNonRetryableApplicationError(where+": "+err.Error(), migration.ErrTypeConfig, err)
		}
		q, err = snowflake.ChecksumWindowSQL(in.Target, in.Columns, in.PartitionBy, in.Partition, in.Window)
	} else {
		q, err = snowflake.CountWindowSQL(in.Target, in.Columns, in.PartitionBy, in.Partition, in.Window)
	}
	if err != nil {
		return snowflakeapi.VerifyPartitionResult{}, temporal.NewNonRetryableApplicationError(where+": "+err.Error(), migration.ErrTypeConfig, err)
	}
	db, err := a.db(ctx, in.ConnectionName)
	if err != nil {
		return snowflakeapi.VerifyPartitionResult{}, err
	}
	var res snowflakeapi.VerifyPartitionResult
	row := snowflake.PartitionRow{
		Number: n, Lower: in.Partition.Lower, Upper: in.Partition.Upper, NullKeys: in.Partition.NullKeys,
		Status: migration.StatusCompleted, RowsExtract: &in.RowsExtracted, Attempts: attempt(ctx), At: a.now(),
	}
	if in.Merge && in.RowsMerged != in.RowsExtracted {
		// Several versions of a key: nothing on the target corresponds to the extracted
		// rows one for one, so no target query can prove them (the load proved the count).
		res.ValueNotCompared = fmt.Sprintf("%s: %d rows extracted were merged into %d keys (several versions of a key in the window, "+
			"a newer version already in the target, or a retry that found the partition merged by an earlier attempt): the target keeps one version per key, so the rows are proven by count only (COPY loaded all %d)",
			where, in.RowsExtracted, in.RowsMerged, in.RowsLoaded)
		return res, a.recordCheck(ctx, db, in, row, res.ValueNotCompared, nil)
	}
	stop := a.startHeartbeat(ctx, "check "+where)
	target, sum, err := scanCheck(ctx, db, q, withSum)
	stop()
	if err != nil {
		return snowflakeapi.VerifyPartitionResult{}, classify(err, "check the target rows of "+where)
	}
	res.TargetRows = target
	if withSum {
		res.TargetChecksum = sum.String()
	}
	rangeText := "rows in the target range"
	if in.Window != nil {
		rangeText = "rows of the watermark window in the target range" // above its low mark (snowflake.CountWindowSQL)
	}
	var mismatch error
	switch {
	case in.RowsExtracted != in.RowsLoaded || (in.RowsLoaded != target && !(in.Merge && target > in.RowsLoaded)):
		msg := fmt.Sprintf("%s: rows extracted %d, rows loaded %d, %s %d (%s); "+
			"the target holds rows this migration did not load or lost some: check for other writers to the table, then re-run the migration",
			where, in.RowsExtracted, in.RowsLoaded, rangeText, target, snowflake.TableName(in.Target))
		if withSum {
			// The workflow locates the rows behind a mismatch of a partition with a value
			// checksum (workflows.LocateDifferences): say where they are listed.
			msg += "; the workflow lists the missing and extra rows in DATA_MIGRATION_ERROR (DIFFERENCE_KIND, ROW_KEY)"
		}
		row.Status, row.Error = migration.StatusFailed, msg
		mismatch = temporal.NewNonRetryableApplicationError(msg, migration.ErrTypeChecksumMismatch, nil)
	case in.Merge && target > in.RowsLoaded:
		// Rows of the window the source no longer has: merged by an earlier, failed run
		// of the same window and deleted at the source since (a merge deletes nothing).
		res.ValueNotCompared = fmt.Sprintf("%s: the target range holds %d rows of the watermark window, %d were merged by this run: "+
			"the others were merged by an earlier failed run and have left the source since (a merge never deletes; see trackDeletions), "+
			"so the rows are proven by count only", where, target, in.RowsMerged)
	case withSum && sum != source:
		msg := fmt.Sprintf("%s: value checksum mismatch (%s): source %s, target %s, %d rows on both sides; "+
			"some values differ between what was extracted and what the target holds in this key range%s; "+
			"the workflow locates the differing rows and lists them in DATA_MIGRATION_ERROR (DIFFERENCE_KIND, ROW_KEY, COLUMN_NAME, SOURCE_VALUE, TARGET_VALUE): "+
			"fix what changed them (another writer to the table, a columnTypeMappings entry that rounds or truncates), then re-run the migration",
			where, snowflake.TableName(in.Target), source, sum, target, windowText(in.Window))
		row.Status, row.Error = migration.StatusFailed, msg
		mismatch = temporal.NewNonRetryableApplicationError(msg, migration.ErrTypeChecksumMismatch, nil,
			map[string]string{"sourceChecksum": source.String(), "targetChecksum": sum.String()})
	}
	return res, a.recordCheck(ctx, db, in, row, res.ValueNotCompared, mismatch)
}

// windowText names a watermark window in a message ("" without one).
func windowText(w *migration.WatermarkWindow) string {
	if w == nil {
		return ""
	}
	low, high := "", "(none)"
	if w.Low != nil {
		low = *w.Low
	}
	if w.High != nil {
		high = *w.High
	}
	return fmt.Sprintf(", among its rows with %s above the low mark %q (the run's watermark window %q < %s <= %q)", w.Column, low, low, w.Column, high)
}

// valueNotComparedCategory is the MIGRATION_WARNING category of a re-run partition
// whose value checksum could not be compared (VerifyPartitionResult.ValueNotCompared).
const valueNotComparedCategory = "VALUE_NOT_COMPARED"

// recordCheck records the partition's check on its metadata row, and the reason its
// value was not compared when there is one, then returns the mismatch. The mirror
// writes are best effort next to a real failure.
func (a *Activities) recordCheck(ctx context.Context, db *sql.DB, in snowflakeapi.VerifyPartitionInput, row snowflake.PartitionRow, notCompared string, mismatch error) error {
	where := fmt.Sprintf("partition %d of %s", row.Number, in.TableKey)
	mq, err := snowflake.MergePartitionsSQL(a.meta, in.Migration, in.MigrationRunID, in.TableKey, "", []snowflake.PartitionRow{row})
	if err == nil {
		_, err = a.exec(ctx, db, "record the check of "+where, mq)
	}
	if err == nil && notCompared != "" {
		var wq string
		if wq, err = snowflake.MergeWarningsSQL(a.meta, in.Migration, in.MigrationRunID, in.TableKey, in.TableKey, valueNotComparedCategory, []string{notCompared}, a.now()); err == nil {
			_, err = a.exec(ctx, db, "record why the value of "+where+" was not compared", wq)
		}
	}
	if mismatch != nil {
		return mismatch
	}
	return err
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
