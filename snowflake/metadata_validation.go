package snowflake

import (
	"fmt"
	"strings"
	"time"
)

// Validation results (docs/validation.md, docs/metadata.md) live in the validation
// schema (DATA_VALIDATION): one VALIDATION_RUN row per validation run, one
// VALIDATION_RESULT row per table per level, one VALIDATION_DIFFERENCE row per
// difference; the views show the latest validation run of each migration. Every
// write is a MERGE on the row's key, so a retried activity never duplicates a row.
const (
	ValidationRunTable         = "VALIDATION_RUN"
	ValidationResultTable      = "VALIDATION_RESULT"
	ValidationDifferenceTable  = "VALIDATION_DIFFERENCE"
	LatestValidationResultView = "LATEST_VALIDATION_RESULT"
	LatestValidationDiffView   = "LATEST_VALIDATION_DIFFERENCE"
)

// vobj is the quoted name of an object in the validation schema.
func (l MetadataLocation) vobj(name string) string {
	return QualifiedName(l.Database, l.ValidationSchema, name)
}

// validationMetadataDDL returns the idempotent statements creating the metadata tables and
// views of the validation results (DATA_VALIDATION); MetadataDDL runs them after the core tables and before the
// core views.
func validationMetadataDDL(l MetadataLocation) []string {
	l = l.WithDefaults()
	r := strings.NewReplacer("{RUN}", l.vobj(ValidationRunTable), "{RES}", l.vobj(ValidationResultTable),
		"{DIFF}", l.vobj(ValidationDifferenceTable))
	return []string{
		fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s (
  VALIDATION_ID VARCHAR NOT NULL,
  WORKFLOW_ID VARCHAR NOT NULL,
  VALIDATION_WORKFLOW_ID VARCHAR,
  LEVEL NUMBER(1,0),
  TOLERANCE FLOAT,
  STATUS VARCHAR,
  TABLES_TOTAL NUMBER(10,0),
  TABLES_MATCHED NUMBER(10,0),
  TABLES_MISMATCHED NUMBER(10,0),
  TABLES_ERROR NUMBER(10,0),
  MESSAGE VARCHAR,
  START_TIME TIMESTAMP_TZ,
  END_TIME TIMESTAMP_TZ,
  UPDATED_AT TIMESTAMP_TZ
)`, l.vobj(ValidationRunTable)),
		fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s (
  VALIDATION_ID VARCHAR NOT NULL,
  WORKFLOW_ID VARCHAR NOT NULL,
  MIGRATION_RUN_ID VARCHAR,
  TABLE_KEY VARCHAR NOT NULL,
  SOURCE_IDENTIFIER VARCHAR,
  TARGET_IDENTIFIER VARCHAR,
  LEVEL NUMBER(1,0) NOT NULL,
  STATUS VARCHAR,
  COMPARED NUMBER(38,0),
  DIFFERENCES NUMBER(38,0),
  MESSAGE VARCHAR,
  START_TIME TIMESTAMP_TZ,
  END_TIME TIMESTAMP_TZ,
  UPDATED_AT TIMESTAMP_TZ
)`, l.vobj(ValidationResultTable)),
		fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s (
  VALIDATION_ID VARCHAR NOT NULL,
  WORKFLOW_ID VARCHAR NOT NULL,
  TABLE_KEY VARCHAR NOT NULL,
  LEVEL NUMBER(1,0) NOT NULL,
  DIFFERENCE_ID VARCHAR NOT NULL,
  KIND VARCHAR,
  COLUMN_NAME VARCHAR,
  METRIC VARCHAR,
  ROW_KEY VARCHAR,
  SOURCE_VALUE VARCHAR,
  TARGET_VALUE VARCHAR,
  SOURCE_SQL VARCHAR,
  TARGET_SQL VARCHAR,
  CREATED_AT TIMESTAMP_TZ
)`, l.vobj(ValidationDifferenceTable)),
		// The latest validation run of each migration (by start time; the ID breaks a
		// tie) and its rows. Only ROW_NUMBER, joins and comparisons: the same on
		// Snowflake and the local emulator.
		fmt.Sprintf("CREATE OR REPLACE VIEW %s AS\n%s", l.vobj(LatestValidationResultView), r.Replace(latestResultBody)),
		fmt.Sprintf("CREATE OR REPLACE VIEW %s AS\n%s", l.vobj(LatestValidationDiffView), r.Replace(latestDiffBody)),
	}
}

const latestRunCTE = `WITH latest AS (
  SELECT VALIDATION_ID, WORKFLOW_ID FROM (
    SELECT VALIDATION_ID, WORKFLOW_ID,
      ROW_NUMBER() OVER (PARTITION BY WORKFLOW_ID ORDER BY START_TIME DESC, VALIDATION_ID DESC) AS RN
    FROM {RUN}
  ) x WHERE RN = 1
)
`

var latestResultBody = latestRunCTE + `SELECT r.WORKFLOW_ID, r.VALIDATION_ID, r.MIGRATION_RUN_ID, r.TABLE_KEY, r.SOURCE_IDENTIFIER, r.TARGET_IDENTIFIER,
  r.LEVEL, r.STATUS, r.COMPARED, r.DIFFERENCES, r.MESSAGE, r.START_TIME, r.END_TIME
FROM {RES} r
JOIN latest l ON l.VALIDATION_ID = r.VALIDATION_ID AND l.WORKFLOW_ID = r.WORKFLOW_ID`

var latestDiffBody = latestRunCTE + `SELECT d.WORKFLOW_ID, d.VALIDATION_ID, d.TABLE_KEY, d.LEVEL, d.DIFFERENCE_ID, d.KIND, d.COLUMN_NAME, d.METRIC,
  d.ROW_KEY, d.SOURCE_VALUE, d.TARGET_VALUE, d.SOURCE_SQL, d.TARGET_SQL
FROM {DIFF} d
JOIN latest l ON l.VALIDATION_ID = d.VALIDATION_ID AND l.WORKFLOW_ID = d.WORKFLOW_ID`

// ValidationRunRow is one VALIDATION_RUN row.
type ValidationRunRow struct {
	ValidationID, WorkflowID, ValidationWorkflowID string
	Level                                          int
	Tolerance                                      float64
	Status                                         string
	TablesTotal, Matched, Mismatched, Errors       int
	Message                                        string
	StartedAt                                      time.Time
	EndedAt                                        *time.Time
	At                                             time.Time
}

// MergeValidationRunSQL upserts a VALIDATION_RUN row (key VALIDATION_ID).
func MergeValidationRunSQL(l MetadataLocation, r ValidationRunRow) string {
	l = l.WithDefaults()
	return fmt.Sprintf(`MERGE INTO %s AS t
USING (SELECT %s AS VALIDATION_ID, %s AS WORKFLOW_ID, %s AS VALIDATION_WORKFLOW_ID, %d AS LEVEL, %s AS TOLERANCE, %s AS STATUS, %d AS TABLES_TOTAL, %d AS TABLES_MATCHED, %d AS TABLES_MISMATCHED, %d AS TABLES_ERROR, %s AS MESSAGE, %s AS START_TIME, %s AS END_TIME, %s AS UPDATED_AT) AS s
ON t.VALIDATION_ID = s.VALIDATION_ID
WHEN MATCHED THEN UPDATE SET
  STATUS = s.STATUS, TABLES_TOTAL = s.TABLES_TOTAL, TABLES_MATCHED = s.TABLES_MATCHED, TABLES_MISMATCHED = s.TABLES_MISMATCHED,
  TABLES_ERROR = s.TABLES_ERROR, MESSAGE = s.MESSAGE, END_TIME = s.END_TIME, UPDATED_AT = s.UPDATED_AT
WHEN NOT MATCHED THEN INSERT
  (VALIDATION_ID, WORKFLOW_ID, VALIDATION_WORKFLOW_ID, LEVEL, TOLERANCE, STATUS, TABLES_TOTAL, TABLES_MATCHED, TABLES_MISMATCHED, TABLES_ERROR, MESSAGE, START_TIME, END_TIME, UPDATED_AT)
  VALUES (s.VALIDATION_ID, s.WORKFLOW_ID, s.VALIDATION_WORKFLOW_ID, s.LEVEL, s.TOLERANCE, s.STATUS, s.TABLES_TOTAL, s.TABLES_MATCHED, s.TABLES_MISMATCHED, s.TABLES_ERROR, s.MESSAGE, s.START_TIME, s.END_TIME, s.UPDATED_AT)`,
		l.vobj(ValidationRunTable),
		StringLiteral(r.ValidationID), StringLiteral(r.WorkflowID), nullableVarchar(r.ValidationWorkflowID), r.Level,
		floatLit(r.Tolerance), StringLiteral(r.Status), r.TablesTotal, r.Matched, r.Mismatched, r.Errors,
		nullableVarchar(r.Message), NullableTimestamp(&r.StartedAt), NullableTimestamp(r.EndedAt), TimestampLiteral(r.At))
}

// floatLit writes a tolerance exactly enough for a FLOAT column (%g of a float64 is
// its shortest round-trip text).
func floatLit(f float64) string {
	return fmt.Sprintf("CAST(%s AS FLOAT)", StringLiteral(fmt.Sprintf("%g", f)))
}

// ValidationResultRow is one VALIDATION_RESULT row: one table at one level.
type ValidationResultRow struct {
	Level                              int
	Status                             string
	Compared, Differences              int64
	Message                            string
	SourceIdentifier, TargetIdentifier string
}

// ValidationDifferenceRow is one VALIDATION_DIFFERENCE row. ID is unique within the
// table and level and the same on every retry (the workflow derives it from what
// differs), which is what makes the MERGE idempotent.
type ValidationDifferenceRow struct {
	Level                     int
	ID                        string
	Kind, Column, Metric, Key string
	SourceValue, TargetValue  *string
	SourceSQL, TargetSQL      string
}

// ValidationTableKey names one table of one validation run.
type ValidationTableKey struct {
	ValidationID, WorkflowID, MigrationRunID, TableKey string
}

// MergeValidationResultsSQL upserts a table's level results (key VALIDATION_ID,
// TABLE_KEY, LEVEL).
func MergeValidationResultsSQL(l MetadataLocation, k ValidationTableKey, rows []ValidationResultRow, startedAt, at time.Time) (string, error) {
	l = l.WithDefaults()
	if len(rows) == 0 {
		return "", fmt.Errorf("no validation results to record")
	}
	var src strings.Builder
	for i, r := range rows {
		if i > 0 {
			src.WriteString("\n  UNION ALL ")
		}
		fmt.Fprintf(&src, "SELECT %s AS VALIDATION_ID, %s AS WORKFLOW_ID, %s AS MIGRATION_RUN_ID, %s AS TABLE_KEY, %s AS SOURCE_IDENTIFIER, %s AS TARGET_IDENTIFIER, %d AS LEVEL, %s AS STATUS, %d AS COMPARED, %d AS DIFFERENCES, %s AS MESSAGE, %s AS START_TIME, %s AS UPDATED_AT",
			StringLiteral(k.ValidationID), StringLiteral(k.WorkflowID), nullableVarchar(k.MigrationRunID), StringLiteral(k.TableKey),
			nullableVarchar(r.SourceIdentifier), nullableVarchar(r.TargetIdentifier), r.Level, StringLiteral(r.Status),
			r.Compared, r.Differences, nullableVarchar(r.Message), TimestampLiteral(startedAt), TimestampLiteral(at))
	}
	return fmt.Sprintf(`MERGE INTO %s AS t
USING (
  %s
) AS s
ON t.VALIDATION_ID = s.VALIDATION_ID AND t.TABLE_KEY = s.TABLE_KEY AND t.LEVEL = s.LEVEL
WHEN MATCHED THEN UPDATE SET
  MIGRATION_RUN_ID = s.MIGRATION_RUN_ID, SOURCE_IDENTIFIER = s.SOURCE_IDENTIFIER, TARGET_IDENTIFIER = s.TARGET_IDENTIFIER,
  STATUS = s.STATUS, COMPARED = s.COMPARED, DIFFERENCES = s.DIFFERENCES, MESSAGE = s.MESSAGE, END_TIME = s.UPDATED_AT, UPDATED_AT = s.UPDATED_AT
WHEN NOT MATCHED THEN INSERT
  (VALIDATION_ID, WORKFLOW_ID, MIGRATION_RUN_ID, TABLE_KEY, SOURCE_IDENTIFIER, TARGET_IDENTIFIER, LEVEL, STATUS, COMPARED, DIFFERENCES, MESSAGE, START_TIME, END_TIME, UPDATED_AT)
  VALUES (s.VALIDATION_ID, s.WORKFLOW_ID, s.MIGRATION_RUN_ID, s.TABLE_KEY, s.SOURCE_IDENTIFIER, s.TARGET_IDENTIFIER, s.LEVEL, s.STATUS, s.COMPARED, s.DIFFERENCES, s.MESSAGE, s.START_TIME, s.UPDATED_AT, s.UPDATED_AT)`,
		l.vobj(ValidationResultTable), src.String()), nil
}

// MergeValidationDifferencesSQL upserts a batch of differences of one table (key
// VALIDATION_ID, TABLE_KEY, LEVEL, DIFFERENCE_ID); a batch holding one key twice keeps
// the last.
func MergeValidationDifferencesSQL(l MetadataLocation, k ValidationTableKey, rows []ValidationDifferenceRow, at time.Time) (string, error) {
	l = l.WithDefaults()
	seen := make(map[string]int, len(rows))
	var uniq []ValidationDifferenceRow
	for _, r := range rows {
		key := fmt.Sprintf("%d/%s", r.Level, r.ID)
		if i, dup := seen[key]; dup {
			uniq[i] = r
			continue
		}
		seen[key] = len(uniq)
		uniq = append(uniq, r)
	}
	if len(uniq) == 0 {
		return "", fmt.Errorf("no validation differences to record")
	}
	opt := func(p *string) string {
		if p == nil {
			return "CAST(NULL AS VARCHAR)"
		}
		return StringLiteral(clip(*p))
	}
	var src strings.Builder
	for i, r := range uniq {
		if i > 0 {
			src.WriteString("\n  UNION ALL ")
		}
		fmt.Fprintf(&src, "SELECT %s AS VALIDATION_ID, %s AS WORKFLOW_ID, %s AS TABLE_KEY, %d AS LEVEL, %s AS DIFFERENCE_ID, %s AS KIND, %s AS COLUMN_NAME, %s AS METRIC, %s AS ROW_KEY, %s AS SOURCE_VALUE, %s AS TARGET_VALUE, %s AS SOURCE_SQL, %s AS TARGET_SQL, %s AS CREATED_AT",
			StringLiteral(k.ValidationID), StringLiteral(k.WorkflowID), StringLiteral(k.TableKey), r.Level, StringLiteral(r.ID),
			StringLiteral(r.Kind), nullableVarchar(r.Column), nullableVarchar(r.Metric), nullableVarchar(r.Key),
			opt(r.SourceValue), opt(r.TargetValue), nullableVarchar(r.SourceSQL), nullableVarchar(r.TargetSQL), TimestampLiteral(at))
	}
	return fmt.Sprintf(`MERGE INTO %s AS t
USING (
  %s
) AS s
ON t.VALIDATION_ID = s.VALIDATION_ID AND t.TABLE_KEY = s.TABLE_KEY AND t.LEVEL = s.LEVEL AND t.DIFFERENCE_ID = s.DIFFERENCE_ID
WHEN MATCHED THEN UPDATE SET
  KIND = s.KIND, COLUMN_NAME = s.COLUMN_NAME, METRIC = s.METRIC, ROW_KEY = s.ROW_KEY, SOURCE_VALUE = s.SOURCE_VALUE,
  TARGET_VALUE = s.TARGET_VALUE, SOURCE_SQL = s.SOURCE_SQL, TARGET_SQL = s.TARGET_SQL
WHEN NOT MATCHED THEN INSERT
  (VALIDATION_ID, WORKFLOW_ID, TABLE_KEY, LEVEL, DIFFERENCE_ID, KIND, COLUMN_NAME, METRIC, ROW_KEY, SOURCE_VALUE, TARGET_VALUE, SOURCE_SQL, TARGET_SQL, CREATED_AT)
  VALUES (s.VALIDATION_ID, s.WORKFLOW_ID, s.TABLE_KEY, s.LEVEL, s.DIFFERENCE_ID, s.KIND, s.COLUMN_NAME, s.METRIC, s.ROW_KEY, s.SOURCE_VALUE, s.TARGET_VALUE, s.SOURCE_SQL, s.TARGET_SQL, s.CREATED_AT)`,
		l.vobj(ValidationDifferenceTable), src.String()), nil
}

// DeleteValidationDifferencesSQL removes what an earlier attempt recorded for a table
// and level of this validation run beyond the differences found now: a retried
// validation that finds fewer differences (a writer fixed a row meanwhile) leaves no
// stale rows.
func DeleteValidationDifferencesSQL(l MetadataLocation, k ValidationTableKey, level int) string {
	l = l.WithDefaults()
	return fmt.Sprintf("DELETE FROM %s WHERE VALIDATION_ID = %s AND TABLE_KEY = %s AND LEVEL = %d",
		l.vobj(ValidationDifferenceTable), StringLiteral(k.ValidationID), StringLiteral(k.TableKey), level)
}
