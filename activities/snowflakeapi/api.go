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
	// ParquetFields, when set, are the files' field names, one per column in order
	// (UNLOAD's c0, c1, …): COPY then projects field i into column i.
	ParquetFields []string `json:"parquetFields,omitempty"`
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
	// Window, for a partition of a watermark re-run (docs/sync.md), restricts the
	// target rows counted and checksummed to the range's rows inside the window: in
	// append mode exactly the rows this run loaded (earlier runs' rows have marks at or
	// below the window's low end, and the load removed what a failed run appended).
	Window *migration.WatermarkWindow `json:"watermarkWindow,omitempty"`
	// Merge says the rows were MERGEd by primary key (trackModifications) and
	// RowsMerged how many keys the MERGE inserted or updated
	// (LoadSyncPartitionResult.RowsMerged). The target keeps one version per key, so
	// the extractor's checksum is comparable only when every extracted row became a
	// key's target row (RowsMerged = RowsExtracted); otherwise the partition is proven
	// by the load's row count and VerifyPartitionResult.ValueNotCompared says why.
	Merge      bool  `json:"merge,omitempty"`
	RowsMerged int64 `json:"rowsMerged,omitempty"`
}

// VerifyPartitionResult carries the target's count (and checksum when one was compared).
type VerifyPartitionResult struct {
	TargetRows     int64  `json:"targetRows"`
	TargetChecksum string `json:"targetChecksum,omitempty"`
	// ValueNotCompared, when set, says why a checksum given in the input could not be
	// compared (a merge of several versions of a key); the reason is also recorded in
	// MIGRATION_WARNING.
	ValueNotCompared string `json:"valueNotCompared,omitempty"`
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

// Re-sync (docs/sync.md). Names of the activities a watermark synchronization adds.
const (
	ReadSyncBaselineName    = "SnowflakeReadSyncBaseline"
	ReadPartitionBoundsName = "SnowflakeReadPartitionBounds"
	LoadSyncPartitionName   = "SnowflakeLoadSyncPartition"
	RecordSyncMarkName      = "SnowflakeRecordSyncMark"
)

// ReadSyncBaselineInput asks what the table's earlier runs left: the watermark of the
// last successful synchronization on WatermarkColumn, and the last completed run
// whose partition boundaries this run reuses.
type ReadSyncBaselineInput struct {
	ConnectionName  string `json:"connectionName"`
	Migration       string `json:"migration"`
	MigrationRunID  string `json:"migrationRunId"` // the current run (never its own baseline)
	TableKey        string `json:"tableKey"`
	WatermarkColumn string `json:"watermarkColumn"` // exact source name
}

// ReadSyncBaselineResult is nil/"" where nothing was recorded.
type ReadSyncBaselineResult struct {
	Low           *string `json:"low,omitempty"`           // last successful run's high mark
	MarkRunID     string  `json:"markRunId,omitempty"`     // the run that recorded Low
	BaselineRunID string  `json:"baselineRunId,omitempty"` // last completed run of the table
}

// ReadPartitionBoundsInput pages the partitions BaselineRunID recorded, in number
// (= key) order, after AfterNumber.
type ReadPartitionBoundsInput struct {
	ConnectionName string `json:"connectionName"`
	Migration      string `json:"migration"`
	BaselineRunID  string `json:"baselineRunId"`
	TableKey       string `json:"tableKey"`
	AfterNumber    int    `json:"afterNumber"` // -1: from the start
	MaxPartitions  int    `json:"maxPartitions"`
}

// ReadPartitionBoundsResult is one page of recorded partitions.
type ReadPartitionBoundsResult struct {
	Partitions []migration.Partition `json:"partitions"`
	Done       bool                  `json:"done"`
}

// LoadSyncPartitionInput loads a watermark partition exactly once, like
// LoadPartition: in the one transaction that records the partition loaded, either
// (append) rows of the key range above Low are deleted (what a failed run appended)
// and the files copied in, or (merge) the files are copied into a transient staging
// table and MERGEd into the target by PrimaryKeys.
type LoadSyncPartitionInput struct {
	LoadPartitionInput
	Merge       bool             `json:"merge,omitempty"`
	PartitionBy []int            `json:"partitionBy"`
	Watermark   migration.Column `json:"watermark"`             // the watermark column (target name and type)
	Low         *string          `json:"low,omitempty"`         // the window's low mark (append: delete above it)
	High        *string          `json:"high,omitempty"`        // the window's high mark (recorded on the partition's row)
	PrimaryKeys []string         `json:"primaryKeys,omitempty"` // exact target names (merge)
}

// LoadSyncPartitionResult reports rows copied (and merged: inserted or updated).
type LoadSyncPartitionResult struct {
	RowsLoaded    int64 `json:"rowsLoaded"`
	RowsDeleted   int64 `json:"rowsDeleted,omitempty"` // append: rows a failed run had left
	AlreadyLoaded bool  `json:"alreadyLoaded"`
	// RowsMerged (merge) is the keys the MERGE inserted or updated: fewer than
	// RowsLoaded when the window held several versions of a key. 0 when AlreadyLoaded
	// (an earlier attempt committed and its count is not recorded).
	RowsMerged int64 `json:"rowsMerged,omitempty"`
}

// RecordSyncMarkInput records a table's new mark once the whole table succeeded.
type RecordSyncMarkInput struct {
	ConnectionName  string  `json:"connectionName"`
	Migration       string  `json:"migration"`
	MigrationRunID  string  `json:"migrationRunId"`
	TableKey        string  `json:"tableKey"`
	Strategy        string  `json:"strategy"`
	WatermarkColumn string  `json:"watermarkColumn"`
	Low             *string `json:"low,omitempty"`
	High            *string `json:"high,omitempty"`
	Rows            int64   `json:"rows"`
	Partitions      int     `json:"partitions"`
}
