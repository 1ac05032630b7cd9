// Package testenv starts the real services the product's tests run against: a private
// PostgreSQL cluster, the project's Snowflake emulator and a Temporal dev server, all on
// 127.0.0.1 with free ports and temporary directories.
//
// Services are real processes, never fakes. PostgreSQL and Temporal are shared by all
// tests of one test binary (starting them costs seconds); the emulator is started per
// call so that tests do not see each other's tables. Every child process gets
// PR_SET_PDEATHSIG so that nothing outlives the test binary, even when a test panics.
//
// When a binary is missing the test is skipped with the reason, except under CI=true,
// where a missing binary is a failure: CI installs everything (.ci/run).
package testenv
