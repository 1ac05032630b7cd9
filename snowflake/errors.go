package snowflake

import (
	"errors"
	"strings"

	sf "github.com/snowflakedb/gosnowflake"
)

// Snowflake error numbers this product reacts to.
const (
	errNumSyntax          = 1003   // SQL compilation error
	errNumDoesNotExist    = 2003   // object does not exist or not authorized
	errNumInsufficientPrv = 3001   // insufficient privileges
	errNumLoginFailed     = 390100 // incorrect username or password
	errNumSessionGone     = 390112 // session expired (the driver renews; seen only if that fails)
	errNumUserLocked      = 390102
	errNumUserDisabled    = 390101
)

// Class is how an error should be handled at the activity boundary.
type Class int

const (
	// Retryable: network trouble, 5xx after the driver's own retries, anything unknown.
	Retryable Class = iota
	// Credentials: the login was refused; fix connections.toml.
	Credentials
	// Missing: an object does not exist or this role cannot see it.
	Missing
	// Permission: the role lacks a privilege.
	Permission
	// Invalid: SQL or data Snowflake rejects; retrying the same statement fails the same way.
	Invalid
)

// Classify sorts an error from the driver. Context cancellation is Retryable (the
// activity framework decides what a cancelled attempt means).
func Classify(err error) Class {
	if err == nil {
		return Retryable
	}
	if errors.Is(err, ErrInvalidConnection) {
		return Credentials
	}
	var se *sf.SnowflakeError
	if errors.As(err, &se) {
		switch {
		case se.Number == errNumLoginFailed || se.Number == errNumUserLocked || se.Number == errNumUserDisabled:
			return Credentials
		case se.SQLState == sf.SQLStateConnectionRejected && se.Number >= 390000 && se.Number < 391000:
			return Credentials
		case se.Number == errNumDoesNotExist || se.SQLState == "42S02" || se.SQLState == "02000" && strings.Contains(strings.ToLower(se.Message), "does not exist"):
			return Missing
		case se.Number == errNumInsufficientPrv || se.SQLState == "42501":
			return Permission
		case se.Number == errNumSessionGone:
			return Retryable
		case se.Number >= 390000 && se.Number < 400000:
			// Other GS/session errors (e.g. 390144 JWT invalid) are authentication problems.
			return Credentials
		case se.Number == errNumSyntax || (se.Number >= 2000 && se.Number < 3000) || (se.Number >= 100000 && se.Number < 200000):
			return Invalid
		}
		return Retryable
	}
	// Network errors, timeouts and HTTP failures the driver gave up on: try again later.
	return Retryable
}

// IsLoginError reports whether the login was refused (bad user, password, token or key).
func IsLoginError(err error) bool { return Classify(err) == Credentials }

// errNumFileNotFound is COPY's "Remote file ... was not found" (a FILES entry missing).
const errNumFileNotFound = 100069

// IsStagedFileMissing reports whether a COPY failed because a file it was told to load is
// not on the stage.
func IsStagedFileMissing(err error) bool {
	var se *sf.SnowflakeError
	if !errors.As(err, &se) {
		return false
	}
	return se.Number == errNumFileNotFound || strings.Contains(se.Message, "was not found")
}
