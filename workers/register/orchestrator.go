package register

import (
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/activities/snowflakeside"
	"github.com/snowmigrate/snowmigrate/workflows"
)

// Orchestrator registers the orchestrator's workflows and Snowflake-side activities by
// their contract names, every capability's included.
func Orchestrator(r worker.Registry, a *snowflakeside.Activities) {
	r.RegisterWorkflowWithOptions(workflows.DataMigrationWorkflow, workflow.RegisterOptions{Name: workflows.DataMigrationWorkflowName})
	r.RegisterWorkflowWithOptions(workflows.TableMigrationWorkflow, workflow.RegisterOptions{Name: workflows.TableMigrationWorkflowName})
	for name, fn := range map[string]any{
		snowflakeapi.EnsureMetadataName:   a.EnsureMetadata,
		snowflakeapi.RecordWorkflowName:   a.RecordWorkflow,
		snowflakeapi.PrepareTargetName:    a.PrepareTarget,
		snowflakeapi.LoadPartitionName:    a.LoadPartition,
		snowflakeapi.VerifyPartitionName:  a.VerifyPartition,
		snowflakeapi.RecordTableName:      a.RecordTable,
		snowflakeapi.RecordPartitionsName: a.RecordPartitions,
		snowflakeapi.RecordWarningsName:   a.RecordWarnings,
		snowflakeapi.ExternalStageURLName: a.ExternalStageURL, // extraction unload
		// re-sync (docs/sync.md)
		snowflakeapi.ReadSyncBaselineName:    a.ReadSyncBaseline,
		snowflakeapi.ReadPartitionBoundsName: a.ReadPartitionBounds,
		snowflakeapi.LoadSyncPartitionName:   a.LoadSyncPartition,
		snowflakeapi.RecordSyncMarkName:      a.RecordSyncMark,
	} {
		r.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
	}
	// Each capability registers its own workflows and activities (one file each).
	LocateOrchestrator(r, a)
	ValidationOrchestrator(r, a)
	ResyncOrchestrator(r, a)
}
