// Package workflows owns the Temporal workflows of a migration and their contracts
// (api.go: names, task queues, IDs, inputs, results, queries and updates). It calls
// activities by name through their contracts only (activities/sourceapi,
// activities/snowflakeapi), never through their implementations, which workers/
// registers: so the starter, which imports this package, links no database driver, no
// Parquet library and no cloud SDK.
//
// DataMigrationWorkflow (one per migration, ID = its name) validates the configuration
// with the same pure code as the starter, ensures the metadata schema, then runs one
// TableMigrationWorkflow child per table through a bounded window. TableMigrationWorkflow
// introspects its table, prepares the target, plans partitions page by page and runs
// every partition through extract → upload (on the extracting host's own queue) → load →
// verify in a bounded window.
//
// Both continue as new before their histories grow (a few hundred children or
// partitions per run, or the server's suggestion, or a history-length budget), carrying
// only counters, a plan cursor and the introspection result; they drain their window
// first, so no activity or child is ever abandoned across runs. Determinism: workflow
// code uses only workflow.Now, workflow.Go, Await and Selector; maps are read through
// workflow.DeterministicKeys when the order matters; config.Normalize is pure.
//
// docs/workflows.md describes the behaviour (states, retries, pause/resume/cancel,
// limits) for operators.
package workflows
