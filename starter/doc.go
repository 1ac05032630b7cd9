// Command starter is the user's command line for migrations: it validates a workflow
// configuration locally and starts DataMigrationWorkflow on Temporal, and lists, shows,
// watches, pauses, resumes and cancels migrations. It talks only to Temporal: it never
// connects to a source or to Snowflake, and never reads or prints a worker's TOML.
//
// Exit codes: 0 success; 1 failure (a Temporal error, a migration that is already
// running, or, for watch, a migration that ended with a failed or cancelled table);
// 2 invalid usage or configuration (nothing was started); 3 watch stopped at its
// --timeout while the migration is still running.
package main
