package snowflakeapi

import "github.com/snowmigrate/snowmigrate/migration"

// Locating differing rows (docs/checksums.md, "Locating differences"): the target side
// of workflows.LocateDifferences, on the orchestrator's queue.
const (
	BucketChecksumsName = "SnowflakeBucketChecksums"
	BucketRowsName      = "SnowflakeBucketRows"
	// RecordDifferencesName writes the differences found for a partition into
	// ROW_DIFFERENCE (shown by DATA_MIGRATION_ERROR).
	RecordDifferencesName = "SnowflakeRecordDifferences"
)

// BucketsInput asks for the key-hash bucket checksums or the rows of some buckets of
// the target rows in a partition's key range.
type BucketsInput struct {
	ConnectionName string              `json:"connectionName"`
	Target         migration.TableRef  `json:"target"`
	Columns        []migration.Column  `json:"columns"`
	PartitionBy    []int               `json:"partitionBy"`
	Partition      migration.Partition `json:"partition"`
	// Window restricts the range to a watermark re-sync's rows (nil: every row).
	Window *migration.WatermarkWindow `json:"watermarkWindow,omitempty"`
	// KeyColumns are indexes into Columns forming the key text (empty: every column).
	KeyColumns []int `json:"keyColumns,omitempty"`
	// KeysOnly checksums key texts instead of row texts (key sets).
	KeysOnly bool `json:"keysOnly,omitempty"`
	// Depth is the bucket prefix length in hex digits (1..migration.MaxBucketDepth).
	Depth int `json:"depth"`
	// Buckets restricts the rows to these key-hash prefixes (required by BucketRows).
	Buckets []string `json:"buckets,omitempty"`
	// Limit bounds BucketRows' rows.
	Limit int `json:"limit,omitempty"`
	// MaxBytes bounds BucketRows' payload (0: DefaultMaxBucketBytes).
	MaxBytes int `json:"maxBytes,omitempty"`
}

// DefaultMaxBucketBytes keeps a listing well under Temporal's 2 MB payload limit.
const DefaultMaxBucketBytes = 1 << 20

// BucketChecksumsResult lists the non-empty buckets in prefix order.
type BucketChecksumsResult struct {
	Buckets []migration.Bucket `json:"buckets"`
}

// BucketRowsResult lists the rows of the requested buckets, ordered by key text;
// TooLarge: MaxBytes was reached and only the rows before were returned.
type BucketRowsResult struct {
	Rows     []migration.RowImage `json:"rows"`
	TooLarge bool                 `json:"tooLarge,omitempty"`
}

// RecordDifferencesInput records one partition's located differences (idempotent:
// a retry replaces the partition's rows of this run).
type RecordDifferencesInput struct {
	ConnectionName   string                    `json:"connectionName"`
	Migration        string                    `json:"migration"`
	MigrationRunID   string                    `json:"migrationRunId"`
	TableKey         string                    `json:"tableKey"`
	SourceIdentifier string                    `json:"sourceIdentifier,omitempty"`
	Partition        int                       `json:"partition"`
	Differences      []migration.RowDifference `json:"differences"`
	// Truncated: more differences exist than were located (or recorded).
	Truncated bool `json:"truncated,omitempty"`
}
