package workflows

import (
	"time"

	"github.com/snowmigrate/snowmigrate/activities/sourceapi"
	"github.com/snowmigrate/snowmigrate/migration"
)

// TableState is carried by TableMigrationWorkflow across continue-as-new. It never holds
// a partition list: the plan is resumed from a keyset cursor (PlanAfter), so its size
// depends on the table's column count, not on its row or partition count.
type TableState struct {
	StartedAt time.Time                  `json:"startedAt"`
	Intro     sourceapi.IntrospectResult `json:"intro"`  // introspection, done once
	Target    migration.TableRef         `json:"target"` // resolved by PrepareTarget

	// Plan cursor: the next PlanPartitions call asks for keys strictly after PlanAfter,
	// numbering from NextNumber. NullKeysDone keeps the NULL-key partition (planned only
	// when After is nil) from being started twice.
	PlanAfter    []string `json:"planAfter,omitempty"`
	PlanDone     bool     `json:"planDone,omitempty"`
	NextNumber   int      `json:"nextNumber"`
	NullKeysDone bool     `json:"nullKeysDone,omitempty"`

	// Counters over every run so far.
	Started     int    `json:"started"` // partitions started (each reaches exactly one final state)
	Completed   int    `json:"completed"`
	Failed      int    `json:"failed"`
	Cancelled   int    `json:"cancelled,omitempty"`
	Rows        int64  `json:"rows"`
	Bytes       int64  `json:"bytes"`
	Redone      int    `json:"redone,omitempty"`      // extract rounds redone because the upload host vanished
	FirstError  string `json:"firstError,omitempty"`  // first partition error, shown in the table's message
	MirrorError string `json:"mirrorError,omitempty"` // last mirror write that was dropped (the mirror is a view)
	Paused      bool   `json:"paused,omitempty"`
	Runs        int    `json:"runs,omitempty"` // continue-as-new count so far

	// FirstErrorCount counts the failed partitions whose error has FirstError's shape
	// (numbers aside; see countFirstError), for progress views.
	FirstErrorCount int `json:"firstErrorCount,omitempty"`

	// Sync is the watermark re-sync's window and reused plan (partition_watermark_plan.go);
	// nil for synchronization none.
	Sync *SyncState `json:"sync,omitempty"`

	// Checksum is the checksum re-sync's baseline run and counters
	// (partition_checksum_plan.go); nil for other strategies.
	Checksum *ChecksumState `json:"checksum,omitempty"`
}
