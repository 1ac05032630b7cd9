package snowflake

import (
	"fmt"
	"strings"
)

// viewDDL builds the dashboard views. They use only CASE, COUNT, SUM, COALESCE,
// GREATEST, GROUP BY, LEFT JOIN and ROW_NUMBER, so they read the same on Snowflake and
// on the emulator. Every view shows the current run of each workflow only: the WORKFLOW
// row holds the migration run ID of the latest run, and a re-run (a new run ID) replaces
// what the dashboards show instead of adding to it. Rows of a workflow with no WORKFLOW
// row (never expected) are shown for every run rather than hidden.
func viewDDL(l MetadataLocation) []string {
	r := strings.NewReplacer(
		"{W}", l.obj(WorkflowTable),
		"{T}", l.obj(TableMetadataTable),
		"{P}", l.obj(PartitionMetadataTable),
		"{WARN}", l.obj(WarningTable),
		"{TP}", l.obj(TableProgressView),
		"{D}", l.obj(RowDifferenceTable),
	)
	view := func(name, body string) string {
		return fmt.Sprintf("CREATE OR REPLACE VIEW %s AS\n%s", l.obj(name), r.Replace(body))
	}
	return []string{
		view(TableProgressView, tableProgressBody),
		view(TableProgressExampleView, tableProgressExampleBody),
		view(MigrationErrorView, migrationErrorBody),
		view(MigrationWarningView, migrationWarningBody),
	}
}

// currentRun restricts alias x (with WORKFLOW_ID and RUN_ID) to its workflow's current run.
func currentRun(x string) string {
	return "LEFT JOIN {W} w ON w.ID = " + x + ".WORKFLOW_ID\nWHERE (w.RUN_ID IS NULL OR w.RUN_ID = " + x + ".RUN_ID)"
}

// tableProgressBody: one row per table of the current run. Partitions not yet recorded
// count as pending (TABLE_METADATA.PARTITIONS_TOTAL is the plan's size so far);
// LOADED (copied, not yet verified) counts as loading.
var tableProgressBody = `SELECT
  t.WORKFLOW_ID,
  t.RUN_ID,
  t.TABLE_KEY,
  t.SOURCE_IDENTIFIER,
  t.TARGET_IDENTIFIER,
  t.STATUS AS TABLE_STATUS,
  GREATEST(COALESCE(t.PARTITIONS_TOTAL, 0), COALESCE(p.RECORDED, 0)) AS PARTITIONS_TOTAL,
  GREATEST(COALESCE(t.PARTITIONS_TOTAL, 0), COALESCE(p.RECORDED, 0))
    - COALESCE(p.IN_EXTRACTION, 0) - COALESCE(p.LOADING, 0) - COALESCE(p.COMPLETED, 0)
    - COALESCE(p.FAILED, 0) - COALESCE(p.CANCELLED, 0) AS PARTITIONS_PENDING,
  COALESCE(p.IN_EXTRACTION, 0) AS PARTITIONS_IN_EXTRACTION,
  COALESCE(p.LOADING, 0) AS PARTITIONS_LOADING,
  COALESCE(p.COMPLETED, 0) AS PARTITIONS_COMPLETED,
  COALESCE(p.FAILED, 0) AS PARTITIONS_FAILED,
  COALESCE(p.CANCELLED, 0) AS PARTITIONS_CANCELLED,
  COALESCE(p.ROWS_EXTRACTED, 0) AS ROWS_EXTRACTED,
  COALESCE(p.ROWS_LOADED, t.ROWS_LOADED, 0) AS ROWS_LOADED,
  COALESCE(p.BYTES, t.BYTES, 0) AS BYTES,
  t.ERROR_MESSAGE AS TABLE_ERROR_MESSAGE,
  t.START_TIME,
  t.END_TIME,
  GREATEST(COALESCE(t.UPDATED_AT, p.UPDATED_AT), COALESCE(p.UPDATED_AT, t.UPDATED_AT)) AS UPDATED_AT,
  COALESCE(p.SKIPPED, 0) AS PARTITIONS_SKIPPED,
  COALESCE(p.RELOADED, 0) AS PARTITIONS_RELOADED,
  COALESCE(p.MERGED, 0) AS PARTITIONS_MERGED,
  COALESCE(p.ROWS_DELETED, 0) AS ROWS_DELETED
FROM {T} t
LEFT JOIN (
  SELECT
    WORKFLOW_ID,
    RUN_ID,
    TABLE_KEY,
    COUNT(*) AS RECORDED,
    SUM(CASE WHEN STATUS = 'EXTRACTING' THEN 1 ELSE 0 END) AS IN_EXTRACTION,
    SUM(CASE WHEN STATUS IN ('LOADING', 'LOADED') THEN 1 ELSE 0 END) AS LOADING,
    SUM(CASE WHEN STATUS = 'COMPLETED' THEN 1 ELSE 0 END) AS COMPLETED,
    SUM(CASE WHEN STATUS = 'FAILED' THEN 1 ELSE 0 END) AS FAILED,
    SUM(CASE WHEN STATUS = 'CANCELLED' THEN 1 ELSE 0 END) AS CANCELLED,
    SUM(COALESCE(ROWS_EXTRACTED, 0)) AS ROWS_EXTRACTED,
    SUM(CASE WHEN LOADED_AT IS NOT NULL THEN COALESCE(ROWS_LOADED, 0) ELSE 0 END) AS ROWS_LOADED,
    SUM(CASE WHEN LOADED_AT IS NOT NULL THEN COALESCE(BYTES, 0) ELSE 0 END) AS BYTES,
    MAX(UPDATED_AT) AS UPDATED_AT,
    SUM(CASE WHEN SYNC_ACTION = 'SKIPPED' THEN 1 ELSE 0 END) AS SKIPPED,
    SUM(CASE WHEN SYNC_ACTION = 'RELOADED' THEN 1 ELSE 0 END) AS RELOADED,
    SUM(CASE WHEN SYNC_ACTION = 'MERGED' THEN 1 ELSE 0 END) AS MERGED,
    SUM(COALESCE(ROWS_DELETED, 0)) AS ROWS_DELETED
  FROM {P}
  GROUP BY WORKFLOW_ID, RUN_ID, TABLE_KEY
) p ON p.WORKFLOW_ID = t.WORKFLOW_ID AND p.RUN_ID = t.RUN_ID AND p.TABLE_KEY = t.TABLE_KEY
` + currentRun("t")

// tableProgressExampleBody adds, per table, the number of failed partitions and one
// error to look at: the failed partition that failed first (its latest message), else
// the table's own error (e.g. a missing source table, which has no partitions).
var tableProgressExampleBody = `SELECT
  tp.*,
  tp.PARTITIONS_FAILED AS FAILED_PARTITIONS,
  COALESCE(e.ERROR_MESSAGE, tp.TABLE_ERROR_MESSAGE) AS EXAMPLE_ERROR_MESSAGE
FROM {TP} tp
LEFT JOIN (
  SELECT WORKFLOW_ID, RUN_ID, TABLE_KEY, ERROR_MESSAGE
  FROM (
    SELECT
      WORKFLOW_ID,
      RUN_ID,
      TABLE_KEY,
      COALESCE(LAST_ERROR, FIRST_ERROR) AS ERROR_MESSAGE,
      ROW_NUMBER() OVER (
        PARTITION BY WORKFLOW_ID, RUN_ID, TABLE_KEY
        ORDER BY COALESCE(FIRST_ERROR_AT, UPDATED_AT), PARTITION_NUMBER
      ) AS RN
    FROM {P}
    WHERE STATUS = 'FAILED'
  ) f
  WHERE f.RN = 1
) e ON e.WORKFLOW_ID = tp.WORKFLOW_ID AND e.RUN_ID = tp.RUN_ID AND e.TABLE_KEY = tp.TABLE_KEY`

// migrationErrorBody lists the first error of each failed partition of the current run,
// the error of each failed table that has no failed partition (a table can fail
// before it has partitions: missing source table, target mismatch), and every row
// difference located behind a checksum mismatch (ROW_DIFFERENCE, one row each, with
// its kind, key, column and both values; NULL in those columns for the other rows).
var migrationErrorBody = `SELECT
  p.WORKFLOW_ID,
  p.RUN_ID,
  COALESCE(p.SOURCE_IDENTIFIER, t.SOURCE_IDENTIFIER, p.TABLE_KEY) AS SOURCE_IDENTIFIER,
  p.TABLE_KEY,
  p.PARTITION_NUMBER,
  COALESCE(p.FIRST_ERROR, p.LAST_ERROR) AS ERROR_MESSAGE,
  COALESCE(p.FIRST_ERROR_AT, p.UPDATED_AT) AS CREATED_AT,
  CAST(NULL AS VARCHAR) AS DIFFERENCE_KIND,
  CAST(NULL AS VARCHAR) AS ROW_KEY,
  CAST(NULL AS VARCHAR) AS COLUMN_NAME,
  CAST(NULL AS VARCHAR) AS SOURCE_VALUE,
  CAST(NULL AS VARCHAR) AS TARGET_VALUE
FROM {P} p
LEFT JOIN {T} t ON t.WORKFLOW_ID = p.WORKFLOW_ID AND t.RUN_ID = p.RUN_ID AND t.TABLE_KEY = p.TABLE_KEY
` + currentRun("p") + `
  AND p.STATUS = 'FAILED'
UNION ALL
SELECT
  t.WORKFLOW_ID,
  t.RUN_ID,
  COALESCE(t.SOURCE_IDENTIFIER, t.TABLE_KEY) AS SOURCE_IDENTIFIER,
  t.TABLE_KEY,
  NULL AS PARTITION_NUMBER,
  t.ERROR_MESSAGE,
  COALESCE(t.END_TIME, t.UPDATED_AT) AS CREATED_AT,
  CAST(NULL AS VARCHAR) AS DIFFERENCE_KIND,
  CAST(NULL AS VARCHAR) AS ROW_KEY,
  CAST(NULL AS VARCHAR) AS COLUMN_NAME,
  CAST(NULL AS VARCHAR) AS SOURCE_VALUE,
  CAST(NULL AS VARCHAR) AS TARGET_VALUE
FROM {T} t
LEFT JOIN (
  SELECT WORKFLOW_ID, RUN_ID, TABLE_KEY, COUNT(*) AS N
  FROM {P}
  WHERE STATUS = 'FAILED'
  GROUP BY WORKFLOW_ID, RUN_ID, TABLE_KEY
) fp ON fp.WORKFLOW_ID = t.WORKFLOW_ID AND fp.RUN_ID = t.RUN_ID AND fp.TABLE_KEY = t.TABLE_KEY
` + currentRun("t") + `
  AND t.STATUS = 'FAILED'
  AND t.ERROR_MESSAGE IS NOT NULL
  AND fp.N IS NULL
UNION ALL
SELECT
  d.WORKFLOW_ID,
  d.RUN_ID,
  COALESCE(d.SOURCE_IDENTIFIER, d.TABLE_KEY) AS SOURCE_IDENTIFIER,
  d.TABLE_KEY,
  d.PARTITION_NUMBER,
  CASE d.DIFFERENCE_KIND
    WHEN 'DIFFERENT' THEN 'row ' || d.ROW_KEY || ': column ' || d.COLUMN_NAME || ' differs: source ' || d.SOURCE_VALUE || ', target ' || d.TARGET_VALUE
    WHEN 'MISSING_IN_TARGET' THEN 'row ' || d.ROW_KEY || ' is on the source but missing in the target'
    ELSE 'row ' || d.ROW_KEY || ' is in the target but not on the source'
  END AS ERROR_MESSAGE,
  d.CREATED_AT,
  d.DIFFERENCE_KIND,
  d.ROW_KEY,
  d.COLUMN_NAME,
  d.SOURCE_VALUE,
  d.TARGET_VALUE
FROM {D} d
` + currentRun("d")

// migrationWarningBody lists warnings (target type differences, ...) of the current run.
var migrationWarningBody = `SELECT
  x.WORKFLOW_ID,
  x.RUN_ID,
  COALESCE(x.SOURCE_IDENTIFIER, x.TABLE_KEY) AS SOURCE_IDENTIFIER,
  x.TABLE_KEY,
  x.CATEGORY,
  x.WARNING_MESSAGE,
  x.CREATED_AT
FROM {WARN} x
` + currentRun("x")
