package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/snowmigrate/snowmigrate/migration"
)

// permanentErrorTypes never deserve a retry: they describe the configuration or the
// objects, not a passing fault. Activities already return them as non-retryable; listing
// them here also covers an activity that forgot to.
var permanentErrorTypes = []string{
	migration.ErrTypeConfig,
	migration.ErrTypeSourceMissing,
	migration.ErrTypeTargetMismatch,
	migration.ErrTypeChecksumMismatch,
	migration.ErrTypeCredentials,
	migration.ErrTypeWrongPlatform,
	migration.ErrTypeSourcePermission,
}

// tableFatalErrorTypes end the whole table at once when any of its activities returns
// them: every other partition would fail the same way. A checksum mismatch is not here:
// it concerns one partition.
var tableFatalErrorTypes = map[string]bool{
	migration.ErrTypeConfig:           true,
	migration.ErrTypeSourceMissing:    true,
	migration.ErrTypeTargetMismatch:   true,
	migration.ErrTypeCredentials:      true,
	migration.ErrTypeWrongPlatform:    true,
	migration.ErrTypeSourcePermission: true,
}

// retry is a bounded policy: the SDK default retries forever, which turns a broken
// partition into a stuck table instead of a FAILED row in the metadata.
func retry(attempts int32) *temporal.RetryPolicy {
	return &temporal.RetryPolicy{
		InitialInterval:        time.Second,
		BackoffCoefficient:     2,
		MaximumInterval:        2 * time.Minute,
		MaximumAttempts:        attempts,
		NonRetryableErrorTypes: permanentErrorTypes,
	}
}

// Activity options per kind of work. Extract and upload heartbeat while they stream
// rows and PUT files, and every Snowflake-side activity heartbeats while its statements
// run, so a dead worker or a lost task is noticed within HeartbeatTimeout instead of
// StartToCloseTimeout. Introspect and PlanPartitions heartbeat while their catalog
// queries run, so they get the heartbeat timeout too; CatalogTimeout bounds their length.

func metadataOptions(ctx workflow.Context, lim Limits) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Minute,
		HeartbeatTimeout:    lim.HeartbeatTimeout,
		RetryPolicy:         retry(8),
	})
}

func introspectOptions(ctx workflow.Context, lim Limits, sourceQueue string) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		TaskQueue:           sourceQueue,
		StartToCloseTimeout: lim.CatalogTimeout,
		HeartbeatTimeout:    lim.HeartbeatTimeout,
		RetryPolicy:         retry(5),
	})
}

// planOptions allows a long boundary analysis (the reference system's 20-minute limit
// is one of its known failures).
func planOptions(ctx workflow.Context, lim Limits, sourceQueue string) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		TaskQueue:           sourceQueue,
		StartToCloseTimeout: lim.CatalogTimeout,
		HeartbeatTimeout:    lim.HeartbeatTimeout,
		RetryPolicy:         retry(5),
	})
}

func prepareOptions(ctx workflow.Context, lim Limits) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Hour,
		HeartbeatTimeout:    lim.HeartbeatTimeout,
		RetryPolicy:         retry(5),
	})
}

func extractOptions(ctx workflow.Context, lim Limits, sourceQueue string) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		TaskQueue:           sourceQueue,
		StartToCloseTimeout: 12 * time.Hour,
		HeartbeatTimeout:    lim.HeartbeatTimeout,
		RetryPolicy:         retry(5),
	})
}

// uploadOptions pins the upload to the extracting host's own queue. A short
// ScheduleToStart makes a vanished host visible (Temporal never retries that timeout):
// the workflow then extracts the partition again on any live worker.
func uploadOptions(ctx workflow.Context, lim Limits, hostQueue string) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		TaskQueue:              hostQueue,
		ScheduleToStartTimeout: lim.UploadScheduleToStart,
		StartToCloseTimeout:    6 * time.Hour,
		HeartbeatTimeout:       lim.HeartbeatTimeout,
		RetryPolicy:            retry(5),
	})
}

func loadOptions(ctx workflow.Context, lim Limits) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 6 * time.Hour,
		HeartbeatTimeout:    lim.HeartbeatTimeout,
		RetryPolicy:         retry(5),
	})
}

func verifyOptions(ctx workflow.Context, lim Limits) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Hour,
		HeartbeatTimeout:    lim.HeartbeatTimeout,
		RetryPolicy:         retry(5),
	})
}
