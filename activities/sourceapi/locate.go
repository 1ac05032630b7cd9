package sourceapi

import "github.com/snowmigrate/snowmigrate/migration"

// Locating differing rows (docs/checksums.md, "Locating differences"): the source
// side of workflows.LocateDifferences. Both activities run on the shared source queue
// and read the same rows as Extract of ExtractInput (range, filter, watermark window).
const (
	BucketChecksumsName = "SourceBucketChecksums"
	BucketRowsName      = "SourceBucketRows"
)

// BucketsInput asks for the key-hash bucket checksums (BucketChecksums) or the rows of
// some buckets (BucketRows) of one partition's rows on the source.
type BucketsInput struct {
	ExtractInput
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
	// MaxBytes bounds BucketRows' payload (key and row texts); 0 = the default
	// (DefaultMaxBucketBytes). Rows beyond it are not returned and TooLarge is set.
	MaxBytes int `json:"maxBytes,omitempty"`
}

// DefaultMaxBucketBytes keeps a listing well under Temporal's 2 MB payload limit.
const DefaultMaxBucketBytes = 1 << 20

// BucketChecksumsResult lists the non-empty buckets in prefix order.
type BucketChecksumsResult struct {
	Buckets []migration.Bucket `json:"buckets"`
}

// BucketRowsResult lists the rows of the requested buckets, ordered by key text.
// TooLarge: the rows exceeded MaxBytes and only those before were returned; the
// caller splits the buckets deeper.
type BucketRowsResult struct {
	Rows     []migration.RowImage `json:"rows"`
	TooLarge bool                 `json:"tooLarge,omitempty"`
}
