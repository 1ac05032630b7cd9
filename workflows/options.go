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
// StartToCloseTimeout. Introspect, PlanPartitions and CountRows heartbeat while their
// catalog queries run, so they get the heartbeat timeout too; CatalogTimeout bounds
// their length (the reference system's 20-minute limit on boundary analysis is one of
// its known failures).
type activityKind int

const (
	kindMetadata activityKind = iota // metadata tables and mirror (orchestrator)
	kindCatalog                      // introspect, plan a page, count rows (source queue)
	kindPrepare                      // create or check the target table (orchestrator)
	kindExtract                      // source rows → Parquet (source queue)
	kindUpload                       // PUT on the extracting host's own queue
	kindLoad                         // COPY INTO + marker (orchestrator)
	kindVerify                       // counts and checksums (orchestrator)
)

// activityOptions is the one place activity timeouts and retries are decided. queue is
// the task queue ("" = the workflow's own, the orchestrator's). An upload is pinned to
// the extracting host's queue with a short ScheduleToStart, which makes a vanished host
// visible (Temporal never retries that timeout): the workflow then extracts the
// partition again on any live worker.
func activityOptions(ctx workflow.Context, lim Limits, kind activityKind, queue string) workflow.Context {
	o := workflow.ActivityOptions{TaskQueue: queue, HeartbeatTimeout: lim.HeartbeatTimeout, RetryPolicy: retry(5)}
	switch kind {
	case kindMetadata:
		o.StartToCloseTimeout, o.RetryPolicy = 10*time.Minute, retry(8)
	case kindCatalog:
		o.StartToCloseTimeout = lim.CatalogTimeout
	case kindPrepare, kindVerify:
		o.StartToCloseTimeout = time.Hour
	case kindExtract:
		o.StartToCloseTimeout = 12 * time.Hour
	case kindUpload:
		o.StartToCloseTimeout, o.ScheduleToStartTimeout = 6*time.Hour, lim.UploadScheduleToStart
	case kindLoad:
		o.StartToCloseTimeout = 6 * time.Hour
	}
	return workflow.WithActivityOptions(ctx, o)
}
