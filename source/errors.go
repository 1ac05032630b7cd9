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
	// ErrCredentials: the source refused the login (wrong user or password, expired
	// token): permanent until someone fixes the worker configuration.
	ErrCredentials = errors.New("source login refused")
	// ErrPermission: the login works but may not read the object (GRANT SELECT, or the
	// catalog views, to the worker's user).
	ErrPermission = errors.New("permission denied on the source")
)
