package workflows

import (
	"time"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/config"
)

// Validation (docs/validation.md): ValidationWorkflow validates the tables of a
// migration at levels 1-3, one TableValidationWorkflow child per table through a
// bounded window, and records the results in DATA_VALIDATION.
const (
	ValidationWorkflowName      = "ValidationWorkflow"
	TableValidationWorkflowName = "TableValidationWorkflow"

	// MaxReportedTables bounds the tables a validation result details (mismatched and
	// failed ones first); the counters stay exact and DATA_VALIDATION holds every table.
	MaxReportedTables = 50
	// MaxReportedDifferences bounds the differences one table's result carries.
	MaxReportedDifferences = 20
	// MaxRecordedDifferences bounds the differences recorded per table and level;
	// beyond it one MORE_DIFFERENCES row says how many were left out.
	MaxRecordedDifferences = 1000
	// validationPartitionPage is how many partitions one checksum activity handles.
	validationPartitionPage = 50
)

// ValidationWorkflowID is the validation workflow's ID for a migration: the starter's
// `validate` and the migration's own after-run validation use the same, so that two
// validations of one migration never run at once.
func ValidationWorkflowID(migration string) string { return migration + "/validation" }

// TableValidationWorkflowID is the child workflow ID for one table.
func TableValidationWorkflowID(validationWorkflowID, tableKey string) string {
	return validationWorkflowID + "/" + tableKey
}

// ValidationInput starts ValidationWorkflow. Like MigrationInput it holds names and the
// configuration only, never a secret. The starter passes the migration's own input
// (read from the migration's first workflow event); DataMigrationWorkflow passes its
// own when a table's configuration asks for validation.
type ValidationInput struct {
	Name           string                `json:"name"` // the migration's name
	ConnectionName string                `json:"connectionName"`
	SourcePlatform string                `json:"sourcePlatform"`
	Config         config.WorkflowConfig `json:"config"`
	TaskQueueBase  string                `json:"taskQueueBase,omitempty"`
	Limits         Limits                `json:"limits,omitempty"`
	// Level, when > 0, validates every table at that level; 0 takes each table's
	// configured `validation.level` (config.DefaultValidationLevel where none).
	Level int `json:"level,omitempty"`
	// Tolerance, when set, overrides every table's configured tolerance.
	Tolerance *float64 `json:"tolerance,omitempty"`
	// OnlyConfigured validates only the tables whose configuration has `validation`
	// (the after-migration run); otherwise every table.
	OnlyConfigured bool `json:"onlyConfigured,omitempty"`
	// Carried across continue-as-new; nil on the first run.
	State *ValidationState `json:"state,omitempty"`
}

// ValidationState is what ValidationWorkflow carries across continue-as-new.
type ValidationState struct {
	ValidationID string            `json:"validationId"`
	StartedAt    time.Time         `json:"startedAt"`
	NextTable    int               `json:"nextTable"`
	Counts       ValidationCounts  `json:"counts"`
	Tables       []TableValidation `json:"tables,omitempty"` // bounded by MaxReportedTables
}

// ValidationCounts are the tables per outcome.
type ValidationCounts struct {
	Total      int `json:"total"`
	Matched    int `json:"matched"`
	Mismatched int `json:"mismatched"`
	Errors     int `json:"errors"`
}

// ValidationResult is ValidationWorkflow's result: Status is MATCH only when every
// table matched at every level it was validated at.
type ValidationResult struct {
	ValidationID string `json:"validationId"`
	Migration    string `json:"migration"`
	Status       string `json:"status"` // snowflakeapi.Validation{Match,Mismatch,Error}
	ValidationCounts
	Tables    []TableValidation `json:"tables,omitempty"`
	StartedAt time.Time         `json:"startedAt"`
	EndedAt   time.Time         `json:"endedAt"`
}

// TableValidationInput starts TableValidationWorkflow.
type TableValidationInput struct {
	ValidationID   string             `json:"validationId"`
	Migration      string             `json:"migration"`
	ConnectionName string             `json:"connectionName"`
	SourcePlatform string             `json:"sourcePlatform"`
	Affinity       string             `json:"affinity,omitempty"`
	TaskQueueBase  string             `json:"taskQueueBase"`
	TableKey       string             `json:"tableKey"`
	Table          config.TableConfig `json:"table"` // merged and defaulted
	Level          int                `json:"level"`
	Tolerance      float64            `json:"tolerance"`
	Limits         Limits             `json:"limits,omitempty"`
}

// TableValidation is TableValidationWorkflow's result.
type TableValidation struct {
	TableKey         string                               `json:"tableKey"`
	Target           string                               `json:"target,omitempty"`
	Status           string                               `json:"status"`
	Levels           []snowflakeapi.ValidationLevelResult `json:"levels"`
	Differences      []snowflakeapi.ValidationDifference  `json:"differences,omitempty"` // the first MaxReportedDifferences
	DifferencesTotal int64                                `json:"differencesTotal"`
}

// tableStatus is a table's overall status: MISMATCH when any level found a
// difference, else ERROR when any level could not run, else MATCH.
func tableStatus(levels []snowflakeapi.ValidationLevelResult) string {
	st := snowflakeapi.ValidationMatch
	for _, l := range levels {
		switch l.Status {
		case snowflakeapi.ValidationMismatch:
			return snowflakeapi.ValidationMismatch
		case snowflakeapi.ValidationError:
			st = snowflakeapi.ValidationError
		}
	}
	return st
}
