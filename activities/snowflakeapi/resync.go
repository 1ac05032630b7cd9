package snowflakeapi

import "github.com/snowmigrate/snowmigrate/migration"

// Re-sync by checksum (docs/sync.md): the Snowflake-side activities a checksum
// synchronization adds.
const (
	ReadChecksumBaselinesName = "SnowflakeReadChecksumBaselines"
	LoadResyncPartitionName   = "SnowflakeLoadResyncPartition"
	RecordResyncSkipName      = "SnowflakeRecordResyncSkip"
)

// ReadChecksumBaselinesInput pages the partitions BaselineRunID recorded, in number
// (= key) order after AfterNumber, with their source checksums.
type ReadChecksumBaselinesInput struct {
	ConnectionName string `json:"connectionName"`
	Migration      string `json:"migration"`
	BaselineRunID  string `json:"baselineRunId"`
	TableKey       string `json:"tableKey"`
	AfterNumber    int    `json:"afterNumber"` // -1: from the start
	MaxPartitions  int    `json:"maxPartitions"`
}

// ChecksumBaseline is one recorded partition and the checksum its run recorded for
// it ("" when none: the partition did not complete, or its run did not checksum).
type ChecksumBaseline struct {
	Partition migration.Partition `json:"partition"`
	Checksum  string              `json:"checksum,omitempty"`
	// Fingerprint is the source's change fingerprint of the same rows (""
	// when its run recorded none: an older release, or a source without one).
	Fingerprint string `json:"fingerprint,omitempty"`
}

// ReadChecksumBaselinesResult is one page.
type ReadChecksumBaselinesResult struct {
	Partitions []ChecksumBaseline `json:"partitions"`
	Done       bool               `json:"done"`
}

// LoadResyncPartitionInput replaces a partition's key range exactly once: in the one
// transaction that records the partition loaded, the target rows of the range are
// deleted, the staged files copied in, and Checksum recorded as the partition's new
// baseline with Action (LOADED for a first run or a new range, RELOADED for a changed
// one). A retry that finds the partition loaded does nothing.
type LoadResyncPartitionInput struct {
	LoadPartitionInput
	PartitionBy []int  `json:"partitionBy"`
	Checksum    string `json:"checksum"` // the extractor's checksum of the rows staged
	// Fingerprint is the source's fingerprint of the same rows, read in the
	// extraction's snapshot ("" when none): recorded beside Checksum.
	Fingerprint string `json:"fingerprint,omitempty"`
	Action      string `json:"action"`
	// RangeEmpty says that this migration run emptied the target (a table's first,
	// full, run: PrepareTarget truncated it once), so the range holds nothing but what
	// an earlier attempt of this partition committed, which the marker finds: the
	// DELETE is skipped. A DELETE holds the table's lock until COMMIT, COPY included,
	// so with it every partition of a first run loaded one after the other.
	RangeEmpty bool `json:"rangeEmpty,omitempty"`
}

// LoadResyncPartitionResult reports rows copied and target rows the replace removed.
type LoadResyncPartitionResult struct {
	RowsLoaded    int64 `json:"rowsLoaded"`
	RowsDeleted   int64 `json:"rowsDeleted"`
	AlreadyLoaded bool  `json:"alreadyLoaded"`
}

// RecordResyncSkipInput records partitions whose source checksum equals their
// baseline: COMPLETED, SKIPPED, with the checksum carried forward as this run's
// baseline (so that the next run compares with it).
type RecordResyncSkipInput struct {
	ConnectionName string       `json:"connectionName"`
	Migration      string       `json:"migration"`
	MigrationRunID string       `json:"migrationRunId"`
	TableKey       string       `json:"tableKey"`
	Skips          []ResyncSkip `json:"skips"`
}

// ResyncSkip is one skipped partition.
type ResyncSkip struct {
	Partition migration.Partition `json:"partition"`
	Checksum  string              `json:"checksum"`
	// Fingerprint is carried forward with Checksum ("" when none).
	Fingerprint string `json:"fingerprint,omitempty"`
	Rows        int64  `json:"rows"` // rows the source holds in the range (= the target's)
}

// What a run did with a partition (PARTITION_METADATA.SYNC_ACTION; the same values
// as the snowflake package's SyncAction*).
const (
	SyncActionLoaded   = "LOADED"   // extracted and loaded: a first run, or a key range new since the last run
	SyncActionSkipped  = "SKIPPED"  // the source checksum equals the baseline: nothing moved
	SyncActionReloaded = "RELOADED" // the checksum changed: the key range was replaced
	SyncActionDeleted  = "DELETED"  // trackDeletions: keys that vanished from the source were deleted
)

// DeleteVanishedKeysName deletes, for trackDeletions, target rows of a key range whose
// keys no longer exist on the source (found by workflows.LocateDifferences with
// KeysOnly), in one transaction with the partition's metadata row.
const DeleteVanishedKeysName = "SnowflakeDeleteVanishedKeys"

// DeleteVanishedKeysInput names the range and the key texts to delete.
type DeleteVanishedKeysInput struct {
	ConnectionName string              `json:"connectionName"`
	Migration      string              `json:"migration"`
	MigrationRunID string              `json:"migrationRunId"`
	TableKey       string              `json:"tableKey"`
	Target         migration.TableRef  `json:"target"`
	Columns        []migration.Column  `json:"columns"`
	PartitionBy    []int               `json:"partitionBy"`
	Partition      migration.Partition `json:"partition"`
	KeyColumns     []int               `json:"keyColumns"` // indexes into Columns, as the locate used them
	Keys           []string            `json:"keys"`       // key texts (docs/checksums.md)
}

// DeleteVanishedKeysResult counts the target rows deleted.
type DeleteVanishedKeysResult struct {
	RowsDeleted int64 `json:"rowsDeleted"`
}
