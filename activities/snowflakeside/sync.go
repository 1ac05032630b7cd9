package snowflakeside

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/migration"
	"github.com/snowmigrate/snowmigrate/snowflake"
)

// Re-sync bookkeeping (docs/sync.md): what earlier runs of a table left (its
// watermark and its partition boundaries) and the mark a successful run records.
// TABLE_SYNCHRONIZATION is created by EnsureMetadata, and again here when first needed
// (idempotent), so that these activities never depend on the order of setup.

// ensureSyncTable creates TABLE_SYNCHRONIZATION when missing (idempotent; "already
// exists" from a racing creator is retried by classify's caller).
func (a *Activities) ensureSyncTable(ctx context.Context, db *sql.DB) error {
	_, err := a.exec(ctx, db, "create the re-sync metadata table", snowflake.CreateSyncTableSQL(a.meta))
	return err
}

// ReadSyncBaseline implements snowflakeapi.ReadSyncBaselineName.
func (a *Activities) ReadSyncBaseline(ctx context.Context, in snowflakeapi.ReadSyncBaselineInput) (snowflakeapi.ReadSyncBaselineResult, error) {
	var res snowflakeapi.ReadSyncBaselineResult
	db, err := a.db(ctx, in.ConnectionName)
	if err != nil {
		return res, err
	}
	if err := a.ensureSyncTable(ctx, db); err != nil {
		return res, err
	}
	stop := a.startHeartbeat(ctx, "read the re-sync baseline of "+in.TableKey)
	defer stop()
	var run, high sql.NullString
	err = db.QueryRowContext(ctx, snowflake.SelectSyncMarkSQL(a.meta, in.Migration, in.MigrationRunID, in.TableKey, in.WatermarkColumn)).Scan(&run, &high)
	switch {
	case err == sql.ErrNoRows:
	case err != nil:
		return res, classify(err, "read the watermark of "+in.TableKey)
	case high.Valid:
		res.Low, res.MarkRunID = &high.String, run.String
	}
	var base sql.NullString
	err = db.QueryRowContext(ctx, snowflake.SelectBaselineRunSQL(a.meta, in.Migration, in.MigrationRunID, in.TableKey)).Scan(&base)
	switch {
	case err == sql.ErrNoRows:
	case err != nil:
		return res, classify(err, "read the last completed run of "+in.TableKey)
	default:
		res.BaselineRunID = base.String
	}
	return res, nil
}

// ReadPartitionBounds implements snowflakeapi.ReadPartitionBoundsName: one page of
// the partitions a run recorded, as they were planned.
func (a *Activities) ReadPartitionBounds(ctx context.Context, in snowflakeapi.ReadPartitionBoundsInput) (snowflakeapi.ReadPartitionBoundsResult, error) {
	var res snowflakeapi.ReadPartitionBoundsResult
	if in.MaxPartitions <= 0 {
		in.MaxPartitions = 200
	}
	db, err := a.db(ctx, in.ConnectionName)
	if err != nil {
		return res, err
	}
	stop := a.startHeartbeat(ctx, "read the partitions of "+in.TableKey)
	defer stop()
	what := fmt.Sprintf("read the partitions run %s recorded for %s", in.BaselineRunID, in.TableKey)
	rows, err := db.QueryContext(ctx, snowflake.SelectPartitionBoundsSQL(a.meta, in.Migration, in.BaselineRunID, in.TableKey, in.AfterNumber, in.MaxPartitions+1))
	if err != nil {
		return res, classify(err, what)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			n            int64
			lower, upper sql.NullString
			nulls        sql.NullBool
		)
		if err := rows.Scan(&n, &lower, &upper, &nulls); err != nil {
			return res, classify(err, what)
		}
		p := migration.Partition{Number: int(n), NullKeys: nulls.Valid && nulls.Bool}
		if p.Lower, err = boundOf(lower); err == nil {
			p.Upper, err = boundOf(upper)
		}
		if err != nil {
			return res, fmt.Errorf("%s: partition %d: %w", what, n, err)
		}
		res.Partitions = append(res.Partitions, p)
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

// boundOf reads a LOWER_BOUND / UPPER_BOUND: a JSON array of canonical texts, NULL
// for unbounded.
func boundOf(v sql.NullString) ([]string, error) {
	if !v.Valid || v.String == "" {
		return nil, nil
	}
	var b []string
	if err := json.Unmarshal([]byte(v.String), &b); err != nil {
		return nil, fmt.Errorf("bound %q is not a JSON array of strings: %w", v.String, err)
	}
	return b, nil
}

// RecordSyncMark implements snowflakeapi.RecordSyncMarkName.
func (a *Activities) RecordSyncMark(ctx context.Context, in snowflakeapi.RecordSyncMarkInput) error {
	db, err := a.db(ctx, in.ConnectionName)
	if err != nil {
		return err
	}
	if err := a.ensureSyncTable(ctx, db); err != nil {
		return err
	}
	_, err = a.exec(ctx, db, "record the watermark of "+in.TableKey, snowflake.MergeSyncMarkSQL(a.meta, snowflake.SyncMark{
		WorkflowID: in.Migration, RunID: in.MigrationRunID, TableKey: in.TableKey, Strategy: in.Strategy,
		Column: in.WatermarkColumn, Low: in.Low, High: in.High, Rows: in.Rows, Partitions: in.Partitions, At: a.now(),
	}))
	return err
}
