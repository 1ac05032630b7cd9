// Package migration is the domain model at the ground floor: table references,
// columns with their source and target types, the table shape introspection produces
// (TableShape, the one description that travels from introspection to extraction),
// partitions as key ranges, staged files, statuses, error types, and the partition
// path helpers shared by the stage, the work directory and UNLOAD prefixes. It imports
// nothing of the project (checked by starter/deps_test.go); source/, snowflake/, the
// activities and the workflows import it.
package migration
