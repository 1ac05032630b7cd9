package snowflake

import (
	"fmt"
	"strings"
	"time"

	"github.com/snowmigrate/snowmigrate/migration"
)

// RowDifferenceTable holds the rows located behind a partition's checksum mismatch
// (docs/checksums.md, "Locating differences"); DATA_MIGRATION_ERROR shows them.
const RowDifferenceTable = "ROW_DIFFERENCE"

// locateMetadataDDL returns the idempotent statements creating the metadata tables and
// views of the row differences found by the checksum step; MetadataDDL runs them after the core tables and before the
// core views.
func locateMetadataDDL(l MetadataLocation) []string {
	return []string{fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s (
  WORKFLOW_ID VARCHAR NOT NULL,
  RUN_ID VARCHAR NOT NULL,
  TABLE_KEY VARCHAR NOT NULL,
  SOURCE_IDENTIFIER VARCHAR,
  PARTITION_NUMBER NUMBER(10,0) NOT NULL,
  DIFFERENCE_NUMBER NUMBER(10,0) NOT NULL,
  DIFFERENCE_KIND VARCHAR,
  ROW_KEY VARCHAR,
  COLUMN_NAME VARCHAR,
  DIFFERING_COLUMNS VARCHAR,
  SOURCE_VALUE VARCHAR,
  TARGET_VALUE VARCHAR,
  MORE_DIFFERENCES BOOLEAN,
  CREATED_AT TIMESTAMP_TZ
)`, l.obj(RowDifferenceTable))}
}

// RowDifferenceRow is one located difference of a partition, numbered from 1 in the
// order the search found it.
type RowDifferenceRow struct {
	Number int
	migration.RowDifference
}

// MergeRowDifferencesSQL records a partition's differences (one statement; callers
// batch). It is idempotent on (workflow, run, table, partition, difference number): a
// retried activity rewrites the same rows. Values are canonical texts from the
// source and the target: they enter SQL only as escaped literals, clipped like error
// texts. more marks that the partition has more differences than recorded.
func MergeRowDifferencesSQL(l MetadataLocation, workflowID, runID, tableKey, sourceIdentifier string, partition int, rows []RowDifferenceRow, more bool, at time.Time) (string, error) {
	l = l.WithDefaults()
	if len(rows) == 0 {
		return "", fmt.Errorf("no row differences to record")
	}
	sel := make([]string, len(rows))
	for i, r := range rows {
		sel[i] = fmt.Sprintf("SELECT %s AS WORKFLOW_ID, %s AS RUN_ID, %s AS TABLE_KEY, %s AS SOURCE_IDENTIFIER, %d AS PARTITION_NUMBER, %d AS DIFFERENCE_NUMBER, "+
			"%s AS DIFFERENCE_KIND, %s AS ROW_KEY, %s AS COLUMN_NAME, %s AS DIFFERING_COLUMNS, %s AS SOURCE_VALUE, %s AS TARGET_VALUE, %s AS MORE_DIFFERENCES, %s AS CREATED_AT",
			StringLiteral(workflowID), StringLiteral(runID), StringLiteral(tableKey), nullableVarchar(sourceIdentifier), partition, r.Number,
			StringLiteral(r.Kind), StringLiteral(clip(r.Key)), nullableVarchar(r.Column), nullableVarchar(strings.Join(r.Columns, ", ")),
			valueLiteral(r.Kind, r.SourceValue, migration.DiffMissingInSource), valueLiteral(r.Kind, r.TargetValue, migration.DiffMissingInTarget),
			boolLit(more), TimestampLiteral(at))
	}
	return fmt.Sprintf(`MERGE INTO %s AS t
USING (
  %s
) AS s
ON t.WORKFLOW_ID = s.WORKFLOW_ID AND t.RUN_ID = s.RUN_ID AND t.TABLE_KEY = s.TABLE_KEY AND t.PARTITION_NUMBER = s.PARTITION_NUMBER AND t.DIFFERENCE_NUMBER = s.DIFFERENCE_NUMBER
WHEN MATCHED THEN UPDATE SET SOURCE_IDENTIFIER = s.SOURCE_IDENTIFIER, DIFFERENCE_KIND = s.DIFFERENCE_KIND, ROW_KEY = s.ROW_KEY, COLUMN_NAME = s.COLUMN_NAME,
  DIFFERING_COLUMNS = s.DIFFERING_COLUMNS, SOURCE_VALUE = s.SOURCE_VALUE, TARGET_VALUE = s.TARGET_VALUE, MORE_DIFFERENCES = s.MORE_DIFFERENCES, CREATED_AT = s.CREATED_AT
WHEN NOT MATCHED THEN INSERT (WORKFLOW_ID, RUN_ID, TABLE_KEY, SOURCE_IDENTIFIER, PARTITION_NUMBER, DIFFERENCE_NUMBER, DIFFERENCE_KIND, ROW_KEY, COLUMN_NAME,
  DIFFERING_COLUMNS, SOURCE_VALUE, TARGET_VALUE, MORE_DIFFERENCES, CREATED_AT)
  VALUES (s.WORKFLOW_ID, s.RUN_ID, s.TABLE_KEY, s.SOURCE_IDENTIFIER, s.PARTITION_NUMBER, s.DIFFERENCE_NUMBER, s.DIFFERENCE_KIND, s.ROW_KEY, s.COLUMN_NAME,
  s.DIFFERING_COLUMNS, s.SOURCE_VALUE, s.TARGET_VALUE, s.MORE_DIFFERENCES, s.CREATED_AT)`,
		l.obj(RowDifferenceTable), strings.Join(sel, "\n  UNION ALL ")), nil
}

// valueLiteral is a side's value: SQL NULL on the side that lacks the row (absent
// kind), else the canonical text (an empty text stays an empty string, distinct from the side
// missing the row).
func valueLiteral(kind, v, absent string) string {
	if kind == absent {
		return "CAST(NULL AS VARCHAR)"
	}
	return StringLiteral(clip(v))
}
