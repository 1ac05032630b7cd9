package register

import (
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/worker"

	"github.com/snowmigrate/snowmigrate/activities/snowflakeapi"
	"github.com/snowmigrate/snowmigrate/activities/snowflakeside"
	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/activities/sourceside"
)

// ResyncOrchestrator registers the Snowflake-side activities of re-sync by
// checksum (docs/sync.md) by their contract names.
func ResyncOrchestrator(r worker.Registry, a *snowflakeside.Activities) {
	for name, fn := range map[string]any{
		snowflakeapi.ReadChecksumBaselinesName: a.ReadChecksumBaselines,
		snowflakeapi.LoadResyncPartitionName:   a.LoadResyncPartition,
		snowflakeapi.RecordResyncSkipName:      a.RecordResyncSkip,
		snowflakeapi.DeleteVanishedKeysName:    a.DeleteVanishedKeys,
	} {
		r.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
	}
}

// ResyncSource registers the source-side checksum of a partition and the fingerprints
// of a page of partitions (re-sync by checksum) on the shared source queue.
func ResyncSource(r worker.Registry, a *sourceside.Activities) {
	r.RegisterActivityWithOptions(a.ChecksumPartition, activity.RegisterOptions{Name: sourceapi.ChecksumPartitionName})
	r.RegisterActivityWithOptions(a.FingerprintPartitions, activity.RegisterOptions{Name: sourceapi.FingerprintPartitionsName})
	r.RegisterActivityWithOptions(a.ProbeWindow, activity.RegisterOptions{Name: sourceapi.ProbeWindowName}) // watermark re-sync
}
