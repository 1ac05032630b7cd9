package snowflakeside

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"

	sf "github.com/snowflakedb/gosnowflake"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/snowflake"
)

// LoadPartition loads a partition's staged files exactly once (see the package comment):
//
//	SHOW TRANSACTIONS / SYSTEM$ABORT_TRANSACTION  → abort what an earlier attempt left open
//	(autocommit) make sure the partition's metadata row exists, status LOADING
//	BEGIN TRANSACTION NAME <LoadTxnName>
//	  SELECT CURRENT_TRANSACTION()
//	  SELECT ... LOADED_AT  → already loaded: COMMIT, return the stored count
//	  COPY INTO target ...  → every file LOADED, rows summed
//	  UPDATE ... SET LOADED_AT ... WHERE ... AND LOADED_AT IS NULL
//	         AND CURRENT_TRANSACTION() = <id>  → must touch 1 row
//	COMMIT
//	REMOVE @stage/path/ (best effort)
//
// Every statement carries a QUERY_TAG naming migration, table, partition and attempt. A
// lock wait longer than the session's LOCK_TIMEOUT (625) is retried here, for at most
// lockPatience, while the activity heartbeats.
func (a *Activities) LoadPartition(ctx context.Context, in snowflakeapi.LoadPartitionInput) (snowflakeapi.LoadPartitionResult, error) {
	n := in.Partition.Number
	where := fmt.Sprintf("partition %d of %s", n, in.TableKey)
	db, err := a.db(ctx, in.ConnectionName)
	if err != nil {
		return snowflakeapi.LoadPartitionResult{}, err
	}
	// An Iceberg target takes its own COPY options (LOAD_MODE, columns as IcebergColumns
	// maps them). The load's input does not say which kind the target is, so it is read
	// here: one SHOW per load attempt, small next to the COPY.
	buildCopy := snowflake.CopySQL
	if ice, err := icebergTable(ctx, db, in.Target); err != nil {
		return snowflakeapi.LoadPartitionResult{}, classify(err, "read the table kind of "+snowflake.TableName(in.Target))
	} else if ice != nil {
		buildCopy = snowflake.CopyIcebergSQL
	}
	copySQL, err := buildCopy(in.Target, in.Columns, in.StagePrefix, in.Files)
	if len(in.ParquetFields) > 0 && err == nil { // files the source UNLOADed (fields c0, c1, …)
		copySQL, err = snowflake.CopyFieldsSQL(in.Target, in.Columns, in.ParquetFields, in.StagePrefix, in.Files)
	}
	if err != nil {
		return snowflakeapi.LoadPartitionResult{}, temporal.NewNonRetryableApplicationError(where+": "+err.Error(), migration.ErrTypeConfig, err)
	}
	ensure, err := snowflake.MergePartitionsSQL(a.meta, in.Migration, in.MigrationRunID, in.TableKey, "", []snowflake.PartitionRow{{
		Number: n, Lower: in.Partition.Lower, Upper: in.Partition.Upper, NullKeys: in.Partition.NullKeys,
		Status: migration.StatusLoading, RowsExtract: &in.RowsExtracted, Bytes: &in.Bytes, Attempts: attempt(ctx), At: a.now(),
	}})
	if err != nil {
		return snowflakeapi.LoadPartitionResult{}, classify(err, where)
	}
	ctx = sf.WithQueryTag(ctx, snowflake.LoadQueryTag(in.Migration, in.TableKey, n, attempt(ctx)))

	res, loaded, err := untilLockFree(ctx, a, "load", "load", where, in.TableKey, n, func() (snowflakeapi.LoadPartitionResult, bool, error) {
		return a.loadOnce(ctx, db, in, ensure, copySQL)
	})
	if err != nil {
		// An overlapping attempt may have committed (and removed the files) while this one
		// ran: then the partition is loaded and this attempt's failure does not matter.
		if rows, ok, rerr := a.loadedRows(ctx, db, in); rerr == nil && ok {
			return snowflakeapi.LoadPartitionResult{RowsLoaded: rows, AlreadyLoaded: true}, nil
		}
		return snowflakeapi.LoadPartitionResult{}, err
	}
	if loaded {
		a.removeStaged(ctx, db, in.StagePrefix)
	}
	return res, nil
}

// waitedForLock reports a failure that a later try can cure: a lock wait beyond
// LOCK_TIMEOUT. A transaction aborted under this attempt (604) is not retried here: a
// newer attempt of the partition aborted it and owns the load now (retrying would abort
// that one in turn).
func waitedForLock(err error) bool {
	return snowflake.IsLockTimeout(err)
}

// loadOnce runs one try on one session; loaded reports whether it committed a COPY.
func (a *Activities) loadOnce(ctx context.Context, db *sql.DB, in snowflakeapi.LoadPartitionInput, ensure, copySQL string) (_ snowflakeapi.LoadPartitionResult, _ bool, err error) {
	n := in.Partition.Number
	where := fmt.Sprintf("partition %d of %s", n, in.TableKey)
	conn, err := db.Conn(ctx)
	if err != nil {
		return snowflakeapi.LoadPartitionResult{}, false, classify(err, where)
	}
	open := false // a transaction is open on conn
	defer func() {
		a.release(ctx, conn, open, err)
	}()
	name := snowflake.LoadTxnName(in.Migration, in.TableKey, n)
	// Before anything that may wait for a lock: the transaction this partition's
	// previous attempt left open may hold the very lock this attempt needs.
	a.abortPredecessors(ctx, conn, name, where)
	if _, err := a.exec(ctx, conn, "record the load of "+where, ensure); err != nil {
		return snowflakeapi.LoadPartitionResult{}, false, err
	}
	if _, err := conn.ExecContext(ctx, snowflake.BeginNamedSQL(name)); err != nil {
		return snowflakeapi.LoadPartitionResult{}, false, classify(err, "begin the load of "+where)
	}
	open = true
	var txnID sql.NullString
	if err := conn.QueryRowContext(ctx, snowflake.CurrentTransactionSQL).Scan(&txnID); err != nil {
		return snowflakeapi.LoadPartitionResult{}, false, classify(err, "begin the load of "+where)
	}
	if !txnID.Valid || txnID.String == "" {
		return snowflakeapi.LoadPartitionResult{}, false, fmt.Errorf("%s: CURRENT_TRANSACTION() is NULL right after BEGIN; retrying", where)
	}

	if rows, ok, err := a.loadedRows(ctx, conn, in); err != nil {
		return snowflakeapi.LoadPartitionResult{}, false, err
	} else if ok {
		if _, err := conn.ExecContext(ctx, snowflake.CommitSQL); err != nil {
			return snowflakeapi.LoadPartitionResult{}, false, classify(err, where)
		}
		open = false
		return snowflakeapi.LoadPartitionResult{RowsLoaded: rows, AlreadyLoaded: true}, false, nil
	}

	loadedRows, files, err := a.copy(ctx, conn, where, copySQL)
	if err != nil {
		return snowflakeapi.LoadPartitionResult{}, false, err
	}
	if files == 0 && in.RowsExtracted > 0 {
		return snowflakeapi.LoadPartitionResult{}, false, temporal.NewNonRetryableApplicationError(fmt.Sprintf(
			"%s: no staged files found under %s (expected %d rows in %d files): the upload is missing; extract the partition again",
			where, in.StagePrefix, in.RowsExtracted, len(in.Files)), snowflakeapi.ErrTypeStagedFiles, nil)
	}
	if loadedRows != in.RowsExtracted {
		// Roll back: the files on the stage are not what extract wrote.
		return snowflakeapi.LoadPartitionResult{}, false, temporal.NewNonRetryableApplicationError(fmt.Sprintf(
			"%s: COPY loaded %d rows but extract wrote %d; nothing was committed; extract the partition again",
			where, loadedRows, in.RowsExtracted), migration.ErrTypeChecksumMismatch, nil)
	}
	mark := snowflake.MarkLoadedSQL(a.meta, in.Migration, in.MigrationRunID, in.TableKey, n,
		in.RowsExtracted, loadedRows, in.Bytes, attempt(ctx), a.now(), txnID.String)
	r, err := a.exec(ctx, conn, "record "+where+" as loaded", mark)
	if err != nil {
		return snowflakeapi.LoadPartitionResult{}, false, err
	}
	if affected, err := r.RowsAffected(); err != nil || affected != 1 {
		// Another attempt committed this partition while our COPY ran, or this transaction
		// was aborted: undo ours (release rolls back).
		rows, ok, err2 := a.loadedRows(ctx, db, in)
		if err2 != nil {
			return snowflakeapi.LoadPartitionResult{}, false, err2
		}
		if !ok {
			return snowflakeapi.LoadPartitionResult{}, false, fmt.Errorf("%s: recording the load updated %d metadata rows (%v); retrying", where, affected, err)
		}
		return snowflakeapi.LoadPartitionResult{RowsLoaded: rows, AlreadyLoaded: true}, false, nil
	}
	if _, err := conn.ExecContext(ctx, snowflake.CommitSQL); err != nil {
		return snowflakeapi.LoadPartitionResult{}, false, classify(err, "commit the load of "+where)
	}
	open = false
	return snowflakeapi.LoadPartitionResult{RowsLoaded: loadedRows}, true, nil
}

// release returns the session to the pool, clean: an open transaction is rolled back
// (even when ctx is cancelled). A session that could not be rolled back, or that the
// server has ended, is discarded instead, so that no pooled session ever carries a
// transaction into another activity.
func (a *Activities) release(ctx context.Context, conn *sql.Conn, open bool, err error) {
	bad := snowflake.IsSessionExpired(err)
	if open && !bad {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
		_, rerr := conn.ExecContext(rctx, snowflake.RollbackSQL)
		cancel()
		bad = rerr != nil
	}
	if bad {
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	_ = conn.Close()
}

// abortPredecessors aborts every running transaction named name: what an earlier
// attempt of this partition left open when its process died (or lost its activity).
// Best effort: a failure here only means this attempt may wait for a lock.
func (a *Activities) abortPredecessors(ctx context.Context, conn *sql.Conn, name, where string) {
	ids, err := runningTransactions(ctx, conn, name)
	if err != nil {
		warn(ctx, "cannot list open transactions", "partition", where, "error", err)
		return
	}
	for _, id := range ids {
		rows, err := conn.QueryContext(ctx, snowflake.AbortTransactionSQL(id))
		if err == nil {
			err = rows.Close()
		}
		if err != nil {
			warn(ctx, "cannot abort an earlier attempt's transaction", "partition", where, "transaction", id, "error", err)
			continue
		}
		if activity.IsActivity(ctx) {
			activity.GetLogger(ctx).Info("aborted an earlier attempt's open load transaction", "partition", where, "transaction", id, "name", name)
		}
	}
}

// runningTransactions returns the ids of the running transactions named name.
func runningTransactions(ctx context.Context, q querier, name string) ([]int64, error) {
	rows, err := q.QueryContext(ctx, snowflake.ShowTransactionsSQL)
	if err != nil {
		return nil, err
	}
	var ids []int64
	err = snowflake.EachRow(rows, func(r snowflake.Row) error {
		if !r.Has("id") || !r.Has("name") {
			return fmt.Errorf("SHOW TRANSACTIONS returned no id or name column")
		}
		if n, _ := r.Get("name"); !strings.EqualFold(n, name) {
			return nil
		}
		v, _ := r.Get("id")
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("SHOW TRANSACTIONS: transaction id %q: %w", v, err)
		}
		ids = append(ids, id)
		return nil
	})
	return ids, err
}

type querier interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}

// loadedRows reads whether the partition was loaded in this run, and how many rows.
func (a *Activities) loadedRows(ctx context.Context, q querier, in snowflakeapi.LoadPartitionInput) (int64, bool, error) {
	rows, err := q.QueryContext(ctx, snowflake.SelectPartitionLoadSQL(a.meta, in.Migration, in.MigrationRunID, in.TableKey, in.Partition.Number))
	if err != nil {
		return 0, false, classify(err, fmt.Sprintf("read the metadata of partition %d of %s", in.Partition.Number, in.TableKey))
	}
	defer rows.Close()
	var (
		loaded bool
		count  int64
	)
	for rows.Next() {
		var (
			status   sql.NullString
			n        sql.NullInt64
			loadedAt sql.NullString
		)
		if err := rows.Scan(&status, &n, &loadedAt); err != nil {
			return 0, false, classify(err, "read partition metadata")
		}
		if loadedAt.Valid {
			loaded, count = true, n.Int64
		}
	}
	if err := rows.Err(); err != nil {
		return 0, false, classify(err, "read partition metadata")
	}
	return count, loaded, nil
}

// copy runs COPY INTO and reads its result: one row per file (file, status, rows_loaded,
// first_error, ...) or a single status row when no file was found. Any file not LOADED
// fails the load with Snowflake's first error.
func (a *Activities) copy(ctx context.Context, q querier, where, copySQL string) (rowsLoaded int64, files int, err error) {
	stop := a.startHeartbeat(ctx, "COPY INTO for "+where)
	defer stop()
	rows, err := q.QueryContext(ctx, copySQL)
	if err != nil {
		if snowflake.IsStagedFileMissing(err) {
			return 0, 0, temporal.NewNonRetryableApplicationError(fmt.Sprintf(
				"COPY INTO for %s: a staged file is missing (%s): the upload is incomplete; extract the partition again", where, clip(err.Error())),
				snowflakeapi.ErrTypeStagedFiles, err)
		}
		return 0, 0, classify(err, "COPY INTO for "+where)
	}
	var problems []string
	err = snowflake.EachRow(rows, func(r snowflake.Row) error {
		if !r.Has("file") {
			return nil // "Copy executed with 0 files processed."
		}
		files++
		get := func(name string) string { v, _ := r.Get(name); return v }
		if st := get("status"); !strings.EqualFold(st, "LOADED") {
			problems = append(problems, fmt.Sprintf("file %s: %s: %s", get("file"), st, get("first_error")))
			return nil
		}
		n, err := strconv.ParseInt(get("rows_loaded"), 10, 64)
		if err != nil {
			return fmt.Errorf("COPY INTO for %s: unreadable rows_loaded %q: %w", where, get("rows_loaded"), err)
		}
		rowsLoaded += n
		return nil
	})
	if err != nil {
		return 0, 0, classify(err, "read the COPY result for "+where)
	}
	if len(problems) > 0 {
		return 0, 0, temporal.NewNonRetryableApplicationError(fmt.Sprintf("COPY INTO for %s did not load every file (nothing was committed): %s",
			where, clip(strings.Join(problems, "; "))), snowflakeapi.ErrTypeLoadRejected, nil)
	}
	return rowsLoaded, files, nil
}

// removeStaged deletes the partition's staged files after a committed load. Failure only
// leaves files behind (they are never loaded twice: the metadata row decides), so it is
// logged, not returned.
func (a *Activities) removeStaged(ctx context.Context, db *sql.DB, prefix string) {
	q, err := snowflake.RemoveSQL(prefix)
	if err == nil {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), removeTimeout)
		defer cancel()
		var rows *sql.Rows
		rows, err = db.QueryContext(rctx, q)
		if err == nil {
			err = rows.Close()
		}
	}
	if err != nil {
		warn(ctx, "staged files not removed after the load", "prefix", prefix, "error", err)
	}
}
