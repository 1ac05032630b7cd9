// Package e2e holds the end-to-end tests: the real binaries (bin/starter, bin/workers)
// as processes, a real Temporal dev server, a real PostgreSQL and the Snowflake
// emulator. They check what a data engineer would check after a migration: every
// value, every type, no duplicates, the failure semantics and what the metadata says.
package e2e
