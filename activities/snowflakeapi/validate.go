package snowflakeapi

import (
	"time"

	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
)

// Validation (docs/validation.md): the Snowflake side of levels 1-3 and the records in
// the validation schema (DATA_VALIDATION).
const (
	ValidateSchemaName           = "SnowflakeValidateSchema"
	ProfileTargetName            = "SnowflakeProfileTarget"
	ChecksumTargetPartitionsName = "SnowflakeChecksumTargetPartitions"
	RecordValidationName         = "SnowflakeRecordValidation"
	RecordValidationRunName      = "SnowflakeRecordValidationRun"
)

// Validation statuses (VALIDATION_RESULT.STATUS, VALIDATION_RUN.STATUS).
const (
	ValidationRunning  = "RUNNING"
	ValidationMatch    = "MATCH"
	ValidationMismatch = "MISMATCH"
	ValidationError    = "ERROR" // the level could not run (unsupported, missing table, failed activity)
)

// Difference kinds (VALIDATION_DIFFERENCE.KIND) beyond migration.Diff* (level 3 rows).
const (
	DiffMissingTable  = "MISSING_TABLE"    // level 1: the target table does not exist
	DiffMissingColumn = "MISSING_COLUMN"   // level 1: the migration's column is not on the target
	DiffExtraColumn   = "EXTRA_COLUMN"     // level 1: the target has a column the migration does not write
	DiffColumnOrder   = "COLUMN_ORDER"     // level 1: the common columns are in another order
	DiffColumnType    = "COLUMN_TYPE"      // level 1: type family, length, precision or scale differ
	DiffNullability   = "NULLABILITY"      // level 1
	DiffPrimaryKey    = "PRIMARY_KEY"      // level 1: a key column is missing, or a key value is duplicated on the target
	DiffRowCount      = "ROW_COUNT"        // level 1
	DiffMetric        = "METRIC"           // level 2: one metric of one column
	DiffPartition     = "PARTITION"        // level 3: a partition's checksums differ (rows not located)
	DiffMoreRows      = "MORE_DIFFERENCES" // level 3: the row list was cut at its bound
)

// ValidationDifference is one VALIDATION_DIFFERENCE row. ID is unique within a table
// and level and derived from what differs (so a retry writes the same row).
type ValidationDifference struct {
	Level       int     `json:"level"`
	ID          string  `json:"id"`
	Kind        string  `json:"kind"`
	Column      string  `json:"column,omitempty"`
	Metric      string  `json:"metric,omitempty"`
	Key         string  `json:"key,omitempty"`
	SourceValue *string `json:"sourceValue,omitempty"`
	TargetValue *string `json:"targetValue,omitempty"`
	SourceSQL   string  `json:"sourceSql,omitempty"`
	TargetSQL   string  `json:"targetSql,omitempty"`
}

// ValidationLevelResult is one VALIDATION_RESULT row (one table at one level).
type ValidationLevelResult struct {
	Level       int    `json:"level"`
	Status      string `json:"status"`
	Compared    int64  `json:"compared"`    // items compared: columns and counts (1), metrics (2), partitions (3)
	Differences int64  `json:"differences"` // all found, including those beyond the recorded bound
	Message     string `json:"message,omitempty"`
}

// ValidateSchemaInput compares the target table with what the migration maps the
// source to (level 1, except the source row count, which the workflow compares).
type ValidateSchemaInput struct {
	ConnectionName string             `json:"connectionName"`
	TableKey       string             `json:"tableKey"`
	Target         config.Identifier  `json:"target"`               // merged configuration
	Columns        []migration.Column `json:"columns"`              // from introspection: expected names, types, nullability
	PrimaryKey     []string           `json:"primaryKey,omitempty"` // target names of the source's primary key
}

// ValidateSchemaResult is what level 1 found on the target.
type ValidateSchemaResult struct {
	Target      migration.TableRef     `json:"target"`
	Exists      bool                   `json:"exists"`
	Rows        int64                  `json:"rows"`
	Differences []ValidationDifference `json:"differences,omitempty"`
	Compared    int64                  `json:"compared"`
	// Comparable are the target names of the migration's columns that the target has
	// with the same type family: levels 2 and 3 compare these only.
	Comparable []string `json:"comparable,omitempty"`
}

// ProfileTargetInput asks for the level-2 metrics of Columns on the target.
type ProfileTargetInput struct {
	ConnectionName string             `json:"connectionName"`
	TableKey       string             `json:"tableKey"`
	Target         migration.TableRef `json:"target"`
	Columns        []migration.Column `json:"columns"`
}

// ProfileTargetResult holds one ColumnMetrics per column, in order.
type ProfileTargetResult struct {
	Metrics []sourceapi.ColumnMetrics `json:"metrics"`
}

// ChecksumTargetPartitionsInput asks for the checksums of a page of partitions' key
// ranges on the target.
type ChecksumTargetPartitionsInput struct {
	ConnectionName string                `json:"connectionName"`
	TableKey       string                `json:"tableKey"`
	Target         migration.TableRef    `json:"target"`
	Columns        []migration.Column    `json:"columns"`
	PartitionBy    []int                 `json:"partitionBy"`
	Partitions     []migration.Partition `json:"partitions"`
}

// ChecksumTargetPartitionsResult holds one checksum per partition, in order.
type ChecksumTargetPartitionsResult struct {
	Checksums []sourceapi.PartitionChecksum `json:"checksums"`
}

// RecordValidationInput records one table's level results and a batch of its
// differences. ReplaceLevels are the levels whose earlier differences (of this
// validation run) are deleted first: set on the first batch of a level only.
type RecordValidationInput struct {
	ConnectionName   string                  `json:"connectionName"`
	ValidationID     string                  `json:"validationId"`
	Migration        string                  `json:"migration"`
	MigrationRunID   string                  `json:"migrationRunId,omitempty"` // the run whose partitions level 3 used
	TableKey         string                  `json:"tableKey"`
	SourceIdentifier string                  `json:"sourceIdentifier,omitempty"`
	TargetIdentifier string                  `json:"targetIdentifier,omitempty"`
	Results          []ValidationLevelResult `json:"results,omitempty"`
	Differences      []ValidationDifference  `json:"differences,omitempty"`
	ReplaceLevels    []int                   `json:"replaceLevels,omitempty"`
	StartedAt        time.Time               `json:"startedAt"`
}

// RecordValidationRunInput upserts the VALIDATION_RUN row.
type RecordValidationRunInput struct {
	ConnectionName       string     `json:"connectionName"`
	ValidationID         string     `json:"validationId"`
	Migration            string     `json:"migration"`
	ValidationWorkflowID string     `json:"validationWorkflowId"`
	Level                int        `json:"level"` // the highest level asked of any table
	Tolerance            float64    `json:"tolerance"`
	Status               string     `json:"status"`
	TablesTotal          int        `json:"tablesTotal"`
	TablesMatched        int        `json:"tablesMatched"`
	TablesMismatched     int        `json:"tablesMismatched"`
	TablesError          int        `json:"tablesError"`
	Message              string     `json:"message,omitempty"`
	StartedAt            time.Time  `json:"startedAt"`
	EndedAt              *time.Time `json:"endedAt,omitempty"`
}

// TargetRowSQLName builds the statements that show target rows by key (no query runs).
const TargetRowSQLName = "SnowflakeTargetRowSQL"

// TargetRowSQLInput names the target, its columns, the key columns (indexes into
// Columns) and the key texts.
type TargetRowSQLInput struct {
	Target     migration.TableRef `json:"target"`
	Columns    []migration.Column `json:"columns"`
	KeyColumns []int              `json:"keyColumns"`
	Keys       []string           `json:"keys"`
}

// TargetRowSQLResult holds one statement per key, in order ("" where none).
type TargetRowSQLResult struct {
	SQL []string `json:"sql"`
}
