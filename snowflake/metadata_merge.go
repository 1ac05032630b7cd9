package snowflake

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// WorkflowRow is one WORKFLOW row.
type WorkflowRow struct {
	ID, Name, RunID, Status, Affinity, SourcePlatform string
	Configuration                                     string // JSON text, no secret
	StartedAt                                         time.Time
	EndedAt                                           *time.Time
	TablesTotal, TablesCompleted, TablesFailed        int
	Message                                           string
	At                                                time.Time // when this state was observed
}

// TableRow is one TABLE_METADATA row.
type TableRow struct {
	WorkflowID, RunID, TableKey                          string
	SourceIdentifier, TargetIdentifier, Status           string
	PartitionsTotal, PartitionsCompleted, PartitionsFail int
	Rows, Bytes                                          int64
	Error                                                string
	StartedAt                                            time.Time
	EndedAt                                              *time.Time
	At                                                   time.Time
}

// PartitionRow is one PARTITION_METADATA state change.
type PartitionRow struct {
	Number       int
	Lower, Upper []string
	NullKeys     bool
	Status       string
	RowsExtract  *int64 // nil: leave as recorded
	Bytes        *int64 // nil: leave as recorded
	Attempts     int
	Error        string
	At           time.Time
	// Re-sync (docs/sync.md); empty/nil leaves what is recorded. Checksum is the
	// partition's source checksum, the baseline a later checksum run compares with;
	// Action what the run did with the partition (SyncAction*).
	Checksum    string
	Fingerprint string // the source's change fingerprint of the same rows (Fingerprinter)
	Action      string
	RowsDeleted *int64
}

// What a run did with a partition (PARTITION_METADATA.SYNC_ACTION).
const (
	SyncActionLoaded   = "LOADED"   // extracted and loaded (a first run, or a key range new since the last run)
	SyncActionSkipped  = "SKIPPED"  // checksum re-run: the source checksum equals the baseline, nothing moved
	SyncActionReloaded = "RELOADED" // checksum re-run: the checksum changed, the key range was replaced
	SyncActionDeleted  = "DELETED"  // trackDeletions: keys that vanished from the source were deleted
	SyncActionAppended = "APPENDED" // watermark re-run: the window's rows were appended
	SyncActionMerged   = "MERGED"   // watermark re-run with trackModifications: merged by primary key
)

// clip bounds free text (error messages) so that a pathological message cannot make a
// metadata statement huge; the cut is on a rune boundary.
func clip(s string) string {
	if len(s) <= metadataErrorTextMaxBytes {
		return s
	}
	cut := metadataErrorTextMaxBytes
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + " …(truncated)"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

func intLit(n int64) string { return strconv.FormatInt(n, 10) }

func nullableInt(p *int64) string {
	if p == nil {
		return "CAST(NULL AS NUMBER(38,0))"
	}
	return intLit(*p)
}

func nullableVarchar(s string) string {
	if s == "" {
		return "CAST(NULL AS VARCHAR)"
	}
	return StringLiteral(clip(s))
}

func boolLit(b bool) string {
	if b {
		return "TRUE"
	}
	return "FALSE"
}

// boundLit renders a partition bound as JSON text (["2024-01-01","17"]), NULL when unbounded.
func boundLit(b []string) string {
	if b == nil {
		return "CAST(NULL AS VARCHAR)"
	}
	j, _ := json.Marshal(b) // []string always marshals
	return StringLiteral(string(j))
}

// MergeWorkflowSQL upserts the WORKFLOW row (key ID). CREATION_TIME is set once; a new
// run ID (a re-run) takes over the row, which is what the views treat as current.
func MergeWorkflowSQL(l MetadataLocation, w WorkflowRow) string {
	l = l.WithDefaults()
	cfg := "CAST(NULL AS VARCHAR)"
	if w.Configuration != "" {
		cfg = StringLiteral(w.Configuration)
	}
	return fmt.Sprintf(`MERGE INTO %s AS t
USING (SELECT %s AS ID, %s AS NAME, %s AS RUN_ID, %s AS STATUS, %s AS AFFINITY, %s AS SOURCE_PLATFORM, %s AS CONFIGURATION, %s AS START_TIME, %s AS END_TIME, %d AS TABLES_TOTAL, %d AS TABLES_COMPLETED, %d AS TABLES_FAILED, %s AS MESSAGE, %s AS UPDATED_AT) AS s
ON t.ID = s.ID
WHEN MATCHED THEN UPDATE SET
  NAME = s.NAME, RUN_ID = s.RUN_ID, STATUS = s.STATUS, AFFINITY = s.AFFINITY, SOURCE_PLATFORM = s.SOURCE_PLATFORM,
  CONFIGURATION = COALESCE(s.CONFIGURATION, t.CONFIGURATION), START_TIME = s.START_TIME, END_TIME = s.END_TIME,
  TABLES_TOTAL = s.TABLES_TOTAL, TABLES_COMPLETED = s.TABLES_COMPLETED, TABLES_FAILED = s.TABLES_FAILED,
  MESSAGE = s.MESSAGE, UPDATED_AT = s.UPDATED_AT
WHEN NOT MATCHED THEN INSERT
  (ID, NAME, RUN_ID, STATUS, AFFINITY, SOURCE_PLATFORM, CONFIGURATION, CREATION_TIME, START_TIME, END_TIME, TABLES_TOTAL, TABLES_COMPLETED, TABLES_FAILED, MESSAGE, UPDATED_AT)
  VALUES (s.ID, s.NAME, s.RUN_ID, s.STATUS, s.AFFINITY, s.SOURCE_PLATFORM, s.CONFIGURATION, s.UPDATED_AT, s.START_TIME, s.END_TIME, s.TABLES_TOTAL, s.TABLES_COMPLETED, s.TABLES_FAILED, s.MESSAGE, s.UPDATED_AT)`,
		l.obj(WorkflowTable),
		StringLiteral(w.ID), nullableVarchar(w.Name), StringLiteral(w.RunID), StringLiteral(w.Status),
		nullableVarchar(w.Affinity), nullableVarchar(w.SourcePlatform), cfg,
		NullableTimestamp(&w.StartedAt), NullableTimestamp(w.EndedAt),
		w.TablesTotal, w.TablesCompleted, w.TablesFailed, nullableVarchar(w.Message), TimestampLiteral(w.At))
}

// MergeTableSQL upserts a TABLE_METADATA row (key WORKFLOW_ID, RUN_ID, TABLE_KEY). It
// never touches TARGET_EMPTIED_AT, the truncate-once marker that PrepareTarget owns.
func MergeTableSQL(l MetadataLocation, r TableRow) string {
	l = l.WithDefaults()
	return fmt.Sprintf(`MERGE INTO %s AS t
USING (SELECT %s AS WORKFLOW_ID, %s AS RUN_ID, %s AS TABLE_KEY, %s AS SOURCE_IDENTIFIER, %s AS TARGET_IDENTIFIER, %s AS STATUS, %d AS PARTITIONS_TOTAL, %d AS PARTITIONS_COMPLETED, %d AS PARTITIONS_FAILED, %d AS ROWS_LOADED, %d AS BYTES, %s AS ERROR_MESSAGE, %s AS START_TIME, %s AS END_TIME, %s AS UPDATED_AT) AS s
ON t.WORKFLOW_ID = s.WORKFLOW_ID AND t.RUN_ID = s.RUN_ID AND t.TABLE_KEY = s.TABLE_KEY
WHEN MATCHED THEN UPDATE SET
  SOURCE_IDENTIFIER = COALESCE(s.SOURCE_IDENTIFIER, t.SOURCE_IDENTIFIER), TARGET_IDENTIFIER = COALESCE(s.TARGET_IDENTIFIER, t.TARGET_IDENTIFIER),
  STATUS = s.STATUS, PARTITIONS_TOTAL = s.PARTITIONS_TOTAL, PARTITIONS_COMPLETED = s.PARTITIONS_COMPLETED, PARTITIONS_FAILED = s.PARTITIONS_FAILED,
  ROWS_LOADED = s.ROWS_LOADED, BYTES = s.BYTES, ERROR_MESSAGE = s.ERROR_MESSAGE,
  START_TIME = COALESCE(t.START_TIME, s.START_TIME), END_TIME = s.END_TIME, UPDATED_AT = s.UPDATED_AT
WHEN NOT MATCHED THEN INSERT
  (WORKFLOW_ID, RUN_ID, TABLE_KEY, SOURCE_IDENTIFIER, TARGET_IDENTIFIER, STATUS, PARTITIONS_TOTAL, PARTITIONS_COMPLETED, PARTITIONS_FAILED, ROWS_LOADED, BYTES, ERROR_MESSAGE, START_TIME, END_TIME, UPDATED_AT)
  VALUES (s.WORKFLOW_ID, s.RUN_ID, s.TABLE_KEY, s.SOURCE_IDENTIFIER, s.TARGET_IDENTIFIER, s.STATUS, s.PARTITIONS_TOTAL, s.PARTITIONS_COMPLETED, s.PARTITIONS_FAILED, s.ROWS_LOADED, s.BYTES, s.ERROR_MESSAGE, s.START_TIME, s.END_TIME, s.UPDATED_AT)`,
		l.obj(TableMetadataTable),
		StringLiteral(r.WorkflowID), StringLiteral(r.RunID), StringLiteral(r.TableKey),
		nullableVarchar(r.SourceIdentifier), nullableVarchar(r.TargetIdentifier), StringLiteral(r.Status),
		r.PartitionsTotal, r.PartitionsCompleted, r.PartitionsFail, r.Rows, r.Bytes, nullableVarchar(r.Error),
		NullableTimestamp(&r.StartedAt), NullableTimestamp(r.EndedAt), TimestampLiteral(r.At))
}

// TableKeyCondition is the WHERE condition selecting one table of one run in
// TABLE_METADATA or PARTITION_METADATA.
func TableKeyCondition(workflowID, runID, tableKey string) string {
	return "WORKFLOW_ID = " + StringLiteral(workflowID) + " AND RUN_ID = " + StringLiteral(runID) + " AND TABLE_KEY = " + StringLiteral(tableKey)
}

// SelectEmptiedSQL reads the truncate-once marker of a table in a run.
func SelectEmptiedSQL(l MetadataLocation, workflowID, runID, tableKey string) string {
	l = l.WithDefaults()
	return "SELECT TARGET_EMPTIED_AT FROM " + l.obj(TableMetadataTable) + " WHERE " + TableKeyCondition(workflowID, runID, tableKey)
}

// MarkEmptiedSQL records that PrepareTarget emptied (or created) the target for this run,
// creating the TABLE_METADATA row when RecordTable has not yet.
func MarkEmptiedSQL(l MetadataLocation, workflowID, runID, tableKey, targetIdentifier, status string, at time.Time) string {
	l = l.WithDefaults()
	return fmt.Sprintf(`MERGE INTO %s AS t
USING (SELECT %s AS WORKFLOW_ID, %s AS RUN_ID, %s AS TABLE_KEY, %s AS TARGET_IDENTIFIER, %s AS STATUS, %s AS EMPTIED_AT) AS s
ON t.WORKFLOW_ID = s.WORKFLOW_ID AND t.RUN_ID = s.RUN_ID AND t.TABLE_KEY = s.TABLE_KEY
WHEN MATCHED THEN UPDATE SET TARGET_EMPTIED_AT = s.EMPTIED_AT, TARGET_IDENTIFIER = COALESCE(t.TARGET_IDENTIFIER, s.TARGET_IDENTIFIER)
WHEN NOT MATCHED THEN INSERT (WORKFLOW_ID, RUN_ID, TABLE_KEY, TARGET_IDENTIFIER, STATUS, START_TIME, TARGET_EMPTIED_AT, UPDATED_AT)
  VALUES (s.WORKFLOW_ID, s.RUN_ID, s.TABLE_KEY, s.TARGET_IDENTIFIER, s.STATUS, s.EMPTIED_AT, s.EMPTIED_AT, s.EMPTIED_AT)`,
		l.obj(TableMetadataTable),
		StringLiteral(workflowID), StringLiteral(runID), StringLiteral(tableKey), StringLiteral(targetIdentifier),
		StringLiteral(status), TimestampLiteral(at))
}

// dedupePartitions keeps one update per partition number, the latest by At (later in
// the slice wins a tie). Snowflake rejects a MERGE whose source matches a target row
// twice (ERROR_ON_NONDETERMINISTIC_MERGE), and the latest state is what the mirror wants.
func dedupePartitions(rows []PartitionRow) []PartitionRow {
	latest := make(map[int]int, len(rows))
	for i, r := range rows {
		if j, ok := latest[r.Number]; !ok || !r.At.Before(rows[j].At) {
			latest[r.Number] = i
		}
	}
	out := make([]PartitionRow, 0, len(latest))
	for _, i := range latest {
		out = append(out, rows[i])
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Number < out[b].Number })
	return out
}

// MergePartitionsSQL upserts many PARTITION_METADATA rows in one statement (key
// WORKFLOW_ID, RUN_ID, TABLE_KEY, PARTITION_NUMBER): the source is one SELECT per row
// joined by UNION ALL, every value cast so the branches agree on types. An update older
// than the row (At before UPDATED_AT) is ignored, so updates delivered out of order never
// move a partition backwards. FIRST_ERROR is kept once set; LOADED_AT and ROWS_LOADED are
// owned by the load transaction and never written here.
func MergePartitionsSQL(l MetadataLocation, workflowID, runID, tableKey, sourceIdentifier string, rows []PartitionRow) (string, error) {
	l = l.WithDefaults()
	rows = dedupePartitions(rows)
	if len(rows) == 0 {
		return "", fmt.Errorf("no partition updates to record")
	}
	var src strings.Builder
	for i, r := range rows {
		if i > 0 {
			src.WriteString("\n  UNION ALL ")
		}
		if r.At.IsZero() {
			return "", fmt.Errorf("partition %d update has no time", r.Number)
		}
		fmt.Fprintf(&src, "SELECT %s AS WORKFLOW_ID, %s AS RUN_ID, %s AS TABLE_KEY, %s AS SOURCE_IDENTIFIER, %d AS PARTITION_NUMBER, %s AS LOWER_BOUND, %s AS UPPER_BOUND, %s AS NULL_KEYS, %s AS STATUS, %s AS ROWS_EXTRACTED, %s AS BYTES, %d AS ATTEMPTS, %s AS ERROR, %s AS UPDATED_AT, %s AS SOURCE_CHECKSUM, %s AS SOURCE_FINGERPRINT, %s AS SYNC_ACTION, %s AS ROWS_DELETED",
			StringLiteral(workflowID), StringLiteral(runID), StringLiteral(tableKey), nullableVarchar(sourceIdentifier),
			r.Number, boundLit(r.Lower), boundLit(r.Upper), boolLit(r.NullKeys), StringLiteral(r.Status),
			nullableInt(r.RowsExtract), nullableInt(r.Bytes), r.Attempts, nullableVarchar(r.Error), TimestampLiteral(r.At),
			nullableVarchar(r.Checksum), nullableVarchar(r.Fingerprint), nullableVarchar(r.Action), nullableInt(r.RowsDeleted))
	}
	return fmt.Sprintf(`MERGE INTO %s AS t
USING (
  %s
) AS s
ON t.WORKFLOW_ID = s.WORKFLOW_ID AND t.RUN_ID = s.RUN_ID AND t.TABLE_KEY = s.TABLE_KEY AND t.PARTITION_NUMBER = s.PARTITION_NUMBER
WHEN MATCHED AND (t.UPDATED_AT IS NULL OR s.UPDATED_AT >= t.UPDATED_AT) THEN UPDATE SET
  SOURCE_IDENTIFIER = COALESCE(s.SOURCE_IDENTIFIER, t.SOURCE_IDENTIFIER),
  LOWER_BOUND = COALESCE(s.LOWER_BOUND, t.LOWER_BOUND), UPPER_BOUND = COALESCE(s.UPPER_BOUND, t.UPPER_BOUND), NULL_KEYS = s.NULL_KEYS,
  STATUS = s.STATUS,
  ROWS_EXTRACTED = COALESCE(s.ROWS_EXTRACTED, t.ROWS_EXTRACTED), BYTES = COALESCE(s.BYTES, t.BYTES),
  ATTEMPTS = GREATEST(COALESCE(t.ATTEMPTS, 0), s.ATTEMPTS),
  FIRST_ERROR = COALESCE(t.FIRST_ERROR, s.ERROR),
  FIRST_ERROR_AT = CASE WHEN t.FIRST_ERROR IS NULL AND s.ERROR IS NOT NULL THEN s.UPDATED_AT ELSE t.FIRST_ERROR_AT END,
  LAST_ERROR = COALESCE(s.ERROR, t.LAST_ERROR),
  SOURCE_CHECKSUM = COALESCE(s.SOURCE_CHECKSUM, t.SOURCE_CHECKSUM), SOURCE_FINGERPRINT = COALESCE(s.SOURCE_FINGERPRINT, t.SOURCE_FINGERPRINT), SYNC_ACTION = COALESCE(s.SYNC_ACTION, t.SYNC_ACTION),
  ROWS_DELETED = COALESCE(s.ROWS_DELETED, t.ROWS_DELETED),
  UPDATED_AT = s.UPDATED_AT
WHEN NOT MATCHED THEN INSERT
  (WORKFLOW_ID, RUN_ID, TABLE_KEY, SOURCE_IDENTIFIER, PARTITION_NUMBER, LOWER_BOUND, UPPER_BOUND, NULL_KEYS, STATUS, ROWS_EXTRACTED, BYTES, ATTEMPTS, FIRST_ERROR, FIRST_ERROR_AT, LAST_ERROR, CREATED_AT, UPDATED_AT, SOURCE_CHECKSUM, SOURCE_FINGERPRINT, SYNC_ACTION, ROWS_DELETED)
  VALUES (s.WORKFLOW_ID, s.RUN_ID, s.TABLE_KEY, s.SOURCE_IDENTIFIER, s.PARTITION_NUMBER, s.LOWER_BOUND, s.UPPER_BOUND, s.NULL_KEYS, s.STATUS, s.ROWS_EXTRACTED, s.BYTES, s.ATTEMPTS, s.ERROR, CASE WHEN s.ERROR IS NULL THEN NULL ELSE s.UPDATED_AT END, s.ERROR, s.UPDATED_AT, s.UPDATED_AT, s.SOURCE_CHECKSUM, s.SOURCE_FINGERPRINT, s.SYNC_ACTION, s.ROWS_DELETED)`,
		l.obj(PartitionMetadataTable), src.String()), nil
}
