package snowflakeside

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"go.temporal.io/sdk/temporal"

	"github.com/snowmigrate/snowmigrate/activities"
	"github.com/snowmigrate/snowmigrate/snowflake"
)

// LoadPartition loads a partition's staged files exactly once (see the package comment):
//
//	(autocommit) make sure the partition's metadata row exists, status LOADING
//	BEGIN
//	  SELECT ... LOADED_AT  → already loaded: COMMIT, return the stored count
//	  COPY INTO target ...  → every file LOADED, rows summed
//	  UPDATE ... SET LOADED_AT ... WHERE ... AND LOADED_AT IS NULL  → must touch 1 row
//	COMMIT
//	REMOVE @stage/path/ (best effort)
func (a *Activities) LoadPartition(ctx context.Context, in LoadPartitionInput) (LoadPartitionResult, error) {
	n := in.Partition.Number
	where := fmt.Sprintf("partition %d of %s", n, in.TableKey)
	copySQL, err := snowflake.CopySQL(in.Target, in.Columns, in.StagePrefix, in.Files)
	if err != nil {
		return LoadPartitionResult{}, temporal.NewNonRetryableApplicationError(where+": "+err.Error(), activities.ErrTypeConfig, err)
	}
	db, err := a.db(ctx, in.ConnectionName)
	if err != nil {
		return LoadPartitionResult{}, err
	}
	ensure, err := snowflake.MergePartitionsSQL(a.meta, in.Migration, in.MigrationRunID, in.TableKey, "", []snowflake.PartitionRow{{
		Number: n, Lower: in.Partition.Lower, Upper: in.Partition.Upper, NullKeys: in.Partition.NullKeys,
		Status: activities.StatusLoading, RowsExtract: &in.RowsExtracted, Bytes: &in.Bytes, Attempts: attempt(ctx), At: a.now(),
	}})
	if err != nil {
		return LoadPartitionResult{}, classify(err, where)
	}
	if _, err := a.exec(ctx, db, "record the load of "+where, ensure); err != nil {
		return LoadPartitionResult{}, err
	}

	res, loaded, err := a.loadInTx(ctx, db, in, copySQL)
	if err != nil {
		// An overlapping attempt may have committed (and removed the files) while this one
		// ran: then the partition is loaded and this attempt's failure does not matter.
		if rows, ok, rerr := a.loadedRows(ctx, db, in); rerr == nil && ok {
			return LoadPartitionResult{RowsLoaded: rows, AlreadyLoaded: true}, nil
		}
		return LoadPartitionResult{}, err
	}
	if loaded {
		a.removeStaged(ctx, db, in.StagePrefix)
	}
	return res, nil
}

// loadInTx runs the transaction; loaded reports whether this call committed a COPY.
func (a *Activities) loadInTx(ctx context.Context, db *sql.DB, in LoadPartitionInput, copySQL string) (LoadPartitionResult, bool, error) {
	n := in.Partition.Number
	where := fmt.Sprintf("partition %d of %s", n, in.TableKey)
	conn, err := db.Conn(ctx)
	if err != nil {
		return LoadPartitionResult{}, false, classify(err, where)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return LoadPartitionResult{}, false, classify(err, "begin the load of "+where)
	}
	committed := false
	defer func() {
		if !committed {
			_ = tx.Rollback()
		}
	}()

	if rows, ok, err := a.loadedRows(ctx, tx, in); err != nil {
		return LoadPartitionResult{}, false, err
	} else if ok {
		if err := tx.Commit(); err != nil {
			return LoadPartitionResult{}, false, classify(err, where)
		}
		committed = true
		return LoadPartitionResult{RowsLoaded: rows, AlreadyLoaded: true}, false, nil
	}

	loadedRows, files, err := a.copy(ctx, tx, where, copySQL)
	if err != nil {
		return LoadPartitionResult{}, false, err
	}
	if files == 0 && in.RowsExtracted > 0 {
		return LoadPartitionResult{}, false, temporal.NewNonRetryableApplicationError(fmt.Sprintf(
			"%s: no staged files found under %s (expected %d rows in %d files): the upload is missing; extract the partition again",
			where, in.StagePrefix, in.RowsExtracted, len(in.Files)), ErrTypeStagedFiles, nil)
	}
	if loadedRows != in.RowsExtracted {
		// Roll back: the files on the stage are not what extract wrote.
		return LoadPartitionResult{}, false, temporal.NewNonRetryableApplicationError(fmt.Sprintf(
			"%s: COPY loaded %d rows but extract wrote %d; nothing was committed; extract the partition again",
			where, loadedRows, in.RowsExtracted), activities.ErrTypeChecksumMismatch, nil)
	}
	mark := snowflake.MarkLoadedSQL(a.meta, in.Migration, in.MigrationRunID, in.TableKey, n,
		in.RowsExtracted, loadedRows, in.Bytes, attempt(ctx), a.now())
	r, err := a.exec(ctx, tx, "record "+where+" as loaded", mark)
	if err != nil {
		return LoadPartitionResult{}, false, err
	}
	if affected, err := r.RowsAffected(); err != nil || affected != 1 {
		// Another attempt committed this partition while our COPY ran: undo ours.
		_ = tx.Rollback()
		committed = true
		rows, ok, err2 := a.loadedRows(ctx, db, in)
		if err2 != nil {
			return LoadPartitionResult{}, false, err2
		}
		if !ok {
			return LoadPartitionResult{}, false, fmt.Errorf("%s: recording the load updated %d metadata rows (%v); retrying", where, affected, err)
		}
		return LoadPartitionResult{RowsLoaded: rows, AlreadyLoaded: true}, false, nil
	}
	if err := tx.Commit(); err != nil {
		return LoadPartitionResult{}, false, classify(err, "commit the load of "+where)
	}
	committed = true
	return LoadPartitionResult{RowsLoaded: loadedRows}, true, nil
}

type querier interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}

// loadedRows reads whether the partition was loaded in this run, and how many rows.
func (a *Activities) loadedRows(ctx context.Context, q querier, in LoadPartitionInput) (int64, bool, error) {
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
func (a *Activities) copy(ctx context.Context, tx *sql.Tx, where, copySQL string) (rowsLoaded int64, files int, err error) {
	stop := a.startHeartbeat(ctx, "COPY INTO for "+where)
	defer stop()
	rows, err := tx.QueryContext(ctx, copySQL)
	if err != nil {
		if snowflake.IsStagedFileMissing(err) {
			return 0, 0, temporal.NewNonRetryableApplicationError(fmt.Sprintf(
				"COPY INTO for %s: a staged file is missing (%s): the upload is incomplete; extract the partition again", where, clip(err.Error())),
				ErrTypeStagedFiles, err)
		}
		return 0, 0, classify(err, "COPY INTO for "+where)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, 0, classify(err, "COPY INTO for "+where)
	}
	idx := map[string]int{}
	for i, c := range cols {
		idx[strings.ToLower(c)] = i
	}
	_, hasFile := idx["file"]
	var problems []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return 0, 0, classify(err, "read the COPY result for "+where)
		}
		if !hasFile {
			continue // "Copy executed with 0 files processed."
		}
		files++
		get := func(name string) string {
			if i, ok := idx[name]; ok && vals[i].Valid {
				return vals[i].String
			}
			return ""
		}
		if st := get("status"); !strings.EqualFold(st, "LOADED") {
			problems = append(problems, fmt.Sprintf("file %s: %s: %s", get("file"), st, get("first_error")))
			continue
		}
		n, err := strconv.ParseInt(get("rows_loaded"), 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("COPY INTO for %s: unreadable rows_loaded %q: %w", where, get("rows_loaded"), err)
		}
		rowsLoaded += n
	}
	if err := rows.Err(); err != nil {
		return 0, 0, classify(err, "COPY INTO for "+where)
	}
	if len(problems) > 0 {
		return 0, 0, temporal.NewNonRetryableApplicationError(fmt.Sprintf("COPY INTO for %s did not load every file (nothing was committed): %s",
			where, clip(strings.Join(problems, "; "))), ErrTypeLoadRejected, nil)
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

// VerifyPartition checks rows extracted = rows loaded = rows in the target's range and
// marks the partition COMPLETED (or FAILED with all three numbers) in the metadata.
func (a *Activities) VerifyPartition(ctx context.Context, in VerifyPartitionInput) (VerifyPartitionResult, error) {
	n := in.Partition.Number
	where := fmt.Sprintf("partition %d of %s", n, in.TableKey)
	q, err := snowflake.CountRangeSQL(in.Target, in.Columns, in.PartitionBy, in.Partition)
	if err != nil {
		return VerifyPartitionResult{}, temporal.NewNonRetryableApplicationError(where+": "+err.Error(), activities.ErrTypeConfig, err)
	}
	db, err := a.db(ctx, in.ConnectionName)
	if err != nil {
		return VerifyPartitionResult{}, err
	}
	var target int64
	stop := a.startHeartbeat(ctx, "count "+where)
	err = db.QueryRowContext(ctx, q).Scan(&target)
	stop()
	if err != nil {
		return VerifyPartitionResult{}, classify(err, "count the target rows of "+where)
	}
	res := VerifyPartitionResult{TargetRows: target}
	row := snowflake.PartitionRow{
		Number: n, Lower: in.Partition.Lower, Upper: in.Partition.Upper, NullKeys: in.Partition.NullKeys,
		Status: activities.StatusCompleted, RowsExtract: &in.RowsExtracted, Attempts: attempt(ctx), At: a.now(),
	}
	var mismatch error
	if in.RowsExtracted != in.RowsLoaded || in.RowsLoaded != target {
		msg := fmt.Sprintf("%s: rows extracted %d, rows loaded %d, rows in the target range %d (%s); "+
			"the target holds rows this migration did not load or lost some: check for other writers to the table, then re-run the migration",
			where, in.RowsExtracted, in.RowsLoaded, target, snowflake.TableName(in.Target))
		row.Status, row.Error = activities.StatusFailed, msg
		mismatch = temporal.NewNonRetryableApplicationError(msg, activities.ErrTypeChecksumMismatch, nil)
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
