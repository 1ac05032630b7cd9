package source

import "errors"

// Sentinel errors; wrap them with %w and a message naming the object and the fix.
// The activity boundary (activities/sourceside) turns them into non-retryable
// application errors of the matching type.
var (
	// ErrMissing: a source database, table or column does not exist.
	ErrMissing = errors.New("source object missing")
	// ErrConfig: the table's configuration cannot be applied (bad mapping, bad
	// whereClauseCriteria, unsupported partition column type…).
	ErrConfig = errors.New("invalid table configuration")
	// ErrData: a value cannot be represented in Snowflake (e.g. 'infinity' dates).
	ErrData = errors.New("value not representable in Snowflake")
)
