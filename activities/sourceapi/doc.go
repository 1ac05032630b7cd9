// Package sourceapi is the contract of the source activities (package
// activities/sourceside, run by `workers source`): their registered names, inputs and
// results. The workflows and the starter import it instead of the implementation, so
// they link no database driver, no Parquet library and no cloud SDK (a test in starter/
// checks `go list -deps ./starter`).
//
// It imports only activities and config. The names and the JSON field names are part of
// every recorded workflow history: renaming one breaks the replay of running workflows.
// Permanent failures leave the activities as non-retryable application errors of the
// types in package migration (ErrType*).
package sourceapi
