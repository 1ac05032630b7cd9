package snowflake

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/snowmigrate/snowmigrate/migration"
)

// Re-sync bookkeeping and statements (docs/sync.md): the per-table watermark of the
// last successful run (TABLE_SYNCHRONIZATION), the partition boundaries a re-run
// reuses (PARTITION_METADATA of the table's last completed run), and the statements
// of a watermark partition's load transaction. Values reach SQL as escaped literals
// only (StringLiteral, Literal); identifiers through QuoteIdent.

// SyncTable keeps one row per migration run and table that synchronized with a
// watermark: the high mark it reached, written only when the whole table succeeded.
const SyncTable = "TABLE_SYNCHRONIZATION"

// CreateSyncTableSQL creates SyncTable when missing (idempotent).
func CreateSyncTableSQL(l MetadataLocation) string {
	l = l.WithDefaults()
	return fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s (
  WORKFLOW_ID VARCHAR NOT NULL,
  RUN_ID VARCHAR NOT NULL,
  TABLE_KEY VARCHAR NOT NULL,
  STRATEGY VARCHAR,
  WATERMARK_COLUMN VARCHAR,
  WATERMARK_LOW VARCHAR,
  WATERMARK_HIGH VARCHAR,
  ROWS_MOVED NUMBER(38,0),
  PARTITIONS NUMBER(10,0),
  SYNCHRONIZED_AT TIMESTAMP_TZ
)`, l.obj(SyncTable))
}

// SyncMark is one table's synchronization result in one run.
type SyncMark struct {
	WorkflowID, RunID, TableKey string
	Strategy, Column            string
	Low, High                   *string
	Rows                        int64
	Partitions                  int
	At                          time.Time
}

func nullableText(p *string) string {
	if p == nil {
		return "CAST(NULL AS VARCHAR)"
	}
	return StringLiteral(*p)
}

// MergeSyncMarkSQL records a table's mark for its run (a retried activity rewrites the
// same row).
func MergeSyncMarkSQL(l MetadataLocation, m SyncMark) string {
	l = l.WithDefaults()
	return fmt.Sprintf(`MERGE INTO %s AS T USING (SELECT %s AS WORKFLOW_ID, %s AS RUN_ID, %s AS TABLE_KEY, %s AS STRATEGY, %s AS WATERMARK_COLUMN, %s AS WATERMARK_LOW, %s AS WATERMARK_HIGH, %d AS ROWS_MOVED, %d AS PARTITIONS, %s AS SYNCHRONIZED_AT) AS S
ON T.WORKFLOW_ID = S.WORKFLOW_ID AND T.RUN_ID = S.RUN_ID AND T.TABLE_KEY = S.TABLE_KEY
WHEN MATCHED THEN UPDATE SET STRATEGY = S.STRATEGY, WATERMARK_COLUMN = S.WATERMARK_COLUMN, WATERMARK_LOW = S.WATERMARK_LOW, WATERMARK_HIGH = S.WATERMARK_HIGH, ROWS_MOVED = S.ROWS_MOVED, PARTITIONS = S.PARTITIONS, SYNCHRONIZED_AT = S.SYNCHRONIZED_AT
WHEN NOT MATCHED THEN INSERT (WORKFLOW_ID, RUN_ID, TABLE_KEY, STRATEGY, WATERMARK_COLUMN, WATERMARK_LOW, WATERMARK_HIGH, ROWS_MOVED, PARTITIONS, SYNCHRONIZED_AT) VALUES (S.WORKFLOW_ID, S.RUN_ID, S.TABLE_KEY, S.STRATEGY, S.WATERMARK_COLUMN, S.WATERMARK_LOW, S.WATERMARK_HIGH, S.ROWS_MOVED, S.PARTITIONS, S.SYNCHRONIZED_AT)`,
		l.obj(SyncTable), StringLiteral(m.WorkflowID), StringLiteral(m.RunID), StringLiteral(m.TableKey), StringLiteral(m.Strategy),
		StringLiteral(m.Column), nullableText(m.Low), nullableText(m.High), m.Rows, m.Partitions, TimestampLiteral(m.At))
}

// SelectSyncMarkSQL reads the latest mark of a table for a watermark column, from any
// run but the current one: (RUN_ID, WATERMARK_HIGH).
func SelectSyncMarkSQL(l MetadataLocation, workflowID, runID, tableKey, column string) string {
	l = l.WithDefaults()
	return "SELECT RUN_ID, WATERMARK_HIGH FROM " + l.obj(SyncTable) +
		" WHERE WORKFLOW_ID = " + StringLiteral(workflowID) + " AND TABLE_KEY = " + StringLiteral(tableKey) +
		" AND WATERMARK_COLUMN = " + StringLiteral(column) + " AND RUN_ID <> " + StringLiteral(runID) +
		" ORDER BY SYNCHRONIZED_AT DESC LIMIT 1"
}

// SelectBaselineRunSQL finds the table's last completed run other than the current
// one: the run whose partition boundaries a re-run reuses.
func SelectBaselineRunSQL(l MetadataLocation, workflowID, runID, tableKey string) string {
	l = l.WithDefaults()
	return "SELECT RUN_ID FROM " + l.obj(TableMetadataTable) +
		" WHERE WORKFLOW_ID = " + StringLiteral(workflowID) + " AND TABLE_KEY = " + StringLiteral(tableKey) +
		" AND STATUS = " + StringLiteral(metadataStatusCompleted) + " AND RUN_ID <> " + StringLiteral(runID) +
		" ORDER BY END_TIME DESC NULLS LAST LIMIT 1"
}

// SelectPartitionBoundsSQL pages the partitions a run recorded for a table, in
// partition-number order (which is key order: numbers grow with the plan).
func SelectPartitionBoundsSQL(l MetadataLocation, workflowID, runID, tableKey string, afterNumber, limit int) string {
	l = l.WithDefaults()
	return "SELECT PARTITION_NUMBER, LOWER_BOUND, UPPER_BOUND, NULL_KEYS FROM " + l.obj(PartitionMetadataTable) +
		" WHERE " + TableKeyCondition(workflowID, runID, tableKey) +
		" AND PARTITION_NUMBER > " + strconv.Itoa(afterNumber) + " ORDER BY PARTITION_NUMBER LIMIT " + strconv.Itoa(limit)
}

// DeleteWindowSQL removes from a partition's key range the rows whose watermark is
// above low: rows that a failed later run appended before its table failed (the mark
// stayed at low). It runs in the partition's load transaction, before its COPY, so
// that an appended window lands exactly once however many runs tried it.
func DeleteWindowSQL(target migration.TableRef, cols []migration.Column, partitionBy []int, p migration.Partition, wmCol migration.Column, low string) (string, error) {
	pred, err := RangePredicate(cols, partitionBy, p)
	if err != nil {
		return "", err
	}
	lit, err := Literal(low, wmCol.TargetType)
	if err != nil {
		return "", fmt.Errorf("watermark %s: %w", wmCol.TargetName, err)
	}
	return "DELETE FROM " + TableName(target) + " WHERE " + pred + " AND " + QuoteIdent(wmCol.TargetName) + " > " + lit, nil
}

// StagingTable is the transient table a merged partition is copied into, in the
// target's schema; one per attempt, so that an earlier attempt still running cannot
// write into this one's.
func StagingTable(target migration.TableRef, workflowID, tableKey string, partition, attempt int) migration.TableRef {
	h := strings.TrimPrefix(LoadTxnName(workflowID, tableKey, partition), "SNOWMIGRATE_LOAD_")
	return migration.TableRef{Database: target.Database, Schema: target.Schema, Table: "SNOWMIGRATE_STG_" + h + "_" + strconv.Itoa(attempt)}
}

// CreateStagingSQL creates (or empties) a staging table shaped like the target. DDL
// commits any open transaction in Snowflake: run it before BEGIN.
func CreateStagingSQL(staging, target migration.TableRef) string {
	return "CREATE OR REPLACE TRANSIENT TABLE " + TableName(staging) + " LIKE " + TableName(target)
}

// DropStagingSQL drops a staging table.
func DropStagingSQL(staging migration.TableRef) string {
	return "DROP TABLE IF EXISTS " + TableName(staging)
}

// MergeStagedSQL merges the staged rows into the target by the primary key. Several
// versions of a key resolve to the one with the highest watermark, and a target row
// is only replaced by a version at least as new, so the order in which partitions
// merge does not matter.
func MergeStagedSQL(target, staging migration.TableRef, cols []migration.Column, keys []string, wmCol string) (string, error) {
	if len(keys) == 0 {
		return "", fmt.Errorf("merge into %s: no primary key columns", TableName(target))
	}
	if len(cols) == 0 {
		return "", fmt.Errorf("merge into %s: no columns", TableName(target))
	}
	qk := make([]string, len(keys))
	on := make([]string, len(keys))
	for i, k := range keys {
		qk[i] = QuoteIdent(k)
		on[i] = "T." + qk[i] + " = S." + qk[i]
	}
	w := QuoteIdent(wmCol)
	names := make([]string, len(cols))
	sets := make([]string, len(cols))
	vals := make([]string, len(cols))
	for i, c := range cols {
		q := QuoteIdent(c.TargetName)
		names[i], sets[i], vals[i] = q, q+" = S."+q, "S."+q
	}
	return "MERGE INTO " + TableName(target) + " AS T USING (SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY " +
		strings.Join(qk, ", ") + " ORDER BY " + w + " DESC NULLS LAST) AS SNOWMIGRATE_RN FROM " + TableName(staging) +
		") AS R WHERE SNOWMIGRATE_RN = 1) AS S\nON " + strings.Join(on, " AND ") +
		"\nWHEN MATCHED AND (T." + w + " IS NULL OR S." + w + " >= T." + w + ") THEN UPDATE SET " + strings.Join(sets, ", ") +
		"\nWHEN NOT MATCHED THEN INSERT (" + strings.Join(names, ", ") + ") VALUES (" + strings.Join(vals, ", ") + ")", nil
}

// MarkSyncedSQL is MarkLoadedSQL for a watermark re-sync partition (same guard),
// recording in the same statement its window and what was done, in the transaction
// that loads it. One statement for the same reason as MarkReplacedSQL.
func MarkSyncedSQL(l MetadataLocation, workflowID, runID, tableKey string, number int, rowsExtracted, rowsLoaded, bytes int64, attempt int, at time.Time, txnID string,
	low, high *string, action string) string {
	return markLoadedSQL(l, workflowID, runID, tableKey, number, rowsExtracted, rowsLoaded, bytes, attempt, at, txnID,
		", WATERMARK_LOW = "+nullableText(low)+", WATERMARK_HIGH = "+nullableText(high)+
			", SYNC_ACTION = "+StringLiteral(action)+", SYNCHRONIZED_AT = "+TimestampLiteral(at))
}
