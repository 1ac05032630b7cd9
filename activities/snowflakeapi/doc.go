// Package snowflakeapi is the contract of the Snowflake activities (package
// activities/snowflakeside, run by `workers orchestrator`): their registered names,
// inputs and results, the warning categories the workflows record, and the error types
// the activities add to migration.ErrType*. The workflows and the starter import it
// instead of the implementation, so they link neither gosnowflake nor its cloud SDKs (a
// test in starter/ checks `go list -deps ./starter`).
//
// It imports only activities and config. The names and the JSON field names are part of
// every recorded workflow history: renaming one breaks the replay of running workflows.
package snowflakeapi
