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

// LocateOrchestrator registers the orchestrator's workflows and Snowflake-side
// activities of this capability by their contract names: locating the rows behind a
// checksum difference (workflows.LocateDifferences, also startable as a child
// workflow) and recording them.
func LocateOrchestrator(r worker.Registry, a *snowflakeside.Activities) {
	r.RegisterWorkflowWithOptions(workflows.LocateDifferences, workflow.RegisterOptions{Name: workflows.LocateDifferencesWorkflowName})
	r.RegisterActivityWithOptions(a.BucketChecksums, activity.RegisterOptions{Name: snowflakeapi.BucketChecksumsName})
	r.RegisterActivityWithOptions(a.BucketRows, activity.RegisterOptions{Name: snowflakeapi.BucketRowsName})
	r.RegisterActivityWithOptions(a.RecordDifferences, activity.RegisterOptions{Name: snowflakeapi.RecordDifferencesName})
}

// LocateSource registers this capability's source-side activities on the shared
// source queue.
func LocateSource(r worker.Registry, a *sourceside.Activities) {
	r.RegisterActivityWithOptions(a.BucketChecksums, activity.RegisterOptions{Name: sourceapi.BucketChecksumsName})
	r.RegisterActivityWithOptions(a.BucketRows, activity.RegisterOptions{Name: sourceapi.BucketRowsName})
}
