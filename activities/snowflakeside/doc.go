// Package snowflakeside holds the activities that run with the orchestrator and talk to
// Snowflake: the metadata mirror (EnsureMetadata, RecordWorkflow, RecordTable,
// RecordPartitions), target preparation (PrepareTarget), the load (LoadPartition) and
// the per-partition count check (VerifyPartition), and warnings (RecordWarnings). Their
// contract with the workflows (names, inputs, results, error types) is package
// activities/snowflakeapi; the SQL itself is built by package snowflake.
//
// Exactly once: a partition's COPY INTO and the UPDATE that sets its LOADED_AT in
// PARTITION_METADATA commit in one transaction on one connection. A retried load reads
// that row first and loads nothing when it is set; two overlapping attempts (a timed-out
// attempt still running) cannot both commit, because the UPDATE only matches a row whose
// LOADED_AT is still NULL and the loser rolls its COPY back. With synchronization "none",
// PrepareTarget empties the target once per migration run (TRUNCATE, then a marker in
// TABLE_METADATA), so a re-run replaces the table's content instead of appending to it.
//
// Errors: a refused login, a missing object, a missing privilege and data Snowflake
// rejects are returned as non-retryable application errors that name the object and say
// what to do; network trouble and unknown errors are returned as plain errors, which the
// activity retry policy retries.
package snowflakeside
