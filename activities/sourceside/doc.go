// Package sourceside holds the activities that run inside the source network, on a
// `workers source` process: introspect a table, plan its partitions page by page,
// extract a partition into local Parquet files, upload them to the Snowflake stage from
// the same host (the files exist only there), and count the rows at the end of a table.
// Their contract with the workflows (names, inputs, results) is package
// activities/sourceapi.
//
// Activities is a struct with injected clients (a pgx pool for the worker's one
// source connection, the dialect, a Stager over the gosnowflake connection) and no
// globals. Permanent failures (missing table or column, bad configuration, a value
// Snowflake cannot hold, wrong platform, bad credentials) leave as non-retryable
// application errors of the types in package activities.
package sourceside
