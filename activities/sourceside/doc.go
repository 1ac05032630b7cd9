// Package sourceside holds the activities that run inside the source network, on a
// `workers source` process: introspect a table, plan its partitions page by page,
// extract a partition into local Parquet files, upload them to the Snowflake stage from
// the same host (the files exist only there), and count the rows at the end of a table.
// Their contract with the workflows (names, inputs, results) is package
// activities/sourceapi.
//
// Activities is a struct with injected clients (the worker's one source.Source, opened
// through the registry for whatever platform its TOML names; a Stager over the
// gosnowflake connection) and no globals; it links no source driver. Permanent
// failures (missing table or column, bad configuration, a value Snowflake cannot hold,
// wrong platform, bad credentials, missing permission) arrive as the source package's
// sentinel errors and leave as non-retryable application errors of the types in
// package migration.
package sourceside
