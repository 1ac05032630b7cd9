// Package register registers the workflows and activities of each capability on
// Temporal workers by their contract names (the names in activities/snowflakeapi,
// activities/sourceapi and workflows): the orchestrator's in Orchestrator, and each
// capability's source-side activities in its own file. The workers binary and the
// end-to-end tests' in-process orchestrators call the same functions, so a test cannot
// run with a registration that production lacks, or the reverse.
package register
