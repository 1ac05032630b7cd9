package workflows

import (
	"errors"
	"unicode/utf8"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
)

// Error types with which the workflows themselves fail. Their details carry the
// result, so a caller that sees the workflow fail still gets the counts: use
// MigrationResultFromError / TableResultFromError.
const (
	ErrTypeTableFailed     = "TableMigrationFailed"
	ErrTypeMigrationFailed = "MigrationFailed"
)

// MigrationResultFromError extracts the MigrationResult carried by a failed
// DataMigrationWorkflow (outcome FAILED), e.g. from client.WorkflowRun.Get's error.
func MigrationResultFromError(err error) (MigrationResult, bool) {
	var res MigrationResult
	return res, detailsOf(err, ErrTypeMigrationFailed, &res)
}

// TableResultFromError extracts the TableResult carried by a failed
// TableMigrationWorkflow (status FAILED).
func TableResultFromError(err error) (TableResult, bool) {
	var res TableResult
	return res, detailsOf(err, ErrTypeTableFailed, &res)
}

func detailsOf(err error, errType string, out any) bool {
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != errType || !appErr.HasDetails() {
		return false
	}
	return appErr.Details(out) == nil
}

// applicationType is the type of the innermost application error in err, or "".
func applicationType(err error) string {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr.Type()
	}
	return ""
}

// isScheduleToStartTimeout tells that an activity was never picked up: for an upload,
// the host holding the files is gone.
func isScheduleToStartTimeout(err error) bool {
	var te *temporal.TimeoutError
	return errors.As(err, &te) && te.TimeoutType() == enumspb.TIMEOUT_TYPE_SCHEDULE_TO_START
}

// message is the most useful one-line text of an activity or child error: the
// innermost cause's message, without the SDK's wrapping prefixes.
func message(err error) string {
	if err == nil {
		return ""
	}
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr.Message()
	}
	var te *temporal.TimeoutError
	if errors.As(err, &te) {
		return te.TimeoutType().String() + " timeout: " + te.Error()
	}
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}

// truncate keeps error texts small enough for results, memos and metadata rows.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
