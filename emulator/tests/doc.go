// Package tests drives the emulator through the real gosnowflake driver, the way the
// product does: protocol (login, async, abort, errors), SQL (types, binds, transactions,
// MERGE, catalog), stages and COPY, persistence across restarts, fuzzing of the HTTP
// endpoint, and the benchmarks (COPY throughput, statement round trip). Each test starts
// its own in-process server with emulatortest.Start on a fresh data directory.
package tests
