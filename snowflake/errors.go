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
	errNumAlreadyExists   = 2002   // object already exists
	errNumLockTimeout     = 625    // waited longer than LOCK_TIMEOUT for a lock
	errNumCanceled        = 604    // statement canceled (also: its transaction was aborted)
	errNumLoginFailed     = 390100 // incorrect username or password
	errNumUserLocked      = 390102
	errNumUserDisabled    = 390101
)

// Session lifecycle codes: the session ended (idle timeout, aborted, server restart) or
// its tokens expired. They say nothing about the credentials: a new login fixes them, so
// they are retried with a fresh connection, never reported as a bad connections.toml.
var sessionExpiredNumbers = map[int]bool{
	390111: true, // session no longer exists; new login required
	390112: true, // session token expired (the driver renews it; seen only if that fails)
	390114: true, // authentication (master) token expired; the user must authenticate again
}

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
		case sessionExpiredNumbers[se.Number]:
			return Retryable
		case se.Number == errNumLoginFailed || se.Number == errNumUserLocked || se.Number == errNumUserDisabled:
			return Credentials
		case se.SQLState == sf.SQLStateConnectionRejected && se.Number >= 390000 && se.Number < 391000:
			return Credentials
		case se.Number == errNumDoesNotExist || se.SQLState == "42S02" || se.SQLState == "02000" && strings.Contains(strings.ToLower(se.Message), "does not exist"):
			return Missing
		case se.Number == errNumInsufficientPrv || se.SQLState == "42501":
			return Permission
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

func number(err error) int {
	var se *sf.SnowflakeError
	if errors.As(err, &se) {
		return se.Number
	}
	return 0
}

// IsSessionExpired reports whether the statement failed because its session is gone
// (the connection must be discarded; a new one logs in again).
func IsSessionExpired(err error) bool { return sessionExpiredNumbers[number(err)] }

// IsAlreadyExists reports Snowflake's "object already exists" (002002). A CREATE … IF
// NOT EXISTS can still see it while a concurrent creator's statement is in flight.
func IsAlreadyExists(err error) bool { return number(err) == errNumAlreadyExists }

// IsLockTimeout reports a statement that waited longer than LOCK_TIMEOUT for a lock
// (625): another transaction holds it; retrying later is the cure.
func IsLockTimeout(err error) bool { return number(err) == errNumLockTimeout }

// IsCanceled reports a statement canceled by the server (604), as happens to the
// statements of a transaction aborted by SYSTEM$ABORT_TRANSACTION.
func IsCanceled(err error) bool { return number(err) == errNumCanceled }

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
