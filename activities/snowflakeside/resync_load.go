package snowflakeside

import (
	"context"
	"database/sql"
	"fmt"

	sf "github.com/snowflakedb/gosnowflake"
	"go.temporal.io/sdk/temporal"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/snowflake"
)

// Re-sync by checksum (docs/sync.md), Snowflake side: the baselines a re-run compares
// with, the replace of a changed partition's key range, and the record of the
// partitions that did not change.

// ReadChecksumBaselines implements snowflakeapi.ReadChecksumBaselinesName: one page of
// the partitions a run recorded, as planned, with the checksum each completed with.
func (a *Activities) ReadChecksumBaselines(ctx context.Context, in snowflakeapi.ReadChecksumBaselinesInput) (snowflakeapi.ReadChecksumBaselinesResult, error) {
	var res snowflakeapi.ReadChecksumBaselinesResult
	if in.MaxPartitions <= 0 {
		in.MaxPartitions = 200
	}
	db, err := a.db(ctx, in.ConnectionName)
	if err != nil {
		return res, err
	}
	stop := a.startHeartbeat(ctx, "read the checksum baselines of "+in.TableKey)
	defer stop()
	what := fmt.Sprintf("read the checksum baselines run %s recorded for %s", in.BaselineRunID, in.TableKey)
	rows, err := db.QueryContext(ctx, snowflake.SelectChecksumBaselinesSQL(a.meta, in.Migration, in.BaselineRunID, in.TableKey, in.AfterNumber, in.MaxPartitions+1))
	if err != nil {
		return res, classify(err, what)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			n                     int64
			lower, upper, sum, fp sql.NullString
			nulls                 sql.NullBool
		)
		if err := rows.Scan(&n, &lower, &upper, &nulls, &sum, &fp); err != nil {
			return res, classify(err, what)
		}
		b := snowflakeapi.ChecksumBaseline{Partition: migration.Partition{Number: int(n), NullKeys: nulls.Valid && nulls.Bool}, Checksum: sum.String, Fingerprint: fp.String}
		if b.Partition.Lower, err = boundOf(lower); err == nil {
			b.Partition.Upper, err = boundOf(upper)
		}
		if err != nil {
			return res, fmt.Errorf("%s: partition %d: %w", what, n, err)
		}
		res.Partitions = append(res.Partitions, b)
	}
	if err := rows.Err(); err != nil {
		return res, classify(err, what)
	}
	res.Done = len(res.Partitions) <= in.MaxPartitions
	if !res.Done {
		res.Partitions = res.Partitions[:in.MaxPartitions]
	}
	return res, nil
}

// RecordResyncSkip implements snowflakeapi.RecordResyncSkipName: the unchanged
// partitions become COMPLETED / SKIPPED rows of this run carrying their checksum, the
// baseline of the next run. One MERGE per call (idempotent: a retry rewrites the same
// rows).
func (a *Activities) RecordResyncSkip(ctx context.Context, in snowflakeapi.RecordResyncSkipInput) error {
	if len(in.Skips) == 0 {
		return nil
	}
	db, err := a.db(ctx, in.ConnectionName)
	if err != nil {
		return err
	}
	rows := make([]snowflake.PartitionRow, len(in.Skips))
	zero := int64(0)
	for i, s := range in.Skips {
		p := s.Partition
		rows[i] = snowflake.PartitionRow{
			Number: p.Number, Lower: p.Lower, Upper: p.Upper, NullKeys: p.NullKeys,
			Status: migration.StatusCompleted, RowsExtract: &zero, Bytes: &zero, Attempts: attempt(ctx), At: a.now(),
			Checksum: s.Checksum, Fingerprint: s.Fingerprint, Action: snowflake.SyncActionSkipped, RowsDeleted: &zero,
		}
	}
	q, err := snowflake.MergePartitionsSQL(a.meta, in.Migration, in.MigrationRunID, in.TableKey, "", rows)
	if err != nil {
		return temporal.NewNonRetryableApplicationError("record skipped partitions of "+in.TableKey+": "+err.Error(), migration.ErrTypeConfig, err)
	}
	_, err = a.exec(ctx, db, fmt.Sprintf("record %d unchanged partitions of %s", len(rows), in.TableKey), q)
	return err
}

// LoadResyncPartition replaces one partition's key range exactly once, with the
// protocol of LoadPartition (transaction name, query tag, abort of an earlier
// attempt's open transaction, marker row, lock retries):
//
//	(autocommit) make sure the partition's metadata row exists, status LOADING
//	BEGIN TRANSACTION NAME <LoadTxnName>
//	  SELECT ... LOADED_AT               → already loaded: COMMIT, return the stored count
//	  DELETE FROM target WHERE <range>   → what the range held (old versions, deleted keys;
//	                                       not on a first run: RangeEmpty)
//	  COPY INTO target ...               → the range as the source holds it now
//	  UPDATE ... SET LOADED_AT ..., SOURCE_CHECKSUM, SOURCE_FINGERPRINT,
//	             SYNC_ACTION, ROWS_DELETED → the marker (must touch 1 row) and the new
//	                                       baseline, in one statement (MarkReplacedSQL)
//	COMMIT
//
// A kill anywhere before COMMIT leaves the range as it was (the next attempt aborts
// the open transaction and starts over); after COMMIT a retry finds the marker.
func (a *Activities) LoadResyncPartition(ctx context.Context, in snowflakeapi.LoadResyncPartitionInput) (snowflakeapi.LoadResyncPartitionResult, error) {
	n := in.Partition.Number
	where := fmt.Sprintf("partition %d of %s", n, in.TableKey)
	bad := func(err error) (snowflakeapi.LoadResyncPartitionResult, error) {
		return snowflakeapi.LoadResyncPartitionResult{}, temporal.NewNonRetryableApplicationError(where+": "+err.Error(), migration.ErrTypeConfig, err)
	}
	del := "" // in.RangeEmpty: nothing to delete, and no table lock held across the COPY
	if !in.RangeEmpty {
		var err error
		if del, err = snowflake.DeleteRangeSQL(in.Target, in.Columns, in.PartitionBy, in.Partition); err != nil {
			return bad(err)
		}
	}
	db, err := a.db(ctx, in.ConnectionName)
	if err != nil {
		return snowflakeapi.LoadResyncPartitionResult{}, err
	}
	cp := "" // a range whose rows all vanished has no files: the replace only deletes
	if len(in.Files) > 0 {
		buildCopy := snowflake.CopySQL
		if ice, err := icebergTable(ctx, db, in.Target); err != nil {
			return snowflakeapi.LoadResyncPartitionResult{}, classify(err, "read the table kind of "+snowflake.TableName(in.Target))
		} else if ice != nil {
			buildCopy = snowflake.CopyIcebergSQL
		}
		if cp, err = buildCopy(in.Target, in.Columns, in.StagePrefix, in.Files); err != nil {
			return bad(err)
		}
	}
	ensure, err := snowflake.MergePartitionsSQL(a.meta, in.Migration, in.MigrationRunID, in.TableKey, "", []snowflake.PartitionRow{{
		Number: n, Lower: in.Partition.Lower, Upper: in.Partition.Upper, NullKeys: in.Partition.NullKeys,
		Status: migration.StatusLoading, RowsExtract: &in.RowsExtracted, Bytes: &in.Bytes, Attempts: attempt(ctx), At: a.now(),
	}})
	if err != nil {
		return snowflakeapi.LoadResyncPartitionResult{}, classify(err, where)
	}
	st := resyncStatements{ensure: ensure, delete: del, copy: cp}
	ctx = sf.WithQueryTag(ctx, snowflake.LoadQueryTag(in.Migration, in.TableKey, n, attempt(ctx)))

	res, loaded, err := untilLockFree(ctx, a, "re-sync replace", "replace", where, in.TableKey, n, func() (snowflakeapi.LoadResyncPartitionResult, bool, error) {
		return a.resyncLoadOnce(ctx, db, in, st)
	})
	if err != nil {
		if rows, ok, rerr := a.loadedRows(ctx, db, in.LoadPartitionInput); rerr == nil && ok {
			return snowflakeapi.LoadResyncPartitionResult{RowsLoaded: rows, AlreadyLoaded: true}, nil
		}
		return snowflakeapi.LoadResyncPartitionResult{}, err
	}
	if loaded && len(in.Files) > 0 {
		a.removeStaged(ctx, db, in.StagePrefix)
	}
	return res, nil
}

// resyncStatements are one partition's statements, built once per activity.
type resyncStatements struct {
	ensure, delete, copy string
}

func (a *Activities) resyncLoadOnce(ctx context.Context, db *sql.DB, in snowflakeapi.LoadResyncPartitionInput, st resyncStatements) (_ snowflakeapi.LoadResyncPartitionResult, _ bool, err error) {
	var none snowflakeapi.LoadResyncPartitionResult
	n := in.Partition.Number
	where := fmt.Sprintf("partition %d of %s", n, in.TableKey)
	conn, err := db.Conn(ctx)
	if err != nil {
		return none, false, classify(err, where)
	}
	open := false
	defer func() { a.release(ctx, conn, open, err) }()
	name := snowflake.LoadTxnName(in.Migration, in.TableKey, n)
	a.abortPredecessors(ctx, conn, name, where)
	if _, err := a.exec(ctx, conn, "record the load of "+where, st.ensure); err != nil {
		return none, false, err
	}
	if _, err := conn.ExecContext(ctx, snowflake.BeginNamedSQL(name)); err != nil {
		return none, false, classify(err, "begin the replace of "+where)
	}
	open = true
	var txnID sql.NullString
	if err := conn.QueryRowContext(ctx, snowflake.CurrentTransactionSQL).Scan(&txnID); err != nil {
		return none, false, classify(err, "begin the replace of "+where)
	}
	if !txnID.Valid || txnID.String == "" {
		return none, false, fmt.Errorf("%s: CURRENT_TRANSACTION() is NULL right after BEGIN; retrying", where)
	}
	if rows, ok, err := a.loadedRows(ctx, conn, in.LoadPartitionInput); err != nil {
		return none, false, err
	} else if ok {
		if _, err := conn.ExecContext(ctx, snowflake.CommitSQL); err != nil {
			return none, false, classify(err, where)
		}
		open = false
		return snowflakeapi.LoadResyncPartitionResult{RowsLoaded: rows, AlreadyLoaded: true}, false, nil
	}
	var res snowflakeapi.LoadResyncPartitionResult
	if st.delete != "" {
		r, err := a.exec(ctx, conn, "delete the key range of "+where, st.delete)
		if err != nil {
			return none, false, err
		}
		res.RowsDeleted, _ = r.RowsAffected()
	}
	loadedRows := int64(0)
	if st.copy != "" {
		var files int
		loadedRows, files, err = a.copy(ctx, conn, where, st.copy)
		if err != nil {
			return none, false, err
		}
		if files == 0 && in.RowsExtracted > 0 {
			return none, false, temporal.NewNonRetryableApplicationError(fmt.Sprintf(
				"%s: no staged files found under %s (expected %d rows in %d files): the upload is missing; extract the partition again",
				where, in.StagePrefix, in.RowsExtracted, len(in.Files)), snowflakeapi.ErrTypeStagedFiles, nil)
		}
	}
	if loadedRows != in.RowsExtracted {
		return none, false, temporal.NewNonRetryableApplicationError(fmt.Sprintf(
			"%s: COPY loaded %d rows but extract wrote %d; nothing was committed; extract the partition again",
			where, loadedRows, in.RowsExtracted), migration.ErrTypeChecksumMismatch, nil)
	}
	mark := snowflake.MarkReplacedSQL(a.meta, in.Migration, in.MigrationRunID, in.TableKey, n,
		in.RowsExtracted, loadedRows, in.Bytes, attempt(ctx), a.now(), txnID.String, in.Checksum, in.Fingerprint, in.Action, res.RowsDeleted)
	r, err := a.exec(ctx, conn, "record "+where+" as loaded", mark)
	if err != nil {
		return none, false, err
	}
	if affected, err := r.RowsAffected(); err != nil || affected != 1 {
		rows, ok, err2 := a.loadedRows(ctx, db, in.LoadPartitionInput)
		if err2 != nil {
			return none, false, err2
		}
		if !ok {
			return none, false, fmt.Errorf("%s: recording the replace updated %d metadata rows (%v); retrying", where, affected, err)
		}
		return snowflakeapi.LoadResyncPartitionResult{RowsLoaded: rows, AlreadyLoaded: true}, false, nil
	}
	if _, err := conn.ExecContext(ctx, snowflake.CommitSQL); err != nil {
		return none, false, classify(err, "commit the replace of "+where)
	}
	open = false
	res.RowsLoaded = loadedRows
	return res, true, nil
}
