package snowflake

import "fmt"

// MetadataLocation is where the metadata mirror lives. It mirrors
// config.MetadataLocation; the defaults are the reference system's names.
type MetadataLocation struct {
	Database         string // resolved (exact) name, default SNOWCONVERT_AI
	MigrationSchema  string // default DATA_MIGRATION
	ValidationSchema string // default DATA_VALIDATION
}

// Default metadata names (overridable with the CUSTOM_SNOWFLAKE_* environment variables,
// read by the worker's main).
const (
	DefaultMetadataDatabase   = "SNOWCONVERT_AI"
	DefaultMigrationSchema    = "DATA_MIGRATION"
	DefaultValidationSchema   = "DATA_VALIDATION"
	WorkflowTable             = "WORKFLOW"
	TableMetadataTable        = "TABLE_METADATA"
	PartitionMetadataTable    = "PARTITION_METADATA"
	WarningTable              = "MIGRATION_WARNING"
	TableProgressView         = "TABLE_PROGRESS"
	TableProgressExampleView  = "TABLE_PROGRESS_WITH_EXAMPLE_ERROR"
	MigrationErrorView        = "DATA_MIGRATION_ERROR"
	MigrationWarningView      = "DATA_MIGRATION_WARNING"
	metadataStatusLoaded      = "LOADED"
	metadataStatusFailed      = "FAILED"
	metadataStatusExtracting  = "EXTRACTING"
	metadataStatusLoading     = "LOADING"
	metadataStatusCompleted   = "COMPLETED"
	metadataStatusCancelled   = "CANCELLED"
	metadataErrorTextMaxBytes = 16000
)

// WithDefaults fills empty names with the defaults.
func (l MetadataLocation) WithDefaults() MetadataLocation {
	if l.Database == "" {
		l.Database = DefaultMetadataDatabase
	}
	if l.MigrationSchema == "" {
		l.MigrationSchema = DefaultMigrationSchema
	}
	if l.ValidationSchema == "" {
		l.ValidationSchema = DefaultValidationSchema
	}
	return l
}

// obj is the quoted name of an object in the migration schema.
func (l MetadataLocation) obj(name string) string {
	return QualifiedName(l.Database, l.MigrationSchema, name)
}

// MetadataDDL returns, in order, every statement that creates the metadata database,
// schemas, tables, views and stage. All are idempotent (IF NOT EXISTS, or CREATE OR
// REPLACE for views, which hold no data), so running them on every workflow start is safe
// and also upgrades the view definitions.
func MetadataDDL(l MetadataLocation) []string {
	l = l.WithDefaults()
	stmts := []string{
		"CREATE DATABASE IF NOT EXISTS " + QuoteIdent(l.Database),
		CreateSchemaSQL(l.Database, l.MigrationSchema),
		CreateSchemaSQL(l.Database, l.ValidationSchema),
		fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s (
  ID VARCHAR NOT NULL,
  NAME VARCHAR,
  RUN_ID VARCHAR,
  STATUS VARCHAR,
  AFFINITY VARCHAR,
  SOURCE_PLATFORM VARCHAR,
  CONFIGURATION VARCHAR,
  CREATION_TIME TIMESTAMP_TZ,
  START_TIME TIMESTAMP_TZ,
  END_TIME TIMESTAMP_TZ,
  TABLES_TOTAL NUMBER(10,0),
  TABLES_COMPLETED NUMBER(10,0),
  TABLES_FAILED NUMBER(10,0),
  MESSAGE VARCHAR,
  UPDATED_AT TIMESTAMP_TZ
)`, l.obj(WorkflowTable)),
		fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s (
  WORKFLOW_ID VARCHAR NOT NULL,
  RUN_ID VARCHAR NOT NULL,
  TABLE_KEY VARCHAR NOT NULL,
  SOURCE_IDENTIFIER VARCHAR,
  TARGET_IDENTIFIER VARCHAR,
  STATUS VARCHAR,
  PARTITIONS_TOTAL NUMBER(10,0),
  PARTITIONS_COMPLETED NUMBER(10,0),
  PARTITIONS_FAILED NUMBER(10,0),
  ROWS_LOADED NUMBER(38,0),
  BYTES NUMBER(38,0),
  ERROR_MESSAGE VARCHAR,
  START_TIME TIMESTAMP_TZ,
  END_TIME TIMESTAMP_TZ,
  TARGET_EMPTIED_AT TIMESTAMP_TZ,
  UPDATED_AT TIMESTAMP_TZ
)`, l.obj(TableMetadataTable)),
		fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s (
  WORKFLOW_ID VARCHAR NOT NULL,
  RUN_ID VARCHAR NOT NULL,
  TABLE_KEY VARCHAR NOT NULL,
  SOURCE_IDENTIFIER VARCHAR,
  PARTITION_NUMBER NUMBER(10,0) NOT NULL,
  LOWER_BOUND VARCHAR,
  UPPER_BOUND VARCHAR,
  NULL_KEYS BOOLEAN,
  STATUS VARCHAR,
  ROWS_EXTRACTED NUMBER(38,0),
  ROWS_LOADED NUMBER(38,0),
  BYTES NUMBER(38,0),
  ATTEMPTS NUMBER(10,0),
  FIRST_ERROR VARCHAR,
  FIRST_ERROR_AT TIMESTAMP_TZ,
  LAST_ERROR VARCHAR,
  LOADED_AT TIMESTAMP_TZ,
  CREATED_AT TIMESTAMP_TZ,
  UPDATED_AT TIMESTAMP_TZ,
  SOURCE_CHECKSUM VARCHAR,
  SOURCE_FINGERPRINT VARCHAR,
  WATERMARK_LOW VARCHAR,
  WATERMARK_HIGH VARCHAR,
  SYNCHRONIZED_AT TIMESTAMP_TZ,
  SYNC_ACTION VARCHAR,
  ROWS_DELETED NUMBER(38,0)
)`, l.obj(PartitionMetadataTable)),
		addPartitionSyncColumnsSQL(l),
		fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s (
  WORKFLOW_ID VARCHAR NOT NULL,
  RUN_ID VARCHAR NOT NULL,
  TABLE_KEY VARCHAR NOT NULL,
  SOURCE_IDENTIFIER VARCHAR,
  CATEGORY VARCHAR,
  WARNING_MESSAGE VARCHAR,
  CREATED_AT TIMESTAMP_TZ
)`, l.obj(WarningTable)),
		CreateSyncTableSQL(l), // re-sync marks (sync.go)
		CreateStageSQL(l),
	}
	stmts = append(stmts, locateMetadataDDL(l)...)     // metadata_locate.go
	stmts = append(stmts, validationMetadataDDL(l)...) // metadata_validation.go
	return append(stmts, viewDDL(l)...)
}

// addPartitionSyncColumnsSQL adds the re-sync columns to a PARTITION_METADATA created
// by an earlier release (CREATE TABLE IF NOT EXISTS leaves an existing table as it is).
// SYNC_ACTION says what a partition's run did with it (LOADED, SKIPPED, RELOADED,
// APPENDED, MERGED, DELETED: docs/metadata.md) and ROWS_DELETED how many target rows
// it removed; SOURCE_CHECKSUM (since the checksum release) is the baseline a later
// checksum run compares with, SOURCE_FINGERPRINT (since the fingerprint release) the
// cheaper change detector it tries first.
func addPartitionSyncColumnsSQL(l MetadataLocation) string {
	return "ALTER TABLE " + l.obj(PartitionMetadataTable) +
		" ADD COLUMN IF NOT EXISTS SOURCE_CHECKSUM VARCHAR, SYNC_ACTION VARCHAR, ROWS_DELETED NUMBER(38,0), SOURCE_FINGERPRINT VARCHAR"
}
