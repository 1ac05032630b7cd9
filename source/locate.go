package source

import (
	"context"
	"fmt"

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
	// (only of rows under req.Buckets when set), in prefix order. A bucket's checksum
	// is the partition checksum (docs/checksums.md) of its rows' row texts (key texts
	// when req.KeysOnly).
	BucketChecksums(ctx context.Context, req BucketRequest) ([]migration.Bucket, error)
	// BucketRows lists the rows under req.Buckets (at most req.Limit), ordered by key
	// text (byte order).
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
	// Depth is how many hex digits of the key-text MD5 name a bucket
	// (1..migration.MaxBucketDepth).
	Depth int
	// Buckets restricts the rows to those whose key-text MD5 starts with one of these
	// prefixes (each 1..Depth lower-case hex digits; a shorter one than Depth asks for
	// its sub-buckets); empty means every row of the range.
	Buckets []string
	// Limit bounds BucketRows (required there: > 0).
	Limit int
}

// CheckBucketRequest validates what every dialect needs before building SQL: the
// depth and prefixes (hex only: they become literals), the key column indexes and,
// for listing (rows true), a positive limit and at least one bucket (a listing never
// covers a whole range).
func CheckBucketRequest(req BucketRequest, rows bool) error {
	if err := migration.CheckBucketPrefixes(req.Depth, req.Buckets); err != nil {
		return fmt.Errorf("%w: %v", ErrConfig, err)
	}
	for _, k := range req.KeyColumns {
		if k < 0 || k >= len(req.Columns) {
			return fmt.Errorf("%w: key column index %d is out of range (%d columns)", ErrConfig, k, len(req.Columns))
		}
	}
	if rows && (req.Limit <= 0 || len(req.Buckets) == 0) {
		return fmt.Errorf("%w: listing bucket rows needs a positive limit and at least one bucket", ErrConfig)
	}
	return nil
}

// LocateKeyColumns returns KeyColumns, or every column's index when it is empty (a
// table without a key: the whole row is its identity).
func (req BucketRequest) LocateKeyColumns() []int {
	if len(req.KeyColumns) > 0 {
		return req.KeyColumns
	}
	all := make([]int, len(req.Columns))
	for i := range all {
		all[i] = i
	}
	return all
}
