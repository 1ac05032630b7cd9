package register

import (
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/activities/snowflakeside"
	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/activities/sourceside"
	"github.com/snowmigrate/snowmigrate/workflows"
)

// ValidationOrchestrator registers the orchestrator's workflows and Snowflake-side
// activities of this capability by their contract names: validation levels 1-3
// (docs/validation.md) and their records in DATA_VALIDATION.
func ValidationOrchestrator(r worker.Registry, a *snowflakeside.Activities) {
	r.RegisterWorkflowWithOptions(workflows.ValidationWorkflow, workflow.RegisterOptions{Name: workflows.ValidationWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.TableValidationWorkflow, workflow.RegisterOptions{Name: workflows.TableValidationWorkflowName})
	for name, fn := range map[string]any{
		snowflakeapi.ValidateSchemaName:           a.ValidateSchema,
		snowflakeapi.ProfileTargetName:            a.ProfileTarget,
		snowflakeapi.ChecksumTargetPartitionsName: a.ChecksumTargetPartitions,
		snowflakeapi.RecordValidationName:         a.RecordValidation,
		snowflakeapi.RecordValidationRunName:      a.RecordValidationRun,
		snowflakeapi.TargetRowSQLName:             a.TargetRowSQL,
	} {
		r.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
	}
}

// ValidationSource registers this capability's source-side activities on the shared
// source queue: level 2's column metrics, level 3's partition checksums and row SQL.
func ValidationSource(r worker.Registry, a *sourceside.Activities) {
	r.RegisterActivityWithOptions(a.ProfileColumns, activity.RegisterOptions{Name: sourceapi.ProfileColumnsName})
	r.RegisterActivityWithOptions(a.ChecksumPartitions, activity.RegisterOptions{Name: sourceapi.ChecksumPartitionsName})
	r.RegisterActivityWithOptions(a.RowSQL, activity.RegisterOptions{Name: sourceapi.RowSQLName})
}
