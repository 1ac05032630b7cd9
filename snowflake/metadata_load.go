package snowflake

import (
	"fmt"
	"strings"
	"time"
)

// partitionKey is the WHERE condition selecting one partition row.
func partitionKey(workflowID, runID, tableKey string, number int) string {
	return TableKeyCondition(workflowID, runID, tableKey) + fmt.Sprintf(" AND PARTITION_NUMBER = %d", number)
}

// SelectPartitionLoadSQL reads whether a partition was loaded in this run: LOADED_AT is
// set only by MarkLoadedSQL, in the transaction of the partition's COPY.
func SelectPartitionLoadSQL(l MetadataLocation, workflowID, runID, tableKey string, number int) string {
	l = l.WithDefaults()
	return "SELECT STATUS, ROWS_LOADED, LOADED_AT FROM " + l.obj(PartitionMetadataTable) +
		" WHERE " + partitionKey(workflowID, runID, tableKey, number)
}

// MarkLoadedSQL records, inside the COPY's transaction, that the partition is loaded.
// The LOADED_AT IS NULL guard makes it update exactly one row for the first load and
// none for a concurrent duplicate attempt; the caller rolls back (undoing its COPY) when
// it updated nothing. txnID (from CURRENT_TRANSACTION() after BEGIN; "" = no guard)
// makes it update nothing unless it still runs in that transaction: a transaction that
// another attempt aborted must not record a load that was rolled back.
func MarkLoadedSQL(l MetadataLocation, workflowID, runID, tableKey string, number int, rowsExtracted, rowsLoaded, bytes int64, attempt int, at time.Time, txnID string) string {
	return markLoadedSQL(l, workflowID, runID, tableKey, number, rowsExtracted, rowsLoaded, bytes, attempt, at, txnID, "")
}

// markLoadedSQL is MarkLoadedSQL with more assignments (", A = …") in the same SET.
func markLoadedSQL(l MetadataLocation, workflowID, runID, tableKey string, number int, rowsExtracted, rowsLoaded, bytes int64, attempt int, at time.Time, txnID, extra string) string {
	l = l.WithDefaults()
	guard := ""
	if txnID != "" {
		guard = " AND CURRENT_TRANSACTION() = " + StringLiteral(txnID)
	}
	return fmt.Sprintf("UPDATE %s SET STATUS = %s, ROWS_EXTRACTED = %d, ROWS_LOADED = %d, BYTES = %d, ATTEMPTS = GREATEST(COALESCE(ATTEMPTS, 0), %d), LOADED_AT = %s, UPDATED_AT = %s%s\nWHERE %s AND LOADED_AT IS NULL%s",
		l.obj(PartitionMetadataTable), StringLiteral(metadataStatusLoaded), rowsExtracted, rowsLoaded, bytes, attempt,
		TimestampLiteral(at), TimestampLiteral(at), extra, partitionKey(workflowID, runID, tableKey, number), guard)
}

// MergeWarningsSQL records warnings for a table once each (a retried activity re-sends
// the same messages).
func MergeWarningsSQL(l MetadataLocation, workflowID, runID, tableKey, sourceIdentifier, category string, messages []string, at time.Time) (string, error) {
	l = l.WithDefaults()
	if len(messages) == 0 {
		return "", fmt.Errorf("no warnings to record")
	}
	seen := map[string]bool{}
	var rows []string
	for _, m := range messages {
		m = clip(m)
		if seen[m] {
			continue
		}
		seen[m] = true
		rows = append(rows, fmt.Sprintf("SELECT %s AS WORKFLOW_ID, %s AS RUN_ID, %s AS TABLE_KEY, %s AS SOURCE_IDENTIFIER, %s AS CATEGORY, %s AS WARNING_MESSAGE, %s AS CREATED_AT",
			StringLiteral(workflowID), StringLiteral(runID), StringLiteral(tableKey), nullableVarchar(sourceIdentifier),
			StringLiteral(category), StringLiteral(m), TimestampLiteral(at)))
	}
	return fmt.Sprintf(`MERGE INTO %s AS t
USING (
  %s
) AS s
ON t.WORKFLOW_ID = s.WORKFLOW_ID AND t.RUN_ID = s.RUN_ID AND t.TABLE_KEY = s.TABLE_KEY AND t.WARNING_MESSAGE = s.WARNING_MESSAGE
WHEN NOT MATCHED THEN INSERT (WORKFLOW_ID, RUN_ID, TABLE_KEY, SOURCE_IDENTIFIER, CATEGORY, WARNING_MESSAGE, CREATED_AT)
  VALUES (s.WORKFLOW_ID, s.RUN_ID, s.TABLE_KEY, s.SOURCE_IDENTIFIER, s.CATEGORY, s.WARNING_MESSAGE, s.CREATED_AT)`,
		l.obj(WarningTable), strings.Join(rows, "\n  UNION ALL ")), nil
}
