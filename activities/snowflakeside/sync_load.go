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

// LoadSyncPartition loads one partition of a watermark re-sync exactly once, with the
// protocol of LoadPartition (same transaction name, query tag, marker row and lock
// handling), and one of two bodies:
//
//	append:  DELETE rows of the key range whose watermark > low   (what a failed run appended)
//	         COPY INTO target
//	merge:   (before BEGIN) CREATE OR REPLACE TRANSIENT TABLE staging LIKE target
//	         COPY INTO staging
//	         MERGE INTO target USING (staging, latest version per key) ON primary key
//
// followed by the marker UPDATE and COMMIT. DDL commits an open transaction in
// Snowflake, so the staging table is created before BEGIN and dropped after the end;
// it is transient (no fail-safe storage) and named per attempt.
func (a *Activities) LoadSyncPartition(ctx context.Context, in snowflakeapi.LoadSyncPartitionInput) (snowflakeapi.LoadSyncPartitionResult, error) {
	n := in.Partition.Number
	where := fmt.Sprintf("partition %d of %s", n, in.TableKey)
	bad := func(err error) (snowflakeapi.LoadSyncPartitionResult, error) {
		return snowflakeapi.LoadSyncPartitionResult{}, temporal.NewNonRetryableApplicationError(where+": "+err.Error(), migration.ErrTypeConfig, err)
	}
	st := syncStatements{}
	copyTarget := in.Target
	if in.Merge {
		st.staging = snowflake.StagingTable(in.Target, in.Migration, in.TableKey, n, attempt(ctx))
		copyTarget = st.staging
		m, err := snowflake.MergeStagedSQL(in.Target, st.staging, in.Columns, in.PrimaryKeys, in.Watermark.TargetName)
		if err != nil {
			return bad(err)
		}
		st.merge = m
		defer a.dropStaging(ctx, in, n)
	} else if in.Low != nil {
		d, err := snowflake.DeleteWindowSQL(in.Target, in.Columns, in.PartitionBy, in.Partition, in.Watermark, *in.Low)
		if err != nil {
			return bad(err)
		}
		st.delete = d
	}
	c, err := snowflake.CopySQL(copyTarget, in.Columns, in.StagePrefix, in.Files)
	if err != nil {
		return bad(err)
	}
	st.copy = c
	db, err := a.db(ctx, in.ConnectionName)
	if err != nil {
		return snowflakeapi.LoadSyncPartitionResult{}, err
	}
	ensure, err := snowflake.MergePartitionsSQL(a.meta, in.Migration, in.MigrationRunID, in.TableKey, "", []snowflake.PartitionRow{{
		Number: n, Lower: in.Partition.Lower, Upper: in.Partition.Upper, NullKeys: in.Partition.NullKeys,
		Status: migration.StatusLoading, RowsExtract: &in.RowsExtracted, Bytes: &in.Bytes, Attempts: attempt(ctx), At: a.now(),
	}})
	if err != nil {
		return snowflakeapi.LoadSyncPartitionResult{}, classify(err, where)
	}
	st.ensure = ensure
	ctx = sf.WithQueryTag(ctx, snowflake.LoadQueryTag(in.Migration, in.TableKey, n, attempt(ctx)))

	res, loaded, err := untilLockFree(ctx, a, "re-sync load", "load", where, in.TableKey, n, func() (snowflakeapi.LoadSyncPartitionResult, bool, error) {
		return a.syncLoadOnce(ctx, db, in, st)
	})
	if err != nil {
		if rows, ok, rerr := a.loadedRows(ctx, db, in.LoadPartitionInput); rerr == nil && ok {
			return snowflakeapi.LoadSyncPartitionResult{RowsLoaded: rows, AlreadyLoaded: true}, nil
		}
		return snowflakeapi.LoadSyncPartitionResult{}, err
	}
	if loaded {
		a.removeStaged(ctx, db, in.StagePrefix)
	}
	return res, nil
}

// syncStatements are one partition's statements, built once per activity.
type syncStatements struct {
	ensure, delete, copy, merge string
	staging                     migration.TableRef
}

func (a *Activities) syncLoadOnce(ctx context.Context, db *sql.DB, in snowflakeapi.LoadSyncPartitionInput, st syncStatements) (_ snowflakeapi.LoadSyncPartitionResult, _ bool, err error) {
	var none snowflakeapi.LoadSyncPartitionResult
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
	if st.merge != "" {
		if _, err := a.exec(ctx, conn, "create the staging table of "+where, snowflake.CreateStagingSQL(st.staging, in.Target)); err != nil {
			return none, false, err
		}
	}
	if _, err := conn.ExecContext(ctx, snowflake.BeginNamedSQL(name)); err != nil {
		return none, false, classify(err, "begin the load of "+where)
	}
	open = true
	var txnID sql.NullString
	if err := conn.QueryRowContext(ctx, snowflake.CurrentTransactionSQL).Scan(&txnID); err != nil {
		return none, false, classify(err, "begin the load of "+where)
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
		return snowflakeapi.LoadSyncPartitionResult{RowsLoaded: rows, AlreadyLoaded: true}, false, nil
	}
	var res snowflakeapi.LoadSyncPartitionResult
	if st.delete != "" {
		r, err := a.exec(ctx, conn, "remove what a failed run appended to "+where, st.delete)
		if err != nil {
			return none, false, err
		}
		res.RowsDeleted, _ = r.RowsAffected()
	}
	loadedRows, files, err := a.copy(ctx, conn, where, st.copy)
	if err != nil {
		return none, false, err
	}
	if files == 0 && in.RowsExtracted > 0 {
		return none, false, temporal.NewNonRetryableApplicationError(fmt.Sprintf(
			"%s: no staged files found under %s (expected %d rows in %d files): the upload is missing; extract the partition again",
			where, in.StagePrefix, in.RowsExtracted, len(in.Files)), snowflakeapi.ErrTypeStagedFiles, nil)
	}
	if loadedRows != in.RowsExtracted {
		return none, false, temporal.NewNonRetryableApplicationError(fmt.Sprintf(
			"%s: COPY loaded %d rows but extract wrote %d; nothing was committed; extract the partition again",
			where, loadedRows, in.RowsExtracted), migration.ErrTypeChecksumMismatch, nil)
	}
	if st.merge != "" {
		r, err := a.exec(ctx, conn, "merge the changed rows of "+where, st.merge)
		if err != nil {
			return none, false, err
		}
		// Rows inserted + updated: VerifyPartition compares the extractor's checksum
		// only when every extracted row became a key's target row.
		if n, err := r.RowsAffected(); err == nil {
			res.RowsMerged = n
		}
	}
	action := snowflake.SyncActionAppended
	if in.Merge {
		action = snowflake.SyncActionMerged
	}
	// The marker and the window in one statement (MarkSyncedSQL).
	mark := snowflake.MarkSyncedSQL(a.meta, in.Migration, in.MigrationRunID, in.TableKey, n,
		in.RowsExtracted, loadedRows, in.Bytes, attempt(ctx), a.now(), txnID.String, in.Low, in.High, action)
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
			return none, false, fmt.Errorf("%s: recording the load updated %d metadata rows (%v); retrying", where, affected, err)
		}
		return snowflakeapi.LoadSyncPartitionResult{RowsLoaded: rows, AlreadyLoaded: true}, false, nil
	}
	if _, err := conn.ExecContext(ctx, snowflake.CommitSQL); err != nil {
		return none, false, classify(err, "commit the load of "+where)
	}
	open = false
	res.RowsLoaded = loadedRows
	return res, true, nil
}

// dropStaging drops the staging tables of this and earlier attempts of the partition
// (best effort: a leftover is a transient table named SNOWMIGRATE_STG_…, harmless).
func (a *Activities) dropStaging(ctx context.Context, in snowflakeapi.LoadSyncPartitionInput, n int) {
	db, err := a.db(ctx, in.ConnectionName)
	if err != nil {
		return
	}
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), removeTimeout)
	defer cancel()
	for k := 1; k <= attempt(ctx); k++ {
		stg := snowflake.StagingTable(in.Target, in.Migration, in.TableKey, n, k)
		if _, err := db.ExecContext(dctx, snowflake.DropStagingSQL(stg)); err != nil {
			warn(ctx, "staging table not dropped", "table", snowflake.TableName(stg), "error", err)
		}
	}
}
