package snowflakeapi

import (
	"time"

	"github.com/snowmigrate/snowmigrate/config"
	"github.com/snowmigrate/snowmigrate/migration"
)

// Activity names as registered by the orchestrator worker (methods of *Activities).
// Every input carries ConnectionName: the name (never the secret) of the Snowflake
// connection in the orchestrator's connections.toml that the workflow was started with.
const (
	EnsureMetadataName   = "SnowflakeEnsureMetadata"
	RecordWorkflowName   = "SnowflakeRecordWorkflow"
	PrepareTargetName    = "SnowflakePrepareTarget"
	LoadPartitionName    = "SnowflakeLoadPartition"
	VerifyPartitionName  = "SnowflakeVerifyPartition"
	RecordTableName      = "SnowflakeRecordTable"
	RecordPartitionsName = "SnowflakeRecordPartitions"
)

// EnsureMetadataInput creates the metadata database, schemas, tables, views and the
// internal stage when missing (idempotent).
type EnsureMetadataInput struct {
	ConnectionName string `json:"connectionName"`
}

// EnsureMetadataResult names the stage that uploads go to.
type EnsureMetadataResult struct {
	StageName string `json:"stageName"` // fully qualified, e.g. SNOWCONVERT_AI.DATA_MIGRATION.MIGRATION_STAGE
}

// RecordWorkflowInput upserts the WORKFLOW row.
type RecordWorkflowInput struct {
	ConnectionName  string     `json:"connectionName"`
	WorkflowID      string     `json:"workflowId"`
	RunID           string     `json:"runId"`
	Name            string     `json:"name"`
	Status          string     `json:"status"`
	Affinity        string     `json:"affinity,omitempty"`
	SourcePlatform  string     `json:"sourcePlatform"`
	ConfigJSON      string     `json:"configJson,omitempty"` // the workflow configuration (holds no secret)
	StartedAt       time.Time  `json:"startedAt"`
	EndedAt         *time.Time `json:"endedAt,omitempty"`
	TablesTotal     int        `json:"tablesTotal"`
	TablesCompleted int        `json:"tablesCompleted"`
	TablesFailed    int        `json:"tablesFailed"`
	Message         string     `json:"message,omitempty"`
}

// PrepareTargetInput creates the target schema and table when missing, checks an
// existing one, and with synchronization "none" empties it once per migration run.
type PrepareTargetInput struct {
	ConnectionName string             `json:"connectionName"`
	Migration      string             `json:"migration"`
	MigrationRunID string             `json:"migrationRunId"` // the DataMigrationWorkflow's first run ID
	TableKey       string             `json:"tableKey"`
	Target         config.Identifier  `json:"target"` // merged configuration (names as written there)
	Columns        []migration.Column `json:"columns"`
	Sync           string             `json:"sync"`
}

// PrepareTargetResult names the resolved target.
type PrepareTargetResult struct {
	Target    migration.TableRef `json:"target"`
	Created   bool               `json:"created"`
	Truncated bool               `json:"truncated"`
	Warnings  []string           `json:"warnings,omitempty"` // type/nullability differences of an existing table (also in DATA_MIGRATION_WARNING)
}

// LoadPartitionInput loads a partition's staged files. The COPY and the metadata row
// that records the partition as loaded commit in one transaction; a retry that finds
// the row loads nothing.
type LoadPartitionInput struct {
	ConnectionName string              `json:"connectionName"`
	Migration      string              `json:"migration"`
	MigrationRunID string              `json:"migrationRunId"`
	TableKey       string              `json:"tableKey"`
	Target         migration.TableRef  `json:"target"`
	Columns        []migration.Column  `json:"columns"`
	Partition      migration.Partition `json:"partition"`
	StagePrefix    string              `json:"stagePrefix"`
	Files          []string            `json:"files"`
	RowsExtracted  int64               `json:"rowsExtracted"`
	Bytes          int64               `json:"bytes"`
}

// LoadPartitionResult reports what the load did.
type LoadPartitionResult struct {
	RowsLoaded    int64 `json:"rowsLoaded"`
	AlreadyLoaded bool  `json:"alreadyLoaded"`
}

// VerifyPartitionInput checks rows extracted = rows loaded = rows in the target range.
type VerifyPartitionInput struct {
	ConnectionName string              `json:"connectionName"`
	Migration      string              `json:"migration"`
	MigrationRunID string              `json:"migrationRunId"`
	TableKey       string              `json:"tableKey"`
	Target         migration.TableRef  `json:"target"`
	Columns        []migration.Column  `json:"columns"`
	PartitionBy    []int               `json:"partitionBy"`
	Partition      migration.Partition `json:"partition"`
	RowsExtracted  int64               `json:"rowsExtracted"`
	RowsLoaded     int64               `json:"rowsLoaded"`
	// SourceChecksum is the extractor's checksum of the partition
	// (sourceapi.ExtractResult.Checksum, docs/checksums.md). When set, the target's
	// rows in the partition's key range are checksummed too and a difference fails
	// the partition (migration.ErrTypeChecksumMismatch); "" checks row counts only.
	SourceChecksum string `json:"sourceChecksum,omitempty"`
}

// VerifyPartitionResult carries the target's count (and checksum when one was compared).
type VerifyPartitionResult struct {
	TargetRows     int64  `json:"targetRows"`
	TargetChecksum string `json:"targetChecksum,omitempty"`
}

// RecordTableInput upserts the TABLE_METADATA row.
type RecordTableInput struct {
	ConnectionName   string             `json:"connectionName"`
	Migration        string             `json:"migration"`
	MigrationRunID   string             `json:"migrationRunId"`
	TableKey         string             `json:"tableKey"`
	Source           migration.TableRef `json:"source"`
	Target           migration.TableRef `json:"target"`
	Status           string             `json:"status"`
	PartitionsTotal  int                `json:"partitionsTotal"`
	PartitionsDone   int                `json:"partitionsDone"`
	PartitionsFailed int                `json:"partitionsFailed"`
	Rows             int64              `json:"rows"`
	Bytes            int64              `json:"bytes"`
	Error            string             `json:"error,omitempty"`
	StartedAt        time.Time          `json:"startedAt"`
	EndedAt          *time.Time         `json:"endedAt,omitempty"`
}

// PartitionUpdate is one partition's state change for the mirror.
type PartitionUpdate struct {
	Number    int                 `json:"number"`
	Partition migration.Partition `json:"partition"`
	Status    string              `json:"status"`
	Rows      int64               `json:"rows"`
	Bytes     int64               `json:"bytes"`
	Attempts  int                 `json:"attempts"`
	Error     string              `json:"error,omitempty"`
	At        time.Time           `json:"at"`
}

// RecordPartitionsInput upserts a batch of PARTITION_METADATA rows in one statement.
type RecordPartitionsInput struct {
	ConnectionName string            `json:"connectionName"`
	Migration      string            `json:"migration"`
	MigrationRunID string            `json:"migrationRunId"`
	TableKey       string            `json:"tableKey"`
	Updates        []PartitionUpdate `json:"updates"`
}

// RecordWarningsName records warnings found outside PrepareTarget (e.g. the source row
// count at the end of a table) in MIGRATION_WARNING.
const RecordWarningsName = "SnowflakeRecordWarnings"

// Warning categories recorded through RecordWarnings.
const (
	WarningCategoryRowCount = "SOURCE_ROW_COUNT" // the source's row count at the end differs from rows loaded
	WarningCategorySchema   = "SOURCE_SCHEMA"    // columns added to the source after introspection
)

// RecordWarningsInput is one table's warnings of one category.
type RecordWarningsInput struct {
	ConnectionName   string   `json:"connectionName"`
	Migration        string   `json:"migration"`
	MigrationRunID   string   `json:"migrationRunId"`
	TableKey         string   `json:"tableKey"`
	SourceIdentifier string   `json:"sourceIdentifier,omitempty"`
	Category         string   `json:"category"`
	Messages         []string `json:"messages"`
}

// Error types the Snowflake activities add to migration.ErrType*: all non-retryable
// application errors.
const (
	ErrTypeTargetMissing    = "TargetObjectMissing" // a Snowflake object does not exist or the role cannot see it
	ErrTypeTargetPermission = "TargetPermission"    // the role lacks a privilege
	ErrTypeLoadRejected     = "LoadRejected"        // Snowflake rejected the statement or the data
	ErrTypeStagedFiles      = "StagedFilesMissing"  // the partition's files are not on the stage: extract again
)
