package source

import (
	"context"

	"github.com/snowmigrate/snowmigrate/migration"
)

// Locator is implemented by sources that can drill into a key range whose checksum
// differs from the target's (docs/checksums.md, "Locating differences"): the range's
// rows are grouped into buckets by the MD5 of their key text, each bucket is
// checksummed in SQL on the source, and the rows of chosen buckets are listed with
// their canonical texts. Snowflake computes the same buckets (package snowflake), so
// comparing bucket checksums narrows a difference to a few buckets without moving the
// partition, and comparing those buckets' rows names the keys and columns.
type Locator interface {
	// BucketChecksums returns the checksum of every non-empty bucket of req's rows
	// (only of req.Buckets when set), in prefix order.
	BucketChecksums(ctx context.Context, req BucketRequest) ([]migration.Bucket, error)
	// BucketRows lists the rows of req.Buckets (at most req.Limit), ordered by key text.
	BucketRows(ctx context.Context, req BucketRequest) ([]migration.RowImage, error)
}

// BucketRequest selects the rows Extract would read for ExtractRequest (range, filter,
// watermark window) and how to bucket them.
type BucketRequest struct {
	ExtractRequest
	// KeyColumns are indexes into Columns whose fields form a row's key text; empty
	// means every column (a table without a key: the whole row is its identity).
	KeyColumns []int
	// KeysOnly makes the row text the key text: key-set checksums, which change only
	// when keys appear or vanish (re-sync's trackDeletions).
	KeysOnly bool
	// Depth is how many hex digits of the key-text MD5 name a bucket (1..4).
	Depth int
	// Buckets restricts the rows to these prefixes (each Depth digits, lower-case);
	// empty means every bucket.
	Buckets []string
	// Limit bounds BucketRows (required there: > 0).
	Limit int
}
