package workflows

import "time"

// Limits bounds what a migration keeps in flight and how much one workflow run does
// before it continues as new. Every field is optional: zero takes the default, so a
// starter that knows nothing about limits gets sane behaviour.
type Limits struct {
	TableWindow      int `json:"tableWindow,omitempty"`      // tables migrating at once (default 8)
	PartitionWindow  int `json:"partitionWindow,omitempty"`  // partitions in flight per table (default 4)
	TablesPerRun     int `json:"tablesPerRun,omitempty"`     // child starts per parent run before continue-as-new (default 500)
	PartitionsPerRun int `json:"partitionsPerRun,omitempty"` // partition starts per table run before continue-as-new (default 250)
	PlanPageSize     int `json:"planPageSize,omitempty"`     // partitions asked of PlanPartitions per call (default 200)
	ExtractRounds    int `json:"extractRounds,omitempty"`    // extract+upload rounds when the extracting host vanishes (default 3)
	MirrorBatch      int `json:"mirrorBatch,omitempty"`      // partition updates per RecordPartitions call (default 50)
	// HistoryBudget is the event count after which a run stops starting work and
	// continues as new, whatever the counters say (default 7000: well under the
	// 10,240-event warning even after the in-flight window drains).
	HistoryBudget int `json:"historyBudget,omitempty"`
	// UploadScheduleToStart is how long an upload may wait for its host's queue before
	// the host is presumed gone and the partition is extracted again (default 2m).
	UploadScheduleToStart time.Duration `json:"uploadScheduleToStart,omitempty"`
	// HeartbeatTimeout applies to every activity that heartbeats (extract, upload and
	// all Snowflake-side ones): a dead worker or a lost task is noticed after it
	// (default 45s: those activities heartbeat every 5-10s).
	HeartbeatTimeout time.Duration `json:"heartbeatTimeout,omitempty"`
	// CatalogTimeout is the start-to-close of Introspect and PlanPartitions (default 1h:
	// boundary analysis of a huge table takes long; a dead worker is still noticed within
	// HeartbeatTimeout, since they heartbeat).
	CatalogTimeout time.Duration `json:"catalogTimeout,omitempty"`
}

// DefaultLimits are the values used for zero fields of Limits.
var DefaultLimits = Limits{
	TableWindow:           8,
	PartitionWindow:       4,
	TablesPerRun:          500,
	PartitionsPerRun:      250,
	PlanPageSize:          200,
	ExtractRounds:         3,
	MirrorBatch:           50,
	HistoryBudget:         7000,
	UploadScheduleToStart: 2 * time.Minute,
	HeartbeatTimeout:      45 * time.Second,
	CatalogTimeout:        time.Hour,
}

// Hard ceilings: Temporal refuses more than 2,000 pending children or activities per
// workflow, and a window that size would blow the per-run history budget anyway.
const (
	maxTableWindow     = 500
	maxPartitionWindow = 200
	maxPlanPageSize    = 1000
)

// WithDefaults returns l with every zero (or out-of-range) field replaced by its
// default or clamped to its ceiling.
func (l Limits) WithDefaults() Limits {
	d := DefaultLimits
	pick := func(v, def, ceiling int) int {
		if v <= 0 {
			return def
		}
		if ceiling > 0 && v > ceiling {
			return ceiling
		}
		return v
	}
	l.TableWindow = pick(l.TableWindow, d.TableWindow, maxTableWindow)
	l.PartitionWindow = pick(l.PartitionWindow, d.PartitionWindow, maxPartitionWindow)
	l.TablesPerRun = pick(l.TablesPerRun, d.TablesPerRun, 0)
	l.PartitionsPerRun = pick(l.PartitionsPerRun, d.PartitionsPerRun, 0)
	l.PlanPageSize = pick(l.PlanPageSize, d.PlanPageSize, maxPlanPageSize)
	l.ExtractRounds = pick(l.ExtractRounds, d.ExtractRounds, 10)
	l.MirrorBatch = pick(l.MirrorBatch, d.MirrorBatch, 500)
	l.HistoryBudget = pick(l.HistoryBudget, d.HistoryBudget, 40000)
	for _, f := range []struct{ v, def *time.Duration }{
		{&l.UploadScheduleToStart, &d.UploadScheduleToStart},
		{&l.HeartbeatTimeout, &d.HeartbeatTimeout},
		{&l.CatalogTimeout, &d.CatalogTimeout},
	} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	return l
}
