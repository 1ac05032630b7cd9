package workflows

import (
	"time"

	"github.com/snowmigrate/snowmigrate/config"
)

// Names shared by the workflows, the workers and the starter.
const (
	DataMigrationWorkflowName  = "DataMigrationWorkflow"
	TableMigrationWorkflowName = "TableMigrationWorkflow"

	// DefaultTaskQueueBase is the base of every task queue name (see OrchestratorQueue).
	DefaultTaskQueueBase = "snowmigrate"

	QueryProgress = "progress" // both workflows answer it: MigrationProgress / TableProgress

	UpdatePause       = "pause"        // no argument; stops starting new tables/partitions
	UpdateResume      = "resume"       // no argument
	UpdateCancelTable = "cancel-table" // argument: table key (db.schema.table of the source)
	SignalPause       = "pause"        // parent → child forwarding
	SignalResume      = "resume"

	// Search attributes (Keyword) registered by the workers when missing.
	SearchAttrMigration = "MigrationName"
	SearchAttrPlatform  = "SourcePlatform"
	SearchAttrTable     = "MigrationTable"
)

// Migration outcomes.
const (
	OutcomeCompleted             = "COMPLETED"
	OutcomeCompletedWithFailures = "COMPLETED_WITH_FAILURES"
	OutcomeFailed                = "FAILED"
	OutcomeCancelled             = "CANCELLED"
)

// OrchestratorQueue is where workflows and Snowflake-side activities run:
// "<base>" or "<base>@<affinity>".
func OrchestratorQueue(base, affinity string) string {
	if affinity == "" {
		return base
	}
	return base + "@" + affinity
}

// SourceQueue is where source-side activities run: "<base>-source[@<affinity>]".
func SourceQueue(base, affinity string) string {
	return OrchestratorQueue(base+"-source", affinity)
}

// HostQueue is one source worker's own queue, for work that must run where a file lives.
func HostQueue(sourceQueue, hostID string) string { return sourceQueue + "/" + hostID }

// TableWorkflowID is the child workflow ID for one table.
func TableWorkflowID(migration, tableKey string) string { return migration + "/" + tableKey }

// MigrationInput starts DataMigrationWorkflow (ID = Name). It holds names only: no
// secret ever travels in a workflow input.
type MigrationInput struct {
	Name           string                `json:"name"`
	ConnectionName string                `json:"connectionName"`
	SourcePlatform string                `json:"sourcePlatform"`
	Config         config.WorkflowConfig `json:"config"`
	TaskQueueBase  string                `json:"taskQueueBase,omitempty"` // default DefaultTaskQueueBase
	// Limits bounds concurrency and run sizes; zero fields take DefaultLimits.
	Limits Limits `json:"limits,omitempty"`
	// Carried across continue-as-new; nil on the first run.
	State *MigrationState `json:"state,omitempty"`
}

// MigrationState is what DataMigrationWorkflow carries across continue-as-new. It stays
// small whatever the table count: counters plus a bounded list of failures.
type MigrationState struct {
	RunID        string        `json:"runId"` // the first run's ID: one migration run across continue-as-new
	StartedAt    time.Time     `json:"startedAt"`
	NextTable    int           `json:"nextTable"` // index of the next table to start
	Completed    int           `json:"completed"`
	Failed       int           `json:"failed"`
	Cancelled    int           `json:"cancelled"`
	Rows         int64         `json:"rows"`
	Bytes        int64         `json:"bytes"`
	Paused       bool          `json:"paused"`
	Failures     []TableResult `json:"failures,omitempty"` // first failures, bounded
	CancelTables []string      `json:"cancelTables,omitempty"`
	// Added with the workflow implementation.
	StageName   string `json:"stageName,omitempty"`   // from EnsureMetadata, given to every table
	TablesTotal int    `json:"tablesTotal,omitempty"` // tables in the normalized configuration
	Runs        int    `json:"runs,omitempty"`        // continue-as-new count so far
}

// MigrationResult is DataMigrationWorkflow's result.
type MigrationResult struct {
	Outcome         string        `json:"outcome"`
	TablesTotal     int           `json:"tablesTotal"`
	TablesCompleted int           `json:"tablesCompleted"`
	TablesFailed    int           `json:"tablesFailed"`
	TablesCancelled int           `json:"tablesCancelled"`
	Rows            int64         `json:"rows"`
	Bytes           int64         `json:"bytes"`
	Failures        []TableResult `json:"failures,omitempty"`
	StartedAt       time.Time     `json:"startedAt"`
	EndedAt         time.Time     `json:"endedAt"`
}

// MigrationProgress answers QueryProgress on DataMigrationWorkflow.
type MigrationProgress struct {
	Name            string          `json:"name"`
	Status          string          `json:"status"` // PENDING | EXECUTING | PAUSED | one of the outcomes
	TablesTotal     int             `json:"tablesTotal"`
	TablesCompleted int             `json:"tablesCompleted"`
	TablesFailed    int             `json:"tablesFailed"`
	TablesCancelled int             `json:"tablesCancelled"`
	Rows            int64           `json:"rows"`
	Running         []TableProgress `json:"running"` // tables in flight (their workflow IDs can be queried for detail)
	Failures        []TableResult   `json:"failures,omitempty"`
	// Recent are the tables that ended last in this run (any status, newest last, at
	// most MaxRecent), so that a watcher polling now and then also sees the tables that
	// started and ended between two polls. Not carried across continue-as-new.
	Recent    []TableResult `json:"recent,omitempty"`
	StartedAt time.Time     `json:"startedAt,omitzero"` // the migration run's start (first run)
}

// TableInput starts TableMigrationWorkflow.
type TableInput struct {
	Migration      string             `json:"migration"`
	MigrationRunID string             `json:"migrationRunId"`
	ConnectionName string             `json:"connectionName"`
	SourcePlatform string             `json:"sourcePlatform"`
	Affinity       string             `json:"affinity,omitempty"`
	TaskQueueBase  string             `json:"taskQueueBase"`
	TableKey       string             `json:"tableKey"`
	Table          config.TableConfig `json:"table"` // merged and defaulted
	Paused         bool               `json:"paused,omitempty"`
	// StageName is the internal stage (from EnsureMetadata); partition files go to
	// migration.StagePath(StageName, Migration, TableKey, n).
	StageName string `json:"stageName,omitempty"`
	// Limits bounds the partition window and run sizes; zero fields take DefaultLimits.
	Limits Limits `json:"limits,omitempty"`
	// Carried across continue-as-new; nil on the first run.
	State *TableState `json:"state,omitempty"`
}

// TableState (table_state.go) is what TableMigrationWorkflow carries across continue-as-new (no partition list).
// Its fields are defined with the workflow (table.go).

// TableProgress answers QueryProgress on TableMigrationWorkflow and summarises a table.
type TableProgress struct {
	TableKey             string `json:"tableKey"`
	WorkflowID           string `json:"workflowId"`
	Status               string `json:"status"`
	PartitionsPlanned    int    `json:"partitionsPlanned"`
	PlanDone             bool   `json:"planDone"`
	PartitionsExtracting int    `json:"partitionsExtracting"`
	PartitionsLoading    int    `json:"partitionsLoading"`
	PartitionsCompleted  int    `json:"partitionsCompleted"`
	PartitionsFailed     int    `json:"partitionsFailed"`
	Rows                 int64  `json:"rows"`
	Bytes                int64  `json:"bytes"`
	Error                string `json:"error,omitempty"`
	// FirstErrorCount is how many failed partitions share the first partition error
	// (compared with numbers masked: the same failure in another partition counts).
	FirstErrorCount int       `json:"firstErrorCount,omitempty"`
	StartedAt       time.Time `json:"startedAt,omitzero"`
}

// TableResult is TableMigrationWorkflow's result.
type TableResult struct {
	TableKey   string `json:"tableKey"`
	Status     string `json:"status"` // COMPLETED | FAILED | CANCELLED
	Rows       int64  `json:"rows"`
	Bytes      int64  `json:"bytes"`
	Partitions int    `json:"partitions"`
	Failed     int    `json:"failedPartitions"`
	Error      string `json:"error,omitempty"`
	// For partition failures: the first partition's error and how many failed
	// partitions share it (see TableProgress.FirstErrorCount).
	FirstError      string    `json:"firstError,omitempty"`
	FirstErrorCount int       `json:"firstErrorCount,omitempty"`
	StartedAt       time.Time `json:"startedAt,omitzero"`
	EndedAt         time.Time `json:"endedAt,omitzero"`
}
